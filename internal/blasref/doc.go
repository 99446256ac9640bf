// Package blasref measures the machine's OpenBLAS SGEMM, the roof the native
// engine's benchmarks compare against. The library is loaded at run time
// with purego (no cgo), from Debian's libopenblas-dev (libopenblas.so.0).
// It is used only by benchmarks and tests; score itself never loads BLAS.
package blasref
