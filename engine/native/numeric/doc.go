// Package numeric holds the native engine's kernels for TensorFlow's math,
// neural-network and array/shape ops (Add, MatMul, Conv2D, MaxPool, Max,
// Reshape, StridedSlice, GatherV2, ResourceGather, ...), registered into an
// op.Set by Register, plus Sgemm, the float32 matrix product they share.
//
// Contract: every kernel follows TensorFlow's CPU semantics, including its
// errors: a shape mismatch or an out-of-range index is an error from
// c.Errorf naming the node (TensorFlow never clamps gather indices on CPU).
// Kernels never modify their inputs; they may return an input unchanged or
// a view of it (Reshape, ExpandDims, Squeeze, an identity Transpose, a
// one-input ConcatV2 share the input's data). Binary ops broadcast per
// numpy rules. A kernel that panics on inputs contradicting its attrs is
// turned into an error naming the node (see guarded), so a malformed graph
// cannot crash a run.
//
// Op specs are TensorFlow's OpDefs (argument and attr names, attr
// defaults), because saved graphs strip default attrs and function bodies
// name outputs by argument name (MatMul:product:0, Unpack:output:1).
//
// Performance: float32 is first-class. Sgemm packs B panels, reads A in
// place where it can, blocks for cache and runs a 6×16 register-tiled
// micro-kernel: AVX2+FMA assembly on amd64 when the CPU has it (chosen at
// run time with golang.org/x/sys/cpu; build tag purego disables it), a
// portable Go kernel otherwise. Conv2D with a one-row filter (Keras Conv1D:
// ExpandDims+Conv2D+Squeeze) multiplies strided views of the input by a
// filter packed once, with no im2col copy; other convolutions use im2col.
// Elementwise ops are typed loops with no per-element interface calls.
//
// Kernels may use up to c.Threads() goroutines and are safe to run
// concurrently with each other.
package numeric
