package numeric

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// concatCore concatenates ts (same dtype and rank) along axis.
func concatCore(c op.Context, ts []*tensor.Tensor, axis int) (*tensor.Tensor, error) {
	first := ts[0]
	shape := append([]int(nil), first.Shape()...)
	shape[axis] = 0
	for i, t := range ts {
		if t.DType() != first.DType() {
			return nil, c.Errorf("input %d has type %s, want %s", i, t.DType(), first.DType())
		}
		if t.Rank() != first.Rank() {
			return nil, c.Errorf("ConcatOp : Ranks of all input tensors should match: shape[0] = %s vs. shape[%d] = %s",
				tensor.ShapeString(first.Shape()), i, tensor.ShapeString(t.Shape()))
		}
		for d := range shape {
			if d != axis && t.Shape()[d] != first.Shape()[d] {
				return nil, c.Errorf("ConcatOp : Dimension %d in both shapes must be equal: shape[0] = %s vs. shape[%d] = %s",
					d, tensor.ShapeString(first.Shape()), i, tensor.ShapeString(t.Shape()))
			}
		}
		shape[axis] += t.Shape()[axis]
	}
	out, err := allocDirty(c, first.DType(), shape) // the inputs cover it
	if err != nil {
		return nil, err
	}
	outer := prod(shape[:axis])
	rowLen := prod(shape[axis:])
	dst := out.Data()
	off := 0
	for _, t := range ts {
		n := prod(t.Shape()[axis:])
		if n == 0 {
			continue
		}
		src := t.Data()
		for o := 0; o < outer; o++ {
			copyBlock(dst, src, o*rowLen+off, o*n, n)
		}
		off += n
	}
	return out, nil
}

func concatV2(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	values := in[:len(in)-1]
	a, err := scalarInt(c, "axis", in[len(in)-1])
	if err != nil {
		return nil, err
	}
	if values[0].Rank() == 0 {
		return nil, c.Errorf("Can't concatenate scalars (use tf.stack instead)")
	}
	axis, err := axisArg(c, a, values[0].Rank())
	if err != nil {
		return nil, err
	}
	if len(values) == 1 {
		return []*tensor.Tensor{values[0]}, nil
	}
	return one(concatCore(c, values, axis))
}

func pack(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	a, err := op.Int(c, "axis")
	if err != nil {
		return nil, err
	}
	first := in[0]
	r := first.Rank()
	if a < -int64(r+1) || a > int64(r) {
		return nil, c.Errorf("axis = %d not in [%d, %d)", a, -(r + 1), r+1)
	}
	if a < 0 {
		a += int64(r + 1)
	}
	shape := append(append(append([]int(nil), first.Shape()[:a]...), 1), first.Shape()[a:]...)
	views := make([]*tensor.Tensor, len(in))
	for i, t := range in {
		if !sameShape(t.Shape(), first.Shape()) {
			return nil, c.Errorf("Shapes of all inputs must match: values[0].shape = %s != values[%d].shape = %s",
				tensor.ShapeString(first.Shape()), i, tensor.ShapeString(t.Shape()))
		}
		if views[i], err = reshaped(c, t, shape); err != nil {
			return nil, err
		}
	}
	return one(concatCore(c, views, int(a)))
}

// splitCore splits x along axis into pieces of the given sizes.
func splitCore(c op.Context, x *tensor.Tensor, axis int, sizes []int) ([]*tensor.Tensor, error) {
	shape := x.Shape()
	outer := prod(shape[:axis])
	inner := prod(shape[axis+1:])
	rowLen := shape[axis] * inner
	outs := make([]*tensor.Tensor, len(sizes))
	off := 0
	for i, s := range sizes {
		os := append([]int(nil), shape...)
		os[axis] = s
		out, err := alloc(c, x.DType(), os)
		if err != nil {
			return nil, err
		}
		n := s * inner
		if n > 0 {
			for o := 0; o < outer; o++ {
				copyBlock(out.Data(), x.Data(), o*n, o*rowLen+off, n)
			}
		}
		off += n
		outs[i] = out
	}
	return outs, nil
}

func split(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	num, err := op.Int(c, "num_split")
	if err != nil {
		return nil, err
	}
	a, err := scalarInt(c, "split_dim", in[0])
	if err != nil {
		return nil, err
	}
	x := in[1]
	axis, err := axisArg(c, a, x.Rank())
	if err != nil {
		return nil, err
	}
	if num <= 0 || x.Shape()[axis]%int(num) != 0 {
		return nil, c.Errorf("Number of ways to split should evenly divide the split dimension, but got split_dim %d (size = %d) and num_split %d",
			axis, x.Shape()[axis], num)
	}
	sizes := make([]int, num)
	for i := range sizes {
		sizes[i] = x.Shape()[axis] / int(num)
	}
	return splitCore(c, x, axis, sizes)
}

