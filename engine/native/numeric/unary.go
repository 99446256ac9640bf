package numeric

import (
	"math"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// unEntry is one dtype's implementation of a unary op.
type unEntry struct {
	match func(data any) bool
	run   func(c op.Context, x *tensor.Tensor) (*tensor.Tensor, error)
}

// unLoop makes an entry from a whole-slice loop producing R from T.
func unLoop[T, R any](f func(dst []R, src []T)) unEntry {
	return unEntry{
		match: func(d any) bool { _, ok := d.([]T); return ok },
		run: func(c op.Context, x *tensor.Tensor) (*tensor.Tensor, error) {
			var zero []R
			odt, _ := tensor.DTypeOf(zero)
			if _, same := any(zero).([]T); same {
				odt = x.DType()
			}
			out, err := allocDirty(c, odt, x.Shape()) // f stores every element
			if err != nil {
				return nil, err
			}
			dst, src := out.Data().([]R), x.Data().([]T)
			parallelRange(len(dst), c.Threads(), func(lo, hi int) { f(dst[lo:hi], src[lo:hi]) })
			return out, nil
		},
	}
}

// un makes an entry from a scalar function.
func un[T, R any](f func(T) R) unEntry {
	return unLoop(func(dst []R, src []T) {
		src = src[:len(dst)]
		for i := range dst {
			dst[i] = f(src[i])
		}
	})
}

func unaryKernel(entries ...unEntry) op.Kernel {
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		x := in[0]
		if dt := x.DType(); dt == tensor.Half || dt == tensor.BFloat16 {
			return nil, c.Errorf("dtype %s is not supported", dt)
		}
		for _, e := range entries {
			if e.match(x.Data()) {
				return one(e.run(c, x))
			}
		}
		return nil, c.Errorf("dtype %s is not supported", x.DType())
	}
}

// fl makes float32 and float64 entries from a float64 function.
func fl(f func(float64) float64) []unEntry {
	return []unEntry{
		un(func(x float32) float32 { return float32(f(float64(x))) }),
		un(f),
	}
}

func signed(f32 func(float32) float32, f64 func(float64) float64, i32 func(int32) int32, i64 func(int64) int64,
	i8 func(int8) int8, i16 func(int16) int16) []unEntry {
	return []unEntry{un(f32), un(f64), un(i32), un(i64), un(i8), un(i16)}
}

func neg[T number](x T) T { return -x }
func abs[T number](x T) T {
	if x < 0 {
		return -x
	}
	return x
}
func absF[T floating](x T) T { return T(math.Abs(float64(x))) }
func square[T number](x T) T { return x * x }
func sign[T number](x T) T {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return T(0) - 1
	}
	return x // 0 and NaN
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

func sigmoidF32(dst, src []float32) {
	src = src[:len(dst)]
	for i, x := range src {
		dst[i] = float32(sigmoid(float64(x)))
	}
}

func tanhF32(dst, src []float32) {
	src = src[:len(dst)]
	for i, x := range src {
		dst[i] = float32(math.Tanh(float64(x)))
	}
}

// reluF32 is branchless (conv outputs have random signs, so a branch
// mispredicts half the time): clearing every bit when the sign bit is set
// maps negatives and -0 to +0 and keeps positives and NaN.
func reluF32(dst, src []float32) {
	src = src[:len(dst)]
	for i, x := range src {
		b := math.Float32bits(x)
		dst[i] = math.Float32frombits(b &^ uint32(int32(b)>>31))
	}
}

func relu[T number](x T) T  { return max(x, 0) }
func relu6[T number](x T) T { return min(max(x, 0), 6) }

func elu(x float64) float64 {
	if x < 0 {
		return math.Expm1(x)
	}
	return x
}

func selu(x float64) float64 {
	const alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
	if x < 0 {
		return scale * alpha * math.Expm1(x)
	}
	return scale * x
}

// softplus follows TensorFlow's thresholds: for large x it is x, for very
// negative x it is exp(x).
func softplus(x float64) float64 {
	if x > 20 {
		return x
	}
	if x < -20 {
		return math.Exp(x)
	}
	return math.Log1p(math.Exp(x))
}

func softsign(x float64) float64 { return x / (1 + math.Abs(x)) }
func rsqrt(x float64) float64    { return 1 / math.Sqrt(x) }
func recip(x float64) float64    { return 1 / x }

func isNaN[T floating](x T) bool { return x != x }
func isFinite[T floating](x T) bool {
	return !math.IsInf(float64(x), 0) && !math.IsNaN(float64(x))
}

func relus() []unEntry {
	return []unEntry{unLoop(reluF32), un(relu[float64]), un(relu[int32]), un(relu[int64]), un(relu[uint8]),
		un(relu[int8]), un(relu[int16]), un(relu[uint16]), un(relu[uint32]), un(relu[uint64])}
}

