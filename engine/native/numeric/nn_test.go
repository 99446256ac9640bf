package numeric

import (
	"math"
	"math/rand"
	"testing"

	"github.com/scorekit/score/tensor"
)

// refConv is a direct NHWC convolution written from the definition:
// out[n,oh,ow,o] = Σ x[n, oh·sh−pt+a·dh, ow·sw−pl+b·dw, c]·f[a,b,c,o] over
// in-bounds positions.
func refConv(x []float32, n, h, w, ci int, f []float32, kh, kw, co int, sh, sw, dh, dw, pt, pl, oh, ow int) []float32 {
	out := make([]float32, n*oh*ow*co)
	for b := 0; b < n; b++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				for o := 0; o < co; o++ {
					var s float64
					for a := 0; a < kh; a++ {
						for q := 0; q < kw; q++ {
							y, z := i*sh-pt+a*dh, j*sw-pl+q*dw
							if y < 0 || y >= h || z < 0 || z >= w {
								continue
							}
							for c := 0; c < ci; c++ {
								s += float64(x[((b*h+y)*w+z)*ci+c]) * float64(f[((a*kw+q)*ci+c)*co+o])
							}
						}
					}
					out[((b*oh+i)*ow+j)*co+o] = float32(s)
				}
			}
		}
	}
	return out
}

// refOut is the output size and leading pad for one dim, per TF's rules.
func refOut(in, k, s, d int, pad string, ex [2]int) (int, int) {
	ke := (k-1)*d + 1
	switch pad {
	case "VALID":
		return int(math.Ceil(float64(in-ke+1) / float64(s))), 0
	case "SAME":
		o := int(math.Ceil(float64(in) / float64(s)))
		return o, max(0, (o-1)*s+ke-in) / 2
	}
	return (in+ex[0]+ex[1]-ke)/s + 1, ex[0]
}

func TestConv2DAgainstDirect(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	type tc struct {
		n, h, w, ci, kh, kw, co, sh, sw, dh, dw int
		pad                                     string
		ex                                      [4]int
	}
	cases := []tc{
		{2, 1, 100, 50, 1, 3, 25, 1, 1, 1, 1, "VALID", [4]int{}},  // Conv1D
		{1, 1, 100, 50, 1, 3, 900, 1, 1, 1, 1, "VALID", [4]int{}}, // batch 1, wide: threads split the columns
		{40, 1, 23, 50, 1, 3, 100, 1, 1, 1, 1, "VALID", [4]int{}}, // rows chained into tall products, two chunks
		{9, 1, 7, 3, 1, 3, 5, 1, 1, 1, 1, "VALID", [4]int{}},      // many short rows in one product
		{3, 4, 11, 6, 1, 4, 33, 1, 1, 1, 1, "VALID", [4]int{}},    // 2-D input, one-row filter: rows of every image chained
		{2, 1, 17, 5, 1, 3, 7, 1, 1, 1, 1, "SAME", [4]int{}},
		{2, 1, 17, 5, 1, 4, 7, 1, 2, 1, 1, "SAME", [4]int{}},
		{1, 1, 20, 3, 1, 3, 4, 1, 3, 1, 1, "VALID", [4]int{}},
		{1, 1, 20, 3, 1, 3, 4, 1, 1, 1, 2, "SAME", [4]int{}},
		{2, 7, 9, 3, 3, 3, 5, 1, 1, 1, 1, "SAME", [4]int{}},
		{2, 7, 9, 3, 3, 2, 5, 2, 3, 1, 1, "VALID", [4]int{}},
		{1, 8, 8, 2, 3, 3, 4, 2, 2, 2, 1, "SAME", [4]int{}},
		{1, 6, 5, 2, 2, 3, 3, 1, 2, 1, 1, "EXPLICIT", [4]int{1, 2, 0, 3}},
		{1, 3, 6, 2, 1, 2, 3, 2, 1, 1, 1, "EXPLICIT", [4]int{1, 1, 2, 0}},
	}
	for _, c := range cases {
		x := randF32(r, c.n, c.h, c.w, c.ci)
		f := randF32(r, c.kh, c.kw, c.ci, c.co)
		at := attrs{"strides": aIs(1, int64(c.sh), int64(c.sw), 1), "dilations": aIs(1, int64(c.dh), int64(c.dw), 1), "padding": aS(c.pad)}
		if c.pad == "EXPLICIT" {
			at["explicit_paddings"] = aIs(0, 0, int64(c.ex[0]), int64(c.ex[1]), int64(c.ex[2]), int64(c.ex[3]), 0, 0)
		}
		oh, pt := refOut(c.h, c.kh, c.sh, c.dh, c.pad, [2]int{c.ex[0], c.ex[1]})
		ow, pl := refOut(c.w, c.kw, c.sw, c.dw, c.pad, [2]int{c.ex[2], c.ex[3]})
		want := refConv(tensor.MustValues[float32](x), c.n, c.h, c.w, c.ci, tensor.MustValues[float32](f), c.kh, c.kw, c.co,
			c.sh, c.sw, c.dh, c.dw, pt, pl, oh, ow)
		for range 3 { // the filter's packing is cached from the second call on
			got := run1(t, "Conv2D", at, x, f)
			checkShape(t, got, c.n, oh, ow, c.co)
			checkF32(t, got, want, 1e-4)
		}
	}
	wantErr(t, "only data_format NHWC", "Conv2D", attrs{"strides": aIs(1, 1, 1, 1), "padding": aS("VALID"), "data_format": aS("NCHW")},
		randF32(r, 1, 2, 2, 1), randF32(r, 1, 1, 1, 1))
	wantErr(t, "evenly divisible", "Conv2D", attrs{"strides": aIs(1, 1, 1, 1), "padding": aS("VALID")},
		randF32(r, 1, 2, 2, 3), randF32(r, 1, 1, 2, 1))
	wantErr(t, "negative", "Conv2D", attrs{"strides": aIs(1, 1, 1, 1), "padding": aS("VALID")},
		randF32(r, 1, 2, 2, 1), randF32(r, 3, 1, 1, 1))
}

