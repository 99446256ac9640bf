package numeric

import (
	"sort"

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
	tst, est := bstrides(t.Shape(), shape), bstrides(e.Shape(), shape)
	n := prod(shape)
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

func truthy(d any) ([]bool, bool) {
	switch v := d.(type) {
	case []bool:
		return v, true
	case []float32:
		return nonZero(v), true
	case []float64:
		return nonZero(v), true
	case []int32:
		return nonZero(v), true
	case []int64:
		return nonZero(v), true
	case []uint8:
		return nonZero(v), true
	case []int8:
		return nonZero(v), true
	}
	return nil, false
}

func nonZero[T number](v []T) []bool {
	out := make([]bool, len(v))
	for i, x := range v {
		out[i] = x != 0
	}
	return out
}

func where(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x := in[0]
	b, ok := truthy(x.Data())
	if !ok {
		return nil, c.Errorf("dtype %s is not supported", x.DType())
	}
	r := x.Rank()
	var coords []int64
	n := 0
	forEachIndex(x.Shape(), func(i int, pos []int) {
		if b[i] {
			for _, p := range pos {
				coords = append(coords, int64(p))
			}
			n++
		}
	})
	if coords == nil {
		coords = []int64{}
	}
	return one(wrap(c, tensor.Int64, []int{n, r}, coords))
}

func topKT[T number](x []T, rows, n, k int, vals []T, idx []int) {
	order := make([]int, n)
	for r := 0; r < rows; r++ {
		row := x[r*n : (r+1)*n]
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return row[order[a]] > row[order[b]] })
		for j := 0; j < k; j++ {
			vals[r*k+j] = row[order[j]]
			idx[r*k+j] = order[j]
		}
	}
}

func topK(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x := in[0]
	kk, err := scalarInt(c, "k", in[1])
	if err != nil {
		return nil, err
	}
	idt, err := op.Type(c, "index_type")
	if err != nil {
		return nil, err
	}
	if x.Rank() < 1 {
		return nil, c.Errorf("input must be >= 1-D, got shape %s", tensor.ShapeString(x.Shape()))
	}
	n := x.Dim(-1)
	if kk < 0 || kk > int64(n) {
		return nil, c.Errorf("input must have at least k columns. Had %d, needed %d", n, kk)
	}
	k := int(kk)
	rows := x.NumElements() / max(n, 1)
	if n == 0 {
		rows = prod(x.Shape()[:x.Rank()-1])
	}
	shape := append(append([]int(nil), x.Shape()[:x.Rank()-1]...), k)
	vals, err := alloc(c, x.DType(), shape)
	if err != nil {
		return nil, err
	}
	idx := make([]int, rows*k)
	switch xv := x.Data().(type) {
	case []float32:
		topKT(xv, rows, n, k, vals.Data().([]float32), idx)
	case []float64:
		topKT(xv, rows, n, k, vals.Data().([]float64), idx)
	case []int32:
		topKT(xv, rows, n, k, vals.Data().([]int32), idx)
	case []int64:
		topKT(xv, rows, n, k, vals.Data().([]int64), idx)
	default:
		return nil, c.Errorf("dtype %s is not supported", x.DType())
	}
	it, err := intTensor(c, idt, shape, idx)
	if err != nil {
		return nil, err
	}
	return []*tensor.Tensor{vals, it}, nil
}

func sparseToDense(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	indices, values, def := in[0], in[2], in[3]
	validate, err := op.Bool(c, "validate_indices")
	if err != nil {
		return nil, err
	}
	sv, err := ints(c, "output_shape", in[1])
	if err != nil {
		return nil, err
	}
	shape, err := intsToShape(c, "output_shape", sv)
	if err != nil {
		return nil, err
	}
	iv, err := ints(c, "sparse_indices", indices)
	if err != nil {
		return nil, err
	}
	if indices.Rank() > 2 {
		return nil, c.Errorf("sparse_indices should be a scalar, vector, or matrix, got shape %s", tensor.ShapeString(indices.Shape()))
	}
	num, depth := 1, 1
	switch indices.Rank() {
	case 1:
		num = indices.Dim(0)
	case 2:
		num, depth = indices.Dim(0), indices.Dim(1)
	}
	if depth != len(shape) {
		return nil, c.Errorf("output_shape has incorrect number of elements: %d should be: %d", len(shape), depth)
	}
	if values.NumElements() != 1 && (values.Rank() != 1 || values.Dim(0) != num) {
		return nil, c.Errorf("sparse_values has incorrect shape %s, should be [] or [%d]", tensor.ShapeString(values.Shape()), num)
	}
	if def.NumElements() != 1 || values.DType() != def.DType() {
		return nil, c.Errorf("default_value should be a scalar of the values' type, got %s", def)
	}
	out, err := alloc(c, values.DType(), shape)
	if err != nil {
		return nil, err
	}
	fillValue(out.Data(), def.Data())
	st := strides(shape)
	prev := -1
	for i := 0; i < num; i++ {
		off := 0
		for d := 0; d < depth; d++ {
			v := iv[i*depth+d]
			if v < 0 || v >= int64(shape[d]) {
				return nil, c.Errorf("indices[%d] = %v is out of bounds: need 0 <= index < %s", i, iv[i*depth:(i+1)*depth], tensor.ShapeString(shape))
			}
			off += int(v) * st[d]
		}
		if validate {
			if off == prev {
				return nil, c.Errorf("indices[%d] = %v is repeated", i, iv[i*depth:(i+1)*depth])
			}
			if off < prev {
				return nil, c.Errorf("indices[%d] = %v is out of order", i, iv[i*depth:(i+1)*depth])
			}
		}
		prev = off
		src := 0
		if values.NumElements() != 1 {
			src = i
		}
		copyBlock(out.Data(), values.Data(), off, src, 1)
	}
	return []*tensor.Tensor{out}, nil
}

func boundT[T number](sorted, vals []T, rows, n, m int, upper bool, out []int) {
	for r := 0; r < rows; r++ {
		s := sorted[r*n : (r+1)*n]
		for j, v := range vals[r*m : (r+1)*m] {
			if upper {
				out[r*m+j] = sort.Search(n, func(i int) bool { return s[i] > v })
			} else {
				out[r*m+j] = sort.Search(n, func(i int) bool { return s[i] >= v })
			}
		}
	}
}

func bound(upper bool) op.Kernel {
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		s, v := in[0], in[1]
		odt, err := op.Type(c, "out_type")
		if err != nil {
			return nil, err
		}
		if s.DType() != v.DType() {
			return nil, c.Errorf("sorted_inputs and values have different types %s and %s", s.DType(), v.DType())
		}
		if s.Rank() != 2 || v.Rank() != 2 || s.Dim(0) != v.Dim(0) {
			return nil, c.Errorf("sorted_inputs %s and values %s must be 2-D with the same number of rows",
				tensor.ShapeString(s.Shape()), tensor.ShapeString(v.Shape()))
		}
		rows, n, m := s.Dim(0), s.Dim(1), v.Dim(1)
		out := make([]int, rows*m)
		switch sv := s.Data().(type) {
		case []float32:
			boundT(sv, v.Data().([]float32), rows, n, m, upper, out)
		case []float64:
			boundT(sv, v.Data().([]float64), rows, n, m, upper, out)
		case []int32:
			boundT(sv, v.Data().([]int32), rows, n, m, upper, out)
		case []int64:
			boundT(sv, v.Data().([]int64), rows, n, m, upper, out)
		default:
			return nil, c.Errorf("dtype %s is not supported", s.DType())
		}
		return one(intTensor(c, odt, v.Shape(), out))
	}
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