func leakyRelu(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	alpha, err := op.Float(c, "alpha")
	if err != nil {
		return nil, err
	}
	a := float64(alpha)
	f := func(x float64) float64 {
		if x < 0 {
			return a * x
		}
		return x
	}
	return unaryKernel(fl(f)...)(c, in)
}

func unaryDefs() []op.Def {
	spec := func(name string) string { return name + "(x: T) -> (y: T); T: type" }
	act := func(name string) string { return name + "(features: T) -> (activations: T); T: type" }
	signedAll := func(f32 func(float32) float32, f64 func(float64) float64) op.Kernel {
		return unaryKernel(un(f32), un(f64))
	}
	_ = signedAll
	return []op.Def{
		{Spec: spec("Neg"), Kernel: unaryKernel(signed(neg[float32], neg[float64], neg[int32], neg[int64], neg[int8], neg[int16])...)},
		{Spec: spec("Abs"), Kernel: unaryKernel(signed(absF[float32], absF[float64], abs[int32], abs[int64], abs[int8], abs[int16])...)},
		{Spec: spec("Square"), Kernel: unaryKernel(append(signed(square[float32], square[float64], square[int32], square[int64], square[int8], square[int16]),
			un(square[uint8]), un(square[uint16]), un(square[uint32]), un(square[uint64]))...)},
		{Spec: spec("Sign"), Kernel: unaryKernel(signed(sign[float32], sign[float64], sign[int32], sign[int64], sign[int8], sign[int16])...)},
		{Spec: spec("Exp"), Kernel: unaryKernel(fl(math.Exp)...)},
		{Spec: spec("Expm1"), Kernel: unaryKernel(fl(math.Expm1)...)},
		{Spec: spec("Log"), Kernel: unaryKernel(fl(math.Log)...)},
		{Spec: spec("Log1p"), Kernel: unaryKernel(fl(math.Log1p)...)},
		{Spec: spec("Sqrt"), Kernel: unaryKernel(fl(math.Sqrt)...)},
		{Spec: spec("Rsqrt"), Kernel: unaryKernel(fl(rsqrt)...)},
		{Spec: spec("Reciprocal"), Kernel: unaryKernel(fl(recip)...)},
		{Spec: spec("Inv"), Kernel: unaryKernel(fl(recip)...)},
		{Spec: spec("Floor"), Kernel: unaryKernel(fl(math.Floor)...)},
		{Spec: spec("Ceil"), Kernel: unaryKernel(fl(math.Ceil)...)},
		{Spec: spec("Round"), Kernel: unaryKernel(append(fl(math.RoundToEven), un(func(x int32) int32 { return x }), un(func(x int64) int64 { return x }))...)},
		{Spec: spec("Rint"), Kernel: unaryKernel(fl(math.RoundToEven)...)},
		{Spec: spec("Sigmoid"), Kernel: unaryKernel(unLoop(sigmoidF32), un(sigmoid))},
		{Spec: spec("Tanh"), Kernel: unaryKernel(unLoop(tanhF32), un(math.Tanh))},
		{Spec: spec("Erf"), Kernel: unaryKernel(fl(math.Erf)...)},
		{Spec: spec("Sin"), Kernel: unaryKernel(fl(math.Sin)...)},
		{Spec: spec("Cos"), Kernel: unaryKernel(fl(math.Cos)...)},
		{Spec: "IsNan(x: T) -> (y: bool); T: type", Kernel: unaryKernel(un(isNaN[float32]), un(isNaN[float64]))},
		{Spec: "IsFinite(x: T) -> (y: bool); T: type", Kernel: unaryKernel(un(isFinite[float32]), un(isFinite[float64]))},
		{Spec: "IsInf(x: T) -> (y: bool); T: type", Kernel: unaryKernel(
			un(func(x float32) bool { return math.IsInf(float64(x), 0) }), un(func(x float64) bool { return math.IsInf(x, 0) }))},
		{Spec: "LogicalNot(x: bool) -> (y: bool)", Kernel: unaryKernel(un(func(x bool) bool { return !x }))},
		{Spec: act("Relu"), Kernel: unaryKernel(relus()...)},
		{Spec: act("Relu6"), Kernel: unaryKernel(un(relu6[float32]), un(relu6[float64]), un(relu6[int32]), un(relu6[int64]))},
		{Spec: act("Elu"), Kernel: unaryKernel(fl(elu)...)},
		{Spec: act("Selu"), Kernel: unaryKernel(fl(selu)...)},
		{Spec: act("Softplus"), Kernel: unaryKernel(fl(softplus)...)},
		{Spec: act("Softsign"), Kernel: unaryKernel(fl(softsign)...)},
		{Spec: act("LeakyRelu") + "; alpha: float = 0.2", Kernel: leakyRelu},
	}
}
