package numeric

import (
	"math"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

type reduceKind int

const (
	rSum reduceKind = iota
	rProd
	rMax
	rMin
	rMean
	rAll
	rAny
)

// reduce3 reduces x viewed as [outer, r, inner] over the middle dim.
func reduce3[T any](x []T, outer, r, inner int, init T, f func(acc, v T) T) []T {
	out := make([]T, outer*inner)
	for o := 0; o < outer; o++ {
		dst := out[o*inner : o*inner+inner]
		for i := range dst {
			dst[i] = init
		}
		for k := 0; k < r; k++ {
			src := x[(o*r+k)*inner : (o*r+k)*inner+inner]
			for i, v := range src {
				dst[i] = f(dst[i], v)
			}
		}
	}
	return out
}

// maxF32 is reduce3 for float32 Max, the GlobalMaxPool hot path. NaN
// propagates as in TensorFlow's Eigen max reducer (PropagateNaN is not
// used there; a NaN input compares false and is skipped unless first).
func maxF32(x []float32, outer, r, inner int) []float32 {
	out := make([]float32, outer*inner)
	for o := 0; o < outer; o++ {
		dst := out[o*inner : o*inner+inner]
		for i := range dst {
			dst[i] = float32(math.Inf(-1))
		}
		for k := 0; k < r; k++ {
			maxInto(dst, x[(o*r+k)*inner:(o*r+k)*inner+inner])
		}
	}
	return out
}

// max32 is a branch-free max for the pooling and reduction hot loops; a NaN
// in v is skipped (comparisons with NaN are false), as in Eigen's reducer.
func max32(a, v float32) float32 {
	if v > a {
		return v
	}
	return a
}

func lowest[T number]() T {
	var z T
	switch any(z).(type) {
	case float32:
		return T(float32(math.Inf(-1)))
	case float64:
		return T(math.Inf(-1))
	case int32:
		v := int32(math.MinInt32)
		return T(v)
	case int64:
		v := int64(math.MinInt64)
		return T(v)
	case int8:
		v := int8(math.MinInt8)
		return T(v)
	case int16:
		v := int16(math.MinInt16)
		return T(v)
	}
	return 0
}

func highest[T number]() T {
	var z T
	switch any(z).(type) {
	case float32:
		return T(float32(math.Inf(1)))
	case float64:
		return T(math.Inf(1))
	case int32:
		v := int32(math.MaxInt32)
		return T(v)
	case int64:
		v := int64(math.MaxInt64)
		return T(v)
	case int8:
		v := int8(math.MaxInt8)
		return T(v)
	case int16:
		v := int16(math.MaxInt16)
		return T(v)
	case uint8:
		v := uint8(math.MaxUint8)
		return T(v)
	case uint16:
		v := uint16(math.MaxUint16)
		return T(v)
	case uint32:
		v := uint32(math.MaxUint32)
		return T(v)
	case uint64:
		v := uint64(math.MaxUint64)
		return T(v)
	}
	return 0
}

// reduceNum runs one reduction step for a numeric type.
func reduceNum[T number](kind reduceKind, x []T, outer, r, inner int) []T {
	switch kind {
	case rSum, rMean:
		return reduce3(x, outer, r, inner, 0, func(a, v T) T { return a + v })
	case rProd:
		return reduce3(x, outer, r, inner, 1, func(a, v T) T { return a * v })
	case rMax:
		if xf, ok := any(x).([]float32); ok {
			return any(maxF32(xf, outer, r, inner)).([]T)
		}
		return reduce3(x, outer, r, inner, lowest[T](), func(a, v T) T {
			if v > a {
				return v
			}
			return a
		})
	default: // rMin
		return reduce3(x, outer, r, inner, highest[T](), func(a, v T) T {
			if v < a {
				return v
			}
			return a
		})
	}
}

func meanDiv[T number](v []T, n int) {
	for i := range v {
		v[i] /= T(n)
	}
}

// reduceAxes reduces data (shape) over the given axes (sorted, unique).
// It returns the reduced flat data; one reduction pass per run of adjacent
// reduced dims.
func reduceAxes[T any](data []T, shape []int, reduced []bool, step func(x []T, outer, r, inner int) []T) []T {
	cur := data
	dims := append([]int(nil), shape...)
	for i := len(dims) - 1; i >= 0; {
		if !reduced[i] {
			i--
			continue
		}
		j := i
		for j > 0 && reduced[j-1] {
			j--
		}
		outer, r, inner := prod(dims[:j]), prod(dims[j:i+1]), prod(dims[i+1:])
		cur = step(cur, outer, r, inner)
		for d := j; d <= i; d++ {
			dims[d] = 1
		}
		i = j - 1
	}
	return cur
}

func reduction(kind reduceKind) op.Kernel {
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		x := in[0]
		keep, err := op.Bool(c, "keep_dims")
		if err != nil {
			return nil, err
		}
		if in[1].Rank() > 1 {
			return nil, c.Errorf("reduction_indices must be a scalar or vector, got %s", in[1])
		}
		axes, err := ints(c, "reduction_indices", in[1])
		if err != nil {
			return nil, err
		}
		r := x.Rank()
		reduced := make([]bool, r)
		for _, a := range axes {
			if a < -int64(r) || a >= int64(r) {
				return nil, c.Errorf("Invalid reduction dimension (%d for input with %d dimension(s)", a, r)
			}
			if a < 0 {
				a += int64(r)
			}
			reduced[a] = true
		}
		var oshape []int
		count := 1
		for i, d := range x.Shape() {
			if reduced[i] {
				count *= d
				if keep {
					oshape = append(oshape, 1)
				}
				continue
			}
			oshape = append(oshape, d)
		}
		if oshape == nil {
			oshape = []int{}
		}
		var data any
		switch xv := x.Data().(type) {
		case []float32:
			data = reduceTyped(kind, xv, x.Shape(), reduced, count)
		case []float64:
			data = reduceTyped(kind, xv, x.Shape(), reduced, count)
		case []int32:
			data = reduceTyped(kind, xv, x.Shape(), reduced, count)
		case []int64:
			data = reduceTyped(kind, xv, x.Shape(), reduced, count)
		case []uint8:
			data = reduceTyped(kind, xv, x.Shape(), reduced, count)
		case []int8:
			data = reduceTyped(kind, xv, x.Shape(), reduced, count)
		case []int16:
			data = reduceTyped(kind, xv, x.Shape(), reduced, count)
		case []uint16:
			data = reduceTyped(kind, xv, x.Shape(), reduced, count)
		case []uint32:
			data = reduceTyped(kind, xv, x.Shape(), reduced, count)
		case []uint64:
			data = reduceTyped(kind, xv, x.Shape(), reduced, count)
		case []bool:
			if kind != rAll && kind != rAny {
				return nil, c.Errorf("dtype bool is not supported")
			}
			init := kind == rAll
			data = reduceAxes(xv, x.Shape(), reduced, func(v []bool, o, r, i int) []bool {
				return reduce3(v, o, r, i, init, func(a, b bool) bool {
					if init {
						return a && b
					}
					return a || b
				})
			})
		default:
			return nil, c.Errorf("dtype %s is not supported", x.DType())
		}
		if x.DType() == tensor.Half || x.DType() == tensor.BFloat16 {
			return nil, c.Errorf("dtype %s is not supported", x.DType())
		}
		if (kind == rAll || kind == rAny) != (x.DType() == tensor.Bool) {
			return nil, c.Errorf("dtype %s is not supported", x.DType())
		}
		return one(wrap(c, x.DType(), oshape, data))
	}
}

