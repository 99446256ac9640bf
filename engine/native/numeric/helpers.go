package numeric

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// number is every real numeric Go type a TensorFlow dtype maps to.
type number interface {
	~float32 | ~float64 | ~int32 | ~int64 | ~uint8 | ~int8 | ~int16 | ~uint16 | ~uint32 | ~uint64
}

// integer is the integer subset of number.
type integer interface {
	~int32 | ~int64 | ~uint8 | ~int8 | ~int16 | ~uint16 | ~uint32 | ~uint64
}

// floating is the float subset of number.
type floating interface{ ~float32 | ~float64 }

// isRealNumber reports whether dt is a numeric type with a plain Go slice
// (half and bfloat16 are stored as raw uint16 bits and are excluded).
func isRealNumber(dt tensor.DType) bool {
	switch dt {
	case tensor.Float, tensor.Double, tensor.Int32, tensor.Int64, tensor.Uint8, tensor.Int8,
		tensor.Int16, tensor.Uint16, tensor.Uint32, tensor.Uint64:
		return true
	}
	return false
}

// alloc returns a zeroed tensor; the error names the node.
func alloc(c op.Context, dt tensor.DType, shape []int) (*tensor.Tensor, error) {
	t, err := tensor.Zeros(dt, shape)
	if err != nil {
		return nil, c.Errorf("allocate %s%s: %v", dt, tensor.ShapeString(shape), err)
	}
	return t, nil
}

// allocDirty is alloc for an output every element of which the caller
// stores: lent by the executor when it lends (op.Lender).
func allocDirty(c op.Context, dt tensor.DType, shape []int) (*tensor.Tensor, error) {
	return op.Dirty(c, dt, shape)
}

// wrap builds a tensor over data the kernel computed itself.
func wrap(c op.Context, dt tensor.DType, shape []int, data any) (*tensor.Tensor, error) {
	t, err := tensor.New(dt, shape, data)
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	return t, nil
}

// ints reads an int32 or int64 tensor as []int64.
func ints(c op.Context, what string, t *tensor.Tensor) ([]int64, error) {
	switch v := t.Data().(type) {
	case []int32:
		out := make([]int64, len(v))
		for i, x := range v {
			out[i] = int64(x)
		}
		return out, nil
	case []int64:
		return append([]int64(nil), v...), nil
	}
	return nil, c.Errorf("%s must be int32 or int64, got %s", what, t)
}

// intsView is ints for callers that only read the values: an int64
// tensor's own data, not a copy (a batch's token ids are 200 KB).
func intsView(c op.Context, what string, t *tensor.Tensor) ([]int64, error) {
	if v, ok := t.Data().([]int64); ok {
		return v, nil
	}
	return ints(c, what, t)
}

// scalarInt reads a one-element int32/int64 tensor.
func scalarInt(c op.Context, what string, t *tensor.Tensor) (int64, error) {
	if t.NumElements() != 1 || t.Rank() > 1 {
		return 0, c.Errorf("%s must be a scalar, got %s", what, t)
	}
	v, err := ints(c, what, t)
	if err != nil {
		return 0, err
	}
	return v[0], nil
}

// axisArg normalises a possibly negative axis into [0, rank).
func axisArg(c op.Context, axis int64, rank int) (int, error) {
	if axis < -int64(rank) || axis >= int64(rank) {
		return 0, c.Errorf("axis %d out of range for rank %d", axis, rank)
	}
	if axis < 0 {
		axis += int64(rank)
	}
	return int(axis), nil
}

// intsToShape converts dims, rejecting negatives.
func intsToShape(c op.Context, what string, v []int64) ([]int, error) {
	out := make([]int, len(v))
	for i, d := range v {
		if d < 0 {
			return nil, c.Errorf("%s has negative dimension %d", what, d)
		}
		out[i] = int(d)
	}
	return out, nil
}

// strides returns row-major element strides of shape.
func strides(shape []int) []int {
	s := make([]int, len(shape))
	n := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = n
		n *= shape[i]
	}
	return s
}