func TestDepthwiseAgainstDirect(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	x := randF32(r, 2, 5, 6, 3)
	f := randF32(r, 2, 3, 3, 2)
	got := run1(t, "DepthwiseConv2dNative", attrs{"strides": aIs(1, 1, 2, 1), "padding": aS("SAME")}, x, f)
	xv, fv := tensor.MustValues[float32](x), tensor.MustValues[float32](f)
	oh, pt := refOut(5, 2, 1, 1, "SAME", [2]int{})
	ow, pl := refOut(6, 3, 2, 1, "SAME", [2]int{})
	checkShape(t, got, 2, oh, ow, 6)
	// Each input channel c with multiplier q is a 1-channel conv.
	want := make([]float32, 2*oh*ow*6)
	for c := 0; c < 3; c++ {
		for q := 0; q < 2; q++ {
			xc := make([]float32, 2*5*6)
			for i := range xc {
				xc[i] = xv[i*3+c]
			}
			fc := make([]float32, 2*3)
			for i := range fc {
				fc[i] = fv[i*6+c*2+q]
			}
			o := refConv(xc, 2, 5, 6, 1, fc, 2, 3, 1, 1, 2, 1, 1, pt, pl, oh, ow)
			for i, v := range o {
				want[i*6+c*2+q] = v
			}
		}
	}
	checkF32(t, got, want, 1e-5)
}

func refPool(x []float32, n, h, w, c, kh, kw, sh, sw, pt, pl, oh, ow int, isMax bool) []float32 {
	out := make([]float32, n*oh*ow*c)
	for b := 0; b < n; b++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				for ch := 0; ch < c; ch++ {
					best, sum, cnt := math.Inf(-1), 0.0, 0
					for a := 0; a < kh; a++ {
						for q := 0; q < kw; q++ {
							y, z := i*sh-pt+a, j*sw-pl+q
							if y < 0 || y >= h || z < 0 || z >= w {
								continue
							}
							v := float64(x[((b*h+y)*w+z)*c+ch])
							best = math.Max(best, v)
							sum += v
							cnt++
						}
					}
					if isMax {
						out[((b*oh+i)*ow+j)*c+ch] = float32(best)
					} else {
						out[((b*oh+i)*ow+j)*c+ch] = float32(sum / float64(cnt))
					}
				}
			}
		}
	}
	return out
}

func TestPoolAgainstDirect(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	type tc struct {
		n, h, w, c, kh, kw, sh, sw int
		pad                        string
	}
	cases := []tc{
		{2, 1, 98, 25, 1, 2, 1, 2, "VALID"}, // MaxPooling1D
		{2, 1, 97, 3, 1, 2, 1, 2, "VALID"},
		{2, 1, 97, 3, 1, 2, 1, 2, "SAME"},
		{1, 7, 8, 2, 3, 3, 2, 2, "SAME"},
		{1, 7, 8, 2, 2, 3, 1, 2, "VALID"},
		{1, 5, 5, 1, 4, 4, 3, 3, "SAME"},
		{64, 1, 98, 25, 1, 2, 1, 2, "VALID"}, // enough rows to split across threads
		{3, 4, 6, 5, 2, 1, 2, 1, "VALID"},
	}
	for _, c := range cases {
		x := randF32(r, c.n, c.h, c.w, c.c)
		// Negative inputs make sure padding never wins a max.
		xv := tensor.MustValues[float32](x)
		for i := range xv {
			xv[i] -= 2
		}
		xv[len(xv)/2] = float32(math.NaN()) // NaN propagates through max, as in the reference
		oh, pt := refOut(c.h, c.kh, c.sh, 1, c.pad, [2]int{})
		ow, pl := refOut(c.w, c.kw, c.sw, 1, c.pad, [2]int{})
		for _, isMax := range []bool{true, false} {
			name := "AvgPool"
			if isMax {
				name = "MaxPool"
			}
			got := run1(t, name, attrs{"ksize": aIs(1, int64(c.kh), int64(c.kw), 1), "strides": aIs(1, int64(c.sh), int64(c.sw), 1), "padding": aS(c.pad)}, x)
			checkShape(t, got, c.n, oh, ow, c.c)
			checkF32(t, got, refPool(xv, c.n, c.h, c.w, c.c, c.kh, c.kw, c.sh, c.sw, pt, pl, oh, ow, isMax), 1e-6)
		}
	}
	wantErr(t, "batch nor depth", "MaxPool", attrs{"ksize": aIs(2, 1, 1, 1), "strides": aIs(1, 1, 1, 1), "padding": aS("VALID")}, randF32(r, 2, 2, 2, 1))
}