func reduceTyped[T number](kind reduceKind, x []T, shape []int, reduced []bool, count int) []T {
	out := reduceAxes(x, shape, reduced, func(v []T, o, r, i int) []T { return reduceNum(kind, v, o, r, i) })
	if len(out) > 0 && len(out) == len(x) && &out[0] == &x[0] {
		out = append([]T(nil), x...) // no axis reduced: never alias the input
	}
	if kind == rMean {
		if count == 0 {
			nan := math.NaN()
			for i := range out {
				out[i] = T(nan)
			}
		} else {
			meanDiv(out, count)
		}
	}
	return out
}

func argReduce(isMax bool) op.Kernel {
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		x := in[0]
		odt, err := op.Type(c, "output_type")
		if err != nil {
			return nil, err
		}
		a, err := scalarInt(c, "dimension", in[1])
		if err != nil {
			return nil, err
		}
		axis, err := axisArg(c, a, x.Rank())
		if err != nil {
			return nil, err
		}
		shape := x.Shape()
		outer, r, inner := prod(shape[:axis]), shape[axis], prod(shape[axis+1:])
		if r == 0 {
			return nil, c.Errorf("Reduction axis %d is empty in shape %s", axis, tensor.ShapeString(shape))
		}
		var idx []int
		switch xv := x.Data().(type) {
		case []float32:
			idx = argIdx(xv, outer, r, inner, isMax)
		case []float64:
			idx = argIdx(xv, outer, r, inner, isMax)
		case []int32:
			idx = argIdx(xv, outer, r, inner, isMax)
		case []int64:
			idx = argIdx(xv, outer, r, inner, isMax)
		case []uint8:
			idx = argIdx(xv, outer, r, inner, isMax)
		case []int8:
			idx = argIdx(xv, outer, r, inner, isMax)
		case []int16:
			idx = argIdx(xv, outer, r, inner, isMax)
		default:
			return nil, c.Errorf("dtype %s is not supported", x.DType())
		}
		oshape := append(append([]int{}, shape[:axis]...), shape[axis+1:]...)
		return one(intTensor(c, odt, oshape, idx))
	}
}

