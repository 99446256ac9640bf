package numeric

import (
	"math"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// fillValue sets every element of dst to src[0].
func fillValue(dst, src any) {
	n := 0
	switch d := dst.(type) {
	case []float32:
		n = len(d)
	default:
		n = sliceLen(dst)
	}
	if n == 0 {
		return
	}
	copyBlock(dst, src, 0, 0, 1)
	for filled := 1; filled < n; filled *= 2 {
		copyBlock(dst, dst, filled, 0, min(filled, n-filled))
	}
}

func sliceLen(d any) int {
	switch v := d.(type) {
	case []float32:
		return len(v)
	case []float64:
		return len(v)
	case []int32:
		return len(v)
	case []int64:
		return len(v)
	case []uint8:
		return len(v)
	case []int8:
		return len(v)
	case []int16:
		return len(v)
	case []uint16:
		return len(v)
	case []uint32:
		return len(v)
	case []uint64:
		return len(v)
	case []bool:
		return len(v)
	case []string:
		return len(v)
	case []complex64:
		return len(v)
	case []complex128:
		return len(v)
	case []any:
		return len(v)
	}
	return 0
}

func fill(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if in[0].Rank() > 1 {
		return nil, c.Errorf("dims must be a vector, got %s", in[0])
	}
	if in[1].NumElements() != 1 || in[1].Rank() != 0 {
		return nil, c.Errorf("value must be a scalar, got %s", in[1])
	}
	d, err := ints(c, "dims", in[0])
	if err != nil {
		return nil, err
	}
	shape, err := intsToShape(c, "dims", d)
	if err != nil {
		return nil, err
	}
	out, err := alloc(c, in[1].DType(), shape)
	if err != nil {
		return nil, err
	}
	fillValue(out.Data(), in[1].Data())
	return []*tensor.Tensor{out}, nil
}

func zerosLike(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	return one(alloc(c, in[0].DType(), in[0].Shape()))
}

func onesLike(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x := in[0]
	out, err := alloc(c, x.DType(), x.Shape())
	if err != nil {
		return nil, err
	}
	switch d := out.Data().(type) {
	case []float32:
		setAll(d, 1)
	case []float64:
		setAll(d, 1)
	case []int32:
		setAll(d, 1)
	case []int64:
		setAll(d, 1)
	case []uint8:
		setAll(d, 1)
	case []int8:
		setAll(d, 1)
	case []int16:
		setAll(d, 1)
	case []uint32:
		setAll(d, 1)
	case []uint64:
		setAll(d, 1)
	case []bool:
		setAll(d, true)
	default:
		return nil, c.Errorf("dtype %s is not supported", x.DType())
	}
	return []*tensor.Tensor{out}, nil
}

func setAll[T any](d []T, v T) {
	for i := range d {
		d[i] = v
	}
}

func rangeT[T number](c op.Context, start, limit, delta T) (any, int, error) {
	if delta == 0 {
		return nil, 0, c.Errorf("Requires delta != 0: %v", delta)
	}
	if delta > 0 && start > limit {
		return nil, 0, c.Errorf("Requires start <= limit when delta > 0: %v/%v", start, limit)
	}
	if delta < 0 && start < limit {
		return nil, 0, c.Errorf("Requires start >= limit when delta < 0: %v/%v", start, limit)
	}
	var n int
	d := float64(limit) - float64(start)
	if _, isInt := any(start).(float32); !isInt {
		if _, isF := any(start).(float64); !isF {
			// Integer: ceil(|limit-start| / |delta|) exactly.
			a, b := int64(limit)-int64(start), int64(delta)
			if a < 0 {
				a, b = -a, -b
			}
			n = int((a + b - 1) / b)
		}
	}
	if n == 0 && d != 0 {
		// Floats: ceil(|(limit - start) / delta|) computed in T, as
		// TensorFlow's RangeOp does.
		n = int(ceil(math.Abs(float64((limit - start) / delta))))
	}
	if n < 0 || n > 1<<31 {
		return nil, 0, c.Errorf("range of size %d is too large", n)
	}
	out := make([]T, n)
	v := start
	for i := range out {
		out[i] = v
		v += delta
	}
	return out, n, nil
}

func ceil(x float64) float64 {
	i := float64(int64(x))
	if i < x {
		return i + 1
	}
	return i
}

func rangeK(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	for i, t := range in {
		if t.DType() != in[0].DType() {
			return nil, c.Errorf("start, limit and delta must have one type, got %s, %s, %s", in[0].DType(), in[1].DType(), in[2].DType())
		}
		if t.NumElements() != 1 || t.Rank() > 0 {
			return nil, c.Errorf("input %d must be a scalar, got %s", i, t)
		}
	}
	var (
		data any
		n    int
		err  error
	)
	switch s := in[0].Data().(type) {
	case []int32:
		data, n, err = rangeT(c, s[0], in[1].Data().([]int32)[0], in[2].Data().([]int32)[0])
	case []int64:
		data, n, err = rangeT(c, s[0], in[1].Data().([]int64)[0], in[2].Data().([]int64)[0])
	case []float32:
		data, n, err = rangeT(c, s[0], in[1].Data().([]float32)[0], in[2].Data().([]float32)[0])
	case []float64:
		data, n, err = rangeT(c, s[0], in[1].Data().([]float64)[0], in[2].Data().([]float64)[0])
	default:
		return nil, c.Errorf("dtype %s is not supported", in[0].DType())
	}
	if err != nil {
		return nil, err
	}
	return one(wrap(c, in[0].DType(), []int{n}, data))
}
