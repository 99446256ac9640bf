package numeric

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// selectV2 broadcasts condition, t and e together (numpy rules).
func selectV2(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	cond, t, e := in[0], in[1], in[2]
	if cond.DType() != tensor.Bool {
		return nil, c.Errorf("condition must be bool, got %s", cond)
	}
	if t.DType() != e.DType() {
		return nil, c.Errorf("then and else have different types %s and %s", t.DType(), e.DType())
	}
	s1, ok1 := broadcastShape(t.Shape(), e.Shape())
	shape, ok2 := broadcastShape(cond.Shape(), s1)
	if !ok1 || !ok2 {
		return nil, c.Errorf("condition %s, then %s and else %s must be broadcastable",
			tensor.ShapeString(cond.Shape()), tensor.ShapeString(t.Shape()), tensor.ShapeString(e.Shape()))
	}
	return one(selectCore(c, cond, t, e, shape, bstrides(cond.Shape(), shape)))
}

// selectCore picks t or e per output element; cst are the condition's
// strides in the output's coordinates.
func selectCore(c op.Context, cond, t, e *tensor.Tensor, shape, cst []int) (*tensor.Tensor, error) {
	if err := checkSize(c, shape); err != nil {
		return nil, err
	}
	cv := tensor.MustValues[bool](cond)
	n := prod(shape)
	if flatOperand(cond, n) && flatOperand(t, n) && flatOperand(e, n) {
		if out, ok, err := selectFlat(c, cv, t, e, shape); ok || err != nil {
			return out, err
		}
	}
	tst, est := bstrides(t.Shape(), shape), bstrides(e.Shape(), shape)
	// Gather from the concatenation [t..., e...].
	both, err := concatCore(c, []*tensor.Tensor{flat(t), flat(e)}, 0)
	if err != nil {
		return nil, err
	}
	nt := t.NumElements()
	idx := make([]int, n)
	forEachIndex(shape, func(i int, pos []int) {
		co, to, eo := 0, 0, 0
		for d, q := range pos {
			co += q * cst[d]
			to += q * tst[d]
			eo += q * est[d]
		}
		if cv[co] {
			idx[i] = to
		} else {
			idx[i] = nt + eo
		}
	})
	return gatherIndex(c, both, shape, idx)
}

// flatOperand reports whether t, broadcast to an output of n elements, is
// read at the output's flat index (same element count: broadcasting added
// only dims of 1) or is a single value.
func flatOperand(t *tensor.Tensor, n int) bool {
	k := t.NumElements()
	return k == n || k == 1
}

// selectFlat is selectCore for operands that are flat (flatOperand), in
// one typed pass with no index list; ok is false for element types it does
// not handle.
func selectFlat(c op.Context, cv []bool, t, e *tensor.Tensor, shape []int) (*tensor.Tensor, bool, error) {
	out, err := allocDirty(c, t.DType(), shape)
	if err != nil {
		return nil, true, err
	}
	switch d := out.Data().(type) {
	case []float32:
		selectT(d, cv, t.Data().([]float32), e.Data().([]float32))
	case []float64:
		selectT(d, cv, t.Data().([]float64), e.Data().([]float64))
	case []int32:
		selectT(d, cv, t.Data().([]int32), e.Data().([]int32))
	case []int64:
		selectT(d, cv, t.Data().([]int64), e.Data().([]int64))
	case []bool:
		selectT(d, cv, t.Data().([]bool), e.Data().([]bool))
	case []string:
		selectT(d, cv, t.Data().([]string), e.Data().([]string))
	default:
		return nil, false, nil
	}
	return out, true, nil
}

// selectT stores a[i] where cv[i] and b[i] elsewhere; a one-element
// operand stands for every index.
func selectT[T any](dst []T, cv []bool, a, b []T) {
	at := func(s []T, i int) T {
		if len(s) == 1 {
			return s[0]
		}
		return s[i]
	}
	if len(cv) == 1 {
		src := b
		if cv[0] {
			src = a
		}
		for i := range dst {
			dst[i] = at(src, i)
		}
		return
	}
	for i := range dst {
		if cv[i] {
			dst[i] = at(a, i)
		} else {
			dst[i] = at(b, i)
		}
	}
}

func flat(t *tensor.Tensor) *tensor.Tensor {
	r, _ := t.Reshape([]int{t.NumElements()})
	return r
}

