package tensor

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// Tensor is a dense tensor in host memory: a data type, a shape and a flat
// row-major slice of the Go type DType.GoType names.
type Tensor struct {
	dtype DType
	shape []int
	data  any
}

// ErrShape reports a shape that does not fit the data or the operation.
var ErrShape = errors.New("tensor: shape mismatch")

// New wraps data (not copied) as a tensor of the given type and shape. data must
// be the slice type DType.GoType names and hold exactly NumElements(shape)
// values.
func New(dt DType, shape []int, data any) (*Tensor, error) {
	dt = dt.Base()
	n, err := checkShape(shape)
	if err != nil {
		return nil, err
	}
	got, ok := sliceLen(dt, data)
	if !ok {
		return nil, fmt.Errorf("tensor: %s tensor cannot hold %T", dt, data)
	}
	if got != n {
		return nil, fmt.Errorf("%w: %s%v needs %d elements, got %d", ErrShape, dt, shape, n, got)
	}
	return &Tensor{dtype: dt, shape: append([]int(nil), shape...), data: data}, nil
}

// Must is New for values known to be consistent; it panics on a mismatch, so
// use it only with sizes the caller computed itself.
func Must(dt DType, shape []int, data any) *Tensor {
	t, err := New(dt, shape, data)
	if err != nil {
		panic(err)
	}
	return t
}

// Zeros allocates a zero-valued tensor.
func Zeros(dt DType, shape []int) (*Tensor, error) {
	n, err := checkShape(shape)
	if err != nil {
		return nil, err
	}
	data, err := MakeSlice(dt.Base(), n)
	if err != nil {
		return nil, err
	}
	return &Tensor{dtype: dt.Base(), shape: append([]int(nil), shape...), data: data}, nil
}

// FromSlice builds a tensor from a typed slice, inferring the data type.
func FromSlice[T any](shape []int, values []T) (*Tensor, error) {
	dt, ok := DTypeOf(values)
	if !ok {
		return nil, fmt.Errorf("tensor: no dtype for %T", values)
	}
	return New(dt, shape, values)
}

// Scalar builds a rank-0 tensor.
func Scalar[T any](v T) *Tensor {
	t, err := FromSlice(nil, []T{v})
	if err != nil {
		panic(err)
	}
	return t
}

// DType returns the element type.
func (t *Tensor) DType() DType { return t.dtype }

// Shape returns the dimensions; the caller must not modify the slice.
func (t *Tensor) Shape() []int { return t.shape }

// Rank is the number of dimensions.
func (t *Tensor) Rank() int { return len(t.shape) }

// Dim returns dimension i; negative i counts from the end.
func (t *Tensor) Dim(i int) int {
	if i < 0 {
		i += len(t.shape)
	}
	return t.shape[i]
}

// NumElements is the product of the dimensions (1 for a scalar).
func (t *Tensor) NumElements() int { return NumElements(t.shape) }

// Data returns the flat backing slice (not a copy).
func (t *Tensor) Data() any { return t.data }

// Reshape returns a tensor sharing t's data with a new shape of the same size.
func (t *Tensor) Reshape(shape []int) (*Tensor, error) {
	n, err := checkShape(shape)
	if err != nil {
		return nil, err
	}
	if n != t.NumElements() {
		return nil, fmt.Errorf("%w: cannot reshape %v (%d elements) to %v", ErrShape, t.shape, t.NumElements(), shape)
	}
	return &Tensor{dtype: t.dtype, shape: append([]int(nil), shape...), data: t.data}, nil
}

// Rows returns a tensor sharing t's data that holds rows [lo, hi) of its
// first dimension, e.g. some documents of a batch.
func (t *Tensor) Rows(lo, hi int) (*Tensor, error) {
	if len(t.shape) == 0 || lo < 0 || hi < lo || hi > t.shape[0] {
		return nil, fmt.Errorf("%w: rows [%d, %d) of %v", ErrShape, lo, hi, t.shape)
	}
	shape := append([]int(nil), t.shape...)
	shape[0] = hi - lo
	row := NumElements(t.shape[1:])
	return &Tensor{dtype: t.dtype, shape: shape, data: reflect.ValueOf(t.data).Slice(lo*row, hi*row).Interface()}, nil
}

// Clone returns a deep copy of the data and shape. Resource and variant
// elements are copied as references.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{dtype: t.dtype, shape: append([]int(nil), t.shape...), data: cloneSlice(t.data)}
}

// String is a short description for errors and logs, e.g. float32[2,3].
func (t *Tensor) String() string {
	if t == nil {
		return "<nil tensor>"
	}
	return t.dtype.String() + ShapeString(t.shape)
}

// Values returns the flat values of t as []T. It returns an error when T is not
// the Go type of t's data type.
func Values[T any](t *Tensor) ([]T, error) {
	v, ok := t.data.([]T)
	if !ok {
		var zero []T
		return nil, fmt.Errorf("tensor: %s tensor read as %T", t.dtype, zero)
	}
	return v, nil
}

// MustValues is Values for callers that checked the data type already.
func MustValues[T any](t *Tensor) []T {
	v, err := Values[T](t)
	if err != nil {
		panic(err)
	}
	return v
}

// NumElements is the product of dims (1 for a scalar).
func NumElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// ShapeString formats a shape as [2,3]; unknown dims (-1) print as ?.
func ShapeString(shape []int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, d := range shape {
		if i > 0 {
			b.WriteByte(',')
		}
		if d < 0 {
			b.WriteByte('?')
		} else {
			fmt.Fprintf(&b, "%d", d)
		}
	}
	b.WriteByte(']')
	return b.String()
}

// maxElements bounds tensor sizes so that a corrupt shape cannot ask for an
// absurd allocation (2^40 elements is far beyond any text model).
const maxElements = 1 << 40

func checkShape(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("%w: negative dimension in %v", ErrShape, shape)
		}
		if d != 0 && n > maxElements/d {
			return 0, fmt.Errorf("%w: %v has too many elements", ErrShape, shape)
		}
		n *= d
	}
	return n, nil
}
