package numeric

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// intTensor builds an int32 or int64 tensor (dt) from vals.
func intTensor(c op.Context, dt tensor.DType, shape []int, vals []int) (*tensor.Tensor, error) {
	switch dt {
	case tensor.Int32:
		v := make([]int32, len(vals))
		for i, x := range vals {
			if int(int32(x)) != x {
				return nil, c.Errorf("value %d does not fit int32", x)
			}
			v[i] = int32(x)
		}
		return wrap(c, dt, shape, v)
	case tensor.Int64:
		v := make([]int64, len(vals))
		for i, x := range vals {
			v[i] = int64(x)
		}
		return wrap(c, dt, shape, v)
	}
	return nil, c.Errorf("out_type must be int32 or int64, got %s", dt)
}

func shapeK(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	dt, err := op.Type(c, "out_type")
	if err != nil {
		return nil, err
	}
	return one(intTensor(c, dt, []int{in[0].Rank()}, in[0].Shape()))
}

func shapeN(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	dt, err := op.Type(c, "out_type")
	if err != nil {
		return nil, err
	}
	out := make([]*tensor.Tensor, len(in))
	for i, t := range in {
		if out[i], err = intTensor(c, dt, []int{t.Rank()}, t.Shape()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sizeK(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	dt, err := op.Type(c, "out_type")
	if err != nil {
		return nil, err
	}
	return one(intTensor(c, dt, nil, []int{in[0].NumElements()}))
}

func rankK(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	return []*tensor.Tensor{tensor.Scalar(int32(in[0].Rank()))}, nil
}

// reshape follows TensorFlow's Reshape: at most one -1, inferred from the
// element count.
func reshape(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x := in[0]
	if in[1].Rank() > 1 {
		return nil, c.Errorf("shape must be a vector, got %s", in[1])
	}
	want, err := ints(c, "shape", in[1])
	if err != nil {
		return nil, err
	}
	shape := make([]int, len(want))
	unknown := -1
	known := 1
	for i, d := range want {
		switch {
		case d == -1:
			if unknown >= 0 {
				return nil, c.Errorf("only one input size may be -1, not both %d and %d", unknown, i)
			}
			unknown = i
		case d < 0:
			return nil, c.Errorf("size %d must be non-negative, not %d", i, d)
		default:
			shape[i] = int(d)
			if d != 0 && known > (1<<40)/int(d) {
				return nil, c.Errorf("shape %v is too large", want)
			}
			known *= int(d)
		}
	}
	n := x.NumElements()
	if unknown >= 0 {
		if known == 0 || n%known != 0 {
			if known == 0 && n == 0 {
				shape[unknown] = 0
				return one(reshaped(c, x, shape))
			}
			return nil, c.Errorf("Input to reshape is a tensor with %d values, but the requested shape requires a multiple of %d", n, known)
		}
		shape[unknown] = n / known
	} else if known != n {
		return nil, c.Errorf("Input to reshape is a tensor with %d values, but the requested shape has %d", n, known)
	}
	return one(reshaped(c, x, shape))
}

func expandDims(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x := in[0]
	if in[1].NumElements() != 1 {
		return nil, c.Errorf("'dim' must be a tensor with a single value, got %s", in[1])
	}
	d, err := ints(c, "dim", in[1])
	if err != nil {
		return nil, err
	}
	r := int64(x.Rank())
	dim := d[0]
	if dim < -1-r || dim > r {
		return nil, c.Errorf("Tried to expand dim index %d for tensor with %d dimensions", dim, r)
	}
	if dim < 0 {
		dim += r + 1
	}
	shape := append(append(append([]int(nil), x.Shape()[:dim]...), 1), x.Shape()[dim:]...)
	return one(reshaped(c, x, shape))
}

func squeeze(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x := in[0]
	dims, err := op.Ints(c, "squeeze_dims")
	if err != nil {
		return nil, err
	}
	r := x.Rank()
	drop := make([]bool, r)
	for _, d := range dims {
		a, err := axisArg(c, d, r)
		if err != nil {
			return nil, err
		}
		if x.Shape()[a] != 1 {
			return nil, c.Errorf("Can not squeeze dim[%d], expected a dimension of 1, got %d", a, x.Shape()[a])
		}
		drop[a] = true
	}
	var shape []int
	for i, d := range x.Shape() {
		if (len(dims) == 0 && d == 1) || drop[i] {
			continue
		}
		shape = append(shape, d)
	}
	return one(reshaped(c, x, shape))
}

// broadcastTo materialises x broadcast to shape.
func broadcastTo(c op.Context, x *tensor.Tensor, shape []int) (*tensor.Tensor, error) {
	out, ok := broadcastShape(x.Shape(), shape)
	if !ok || !sameShape(out, shape) {
		return nil, c.Errorf("Unable to broadcast tensor of shape %s to tensor of shape %s",
			tensor.ShapeString(x.Shape()), tensor.ShapeString(shape))
	}
	if sameShape(x.Shape(), shape) {
		return x, nil
	}
	n := prod(shape)
	idx := make([]int, n)
	st := bstrides(x.Shape(), shape)
	forEachIndex(shape, func(i int, pos []int) {
		o := 0
		for d, p := range pos {
			o += p * st[d]
		}
		idx[i] = o
	})
	return gatherIndex(c, x, shape, idx)
}

// forEachIndex calls f for each element of shape in row-major order with
// its flat index and coordinates (pos is reused between calls).
func forEachIndex(shape []int, f func(i int, pos []int)) {
	n := prod(shape)
	pos := make([]int, len(shape))
	for i := 0; i < n; i++ {
		f(i, pos)
		for d := len(shape) - 1; d >= 0; d-- {
			pos[d]++
			if pos[d] < shape[d] {
				break
			}
			pos[d] = 0
		}
	}
}

func broadcastToK(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	d, err := ints(c, "shape", in[1])
	if err != nil {
		return nil, err
	}
	shape, err := intsToShape(c, "shape", d)
	if err != nil {
		return nil, err
	}
	return one(broadcastTo(c, in[0], shape))
}

func broadcastArgs(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	a, err := ints(c, "s0", in[0])
	if err != nil {
		return nil, err
	}
	b, err := ints(c, "s1", in[1])
	if err != nil {
		return nil, err
	}
	sa, err := intsToShape(c, "s0", a)
	if err != nil {
		return nil, err
	}
	sb, err := intsToShape(c, "s1", b)
	if err != nil {
		return nil, err
	}
	out, ok := broadcastShape(sa, sb)
	if !ok {
		return nil, c.Errorf("Incompatible shapes: %s vs. %s", tensor.ShapeString(sa), tensor.ShapeString(sb))
	}
	return one(intTensor(c, in[0].DType(), []int{len(out)}, out))
}

func shapeDefs() []op.Def {
	return []op.Def{
		{Spec: "Shape(input: T) -> (output: out_type); T: type; out_type: type = int32", Kernel: shapeK},
		{Spec: "ShapeN(input: N * T) -> (output: N * out_type); N: int; T: type; out_type: type = int32", Kernel: shapeN},
		{Spec: "Size(input: T) -> (output: out_type); T: type; out_type: type = int32", Kernel: sizeK},
		{Spec: "Rank(input: T) -> (output: int32); T: type", Kernel: rankK},
		{Spec: "Reshape(tensor: T, shape: Tshape) -> (output: T); T: type; Tshape: type = int32", Kernel: reshape},
		{Spec: "ExpandDims(input: T, dim: Tdim) -> (output: T); T: type; Tdim: type = int32", Kernel: expandDims},
		{Spec: "Squeeze(input: T) -> (output: T); T: type; squeeze_dims: list(int) = []", Kernel: squeeze},
		{Spec: "Fill(dims: index_type, value: T) -> (output: T); T: type; index_type: type = int32", Kernel: fill},
		{Spec: "ZerosLike(x: T) -> (y: T); T: type", Kernel: zerosLike},
		{Spec: "OnesLike(x: T) -> (y: T); T: type", Kernel: onesLike},
		{Spec: "Range(start: Tidx, limit: Tidx, delta: Tidx) -> (output: Tidx); Tidx: type = int32", Kernel: rangeK},
		{Spec: "BroadcastTo(input: T, shape: Tidx) -> (output: T); T: type; Tidx: type = int32", Kernel: broadcastToK},
		{Spec: "BroadcastArgs(s0: T, s1: T) -> (r0: T); T: type = int32", Kernel: broadcastArgs},
	}
}
