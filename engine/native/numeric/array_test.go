package numeric

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// refReduce reduces over axes by visiting every input element and adding
// it into its output cell.
func refReduce(x []float32, shape []int, axes map[int]bool, kind string) ([]float32, []int) {
	var oshape []int
	for i, d := range shape {
		if !axes[i] {
			oshape = append(oshape, d)
		}
	}
	n := prod(oshape)
	acc := make([]float64, n)
	cnt := make([]int, n)
	for i := range acc {
		switch kind {
		case "Max":
			acc[i] = math.Inf(-1)
		case "Min":
			acc[i] = math.Inf(1)
		case "Prod":
			acc[i] = 1
		}
	}
	for i, v := range x {
		// decompose i
		rem, o, mul := i, 0, 1
		for d := len(shape) - 1; d >= 0; d-- {
			p := rem % shape[d]
			rem /= shape[d]
			if !axes[d] {
				o += p * mul
				mul *= shape[d]
			}
		}
		switch kind {
		case "Max":
			acc[o] = math.Max(acc[o], float64(v))
		case "Min":
			acc[o] = math.Min(acc[o], float64(v))
		case "Prod":
			acc[o] *= float64(v)
		default:
			acc[o] += float64(v)
		}
		cnt[o]++
	}
	out := make([]float32, n)
	for i := range out {
		if kind == "Mean" {
			acc[i] /= float64(cnt[i])
		}
		out[i] = float32(acc[i])
	}
	return out, oshape
}

func TestReductionsAgainstReference(t *testing.T) {
	r := rand.New(rand.NewSource(10))
	shape := []int{3, 4, 5, 2}
	x := randF32(r, shape...)
	axesSets := [][]int32{{0}, {1}, {3}, {-1}, {0, 2}, {1, 2}, {0, 1, 2, 3}, {}, {2, 0, 3}}
	for _, kind := range []string{"Sum", "Max", "Min", "Mean", "Prod"} {
		for _, ax := range axesSets {
			set := map[int]bool{}
			for _, a := range ax {
				set[(int(a)+4)%4] = true
			}
			want, oshape := refReduce(tensor.MustValues[float32](x), shape, set, kind)
			got := run1(t, kind, nil, x, i32([]int{len(ax)}, ax...))
			checkShape(t, got, oshape...)
			checkF32(t, got, want, 1e-5)
			kept := run1(t, kind, attrs{"keep_dims": aB(true)}, x, i32([]int{len(ax)}, ax...))
			if kept.Rank() != 4 || kept.NumElements() != len(want) {
				t.Fatalf("%s keep_dims: shape %v", kind, kept.Shape())
			}
		}
	}
	// scalar axis, ints, bools
	checkEq(t, run1(t, "Max", nil, i32([]int{2, 3}, 1, 5, 2, -1, -7, 0), sc32(1)), int32(5), 0)
	checkEq(t, run1(t, "Mean", nil, i32([]int{2, 2}, 1, 2, 3, 5), sc32(1)), int32(1), 4)
	b := tensor.Must(tensor.Bool, []int{2, 2}, []bool{true, false, true, true})
	checkEq(t, run1(t, "All", nil, b, sc32(1)), false, true)
	checkEq(t, run1(t, "Any", nil, b, sc32(0)), true, true)
	checkEq(t, run1(t, "ArgMax", nil, f32([]int{2, 3}, 1, 3, 3, 9, 2, 1), sc32(1)), int64(1), 0)
	checkEq(t, run1(t, "ArgMin", attrs{"output_type": aT(tensor.Int32)}, f32([]int{2, 3}, 1, 3, 0, 9, 2, 1), sc32(0)), int32(0), 1, 0)
	wantErr(t, "Invalid reduction dimension", "Sum", nil, x, sc32(4))
	// Reducing nothing must not alias the input.
	same := run1(t, "Sum", nil, x, i32([]int{0}))
	if &tensor.MustValues[float32](same)[0] == &tensor.MustValues[float32](x)[0] {
		t.Fatal("Sum over no axes aliases its input")
	}
}