// argIdx returns the first index of the max (min) along the middle dim.
func argIdx[T number](x []T, outer, r, inner int, isMax bool) []int {
	out := make([]int, outer*inner)
	for o := 0; o < outer; o++ {
		for i := 0; i < inner; i++ {
			best := x[o*r*inner+i]
			bi := 0
			for k := 1; k < r; k++ {
				v := x[(o*r+k)*inner+i]
				if (isMax && v > best) || (!isMax && v < best) {
					best, bi = v, k
				}
			}
			out[o*inner+i] = bi
		}
	}
	return out
}

func reduceDefs() []op.Def {
	spec := func(name, t string) string {
		return name + "(input: " + t + ", reduction_indices: Tidx) -> (output: " + t + "); keep_dims: bool = false; T: type; Tidx: type = int32"
	}
	boolSpec := func(name string) string {
		return name + "(input: bool, reduction_indices: Tidx) -> (output: bool); keep_dims: bool = false; Tidx: type = int32"
	}
	return []op.Def{
		{Spec: spec("Sum", "T"), Kernel: reduction(rSum)},
		{Spec: spec("Prod", "T"), Kernel: reduction(rProd)},
		{Spec: spec("Max", "T"), Kernel: reduction(rMax)},
		{Spec: spec("Min", "T"), Kernel: reduction(rMin)},
		{Spec: spec("Mean", "T"), Kernel: reduction(rMean)},
		{Spec: boolSpec("All"), Kernel: reduction(rAll)},
		{Spec: boolSpec("Any"), Kernel: reduction(rAny)},
		{Spec: "ArgMax(input: T, dimension: Tidx) -> (output: output_type); T: type; Tidx: type = int32; output_type: type = int64", Kernel: argReduce(true)},
		{Spec: "ArgMin(input: T, dimension: Tidx) -> (output: output_type); T: type; Tidx: type = int32; output_type: type = int64", Kernel: argReduce(false)},
	}
}
