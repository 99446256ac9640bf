package numeric

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// constCtx is a fakeCtx that reports the filter (input 1) as a model
// constant, as an executor implementing ConstInputs would.
type constCtx struct{ *fakeCtx }

func (constCtx) ConstInput(i int) bool { return i == 1 }

// TestConv2DSplitAgainstParts checks that every part of a split
// convolution equals the plain loops' convolution with that part's
// filter, on the no-copy path (one-row filters, VALID and SAME) and the
// fallback (a 3×3 filter, float64), with and without a trusted filter.
func TestConv2DSplitAgainstParts(t *testing.T) {
	r := rand.New(rand.NewSource(41))
	def, _ := testSet.Lookup("Conv2D")
	type tc struct {
		n, h, w, ci, kh, kw int
		widths              []int
		pad                 string
	}
	cases := []tc{
		{3, 1, 100, 50, 1, 3, []int{25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25, 25}, "VALID"}, // fused heads
		{1, 1, 30, 7, 1, 3, []int{5, 0, 17, 1}, "SAME"},                                       // batch 1, padded row, an empty part
		{2, 5, 6, 3, 3, 3, []int{2, 3}, "SAME"},                                               // im2col fallback
	}
	for _, c := range cases {
		co := 0
		for _, w := range c.widths {
			co += w
		}
		x := randF32(r, c.n, c.h, c.w, c.ci)
		f := randF32(r, c.kh, c.kw, c.ci, co)
		at := attrs{"strides": aIs(1, 1, 1, 1), "padding": aS(c.pad)}
		fv := tensor.MustValues[float32](f)
		for _, trusted := range []bool{false, true} {
			var ctx op.Context = &fakeCtx{node: "n_Conv2D", def: def, attrs: at, res: op.NewResources(), threads: 3}
			if trusted {
				ctx = constCtx{ctx.(*fakeCtx)}
			}
			for range 2 {
				parts, err := Conv2DSplit(ctx, []*tensor.Tensor{x, f}, c.widths)
				if err != nil {
					t.Fatal(err)
				}
				off := 0
				for i, w := range c.widths {
					pf := make([]float32, c.kh*c.kw*c.ci*w)
					for q := 0; q < c.kh*c.kw*c.ci; q++ {
						copy(pf[q*w:(q+1)*w], fv[q*co+off:])
					}
					oh, pt := refOut(c.h, c.kh, 1, 1, c.pad, [2]int{})
					ow, pl := refOut(c.w, c.kw, 1, 1, c.pad, [2]int{})
					want := refConv(tensor.MustValues[float32](x), c.n, c.h, c.w, c.ci, pf, c.kh, c.kw, w, 1, 1, 1, 1, pt, pl, oh, ow)
					checkShape(t, parts[i], c.n, oh, ow, w)
					checkF32(t, parts[i], want, 1e-4)
					off += w
				}
			}
		}
	}
	// float64 takes the fallback too.
	x64 := tensor.Must(tensor.Double, []int{1, 1, 4, 2}, []float64{1, 2, 3, 4, 5, 6, 7, 8})
	f64 := tensor.Must(tensor.Double, []int{1, 1, 2, 3}, []float64{1, 0, 2, 0, 1, -1})
	ctx := &fakeCtx{node: "n_Conv2D", def: def, attrs: attrs{"strides": aIs(1, 1, 1, 1), "padding": aS("VALID")}, res: op.NewResources(), threads: 1}
	parts, err := Conv2DSplit(ctx, []*tensor.Tensor{x64, f64}, []int{2, 1})
	if err != nil {
		t.Fatal(err)
	}
	// Pixels (a, b) = (1,2), (3,4), (5,6), (7,8); channels a, b and 2a-b.
	checkEq(t, parts[0], 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)
	checkEq(t, parts[1], 0.0, 2.0, 4.0, 6.0)
	if _, err := Conv2DSplit(ctx, []*tensor.Tensor{x64, f64}, []int{2, 2}); err == nil || !strings.Contains(err.Error(), "add up") {
		t.Fatalf("widths not adding up: got %v", err)
	}
}