func TestShapeOps(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	x := randF32(r, 2, 3, 4)
	checkEq(t, run1(t, "Shape", nil, x), int32(2), 3, 4)
	checkEq(t, run1(t, "Shape", attrs{"out_type": aT(tensor.Int64)}, x), int64(2), 3, 4)
	checkEq(t, run1(t, "Size", nil, x), int32(24))
	checkEq(t, run1(t, "Rank", nil, x), int32(3))
	outs, err := run(t, "ShapeN", nil, x, randF32(r, 5))
	if err != nil || len(outs) != 2 {
		t.Fatal(err)
	}
	checkEq(t, outs[1], int32(5))
	checkShape(t, run1(t, "Reshape", nil, x, i32([]int{2}, -1, 6)), 4, 6)
	checkShape(t, run1(t, "Reshape", nil, f32([]int{1}, 7), i32([]int{0})))
	wantErr(t, "requested shape", "Reshape", nil, x, i32([]int{2}, 5, -1))
	wantErr(t, "only one input size may be -1", "Reshape", nil, x, i32([]int{2}, -1, -1))
	checkShape(t, run1(t, "ExpandDims", nil, x, sc32(-1)), 2, 3, 4, 1)
	checkShape(t, run1(t, "ExpandDims", nil, x, sc32(0)), 1, 2, 3, 4)
	checkShape(t, run1(t, "ExpandDims", nil, x, sc32(-4)), 1, 2, 3, 4)
	wantErr(t, "expand dim", "ExpandDims", nil, x, sc32(4))
	y := randF32(r, 1, 3, 1, 2)
	checkShape(t, run1(t, "Squeeze", nil, y), 3, 2)
	checkShape(t, run1(t, "Squeeze", attrs{"squeeze_dims": aIs(-2)}, y), 1, 3, 2)
	wantErr(t, "Can not squeeze dim[1]", "Squeeze", attrs{"squeeze_dims": aIs(1)}, y)
	checkEq(t, run1(t, "Fill", nil, i32([]int{2}, 2, 2), tensor.Scalar(int64(7))), int64(7), 7, 7, 7)
	checkEq(t, run1(t, "ZerosLike", nil, i32([]int{2}, 3, 4)), int32(0), 0)
	checkEq(t, run1(t, "OnesLike", nil, f32([]int{2}, 3, 4)), float32(1), 1)
	checkEq(t, run1(t, "Range", nil, sc32(2), sc32(9), sc32(3)), int32(2), 5, 8)
	checkEq(t, run1(t, "Range", nil, sc32(5), sc32(0), sc32(-2)), int32(5), 3, 1)
	checkEq(t, run1(t, "Range", nil, tensor.Scalar(float32(0)), tensor.Scalar(float32(1)), tensor.Scalar(float32(0.25))), float32(0), 0.25, 0.5, 0.75)
	wantErr(t, "delta != 0", "Range", nil, sc32(0), sc32(3), sc32(0))
	bt := run1(t, "BroadcastTo", nil, f32([]int{3, 1}, 1, 2, 3), i32([]int{3}, 2, 3, 2))
	checkShape(t, bt, 2, 3, 2)
	checkEq(t, bt, float32(1), 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3)
	wantErr(t, "Unable to broadcast", "BroadcastTo", nil, f32([]int{2}, 1, 2), i32([]int{1}, 3))
	checkEq(t, run1(t, "BroadcastArgs", nil, i32([]int{2}, 5, 1), i32([]int{3}, 2, 1, 4)), int32(2), 5, 4)
}

func seq(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(i)
	}
	return v
}

