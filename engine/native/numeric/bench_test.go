package numeric

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/scorekit/score/tensor"
)

// The meta model's per-head Conv1D layers at batch 256: [L, Cin] -> Cout, k3.
var metaConvs = []struct{ l, ci, co int }{{100, 50, 25}, {49, 25, 50}, {23, 50, 100}}

func BenchmarkConv1DMeta(b *testing.B) {
	r := rand.New(rand.NewSource(12))
	for _, s := range metaConvs {
		b.Run(fmt.Sprintf("L%d_C%d_O%d", s.l, s.ci, s.co), func(b *testing.B) {
			x := randF32(r, 256, 1, s.l, s.ci)
			f := randF32(r, 1, 3, s.ci, s.co)
			at := attrs{"strides": aIs(1, 1, 1, 1), "padding": aS("VALID")}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				run1(b, "Conv2D", at, x, f)
			}
			flops := 2 * 256 * float64(s.l-2) * float64(3*s.ci*s.co) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkMetaHead runs one head of the meta model through the kernels as
// the executor would (Conv1D = ExpandDims+Conv2D+Squeeze).
func BenchmarkMetaHead(b *testing.B) {
	r := rand.New(rand.NewSource(13))
	x := randF32(r, 256, 100, 50)
	type layer struct{ f, bias *tensor.Tensor }
	var convs []layer
	for _, s := range metaConvs {
		convs = append(convs, layer{randF32(r, 3, s.ci, s.co), randF32(r, s.co)})
	}
	w1, b1, w2, b2 := randF32(r, 100, 60), randF32(r, 60), randF32(r, 60, 1), randF32(r, 1)
	conv := attrs{"strides": aIs(1, 1, 1, 1), "padding": aS("VALID")}
	pool := attrs{"ksize": aIs(1, 1, 2, 1), "strides": aIs(1, 1, 2, 1), "padding": aS("VALID")}
	sq := attrs{"squeeze_dims": aIs(-3)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h := x
		for j, l := range convs {
			e := run1(b, "ExpandDims", nil, h, sc32(-3))
			f := run1(b, "ExpandDims", nil, l.f, sc32(0))
			h = run1(b, "Conv2D", conv, e, f)
			h = run1(b, "Squeeze", sq, h)
			h = run1(b, "BiasAdd", nil, h, l.bias)
			h = run1(b, "Relu", nil, h)
			if j < 2 {
				h = run1(b, "MaxPool", pool, run1(b, "ExpandDims", nil, h, sc32(-3)))
				h = run1(b, "Squeeze", sq, h)
			}
		}
		h = run1(b, "Max", nil, h, sc32(1))
		h = run1(b, "Relu", nil, run1(b, "BiasAdd", nil, run1(b, "MatMul", nil, h, w1), b1))
		h = run1(b, "Sigmoid", nil, run1(b, "BiasAdd", nil, run1(b, "MatMul", nil, h, w2), b2))
		_ = h
	}
}
