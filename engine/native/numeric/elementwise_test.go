package numeric

import (
	"math"
	"math/rand"
	"testing"

	"github.com/scorekit/score/tensor"
)

// refBroadcastIndex maps output flat index i to the operand's flat index,
// written directly from numpy's rule (dim 1 repeats).
func refBroadcastIndex(out, s []int, i int) int {
	idx := 0
	mul := 1
	for d := len(out) - 1; d >= 0; d-- {
		p := i % out[d]
		i /= out[d]
		j := d - (len(out) - len(s))
		if j < 0 {
			continue
		}
		if s[j] != 1 {
			idx += p * mul
		}
		mul *= s[j]
	}
	return idx
}

func TestBinaryBroadcastAgainstReference(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	pairs := [][2][]int{
		{{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{3, 4}, {}}, {{}, {2, 5}}, {{2, 1, 5}, {3, 1}},
		{{4, 1}, {1, 6}}, {{2, 3, 4, 5}, {3, 1, 5}}, {{1}, {7}}, {{5, 1, 1}, {5, 2, 3}}, {{0, 3}, {3}},
	}
	ops := map[string]func(x, y float32) float32{
		"Add": func(x, y float32) float32 { return x + y }, "AddV2": func(x, y float32) float32 { return x + y },
		"Sub": func(x, y float32) float32 { return x - y }, "Mul": func(x, y float32) float32 { return x * y },
		"RealDiv":           func(x, y float32) float32 { return x / y },
		"Maximum":           func(x, y float32) float32 { return float32(math.Max(float64(x), float64(y))) },
		"Minimum":           func(x, y float32) float32 { return float32(math.Min(float64(x), float64(y))) },
		"SquaredDifference": func(x, y float32) float32 { return (x - y) * (x - y) },
		"FloorMod": func(x, y float32) float32 {
			m := float32(math.Mod(float64(x), float64(y)))
			if m != 0 && (m < 0) != (y < 0) {
				m += y
			}
			return m
		},
	}
	for name, f := range ops {
		for _, p := range pairs {
			x, y := randF32(r, p[0]...), randF32(r, p[1]...)
			got := run1(t, name, nil, x, y)
			oshape, _ := broadcastShape(p[0], p[1])
			checkShape(t, got, oshape...)
			xv, yv := tensor.MustValues[float32](x), tensor.MustValues[float32](y)
			want := make([]float32, prod(oshape))
			for i := range want {
				want[i] = f(xv[refBroadcastIndex(oshape, p[0], i)], yv[refBroadcastIndex(oshape, p[1], i)])
			}
			checkF32(t, got, want, 1e-6)
		}
	}
	wantErr(t, "Incompatible shapes", "Add", nil, randF32(r, 2, 3), randF32(r, 4))
}

func TestIntegerArithmetic(t *testing.T) {
	x := i32([]int{6}, 7, -7, 7, -7, 0, 9)
	y := i32([]int{6}, 2, 2, -2, -2, 3, 3)
	checkEq(t, run1(t, "FloorDiv", nil, x, y), int32(3), -4, -4, 3, 0, 3)
	checkEq(t, run1(t, "FloorMod", nil, x, y), int32(1), 1, -1, -1, 0, 0)
	checkEq(t, run1(t, "Div", nil, x, y), int32(3), -3, -3, 3, 0, 3)
	checkEq(t, run1(t, "Pow", nil, x, i32([]int{6}, 2, 2, 1, 1, 0, 3)), int32(49), 49, 7, -7, 1, 729)
	wantErr(t, "Integer division by zero", "FloorDiv", nil, x, i32([]int{1}, 0))
	wantErr(t, "negative integer powers", "Pow", nil, x, i32([]int{1}, -1))
	checkEq(t, run1(t, "Mul", nil, i64([]int{2}, 3, 4), i64(nil, 5)), int64(15), 20)
	checkEq(t, run1(t, "Maximum", nil, i64([]int{2}, 3, 4), i64(nil, 3)), int64(3), 4)
	checkEq(t, run1(t, "Greater", nil, x, y), true, false, true, false, false, true)
	checkEq(t, run1(t, "Equal", nil, tensor.Must(tensor.String, []int{3}, []string{"a", "b", "a"}),
		tensor.Scalar("a")), true, false, true)
	checkEq(t, run1(t, "NotEqual", nil, x, sc32(7)), false, true, false, true, true, true)
	checkEq(t, run1(t, "LogicalAnd", nil, tensor.Must(tensor.Bool, []int{2}, []bool{true, false}), tensor.Scalar(true)), true, false)
	wantErr(t, "different types", "Add", nil, x, i64([]int{1}, 1))
}

func TestFloatSpecials(t *testing.T) {
	x := f32([]int{4}, 1, -2, 0, 5)
	y := f32([]int{4}, 0, 0, 0, 2)
	checkF32(t, run1(t, "DivNoNan", nil, x, y), []float32{0, 0, 0, 2.5}, 0)
	checkF32(t, run1(t, "FloorDiv", nil, f32([]int{2}, 7, -7), f32([]int{1}, 2)), []float32{3, -4}, 0)
	nan := float32(math.NaN())
	checkF32(t, run1(t, "Maximum", nil, f32([]int{2}, nan, 1), f32([]int{2}, 1, 2)), []float32{nan, 2}, 0)
}

func TestUnaryAgainstMath(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	x := randF32(r, 3, 7)
	xv := tensor.MustValues[float32](x)
	pos := make([]float32, len(xv))
	for i, v := range xv {
		pos[i] = float32(math.Abs(float64(v))) + 0.1
	}
	xp := f32([]int{3, 7}, pos...)
	type tc struct {
		name string
		in   *tensor.Tensor
		f    func(float64) float64
	}
	cases := []tc{
		{"Neg", x, func(v float64) float64 { return -v }},
		{"Abs", x, math.Abs},
		{"Exp", x, math.Exp},
		{"Log", xp, math.Log},
		{"Log1p", xp, math.Log1p},
		{"Sqrt", xp, math.Sqrt},
		{"Rsqrt", xp, func(v float64) float64 { return 1 / math.Sqrt(v) }},
		{"Square", x, func(v float64) float64 { return v * v }},
		{"Reciprocal", xp, func(v float64) float64 { return 1 / v }},
		{"Floor", x, math.Floor},
		{"Ceil", x, math.Ceil},
		{"Sign", x, func(v float64) float64 {
			if v > 0 {
				return 1
			} else if v < 0 {
				return -1
			}
			return 0
		}},
		{"Relu", x, func(v float64) float64 { return math.Max(v, 0) }},
		{"Relu6", f32([]int{3}, -1, 3, 9), func(v float64) float64 { return math.Min(math.Max(v, 0), 6) }},
		{"Sigmoid", x, func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }},
		{"Tanh", x, math.Tanh},
		{"Softplus", x, func(v float64) float64 { return math.Log(1 + math.Exp(v)) }},
		{"Softsign", x, func(v float64) float64 { return v / (1 + math.Abs(v)) }},
		{"Erf", x, math.Erf},
		{"Elu", x, func(v float64) float64 {
			if v < 0 {
				return math.Exp(v) - 1
			}
			return v
		}},
		{"LeakyRelu", x, func(v float64) float64 {
			if v < 0 {
				return 0.2 * v
			}
			return v
		}},
	}
	for _, c := range cases {
		got := run1(t, c.name, nil, c.in)
		in := tensor.MustValues[float32](c.in)
		want := make([]float32, len(in))
		for i, v := range in {
			want[i] = float32(c.f(float64(v)))
		}
		checkShape(t, got, c.in.Shape()...)
		checkF32(t, got, want, 1e-6)
	}
	checkF32(t, run1(t, "Round", nil, f32([]int{5}, 0.5, 1.5, 2.5, -0.5, -1.7)), []float32{0, 2, 2, 0, -2}, 0)
	checkF32(t, run1(t, "LeakyRelu", attrs{"alpha": aF(0.5)}, f32([]int{2}, -2, 2)), []float32{-1, 2}, 0)
	checkEq(t, run1(t, "IsNan", nil, f32([]int{2}, float32(math.NaN()), 1)), true, false)
	checkEq(t, run1(t, "Abs", nil, i32([]int{2}, -3, 3)), int32(3), 3)
	checkEq(t, run1(t, "LogicalNot", nil, tensor.Must(tensor.Bool, []int{2}, []bool{true, false})), false, true)
}