// selectV1 is Select: condition has t's shape, is a scalar, or is a vector
// matching t's first dim.
func selectV1(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	cond, t, e := in[0], in[1], in[2]
	if cond.DType() != tensor.Bool {
		return nil, c.Errorf("condition must be bool, got %s", cond)
	}
	if !sameShape(t.Shape(), e.Shape()) || t.DType() != e.DType() {
		return nil, c.Errorf("'then' and 'else' must have the same size.  but received: %s vs. %s", t, e)
	}
	shape := t.Shape()
	var cst []int
	switch {
	case sameShape(cond.Shape(), shape):
		cst = strides(shape)
	case cond.Rank() == 0:
		cst = make([]int, len(shape))
	case cond.Rank() == 1 && len(shape) >= 1 && cond.Dim(0) == shape[0]:
		cst = make([]int, len(shape))
		cst[0] = 1
	default:
		return nil, c.Errorf("'condition' must be a scalar, a vector matching the first dimension of 'then', or the same shape: %s vs. %s",
			tensor.ShapeString(cond.Shape()), tensor.ShapeString(shape))
	}
	return one(selectCore(c, cond, t, e, shape, cst))
}

func clipT[T number](dst, x, lo, hi []T) {
	for i, v := range x {
		l, h := lo[0], hi[0]
		if len(lo) > 1 {
			l = lo[i]
		}
		if len(hi) > 1 {
			h = hi[i]
		}
		dst[i] = min(max(v, l), h)
	}
}

func clipByValue(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x, lo, hi := in[0], in[1], in[2]
	for _, b := range []*tensor.Tensor{lo, hi} {
		if b.NumElements() != 1 && !sameShape(b.Shape(), x.Shape()) {
			return nil, c.Errorf("clip_value_min and clip_value_max must be either scalars or have the same shape as the input: %s vs. %s",
				tensor.ShapeString(b.Shape()), tensor.ShapeString(x.Shape()))
		}
		if b.DType() != x.DType() {
			return nil, c.Errorf("clip bounds must have type %s, got %s", x.DType(), b.DType())
		}
	}
	out, err := alloc(c, x.DType(), x.Shape())
	if err != nil {
		return nil, err
	}
	switch xv := x.Data().(type) {
	case []float32:
		clipT(out.Data().([]float32), xv, lo.Data().([]float32), hi.Data().([]float32))
	case []float64:
		clipT(out.Data().([]float64), xv, lo.Data().([]float64), hi.Data().([]float64))
	case []int32:
		clipT(out.Data().([]int32), xv, lo.Data().([]int32), hi.Data().([]int32))
	case []int64:
		clipT(out.Data().([]int64), xv, lo.Data().([]int64), hi.Data().([]int64))
	default:
		return nil, c.Errorf("dtype %s is not supported", x.DType())
	}
	return []*tensor.Tensor{out}, nil
}

func addN(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	acc := in[0]
	for i, t := range in[1:] {
		if !sameShape(t.Shape(), in[0].Shape()) {
			return nil, c.Errorf("inputs must have the same shape: input 0 %s vs. input %d %s",
				tensor.ShapeString(in[0].Shape()), i+1, tensor.ShapeString(t.Shape()))
		}
		out, err := binaryKernel(addEntries...)(c, []*tensor.Tensor{acc, t})
		if err != nil {
			return nil, err
		}
		acc = out[0]
	}
	return []*tensor.Tensor{acc}, nil
}

func cumT[T number](x, out []T, outer, n, inner int, exclusive, reverse, isProd bool) {
	for o := 0; o < outer; o++ {
		for i := 0; i < inner; i++ {
			var acc T
			if isProd {
				acc = 1
			}
			for s := 0; s < n; s++ {
				k := s
				if reverse {
					k = n - 1 - s
				}
				p := (o*n+k)*inner + i
				if exclusive {
					out[p] = acc
				}
				if isProd {
					acc *= x[p]
				} else {
					acc += x[p]
				}
				if !exclusive {
					out[p] = acc
				}
			}
		}
	}
}

