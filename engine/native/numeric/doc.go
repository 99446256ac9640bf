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
// place where it can, blocks for cache and runs register-tiled
// micro-kernels chosen at run time with golang.org/x/sys/cpu: with
// AVX-512F a 12×16 and a 6×16 zmm kernel (embedded-broadcast FMAs, column
// tails masked so partial tiles need no scratch copy), else the 6×16
// AVX2+FMA one; build tag purego (or another architecture) selects the
// portable Go kernel. The packed form of a weight (a Conv2D filter, a
// MatMul's b) is cached across calls, keyed by its data pointer and
// geometry, checked against a private copy of its contents unless the
// executor vouches for it (the optional op.Context extension ConstInputs),
// and bounded in memory (packcache.go). Conv2D with a one-row
// filter (Keras Conv1D: ExpandDims+Conv2D+Squeeze) multiplies strided
// views of the input by the packed filter, with no im2col copy; a batch
// smaller than the thread count splits each product's columns instead.
// Other convolutions use im2col. Conv2DSplit serves executors that fuse
// sibling convolutions: it computes the wide product once and writes each
// part's output directly, never materializing the wide output.
// Elementwise ops are typed loops with no per-element interface calls; the
// hot max loops (MaxPool without padding, Max over an axis) and
// BiasReluF32, the fused BiasAdd+Relu pass offered to executors, use AVX2
// on amd64.
//
// Kernels may use up to c.Threads() goroutines and are safe to run
// concurrently with each other.
package numeric
