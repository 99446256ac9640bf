package numeric

import (
	"errors"
	"math"
	"math/rand"
	"testing"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// TestConv2DEpilogueMatchesKernels checks that Conv2D with a folded
// epilogue is bit for bit the Conv2D, BiasAdd, Relu and MaxPool kernels
// run one after the other (pooling along the width, as MaxPool over the
// Keras ExpandDims view computes it), for whole and split filters, on the
// tall-product path (many rows) and the row-at-a-time one (a batch of one).
func TestConv2DEpilogueMatchesKernels(t *testing.T) {
	r := rand.New(rand.NewSource(51))
	def, _ := testSet.Lookup("Conv2D")
	type tc struct {
		n, h, w, ci, kw int
		widths          []int
		epi             Epilogue // Bias set below when bias is true
		bias            bool
		pad             string // default VALID
		stride          int64  // along the width; default 1
	}
	cases := []tc{
		{5, 1, 100, 50, 3, []int{25, 25, 25, 25}, Epilogue{Relu: true, PoolK: 2, PoolS: 2}, true, "", 0}, // fused first layer
		{40, 1, 49, 25, 3, nil, Epilogue{Relu: true, PoolK: 2, PoolS: 2}, true, "", 0},                   // second layer, two chunks
		{7, 1, 23, 50, 3, nil, Epilogue{Relu: true}, true, "", 0},                                        // last conv: no pooling
		{1, 1, 100, 50, 3, []int{30, 70}, Epilogue{Relu: true, PoolK: 3, PoolS: 1}, true, "", 0},         // batch of one
		{3, 2, 17, 6, 4, nil, Epilogue{PoolK: 3, PoolS: 2}, false, "", 0},                                // pooling only
		{6, 1, 12, 5, 2, nil, Epilogue{Relu: true}, false, "", 0},                                        // relu only
		{6, 1, 12, 5, 2, []int{1, 0, 6}, Epilogue{}, true, "", 0},                                        // bias only, an empty part
		{9, 1, 23, 50, 3, nil, Epilogue{Relu: true, Reduce: true}, true, "", 0},                          // last conv + GlobalMaxPooling1D
		{1, 2, 10, 4, 3, []int{3, 5}, Epilogue{Reduce: true}, false, "", 0},                              // reduce only, two rows per image
		{4, 1, 30, 6, 3, nil, Epilogue{Relu: true, PoolK: 2, PoolS: 2}, true, "SAME", 1},                 // Conv1D padding='same'
		{3, 1, 31, 5, 4, []int{7, 9}, Epilogue{Relu: true, PoolK: 2, PoolS: 2}, true, "SAME", 2},         // strided, split
		{2, 1, 20, 3, 5, nil, Epilogue{Relu: true}, true, "VALID", 3},                                    // strided VALID
	}
	for ci, c := range cases {
		co := 0
		for _, w := range c.widths {
			co += w
		}
		if c.widths == nil {
			co = 9
		}
		x := randF32(r, c.n, c.h, c.w, c.ci)
		f := randF32(r, 1, c.kw, c.ci, co)
		epi := c.epi
		bias := randF32(r, co)
		if c.bias {
			epi.Bias = tensor.MustValues[float32](bias)
		}
		pad, stride := c.pad, c.stride
		if pad == "" {
			pad, stride = "VALID", 1
		}
		at := attrs{"strides": aIs(1, 1, stride, 1), "padding": aS(pad)}
		// The separate kernels.
		want := run1(t, "Conv2D", at, x, f)
		if c.bias {
			want = run1(t, "BiasAdd", attrs{}, want, bias)
		}
		if epi.Relu {
			want = run1(t, "Relu", attrs{}, want)
		}
		if epi.PoolK > 0 {
			pre := want
			want = run1(t, "MaxPool", attrs{"ksize": aIs(1, 1, int64(epi.PoolK), 1), "strides": aIs(1, 1, int64(epi.PoolS), 1),
				"padding": aS("VALID")}, pre)
			if c.h == 1 { // Keras MaxPooling1D pools the view [n, w, 1, co] along its height: the same values
				view := tensor.Must(tensor.Float, []int{pre.Dim(0), pre.Dim(2), 1, pre.Dim(3)}, tensor.MustValues[float32](pre))
				alt := run1(t, "MaxPool", attrs{"ksize": aIs(1, int64(epi.PoolK), 1, 1), "strides": aIs(1, int64(epi.PoolS), 1, 1),
					"padding": aS("VALID")}, view)
				a, w := tensor.MustValues[float32](alt), tensor.MustValues[float32](want)
				for i := range w {
					if math.Float32bits(a[i]) != math.Float32bits(w[i]) {
						t.Fatalf("case %d: pooling the height view differs at %d: %v vs %v", ci, i, a[i], w[i])
					}
				}
			}
		}
		if epi.Reduce { // Max over the width axis, kept as a width of one
			want = run1(t, "Max", attrs{"keep_dims": aB(true)}, want, i32([]int{1}, 2))
		}
		wv := tensor.MustValues[float32](want)
		for _, threads := range []int{1, 3} {
			ctx := &fakeCtx{node: "n_Conv2D", def: def, attrs: at, res: op.NewResources(), threads: threads}
			parts, err := Conv2DEpilogue(ctx, []*tensor.Tensor{x, f}, c.widths, epi)
			if err != nil {
				t.Fatalf("case %d: %v", ci, err)
			}
			widths := c.widths
			if widths == nil {
				widths = []int{co}
			}
			if len(parts) != len(widths) {
				t.Fatalf("case %d: %d outputs, want %d", ci, len(parts), len(widths))
			}
			off := 0
			for i, pw := range widths {
				checkShape(t, parts[i], want.Dim(0), want.Dim(1), want.Dim(2), pw)
				got := tensor.MustValues[float32](parts[i])
				for p := 0; p < len(wv)/co; p++ {
					for j := 0; j < pw; j++ {
						g, w := got[p*pw+j], wv[p*co+off+j]
						if math.Float32bits(g) != math.Float32bits(w) {
							t.Fatalf("case %d threads %d part %d pixel %d channel %d: %v, kernels give %v", ci, threads, i, p, j, g, w)
						}
					}
				}
				off += pw
			}
		}
	}
}

// TestConv2DEpilogueDeclines checks the convolutions the epilogue path
// leaves to the separate kernels, and that Conv2D's own errors stay.
func TestConv2DEpilogueDeclines(t *testing.T) {
	r := rand.New(rand.NewSource(52))
	def, _ := testSet.Lookup("Conv2D")
	ctx := func(pad string, strides ...int64) op.Context {
		return &fakeCtx{node: "n_Conv2D", def: def, attrs: attrs{"strides": aIs(strides...), "padding": aS(pad)}, res: op.NewResources(), threads: 2}
	}
	x, f := randF32(r, 2, 1, 10, 3), randF32(r, 1, 3, 3, 4)
	for name, c := range map[string]struct {
		ctx  op.Context
		in   []*tensor.Tensor
		epi  Epilogue
		want error
	}{
		"strided height": {ctx("VALID", 1, 2, 1, 1), []*tensor.Tensor{randF32(r, 1, 4, 6, 3), f}, Epilogue{Relu: true}, ErrNoEpilogue},
		"dilated": {&fakeCtx{node: "n_Conv2D", def: def, attrs: attrs{"strides": aIs(1, 1, 1, 1), "dilations": aIs(1, 1, 2, 1), "padding": aS("VALID")},
			res: op.NewResources(), threads: 2}, []*tensor.Tensor{x, f}, Epilogue{}, ErrNoEpilogue},
		"3x3 filter":     {ctx("VALID", 1, 1, 1, 1), []*tensor.Tensor{randF32(r, 1, 5, 5, 3), randF32(r, 3, 3, 3, 4)}, Epilogue{}, ErrNoEpilogue},
		"pool wider":     {ctx("VALID", 1, 1, 1, 1), []*tensor.Tensor{x, f}, Epilogue{PoolK: 9, PoolS: 1}, ErrNoEpilogue},
		"bias length":    {ctx("VALID", 1, 1, 1, 1), []*tensor.Tensor{x, f}, Epilogue{Bias: make([]float32, 3)}, ErrNoEpilogue},
		"float64":        {ctx("VALID", 1, 1, 1, 1), []*tensor.Tensor{tensor.Must(tensor.Double, []int{1, 1, 4, 3}, make([]float64, 12)), tensor.Must(tensor.Double, []int{1, 3, 3, 4}, make([]float64, 36))}, Epilogue{}, ErrNoEpilogue},
		"depth mismatch": {ctx("VALID", 1, 1, 1, 1), []*tensor.Tensor{x, randF32(r, 1, 3, 2, 4)}, Epilogue{}, nil},
	} {
		_, err := Conv2DEpilogue(c.ctx, c.in, nil, c.epi)
		if c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", name, err, c.want)
		}
		if c.want == nil && (err == nil || errors.Is(err, ErrNoEpilogue)) {
			t.Errorf("%s: error %v, want Conv2D's own error", name, err)
		}
	}
}