func TestStridedSliceCases(t *testing.T) {
	x := f32([]int{3, 4}, seq(12)...)
	type tc struct {
		b, e, s                 []int32
		bm, em, elm, nam, shrnk int64
		shape                   []int
		want                    []float32
	}
	// Expected values derived by hand from numpy on np.arange(12).reshape(3,4).
	cases := []tc{
		{[]int32{0}, []int32{1}, []int32{1}, 0, 0, 0, 0, 1, []int{4}, []float32{0, 1, 2, 3}},                    // x[0]
		{[]int32{-1}, []int32{0}, []int32{1}, 0, 0, 0, 0, 1, []int{4}, []float32{8, 9, 10, 11}},                 // x[-1]
		{[]int32{0, 1}, []int32{0, 3}, []int32{1, 1}, 1, 1, 0, 0, 0, []int{3, 2}, []float32{1, 2, 5, 6, 9, 10}}, // x[:,1:3]
		{[]int32{0, 0}, []int32{0, 0}, []int32{1, 1}, 1, 1, 0, 0, 2, []int{3}, []float32{0, 4, 8}},              // x[:,0]
		{[]int32{0, -1}, []int32{0, 0}, []int32{1, -1}, 3, 3, 0, 0, 0, []int{3, 4},
			[]float32{3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8}}, // x[:, ::-1]
		{[]int32{2}, []int32{0}, []int32{-2}, 0, 1, 0, 0, 0, []int{2, 4}, []float32{8, 9, 10, 11, 0, 1, 2, 3}}, // x[2::-2]
		{[]int32{0, 1}, []int32{0, 2}, []int32{1, 1}, 0, 0, 1, 0, 0, []int{3, 1}, []float32{1, 5, 9}},          // x[..., 1:2]
		{[]int32{0, 0}, []int32{0, 0}, []int32{1, 1}, 0, 0, 1, 2, 0, []int{3, 4, 1}, seq(12)},                  // x[..., None]
		{[]int32{0, 0, 0}, []int32{0, 2, 0}, []int32{1, 1, 1}, 5, 5, 0, 1, 0, []int{1, 2, 4}, seq(8)},          // x[None, :2]
		{[]int32{1, 5}, []int32{100, 100}, []int32{1, 2}, 0, 0, 0, 0, 0, []int{2, 0}, nil},                     // clamped, empty
		{[]int32{-100, 1}, []int32{100, 4}, []int32{2, 2}, 0, 0, 0, 0, 0, []int{2, 2}, []float32{1, 3, 9, 11}}, // x[-100:100:2, 1:4:2]
		{[]int32{1, 0}, []int32{2, 0}, []int32{1, 1}, 0, 2, 0, 0, 1, []int{4}, []float32{4, 5, 6, 7}},          // x[1, :]
	}
	for i, c := range cases {
		at := attrs{"begin_mask": aI(c.bm), "end_mask": aI(c.em), "ellipsis_mask": aI(c.elm), "new_axis_mask": aI(c.nam), "shrink_axis_mask": aI(c.shrnk)}
		n := len(c.b)
		got := run1(t, "StridedSlice", at, x, i32([]int{n}, c.b...), i32([]int{n}, c.e...), i32([]int{n}, c.s...))
		if !sameShape(got.Shape(), c.shape) {
			t.Fatalf("case %d: shape %v want %v", i, got.Shape(), c.shape)
		}
		if c.want == nil {
			c.want = []float32{}
		}
		checkF32(t, got, c.want, 0)
	}
	// shape[0] on a shape vector, the most common Keras use.
	checkEq(t, run1(t, "StridedSlice", attrs{"shrink_axis_mask": aI(1)}, i32([]int{3}, 7, 8, 9), i32([]int{1}, 0), i32([]int{1}, 1), i32([]int{1}, 1)), int32(7))
	wantErr(t, "out of bounds", "StridedSlice", attrs{"shrink_axis_mask": aI(1)}, x, i32([]int{1}, 3), i32([]int{1}, 4), i32([]int{1}, 1))
	wantErr(t, "must be non-zero", "StridedSlice", nil, x, i32([]int{1}, 0), i32([]int{1}, 1), i32([]int{1}, 0))
	wantErr(t, "Multiple ellipses", "StridedSlice", attrs{"ellipsis_mask": aI(3)}, x, i32([]int{2}, 0, 0), i32([]int{2}, 0, 0), i32([]int{2}, 1, 1))
	wantErr(t, "Index out of range", "StridedSlice", nil, x, i32([]int{3}, 0, 0, 0), i32([]int{3}, 1, 1, 1), i32([]int{3}, 1, 1, 1))

	checkF32(t, run1(t, "Slice", nil, x, i32([]int{2}, 1, 1), i32([]int{2}, -1, 2)), []float32{5, 6, 9, 10}, 0)
	wantErr(t, "Expected size", "Slice", nil, x, i32([]int{2}, 1, 1), i32([]int{2}, 3, 1))
}