func prod(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// copyBlock copies n elements from src[sOff:] to dst[dOff:]; dst and src are
// flat tensor slices of the same Go type.
func copyBlock(dst, src any, dOff, sOff, n int) {
	switch d := dst.(type) {
	case []float32:
		copy(d[dOff:dOff+n], src.([]float32)[sOff:])
	case []float64:
		copy(d[dOff:dOff+n], src.([]float64)[sOff:])
	case []int32:
		copy(d[dOff:dOff+n], src.([]int32)[sOff:])
	case []int64:
		copy(d[dOff:dOff+n], src.([]int64)[sOff:])
	case []uint8:
		copy(d[dOff:dOff+n], src.([]uint8)[sOff:])
	case []int8:
		copy(d[dOff:dOff+n], src.([]int8)[sOff:])
	case []int16:
		copy(d[dOff:dOff+n], src.([]int16)[sOff:])
	case []uint16:
		copy(d[dOff:dOff+n], src.([]uint16)[sOff:])
	case []uint32:
		copy(d[dOff:dOff+n], src.([]uint32)[sOff:])
	case []uint64:
		copy(d[dOff:dOff+n], src.([]uint64)[sOff:])
	case []bool:
		copy(d[dOff:dOff+n], src.([]bool)[sOff:])
	case []string:
		copy(d[dOff:dOff+n], src.([]string)[sOff:])
	case []complex64:
		copy(d[dOff:dOff+n], src.([]complex64)[sOff:])
	case []complex128:
		copy(d[dOff:dOff+n], src.([]complex128)[sOff:])
	case []any:
		copy(d[dOff:dOff+n], src.([]any)[sOff:])
	default:
		panic("numeric: copyBlock of unknown slice type")
	}
}

func takeT[T any](dst, src []T, idx []int) {
	for i, j := range idx {
		dst[i] = src[j]
	}
}

// take sets dst[i] = src[idx[i]] for flat slices of the same Go type.
func take(dst, src any, idx []int) {
	switch d := dst.(type) {
	case []float32:
		takeT(d, src.([]float32), idx)
	case []float64:
		takeT(d, src.([]float64), idx)
	case []int32:
		takeT(d, src.([]int32), idx)
	case []int64:
		takeT(d, src.([]int64), idx)
	case []uint8:
		takeT(d, src.([]uint8), idx)
	case []int8:
		takeT(d, src.([]int8), idx)
	case []int16:
		takeT(d, src.([]int16), idx)
	case []uint16:
		takeT(d, src.([]uint16), idx)
	case []uint32:
		takeT(d, src.([]uint32), idx)
	case []uint64:
		takeT(d, src.([]uint64), idx)
	case []bool:
		takeT(d, src.([]bool), idx)
	case []string:
		takeT(d, src.([]string), idx)
	case []complex64:
		takeT(d, src.([]complex64), idx)
	case []complex128:
		takeT(d, src.([]complex128), idx)
	case []any:
		takeT(d, src.([]any), idx)
	default:
		panic("numeric: take of unknown slice type")
	}
}

// gatherIndex builds a tensor of dtype dt and shape by taking src's elements
// at idx (one per output element).
func gatherIndex(c op.Context, src *tensor.Tensor, shape []int, idx []int) (*tensor.Tensor, error) {
	out, err := allocDirty(c, src.DType(), shape) // one index per element
	if err != nil {
		return nil, err
	}
	take(out.Data(), src.Data(), idx)
	return out, nil
}

// reshaped returns t viewed with shape (sharing data).
func reshaped(c op.Context, t *tensor.Tensor, shape []int) (*tensor.Tensor, error) {
	r, err := t.Reshape(shape)
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	return r, nil
}

// one returns a single output.
func one(t *tensor.Tensor, err error) ([]*tensor.Tensor, error) {
	if err != nil {
		return nil, err
	}
	return []*tensor.Tensor{t}, nil
}

// maxResult bounds the element count of computed shapes (index lists are
// allocated before the output tensor).
const maxResult = 1 << 34

// checkSize rejects shapes whose element count would overflow or be absurd.
func checkSize(c op.Context, shape []int) error {
	n := 1
	for _, d := range shape {
		if d < 0 || (d != 0 && n > maxResult/d) {
			return c.Errorf("result shape %s is too large", tensor.ShapeString(shape))
		}
		n *= d
	}
	return nil
}
