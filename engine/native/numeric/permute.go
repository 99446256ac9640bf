package numeric

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

func transpose(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x := in[0]
	p, err := ints(c, "perm", in[1])
	if err != nil {
		return nil, err
	}
	r := x.Rank()
	if len(p) != r || in[1].Rank() != 1 {
		return nil, c.Errorf("transpose expects a vector of size %d. But input(1) is a vector of size %d", r, len(p))
	}
	seen := make([]bool, r)
	perm := make([]int, r)
	for i, v := range p {
		if v < 0 || v >= int64(r) || seen[v] {
			return nil, c.Errorf("%d is not a valid permutation index for rank %d (perm %v)", v, r, p)
		}
		seen[v] = true
		perm[i] = int(v)
	}
	identity := true
	for i, v := range perm {
		identity = identity && v == i
	}
	if identity {
		return []*tensor.Tensor{x}, nil
	}
	st := strides(x.Shape())
	shape := make([]int, r)
	pst := make([]int, r)
	for i, v := range perm {
		shape[i] = x.Shape()[v]
		pst[i] = st[v]
	}
	idx := make([]int, prod(shape))
	forEachIndex(shape, func(i int, pos []int) {
		o := 0
		for d, q := range pos {
			o += q * pst[d]
		}
		idx[i] = o
	})
	return one(gatherIndex(c, x, shape, idx))
}

func tile(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x := in[0]
	m, err := ints(c, "multiples", in[1])
	if err != nil {
		return nil, err
	}
	if len(m) != x.Rank() {
		return nil, c.Errorf("Expected multiples argument to be a vector of length %d but got length %d", x.Rank(), len(m))
	}
	shape := make([]int, len(m))
	for i, v := range m {
		if v < 0 {
			return nil, c.Errorf("Expected multiples[%d] >= 0, but got %d", i, v)
		}
		shape[i] = x.Shape()[i] * int(v)
	}
	if err := checkSize(c, shape); err != nil {
		return nil, err
	}
	st := strides(x.Shape())
	idx := make([]int, prod(shape))
	in0 := x.Shape()
	forEachIndex(shape, func(i int, pos []int) {
		o := 0
		for d, q := range pos {
			o += (q % in0[d]) * st[d]
		}
		idx[i] = o
	})
	return one(gatherIndex(c, x, shape, idx))
}

func reverseV2(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x := in[0]
	a, err := ints(c, "axis", in[1])
	if err != nil {
		return nil, err
	}
	r := x.Rank()
	rev := make([]bool, r)
	for _, v := range a {
		ax, err := axisArg(c, v, r)
		if err != nil {
			return nil, err
		}
		if rev[ax] {
			return nil, c.Errorf("axis %d specified more than once", ax)
		}
		rev[ax] = true
	}
	st := strides(x.Shape())
	shape := x.Shape()
	idx := make([]int, x.NumElements())
	forEachIndex(shape, func(i int, pos []int) {
		o := 0
		for d, q := range pos {
			if rev[d] {
				q = shape[d] - 1 - q
			}
			o += q * st[d]
		}
		idx[i] = o
	})
	return one(gatherIndex(c, x, shape, idx))
}

// readPaddings reads a [rank, 2] paddings tensor.
func readPaddings(c op.Context, x, p *tensor.Tensor) ([][2]int, error) {
	if p.Rank() != 2 || p.Dim(0) != x.Rank() || p.Dim(1) != 2 {
		return nil, c.Errorf("paddings must be a matrix with 2 columns and %d rows: %s", x.Rank(), tensor.ShapeString(p.Shape()))
	}
	v, err := ints(c, "paddings", p)
	if err != nil {
		return nil, err
	}
	out := make([][2]int, x.Rank())
	for i := range out {
		if v[2*i] < 0 || v[2*i+1] < 0 {
			return nil, c.Errorf("Paddings must be non-negative: %d %d", v[2*i], v[2*i+1])
		}
		out[i] = [2]int{int(v[2*i]), int(v[2*i+1])}
	}
	return out, nil
}