func TestMatMulAndBatch(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	for _, ta := range []bool{false, true} {
		for _, tb := range []bool{false, true} {
			m, k, n := 7, 11, 5
			as, bs := []int{m, k}, []int{k, n}
			if ta {
				as = []int{k, m}
			}
			if tb {
				bs = []int{n, k}
			}
			a, b := randF32(r, as...), randF32(r, bs...)
			got := run1(t, "MatMul", attrs{"transpose_a": aB(ta), "transpose_b": aB(tb)}, a, b)
			checkShape(t, got, m, n)
			want := make([]float32, m*n)
			refGemm(ta, tb, m, n, k, 1, tensor.MustValues[float32](a), as[1], tensor.MustValues[float32](b), bs[1], 0, want, n)
			checkF32(t, got, want, 1e-5)
		}
	}
	// float64 and int32 go through the generic loop.
	checkEq(t, run1(t, "MatMul", nil, i32([]int{2, 2}, 1, 2, 3, 4), i32([]int{2, 1}, 5, 6)), int32(17), 39)
	checkEq(t, run1(t, "MatMul", attrs{"transpose_a": aB(true)}, tensor.Must(tensor.Double, []int{2, 2}, []float64{1, 2, 3, 4}),
		tensor.Must(tensor.Double, []int{2, 1}, []float64{5, 6})), float64(23), 34)
	wantErr(t, "Matrix size-incompatible", "MatMul", nil, randF32(r, 2, 3), randF32(r, 2, 3))
	wantErr(t, "must be matrices", "MatMul", nil, randF32(r, 2), randF32(r, 2, 3))

	// BatchMatMulV2 with broadcast batch dims [2,1] x [3].
	x, y := randF32(r, 2, 1, 4, 3), randF32(r, 3, 3, 5)
	got := run1(t, "BatchMatMulV2", nil, x, y)
	checkShape(t, got, 2, 3, 4, 5)
	xv, yv := tensor.MustValues[float32](x), tensor.MustValues[float32](y)
	want := make([]float32, 2*3*4*5)
	for i := 0; i < 2; i++ {
		for j := 0; j < 3; j++ {
			refGemm(false, false, 4, 5, 3, 1, xv[i*12:], 3, yv[j*15:], 5, 0, want[(i*3+j)*20:], 5)
		}
	}
	checkF32(t, got, want, 1e-5)
	got = run1(t, "BatchMatMulV3", attrs{"adj_y": aB(true)}, randF32(r, 2, 4, 3), randF32(r, 2, 5, 3))
	checkShape(t, got, 2, 4, 5)
	v3 := run1(t, "BatchMatMulV3", attrs{"Ta": aT(tensor.Int32), "Tb": aT(tensor.Int32), "Tout": aT(tensor.Int64)},
		i32([]int{1, 1, 2}, 2, 3), i32([]int{1, 2, 1}, 4, 5))
	checkEq(t, v3, int64(23))
	wantErr(t, "same batch dimensions", "BatchMatMul", nil, randF32(r, 2, 4, 3), randF32(r, 3, 3, 5))
}

func TestBiasAddSoftmax(t *testing.T) {
	x := f32([]int{2, 3}, 1, 2, 3, 4, 5, 6)
	checkF32(t, run1(t, "BiasAdd", nil, x, f32([]int{3}, 10, 20, 30)), []float32{11, 22, 33, 14, 25, 36}, 0)
	checkF32(t, run1(t, "BiasAdd", attrs{"data_format": aS("NCHW")}, f32([]int{1, 2, 2}, 1, 2, 3, 4), f32([]int{2}, 10, 20)),
		[]float32{11, 12, 23, 24}, 0)
	wantErr(t, "as many biases", "BiasAdd", nil, x, f32([]int{2}, 1, 2))
	sm := run1(t, "Softmax", nil, f32([]int{2, 3}, 1, 2, 3, 1000, 1000, 1000))
	e := []float64{math.Exp(1), math.Exp(2), math.Exp(3)}
	s := e[0] + e[1] + e[2]
	checkF32(t, sm, []float32{float32(e[0] / s), float32(e[1] / s), float32(e[2] / s), 1. / 3, 1. / 3, 1. / 3}, 1e-6)
	ls := run1(t, "LogSoftmax", nil, f32([]int{3}, 1, 2, 3))
	checkF32(t, ls, []float32{float32(1 - math.Log(s)), float32(2 - math.Log(s)), float32(3 - math.Log(s))}, 1e-6)
}