func TestConcatPackSplit(t *testing.T) {
	a := f32([]int{2, 2}, 1, 2, 3, 4)
	b := f32([]int{2, 1}, 5, 6)
	got := run1(t, "ConcatV2", nil, a, b, sc32(-1))
	checkShape(t, got, 2, 3)
	checkF32(t, got, []float32{1, 2, 5, 3, 4, 6}, 0)
	checkF32(t, run1(t, "ConcatV2", nil, a, a, sc32(0)), []float32{1, 2, 3, 4, 1, 2, 3, 4}, 0)
	wantErr(t, "Dimension 1 in both shapes must be equal", "ConcatV2", nil, a, b, sc32(0))
	p := run1(t, "Pack", attrs{"axis": aI(1)}, f32([]int{2}, 1, 2), f32([]int{2}, 3, 4), f32([]int{2}, 5, 6))
	checkShape(t, p, 2, 3)
	checkF32(t, p, []float32{1, 3, 5, 2, 4, 6}, 0)
	checkEq(t, run1(t, "Pack", nil, sc32(4), sc32(5)), int32(4), 5)
	outs, err := run(t, "Unpack", attrs{"num": aI(3), "axis": aI(1)}, p)
	if err != nil || len(outs) != 3 {
		t.Fatal(err)
	}
	checkF32(t, outs[2], []float32{5, 6}, 0)
	x := f32([]int{2, 6}, seq(12)...)
	outs, err = run(t, "Split", attrs{"num_split": aI(3)}, sc32(1), x)
	if err != nil || len(outs) != 3 {
		t.Fatal(err)
	}
	checkF32(t, outs[1], []float32{2, 3, 8, 9}, 0)
	wantErr(t, "evenly divide", "Split", attrs{"num_split": aI(4)}, sc32(1), x)
	outs, err = run(t, "SplitV", attrs{"num_split": aI(3)}, x, i64([]int{3}, 1, -1, 2), sc32(-1))
	if err != nil || len(outs) != 3 {
		t.Fatal(err)
	}
	checkShape(t, outs[1], 2, 3)
	checkF32(t, outs[1], []float32{1, 2, 3, 7, 8, 9}, 0)
	outs, err = run(t, "ConcatOffset", attrs{"N": aI(2)}, sc32(1), i32([]int{2}, 2, 3), i32([]int{2}, 2, 5))
	if err != nil {
		t.Fatal(err)
	}
	checkEq(t, outs[1], int32(0), 3)
}

func TestGather(t *testing.T) {
	params := f32([]int{3, 2}, 1, 2, 3, 4, 5, 6)
	got := run1(t, "GatherV2", nil, params, i32([]int{2, 2}, 2, 0, 1, 1), sc32(0))
	checkShape(t, got, 2, 2, 2)
	checkF32(t, got, []float32{5, 6, 1, 2, 3, 4, 3, 4}, 0)
	checkF32(t, run1(t, "GatherV2", nil, params, i64([]int{3}, 1, 0, 1), sc32(-1)), []float32{2, 1, 2, 4, 3, 4, 6, 5, 6}, 0)
	wantErr(t, "indices[1,0] = 3 is not in [0, 3)", "GatherV2", nil, params, i32([]int{2, 2}, 2, 0, 3, 1), sc32(0))
	wantErr(t, "is not in [0, 3)", "GatherV2", nil, params, i32([]int{1}, -1), sc32(0))
	// batch_dims=1: per row, pick columns.
	bd := run1(t, "GatherV2", attrs{"batch_dims": aI(1)}, f32([]int{2, 3}, 1, 2, 3, 4, 5, 6), i32([]int{2, 2}, 2, 0, 1, 1), sc32(1))
	checkShape(t, bd, 2, 2)
	checkF32(t, bd, []float32{3, 1, 5, 5}, 0)

	// ResourceGather reads the variable's current value.
	v := &op.Variable{Name: "emb", DType: tensor.Float, Shape: []int{3, 2}}
	v.Assign(params)
	rg := run1(t, "ResourceGather", attrs{"dtype": aT(tensor.Float)}, op.ResourceTensor(v), i64([]int{2}, 2, 2))
	checkShape(t, rg, 2, 2)
	checkF32(t, rg, []float32{5, 6, 5, 6}, 0)
	wantErr(t, "indices[0] = 9 is not in [0, 3)", "ResourceGather", nil, op.ResourceTensor(v), i32([]int{1}, 9))
	wantErr(t, "uninitialized", "ResourceGather", nil, op.ResourceTensor(&op.Variable{Name: "u"}), i32([]int{1}, 0))

	nd := run1(t, "GatherNd", nil, params, i32([]int{2, 2}, 2, 1, 0, 0))
	checkF32(t, nd, []float32{6, 1}, 0)
	checkF32(t, run1(t, "GatherNd", nil, params, i32([]int{1, 1}, 1)), []float32{3, 4}, 0)
	wantErr(t, "does not index into param shape", "GatherNd", nil, params, i32([]int{1, 2}, 0, 2))

	oh := run1(t, "OneHot", nil, i64([]int{3}, 0, 2, 5), sc32(3), tensor.Scalar(float32(1)), tensor.Scalar(float32(0)))
	checkShape(t, oh, 3, 3)
	checkF32(t, oh, []float32{1, 0, 0, 0, 0, 1, 0, 0, 0}, 0)
	oh0 := run1(t, "OneHot", attrs{"axis": aI(0)}, i32([]int{2}, 1, 0), sc32(2), tensor.Scalar(int32(5)), tensor.Scalar(int32(-1)))
	checkEq(t, oh0, int32(-1), 5, 5, -1)
}

