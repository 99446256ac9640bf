package op

import (
	"math"

	"github.com/scorekit/score/tensor"
)

// Lender is an optional extension of Context, for outputs a kernel
// overwrites entirely. Lend(dt, n) lends a flat slice of n elements of dt,
// typed as tensor.MakeSlice types it, with unspecified contents, for the
// rest of the run; or it returns nil, and the kernel allocates. An executor
// lends only where no value can outlive the run (it takes the buffers back
// when the run ends), and only slices without pointers: strings and
// resources are always allocated.
type Lender interface {
	Lend(dt tensor.DType, n int) any
}

// Lendable reports whether an executor may lend buffers of dt: those whose
// elements hold no pointers.
func Lendable(dt tensor.DType) bool {
	return dt.Size() > 0 // strings, resources and variants have no fixed size
}

// Dirty returns a tensor of dt and shape every element of which the caller
// stores before anyone reads it: lent by c when c is a Lender that lends,
// else allocated (zeroed).
func Dirty(c Context, dt tensor.DType, shape []int) (*tensor.Tensor, error) {
	if l, ok := c.(Lender); ok && Lendable(dt) {
		if n := tensor.NumElements(shape); n > 0 {
			if b := l.Lend(dt, n); b != nil {
				t, err := tensor.New(dt, shape, b)
				if err != nil {
					return nil, c.Errorf("lent buffer for %s%s: %v", dt, tensor.ShapeString(shape), err)
				}
				return t, nil
			}
		}
	}
	t, err := tensor.Zeros(dt, shape)
	if err != nil {
		return nil, c.Errorf("allocate %s%s: %v", dt, tensor.ShapeString(shape), err)
	}
	return t, nil
}

// Poison fills a lendable flat slice with a pattern no kernel would compute
// (NaN, -0x5a5a..., 0xa5a5..., true), so that tests see any element a
// kernel borrowed and never set. Other values are left alone.
func Poison(b any) {
	switch v := b.(type) {
	case []float32:
		fillAll(v, float32(math.NaN()))
	case []float64:
		fillAll(v, math.NaN())
	case []int64:
		fillAll(v, -0x5a5a5a5a5a5a5a5a)
	case []int32:
		fillAll(v, -0x5a5a5a5a)
	case []int16:
		fillAll(v, -0x5a5a)
	case []int8:
		fillAll(v, -0x5a)
	case []uint64:
		fillAll(v, 0xa5a5a5a5a5a5a5a5)
	case []uint32:
		fillAll(v, 0xa5a5a5a5)
	case []uint16:
		fillAll(v, 0xa5a5)
	case []uint8:
		fillAll(v, 0xa5)
	case []bool:
		fillAll(v, true)
	case []complex64:
		fillAll(v, complex(float32(math.NaN()), 0))
	case []complex128:
		fillAll(v, complex(math.NaN(), 0))
	}
}

func fillAll[T any](s []T, x T) {
	for i := range s {
		s[i] = x
	}
}
