// Package numeric holds the native engine's kernels for TensorFlow's math,
// neural-network and array/shape ops (Add, MatMul, Conv2D, MaxPool, Max,
// Reshape, StridedSlice, GatherV2, ...), registered into an op.Set by
// Register.
//
// Contract: every kernel follows TensorFlow's CPU semantics, including its
// errors: a shape mismatch or an out-of-range index is an error from
// c.Errorf naming the node (TensorFlow never clamps gather indices on CPU).
// Kernels never modify their inputs; they may return an input unchanged
// (Reshape, ExpandDims and Squeeze share the input's data). Binary ops
// broadcast per numpy rules. float32 is first-class (tight loops, a packed,
// register-tiled GEMM with an AVX2+FMA micro-kernel on amd64); float64, the
// integer types, bool and string are supported where TensorFlow registers
// them on CPU.
//
// Kernels may use up to c.Threads() goroutines and are safe to run
// concurrently with each other.
package numeric