func TestPermuteOps(t *testing.T) {
	x := f32([]int{2, 3}, seq(6)...)
	tr := run1(t, "Transpose", nil, x, i32([]int{2}, 1, 0))
	checkShape(t, tr, 3, 2)
	checkF32(t, tr, []float32{0, 3, 1, 4, 2, 5}, 0)
	y := f32([]int{2, 3, 4}, seq(24)...)
	tr3 := run1(t, "Transpose", nil, y, i32([]int{3}, 2, 0, 1))
	checkShape(t, tr3, 4, 2, 3)
	yv, tv := tensor.MustValues[float32](y), tensor.MustValues[float32](tr3)
	for k := 0; k < 4; k++ {
		for i := 0; i < 2; i++ {
			for j := 0; j < 3; j++ {
				if tv[(k*2+i)*3+j] != yv[(i*3+j)*4+k] {
					t.Fatalf("transpose mismatch at %d,%d,%d", k, i, j)
				}
			}
		}
	}
	wantErr(t, "permutation", "Transpose", nil, x, i32([]int{2}, 0, 0))
	checkF32(t, run1(t, "Tile", nil, f32([]int{1, 2}, 1, 2), i32([]int{2}, 2, 2)), []float32{1, 2, 1, 2, 1, 2, 1, 2}, 0)
	checkF32(t, run1(t, "ReverseV2", nil, x, i32([]int{1}, 1)), []float32{2, 1, 0, 5, 4, 3}, 0)
	checkF32(t, run1(t, "ReverseV2", nil, x, i32([]int{2}, 0, -1)), []float32{5, 4, 3, 2, 1, 0}, 0)
	pad := run1(t, "Pad", nil, f32([]int{1, 2}, 1, 2), i32([]int{2, 2}, 1, 0, 0, 2))
	checkShape(t, pad, 2, 4)
	checkF32(t, pad, []float32{0, 0, 0, 0, 1, 2, 0, 0}, 0)
	checkF32(t, run1(t, "PadV2", nil, f32([]int{2}, 1, 2), i32([]int{1, 2}, 1, 1), tensor.Scalar(float32(9))), []float32{9, 1, 2, 9}, 0)
	checkF32(t, run1(t, "MirrorPad", attrs{"mode": aS("REFLECT")}, f32([]int{3}, 1, 2, 3), i32([]int{1, 2}, 2, 2)), []float32{3, 2, 1, 2, 3, 2, 1}, 0)
	checkF32(t, run1(t, "MirrorPad", attrs{"mode": aS("SYMMETRIC")}, f32([]int{3}, 1, 2, 3), i32([]int{1, 2}, 2, 1)), []float32{2, 1, 1, 2, 3, 3}, 0)
	wantErr(t, "non-negative", "Pad", nil, x, i32([]int{2, 2}, -1, 0, 0, 0))
	checkEq(t, run1(t, "InvertPermutation", nil, i32([]int{3}, 2, 0, 1)), int32(1), 2, 0)
}

