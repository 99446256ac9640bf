// Package tensor holds the dense, host-memory tensor that every part of score
// exchanges: the savedmodel reader decodes constants and checkpoint variables
// into it, engines take and return it, and the pipeline builds its batches in it.
//
// A Tensor is a data type, a shape and one flat Go slice in row-major order. The
// slice type is fixed by the data type (see DType.GoType), so kernels reach the
// values without copies through the generic Values function.
//
// Ownership: a Tensor returned by a function belongs to the caller. Functions
// that take a Tensor never keep it after they return unless their doc says so.
// Tensors are not safe for concurrent mutation; concurrent reads are fine.
package tensor