func splitV(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x := in[0]
	ss, err := ints(c, "size_splits", in[1])
	if err != nil {
		return nil, err
	}
	a, err := scalarInt(c, "split_dim", in[2])
	if err != nil {
		return nil, err
	}
	axis, err := axisArg(c, a, x.Rank())
	if err != nil {
		return nil, err
	}
	num, err := op.Int(c, "num_split")
	if err != nil {
		return nil, err
	}
	if int64(len(ss)) != num {
		return nil, c.Errorf("size_splits has %d entries, num_split is %d", len(ss), num)
	}
	dim := x.Shape()[axis]
	sizes := make([]int, len(ss))
	unknown, total := -1, 0
	for i, s := range ss {
		switch {
		case s == -1:
			if unknown >= 0 {
				return nil, c.Errorf("Only one dimensions can have a value of -1. Second one found at dimension %d", i)
			}
			unknown = i
		case s < 0:
			return nil, c.Errorf("size_splits[%d] = %d is negative", i, s)
		default:
			sizes[i] = int(s)
			total += int(s)
		}
	}
	if unknown >= 0 {
		if total > dim {
			return nil, c.Errorf("Determined shape must either match input shape along split_dim exactly if fully specified, or be less than the size of the input along split_dim if not fully specified. Got: %d", total)
		}
		sizes[unknown] = dim - total
	} else if total != dim {
		return nil, c.Errorf("Determined shape must either match input shape along split_dim exactly if fully specified, or be less than the size of the input along split_dim if not fully specified. Got: %d", total)
	}
	return splitCore(c, x, axis, sizes)
}

func unpack(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x := in[0]
	num, err := op.Int(c, "num")
	if err != nil {
		return nil, err
	}
	a, err := op.Int(c, "axis")
	if err != nil {
		return nil, err
	}
	axis, err := axisArg(c, a, x.Rank())
	if err != nil {
		return nil, err
	}
	if int64(x.Shape()[axis]) != num {
		return nil, c.Errorf("Input shape axis %d must equal %d, got shape %s", axis, num, tensor.ShapeString(x.Shape()))
	}
	sizes := make([]int, num)
	for i := range sizes {
		sizes[i] = 1
	}
	parts, err := splitCore(c, x, axis, sizes)
	if err != nil {
		return nil, err
	}
	shape := append(append([]int(nil), x.Shape()[:axis]...), x.Shape()[axis+1:]...)
	for i, p := range parts {
		if parts[i], err = reshaped(c, p, shape); err != nil {
			return nil, err
		}
	}
	return parts, nil
}

func concatOffset(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	a, err := scalarInt(c, "concat_dim", in[0])
	if err != nil {
		return nil, err
	}
	shapes := in[1:]
	first, err := ints(c, "shape", shapes[0])
	if err != nil {
		return nil, err
	}
	axis, err := axisArg(c, a, len(first))
	if err != nil {
		return nil, err
	}
	outs := make([]*tensor.Tensor, len(shapes))
	off := 0
	for i, s := range shapes {
		v, err := ints(c, "shape", s)
		if err != nil {
			return nil, err
		}
		if len(v) != len(first) {
			return nil, c.Errorf("input %d should contain %d elements, but got %d", i, len(first), len(v))
		}
		o := make([]int, len(v))
		for d := range v {
			if d != axis && v[d] != first[d] {
				return nil, c.Errorf("input[%d,%d] mismatch: %d vs. %d", i, d, first[d], v[d])
			}
		}
		o[axis] = off
		off += int(v[axis])
		if outs[i], err = intTensor(c, s.DType(), []int{len(o)}, o); err != nil {
			return nil, err
		}
	}
	return outs, nil
}

func concatDefs() []op.Def {
	return []op.Def{
		{Spec: "ConcatV2(values: N * T, axis: Tidx) -> (output: T); N: int; T: type; Tidx: type = int32", Kernel: concatV2},
		{Spec: "Pack(values: N * T) -> (output: T); N: int; T: type; axis: int = 0", Kernel: pack},
		{Spec: "Unpack(value: T) -> (output: num * T); num: int; T: type; axis: int = 0", Kernel: unpack},
		{Spec: "Split(split_dim: int32, value: T) -> (output: num_split * T); num_split: int; T: type", Kernel: split},
		{Spec: "SplitV(value: T, size_splits: Tlen, split_dim: int32) -> (output: num_split * T); num_split: int; T: type; Tlen: type = int64", Kernel: splitV},
		{Spec: "ConcatOffset(concat_dim: int32, shape: N * shape_type) -> (offset: N * shape_type); N: int; shape_type: type = int32", Kernel: concatOffset},
	}
}
