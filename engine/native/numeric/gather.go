package numeric

import (
	"fmt"
	"strings"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// coords formats flat index i of shape as "a,b,c" for error messages.
func coords(shape []int, i int) string {
	parts := make([]string, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		if shape[d] > 0 {
			parts[d] = fmt.Sprint(i % shape[d])
			i /= shape[d]
		}
	}
	return strings.Join(parts, ",")
}

// gatherCore gathers params along axis with the given batch_dims; index
// values outside [0, dim) are an error, as on TensorFlow's CPU.
func gatherCore(c op.Context, params, indices *tensor.Tensor, axis, batchDims int) (*tensor.Tensor, error) {
	idx, err := intsView(c, "indices", indices) // only read
	if err != nil {
		return nil, err
	}
	ps, is := params.Shape(), indices.Shape()
	if axis >= len(ps) {
		return nil, c.Errorf("params must be at least %d dimensional, got %s", axis+1, params)
	}
	if batchDims > axis {
		return nil, c.Errorf("batch_dims (%d) must be less than or equal to axis (%d)", batchDims, axis)
	}
	if batchDims > len(is) {
		return nil, c.Errorf("batch_dims (%d) must be less than rank(indices) (%d)", batchDims, len(is))
	}
	for d := 0; d < batchDims; d++ {
		if ps[d] != is[d] {
			return nil, c.Errorf("params.shape[%d]: %d should be equal to indices.shape[%d]: %d", d, ps[d], d, is[d])
		}
	}
	oshape := append(append(append([]int{}, ps[:axis]...), is[batchDims:]...), ps[axis+1:]...)
	batch := prod(ps[:batchDims])
	pre := prod(ps[batchDims:axis])
	dim := ps[axis]
	inner := prod(ps[axis+1:])
	nIdx := prod(is[batchDims:])
	for i, v := range idx {
		if v < 0 || v >= int64(dim) {
			return nil, c.Errorf("indices[%s] = %d is not in [0, %d)", coords(is, i), v, dim)
		}
	}
	// Every element of out is written below: a float32 output (an
	// embedding look-up, a batch's biggest tensor before the convolutions)
	// may be a recycled buffer.
	var out *tensor.Tensor
	if params.DType() == tensor.Float {
		out, err = allocDirty(c, tensor.Float, oshape)
	} else {
		out, err = alloc(c, params.DType(), oshape)
	}
	if err != nil {
		return nil, err
	}
	if out.NumElements() == 0 {
		return out, nil
	}
	dst, src := out.Data(), params.Data()
	if inner == 1 {
		flat := make([]int, 0, batch*pre*nIdx)
		for b := 0; b < batch; b++ {
			for p := 0; p < pre; p++ {
				base := (b*pre + p) * dim
				for _, v := range idx[b*nIdx : (b+1)*nIdx] {
					flat = append(flat, base+int(v))
				}
			}
		}
		take(dst, src, flat)
		return out, nil
	}
	o := 0
	for b := 0; b < batch; b++ {
		for p := 0; p < pre; p++ {
			base := (b*pre + p) * dim
			for _, v := range idx[b*nIdx : (b+1)*nIdx] {
				copyBlock(dst, src, o, (base+int(v))*inner, inner)
				o += inner
			}
		}
	}
	return out, nil
}

func gatherV2(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	params, indices := in[0], in[1]
	a, err := scalarInt(c, "axis", in[2])
	if err != nil {
		return nil, err
	}
	axis, err := axisArg(c, a, params.Rank())
	if err != nil {
		return nil, err
	}
	bd, err := op.Int(c, "batch_dims")
	if err != nil {
		return nil, err
	}
	if bd < 0 {
		bd += int64(indices.Rank())
	}
	if bd < 0 {
		return nil, c.Errorf("batch_dims is out of range for indices of rank %d", indices.Rank())
	}
	return one(gatherCore(c, params, indices, axis, int(bd)))
}

func resourceGather(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	v, err := op.ResourceArg[*op.Variable](c, in[0])
	if err != nil {
		return nil, err
	}
	params, err := v.Value()
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	bd, err := op.Int(c, "batch_dims")
	if err != nil {
		return nil, err
	}
	if params.Rank() < 1 {
		return nil, c.Errorf("params must be at least 1 dimensional, variable %s is %s", v.Name, params)
	}
	return one(gatherCore(c, params, in[1], int(bd), int(bd)))
}

func gatherNd(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	params, indices := in[0], in[1]
	if indices.Rank() < 1 {
		return nil, c.Errorf("indices must be at least a vector, got %s", indices)
	}
	idx, err := ints(c, "indices", indices)
	if err != nil {
		return nil, err
	}
	depth := indices.Dim(-1)
	if depth > params.Rank() {
		return nil, c.Errorf("index innermost dimension length must be <= params rank; saw: %d vs. %d", depth, params.Rank())
	}
	ps := params.Shape()
	inner := prod(ps[depth:])
	n := prod(indices.Shape()[:indices.Rank()-1])
	oshape := append(append([]int{}, indices.Shape()[:indices.Rank()-1]...), ps[depth:]...)
	st := strides(ps)
	out, err := alloc(c, params.DType(), oshape)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		off := 0
		for d := 0; d < depth; d++ {
			v := idx[i*depth+d]
			if v < 0 || v >= int64(ps[d]) {
				return nil, c.Errorf("indices[%s] = %v does not index into param shape %s",
					coords(indices.Shape()[:indices.Rank()-1], i), idx[i*depth:(i+1)*depth], tensor.ShapeString(ps))
			}
			off += int(v) * st[d]
		}
		if inner > 0 {
			copyBlock(out.Data(), params.Data(), i*inner, off, inner)
		}
	}
	return []*tensor.Tensor{out}, nil
}