func TestMiscOps(t *testing.T) {
	cond := tensor.Must(tensor.Bool, []int{2, 1}, []bool{true, false})
	checkF32(t, run1(t, "SelectV2", nil, cond, f32([]int{2}, 1, 2), tensor.Scalar(float32(0))), []float32{1, 2, 0, 0}, 0)
	checkF32(t, run1(t, "Select", nil, tensor.Must(tensor.Bool, []int{2}, []bool{false, true}), f32([]int{2, 2}, 1, 2, 3, 4), f32([]int{2, 2}, 5, 6, 7, 8)),
		[]float32{5, 6, 3, 4}, 0)
	checkF32(t, run1(t, "ClipByValue", nil, f32([]int{3}, -5, 0.5, 5), tensor.Scalar(float32(0)), tensor.Scalar(float32(1))), []float32{0, 0.5, 1}, 0)
	checkF32(t, run1(t, "AddN", nil, f32([]int{2}, 1, 2), f32([]int{2}, 3, 4), f32([]int{2}, 5, 6)), []float32{9, 12}, 0)
	x := f32([]int{4}, 1, 2, 3, 4)
	checkF32(t, run1(t, "Cumsum", nil, x, sc32(0)), []float32{1, 3, 6, 10}, 0)
	checkF32(t, run1(t, "Cumsum", attrs{"exclusive": aB(true)}, x, sc32(0)), []float32{0, 1, 3, 6}, 0)
	checkF32(t, run1(t, "Cumsum", attrs{"reverse": aB(true)}, x, sc32(0)), []float32{10, 9, 7, 4}, 0)
	checkF32(t, run1(t, "Cumsum", attrs{"reverse": aB(true), "exclusive": aB(true)}, x, sc32(0)), []float32{9, 7, 4, 0}, 0)
	checkEq(t, run1(t, "Cumsum", nil, i64([]int{2, 2}, 1, 2, 3, 4), sc32(1)), int64(1), 3, 3, 7)
	checkEq(t, run1(t, "Bincount", nil, i32([]int{5}, 1, 1, 3, 7, 0), sc32(4), i32([]int{0})), int32(1), 2, 0, 1)
	checkF32(t, run1(t, "Bincount", nil, i32([]int{3}, 1, 1, 2), sc32(3), f32([]int{3}, 0.5, 1, 2)), []float32{0, 1.5, 2}, 0)
	wantErr(t, "non-negative", "Bincount", nil, i32([]int{1}, -1), sc32(3), i32([]int{0}))
	w := run1(t, "Where", nil, tensor.Must(tensor.Bool, []int{2, 2}, []bool{false, true, true, false}))
	checkShape(t, w, 2, 2)
	checkEq(t, w, int64(0), 1, 1, 0)
	outs, err := run(t, "TopKV2", nil, f32([]int{2, 4}, 1, 3, 3, 2, 9, 8, 7, 6), sc32(2))
	if err != nil {
		t.Fatal(err)
	}
	checkF32(t, outs[0], []float32{3, 3, 9, 8}, 0)
	checkEq(t, outs[1], int32(1), 2, 0, 1)
	std := run1(t, "SparseToDense", nil, i64([]int{2, 2}, 0, 1, 1, 0), i64([]int{2}, 2, 2), f32([]int{2}, 5, 6), tensor.Scalar(float32(-1)))
	checkF32(t, std, []float32{-1, 5, 6, -1}, 0)
	wantErr(t, "out of order", "SparseToDense", nil, i64([]int{2, 1}, 1, 0), i64([]int{1}, 2), f32([]int{2}, 5, 6), tensor.Scalar(float32(0)))
	wantErr(t, "out of bounds", "SparseToDense", nil, i64([]int{1, 1}, 3), i64([]int{1}, 2), f32([]int{1}, 5), tensor.Scalar(float32(0)))
	checkEq(t, run1(t, "UpperBound", nil, f32([]int{1, 4}, 1, 2, 2, 5), f32([]int{1, 3}, 0, 2, 9)), int32(0), 3, 4)
	checkEq(t, run1(t, "LowerBound", nil, f32([]int{1, 4}, 1, 2, 2, 5), f32([]int{1, 3}, 0, 2, 9)), int32(0), 1, 4)
}