func cumulative(isProd bool) op.Kernel {
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		x := in[0]
		exclusive, err := op.Bool(c, "exclusive")
		if err != nil {
			return nil, err
		}
		reverse, err := op.Bool(c, "reverse")
		if err != nil {
			return nil, err
		}
		a, err := scalarInt(c, "axis", in[1])
		if err != nil {
			return nil, err
		}
		axis, err := axisArg(c, a, x.Rank())
		if err != nil {
			return nil, err
		}
		out, err := alloc(c, x.DType(), x.Shape())
		if err != nil {
			return nil, err
		}
		s := x.Shape()
		outer, n, inner := prod(s[:axis]), s[axis], prod(s[axis+1:])
		switch xv := x.Data().(type) {
		case []float32:
			cumT(xv, out.Data().([]float32), outer, n, inner, exclusive, reverse, isProd)
		case []float64:
			cumT(xv, out.Data().([]float64), outer, n, inner, exclusive, reverse, isProd)
		case []int32:
			cumT(xv, out.Data().([]int32), outer, n, inner, exclusive, reverse, isProd)
		case []int64:
			cumT(xv, out.Data().([]int64), outer, n, inner, exclusive, reverse, isProd)
		default:
			return nil, c.Errorf("dtype %s is not supported", x.DType())
		}
		return []*tensor.Tensor{out}, nil
	}
}

func binAdd[T number](bins []T, arr []int32, w []T) {
	for i, v := range arr {
		if int(v) >= len(bins) {
			continue
		}
		if len(w) == 0 {
			bins[v]++
		} else {
			bins[v] += w[i]
		}
	}
}

// bincount counts arr values in [0, size); values >= size are dropped and a
// negative value is an error, as in TensorFlow's CPU kernel.
func bincount(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	arr, w := in[0], in[2]
	size, err := scalarInt(c, "size", in[1])
	if err != nil {
		return nil, err
	}
	if size < 0 {
		return nil, c.Errorf("size (%d) must be non-negative", size)
	}
	av, err := tensor.Values[int32](arr)
	if err != nil {
		return nil, c.Errorf("arr must be int32, got %s", arr)
	}
	for _, v := range av {
		if v < 0 {
			return nil, c.Errorf("Input arr must be non-negative!")
		}
	}
	if w.NumElements() != 0 && !sameShape(w.Shape(), arr.Shape()) {
		return nil, c.Errorf("weights %s must be empty or have the shape of arr %s", tensor.ShapeString(w.Shape()), tensor.ShapeString(arr.Shape()))
	}
	out, err := alloc(c, w.DType(), []int{int(size)})
	if err != nil {
		return nil, err
	}
	switch wv := w.Data().(type) {
	case []float32:
		binAdd(out.Data().([]float32), av, wv)
	case []float64:
		binAdd(out.Data().([]float64), av, wv)
	case []int32:
		binAdd(out.Data().([]int32), av, wv)
	case []int64:
		binAdd(out.Data().([]int64), av, wv)
	default:
		return nil, c.Errorf("dtype %s is not supported", w.DType())
	}
	return []*tensor.Tensor{out}, nil
}

func miscDefs() []op.Def {
	return []op.Def{
		{Spec: "Select(condition: bool, t: T, e: T) -> (output: T); T: type", Kernel: selectV1},
		{Spec: "SelectV2(condition: bool, t: T, e: T) -> (output: T); T: type", Kernel: selectV2},
		{Spec: "ClipByValue(t: T, clip_value_min: T, clip_value_max: T) -> (output: T); T: type", Kernel: clipByValue},
		{Spec: "AddN(inputs: N * T) -> (sum: T); N: int; T: type", Kernel: addN},
		{Spec: "Cumsum(x: T, axis: Tidx) -> (out: T); exclusive: bool = false; reverse: bool = false; T: type; Tidx: type = int32", Kernel: cumulative(false)},
		{Spec: "Cumprod(x: T, axis: Tidx) -> (out: T); exclusive: bool = false; reverse: bool = false; T: type; Tidx: type = int32", Kernel: cumulative(true)},
		{Spec: "Bincount(arr: int32, size: int32, weights: T) -> (bins: T); T: type", Kernel: bincount},
		{Spec: "Where(input: T) -> (index: int64); T: type = DT_BOOL", Kernel: where},
		{Spec: "TopKV2(input: T, k: Tk) -> (values: T, indices: index_type); sorted: bool = true; T: type; Tk: type = int32; index_type: type = int32", Kernel: topK},
		{Spec: "SparseToDense(sparse_indices: Tindices, output_shape: Tindices, sparse_values: T, default_value: T) -> (dense: T); validate_indices: bool = true; T: type; Tindices: type", Kernel: sparseToDense},
		{Spec: "UpperBound(sorted_inputs: T, values: T) -> (output: out_type); T: type; out_type: type = int32", Kernel: bound(true)},
		{Spec: "LowerBound(sorted_inputs: T, values: T) -> (output: out_type); T: type; out_type: type = int32", Kernel: bound(false)},
	}
}