func oneHot(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	indices := in[0]
	a, err := op.Int(c, "axis")
	if err != nil {
		return nil, err
	}
	d, err := scalarInt(c, "depth", in[1])
	if err != nil {
		return nil, err
	}
	if d < 0 {
		return nil, c.Errorf("depth must be non-negative, got: %d", d)
	}
	if in[2].NumElements() != 1 || in[3].NumElements() != 1 || in[2].DType() != in[3].DType() {
		return nil, c.Errorf("on_value and off_value must be scalars of one type, got %s and %s", in[2], in[3])
	}
	r := indices.Rank()
	if a < -1 || a > int64(r) {
		return nil, c.Errorf("Expected axis to be -1 or between [0, %d).  But received: %d", r+1, a)
	}
	axis := int(a)
	if axis == -1 {
		axis = r
	}
	idx, err := ints(c, "indices", indices)
	if err != nil {
		return nil, err
	}
	depth := int(d)
	is := indices.Shape()
	oshape := append(append(append([]int{}, is[:axis]...), depth), is[axis:]...)
	out, err := alloc(c, in[2].DType(), oshape)
	if err != nil {
		return nil, err
	}
	fillValue(out.Data(), in[3].Data())
	outer, inner := prod(is[:axis]), prod(is[axis:])
	for o := 0; o < outer; o++ {
		for i := 0; i < inner; i++ {
			v := idx[o*inner+i]
			if v >= 0 && v < int64(depth) {
				copyBlock(out.Data(), in[2].Data(), (o*depth+int(v))*inner+i, 0, 1)
			}
		}
	}
	return []*tensor.Tensor{out}, nil
}

func gatherDefs() []op.Def {
	return []op.Def{
		{Spec: "GatherV2(params: Tparams, indices: Tindices, axis: Taxis) -> (output: Tparams); batch_dims: int = 0; Tparams: type; Tindices: type; Taxis: type", Kernel: gatherV2},
		{Spec: "Gather(params: Tparams, indices: Tindices) -> (output: Tparams); validate_indices: bool = true; Tparams: type; Tindices: type", Kernel: func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			return one(gatherCore(c, in[0], in[1], 0, 0))
		}},
		{Spec: "ResourceGather(resource: resource, indices: Tindices) -> (output: dtype); batch_dims: int = 0; validate_indices: bool = true; dtype: type; Tindices: type", Stateful: true, Kernel: resourceGather},
		{Spec: "GatherNd(params: Tparams, indices: Tindices) -> (output: Tparams); Tparams: type; Tindices: type; bad_indices_policy: string = ''", Kernel: gatherNd},
		{Spec: "OneHot(indices: TI, depth: int32, on_value: T, off_value: T) -> (output: T); axis: int = -1; T: type; TI: type = DT_INT64", Kernel: oneHot},
	}
}