func padK(withValue bool) op.Kernel {
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		x := in[0]
		pads, err := readPaddings(c, x, in[1])
		if err != nil {
			return nil, err
		}
		shape := make([]int, x.Rank())
		for i, d := range x.Shape() {
			shape[i] = d + pads[i][0] + pads[i][1]
		}
		out, err := alloc(c, x.DType(), shape)
		if err != nil {
			return nil, err
		}
		if withValue {
			if in[2].NumElements() != 1 || in[2].DType() != x.DType() {
				return nil, c.Errorf("constant_values must be a scalar, got %s", in[2])
			}
			fillValue(out.Data(), in[2].Data())
		}
		if x.NumElements() == 0 {
			return []*tensor.Tensor{out}, nil
		}
		if x.Rank() == 0 {
			copyBlock(out.Data(), x.Data(), 0, 0, 1)
			return []*tensor.Tensor{out}, nil
		}
		ost := strides(shape)
		r := x.Rank()
		inner := x.Shape()[r-1]
		o := 0
		forEachIndex(x.Shape()[:r-1], func(_ int, pos []int) {
			off := pads[r-1][0]
			for d, q := range pos {
				off += (q + pads[d][0]) * ost[d]
			}
			copyBlock(out.Data(), x.Data(), off, o, inner)
			o += inner
		})
		return []*tensor.Tensor{out}, nil
	}
}

func mirrorPad(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x := in[0]
	mode, err := op.String(c, "mode")
	if err != nil {
		return nil, err
	}
	pads, err := readPaddings(c, x, in[1])
	if err != nil {
		return nil, err
	}
	off := 0
	switch mode {
	case "REFLECT":
		off = 1
	case "SYMMETRIC":
	default:
		return nil, c.Errorf("mode must be REFLECT or SYMMETRIC, got %q", mode)
	}
	shape := make([]int, x.Rank())
	for i, d := range x.Shape() {
		if pads[i][0] > d-off || pads[i][1] > d-off {
			return nil, c.Errorf("paddings must be no greater than the dimension size: %d, %d greater than %d", pads[i][0], pads[i][1], d-off)
		}
		shape[i] = d + pads[i][0] + pads[i][1]
	}
	st := strides(x.Shape())
	idx := make([]int, prod(shape))
	forEachIndex(shape, func(i int, pos []int) {
		o := 0
		for d, q := range pos {
			n := x.Shape()[d]
			p := q - pads[d][0]
			if p < 0 {
				p = -p - 1 + off
			} else if p >= n {
				p = 2*n - 1 - p - off
			}
			o += p * st[d]
		}
		idx[i] = o
	})
	return one(gatherIndex(c, x, shape, idx))
}

func invertPermutation(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	v, err := ints(c, "x", in[0])
	if err != nil {
		return nil, err
	}
	if in[0].Rank() != 1 {
		return nil, c.Errorf("invert_permutation expects a 1D vector, got %s", in[0])
	}
	out := make([]int, len(v))
	for i := range out {
		out[i] = -1
	}
	for i, p := range v {
		if p < 0 || p >= int64(len(v)) {
			return nil, c.Errorf("%d is not between 0 and %d", p, len(v))
		}
		if out[p] != -1 {
			return nil, c.Errorf("%d is duplicated in the input.", p)
		}
		out[p] = i
	}
	return one(intTensor(c, in[0].DType(), []int{len(v)}, out))
}

func permuteDefs() []op.Def {
	return []op.Def{
		{Spec: "Transpose(x: T, perm: Tperm) -> (y: T); T: type; Tperm: type = int32", Kernel: transpose},
		{Spec: "Tile(input: T, multiples: Tmultiples) -> (output: T); T: type; Tmultiples: type = int32", Kernel: tile},
		{Spec: "ReverseV2(tensor: T, axis: Tidx) -> (output: T); Tidx: type = int32; T: type", Kernel: reverseV2},
		{Spec: "Pad(input: T, paddings: Tpaddings) -> (output: T); T: type; Tpaddings: type = int32", Kernel: padK(false)},
		{Spec: "PadV2(input: T, paddings: Tpaddings, constant_values: T) -> (output: T); T: type; Tpaddings: type = int32", Kernel: padK(true)},
		{Spec: "MirrorPad(input: T, paddings: Tpaddings) -> (output: T); T: type; Tpaddings: type = int32; mode: string", Kernel: mirrorPad},
		{Spec: "InvertPermutation(x: T) -> (y: T); T: type = int32", Kernel: invertPermutation},
	}
}