func TestCast(t *testing.T) {
	x := f32([]int{5}, 1.9, -1.9, 0, 2.5, -0.2)
	checkEq(t, run1(t, "Cast", attrs{"SrcT": aT(tensor.Float), "DstT": aT(tensor.Int32)}, x), int32(1), -1, 0, 2, 0)
	checkEq(t, run1(t, "Cast", attrs{"SrcT": aT(tensor.Float), "DstT": aT(tensor.Bool)}, x), true, true, false, true, true)
	checkEq(t, run1(t, "Cast", attrs{"DstT": aT(tensor.Float)}, tensor.Must(tensor.Bool, []int{2}, []bool{true, false})), float32(1), 0)
	checkEq(t, run1(t, "Cast", attrs{"DstT": aT(tensor.Int64)}, i32([]int{2}, -5, 7)), int64(-5), 7)
	wantErr(t, "not supported", "Cast", attrs{"DstT": aT(tensor.Float)}, tensor.Scalar("x"))
}

func TestEqualIncompatibleShapes(t *testing.T) {
	a, b := f32([]int{2}, 1, 2), f32([]int{3}, 1, 2, 3)
	checkEq(t, run1(t, "Equal", attrs{"incompatible_shape_error": aB(false)}, a, b), false)
	checkEq(t, run1(t, "NotEqual", attrs{"incompatible_shape_error": aB(false)}, a, b), true)
	wantErr(t, "Incompatible shapes", "Equal", nil, a, b)
}

