package numeric

import (
	"sort"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

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