func TestRegisterSpecs(t *testing.T) {
	// Output argument names are what function bodies reference.
	want := map[string]string{"Add": "z", "MatMul": "product", "ConcatV2": "output", "Shape": "output", "Max": "output",
		"StridedSlice": "output", "Unpack": "output", "Split": "output", "Relu": "activations", "Softmax": "softmax",
		"BiasAdd": "output", "Cast": "y", "ResourceGather": "output", "Cumsum": "out", "Bincount": "bins", "Where": "index"}
	for name, out := range want {
		d, ok := testSet.Lookup(name)
		if !ok {
			t.Fatalf("%s not registered", name)
		}
		if d.Outputs[0].Name != out {
			t.Errorf("%s output %q, want %q", name, d.Outputs[0].Name, out)
		}
	}
	d, _ := testSet.Lookup("Squeeze")
	if _, ok := d.AttrDefault("squeeze_dims"); !ok {
		t.Error("Squeeze lacks squeeze_dims default")
	}
}

// TestSelectShapes runs SelectV2 on operands of the output's element count
// (the one-pass path), single values and broadcast ones (the general path),
// for several element types, against an element-by-element broadcast
// computed here.
func TestSelectShapes(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	shapes := [][]int{{3, 4}, {}, {1}, {1, 3, 4}, {1, 4}, {3, 1}}
	for _, cs := range shapes {
		for _, ts := range shapes {
			for _, es := range shapes {
				out, ok := broadcastShape(cs, ts)
				if ok {
					out, ok = broadcastShape(out, es)
				}
				if !ok {
					continue
				}
				n := prod(out)
				cv := make([]bool, prod(cs))
				for i := range cv {
					cv[i] = rng.Intn(2) == 0
				}
				cond := tensor.Must(tensor.Bool, cs, cv)
				tv, ev := make([]int64, prod(ts)), make([]int64, prod(es))
				for i := range tv {
					tv[i] = int64(100 + i)
				}
				for i := range ev {
					ev[i] = int64(-100 - i)
				}
				want := make([]int64, n)
				wantS := make([]string, n)
				pos := make([]int, len(out))
				for i := range n {
					r := i
					for d := len(out) - 1; d >= 0; d-- {
						pos[d] = r % out[d]
						r /= out[d]
					}
					at := func(shape []int) int { // flat index of pos broadcast into shape
						k, off := 0, len(out)-len(shape)
						for d, s := range shape {
							k = k*s + pos[off+d]%s
						}
						return k
					}
					if cv[at(cs)] {
						want[i] = tv[at(ts)]
					} else {
						want[i] = ev[at(es)]
					}
					wantS[i] = fmt.Sprint(want[i])
				}
				name := fmt.Sprintf("cond%v then%v else%v", cs, ts, es)
				got := run1(t, "SelectV2", nil, cond, tensor.Must(tensor.Int64, ts, tv), tensor.Must(tensor.Int64, es, ev))
				if !sameShape(got.Shape(), out) || !slices.Equal(tensor.MustValues[int64](got), want) {
					t.Errorf("%s: int64 %v %v, want %v %v", name, got.Shape(), got.Data(), out, want)
				}
				ts2, es2 := make([]string, len(tv)), make([]string, len(ev))
				for i, v := range tv {
					ts2[i] = fmt.Sprint(v)
				}
				for i, v := range ev {
					es2[i] = fmt.Sprint(v)
				}
				gotS := run1(t, "SelectV2", nil, cond, tensor.Must(tensor.String, ts, ts2), tensor.Must(tensor.String, es, es2))
				if !slices.Equal(tensor.MustValues[string](gotS), wantS) {
					t.Errorf("%s: strings %v, want %v", name, gotS.Data(), wantS)
				}
			}
		}
	}
}