func TestMismatchedInputsAreErrorsNotPanics(t *testing.T) {
	wantErr(t, "one type", "Range", nil, sc32(0), tensor.Scalar(int64(3)), sc32(1))
	wantErr(t, "int32", "Bincount", nil, i64([]int{1}, 1), sc32(3), i32([]int{0}))
	// A kernel that trusts its attrs is still guarded: Fill with a
	// non-integer dims tensor reports an error.
	wantErr(t, "dims", "Fill", nil, f32([]int{1}, 2), tensor.Scalar(float32(1)))
}

func TestLegacyOps(t *testing.T) {
	checkEq(t, run1(t, "TruncateMod", nil, i32([]int{2}, 7, -7), sc32(3)), int32(1), -1)
	checkF32(t, run1(t, "Mod", nil, f32([]int{2}, 7, -7), tensor.Scalar(float32(3))), []float32{1, -1}, 0)
	checkF32(t, run1(t, "BiasAddV1", nil, f32([]int{1, 2}, 1, 2), f32([]int{2}, 10, 20)), []float32{11, 22}, 0)
	checkF32(t, run1(t, "Concat", nil, sc32(0), f32([]int{1}, 1), f32([]int{1}, 2)), []float32{1, 2}, 0)
	mp := run1(t, "MaxPoolV2", attrs{"padding": aS("VALID")}, f32([]int{1, 1, 4, 1}, 1, 5, 2, 3), i32([]int{4}, 1, 1, 2, 1), i32([]int{4}, 1, 1, 2, 1))
	checkF32(t, mp, []float32{5, 3}, 0)
	wantErr(t, "boom : Tensor had NaN", "CheckNumerics", attrs{"message": aS("boom")}, f32([]int{1}, float32(math.Inf(1))))
}

// TestLargeElementwiseSplit covers the multi-goroutine paths (inputs past
// the split threshold) against per-element references.
func TestLargeElementwiseSplit(t *testing.T) {
	r := rand.New(rand.NewSource(15))
	x, y := randF32(r, 300, 200), randF32(r, 300, 200)
	xv, yv := tensor.MustValues[float32](x), tensor.MustValues[float32](y)
	want := make([]float32, len(xv))
	for i := range want {
		want[i] = xv[i] * yv[i]
	}
	checkF32(t, run1(t, "Mul", nil, x, y), want, 0)
	for i := range want {
		want[i] = 2.5 - xv[i]
	}
	checkF32(t, run1(t, "Sub", nil, tensor.Scalar(float32(2.5)), x), want, 0)
	for i := range want {
		want[i] = float32(1 / (1 + math.Exp(-float64(xv[i]))))
	}
	checkF32(t, run1(t, "Sigmoid", nil, x), want, 1e-7)
}
