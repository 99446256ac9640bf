package numeric

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

type poolGeom struct {
	n, h, w, c int
	hw, ww     window
}

func readPool(c op.Context, x *tensor.Tensor) (*poolGeom, error) {
	if x.Rank() != 4 {
		return nil, c.Errorf("input must be 4-dimensional, got %s", x)
	}
	attrs, err := readWindowAttrs(c, false)
	if err != nil {
		return nil, err
	}
	ks, err := op.Ints(c, "ksize")
	if err != nil {
		return nil, err
	}
	if len(ks) != 4 {
		return nil, c.Errorf("Sliding window ksize field must specify 4 dimensions, got %d", len(ks))
	}
	if ks[0] != 1 || ks[3] != 1 {
		return nil, c.Errorf("Pooling is not yet supported on the batch nor depth dimensions")
	}
	g := &poolGeom{n: x.Dim(0), h: x.Dim(1), w: x.Dim(2), c: x.Dim(3)}
	g.hw = window{in: g.h, k: int(ks[1]), stride: attrs.strides[0], dil: 1}
	g.ww = window{in: g.w, k: int(ks[2]), stride: attrs.strides[1], dil: 1}
	if g.hw.k <= 0 || g.ww.k <= 0 {
		return nil, c.Errorf("ksize must be positive, got %v", ks)
	}
	if err := windowOut(c, &g.hw, attrs.padding, attrs.explicit[0]); err != nil {
		return nil, err
	}
	if err := windowOut(c, &g.ww, attrs.padding, attrs.explicit[1]); err != nil {
		return nil, err
	}
	return g, nil
}

// poolT computes max or average pooling. Padded positions never take part:
// max starts from the lowest value and compares real inputs only; average
// divides by the number of real inputs in the window (TensorFlow's AvgPool
// excludes padding).
func poolT[T number](g *poolGeom, x, out []T, isMax bool) {
	ch := g.c
	for n := 0; n < g.n; n++ {
		for oh := 0; oh < g.hw.out; oh++ {
			h0 := oh*g.hw.stride - g.hw.padBefore
			h1 := min(h0+g.hw.k, g.h)
			h0 = max(h0, 0)
			for ow := 0; ow < g.ww.out; ow++ {
				w0 := ow*g.ww.stride - g.ww.padBefore
				w1 := min(w0+g.ww.k, g.w)
				w0 = max(w0, 0)
				dst := out[((n*g.hw.out+oh)*g.ww.out+ow)*ch:][:ch]
				if isMax {
					lo := lowest[T]()
					for i := range dst {
						dst[i] = lo
					}
				}
				for ih := h0; ih < h1; ih++ {
					for iw := w0; iw < w1; iw++ {
						src := x[((n*g.h+ih)*g.w+iw)*ch:][:ch]
						if isMax {
							for i, v := range src {
								dst[i] = max(dst[i], v)
							}
						} else {
							for i, v := range src {
								dst[i] += v
							}
						}
					}
				}
				if !isMax {
					cnt := T((h1 - h0) * (w1 - w0))
					if cnt > 0 {
						for i := range dst {
							dst[i] /= cnt
						}
					}
				}
			}
		}
	}
}

// valid reports whether every pooling window lies inside the input (no
// padding takes part), so each output is the max of exactly kh·kw inputs.
func (g *poolGeom) valid() bool {
	return g.hw.padBefore == 0 && g.ww.padBefore == 0 &&
		(g.hw.out-1)*g.hw.stride+g.hw.k <= g.h && (g.ww.out-1)*g.ww.stride+g.ww.k <= g.w
}

// maxPoolValidF32 is poolT's max for float32 when g.valid(): each output
// channel vector starts as its window's first input vector (the same as
// starting from -Inf, since max(-Inf, v) = v for every v, NaN included)
// and takes the max with the rest; output rows are split across threads.
func maxPoolValidF32(threads int, g *poolGeom, x, out []float32) {
	ch := g.c
	rows := g.n * g.hw.out
	rowLen := g.ww.out * ch
	if rows == 0 || rowLen == 0 {
		return
	}
	work := func(r0, r1 int) {
		for r := r0; r < r1; r++ {
			n, oh := r/g.hw.out, r%g.hw.out
			h0 := oh * g.hw.stride
			for ow := 0; ow < g.ww.out; ow++ {
				w0 := ow * g.ww.stride
				dst := out[(r*g.ww.out+ow)*ch:][:ch]
				first := true
				for ih := h0; ih < h0+g.hw.k; ih++ {
					base := ((n*g.h+ih)*g.w + w0) * ch
					iw := 0
					if first {
						if g.ww.k >= 2 {
							maxPair(dst, x[base:][:ch], x[base+ch:][:ch])
							iw = 2
						} else {
							copy(dst, x[base:][:ch])
							iw = 1
						}
						first = false
					}
					for ; iw < g.ww.k; iw++ {
						maxPair(dst, dst, x[base+iw*ch:][:ch])
					}
				}
			}
		}
	}
	parallelRows(rows, rowLen*g.hw.k*g.ww.k, threads, work)
}

func pool(isMax bool) op.Kernel {
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		x := in[0]
		g, err := readPool(c, x)
		if err != nil {
			return nil, err
		}
		out, err := alloc(c, x.DType(), []int{g.n, g.hw.out, g.ww.out, g.c})
		if err != nil {
			return nil, err
		}
		switch xv := x.Data().(type) {
		case []float32:
			if isMax && g.valid() {
				maxPoolValidF32(c.Threads(), g, xv, out.Data().([]float32))
				break
			}
			poolT(g, xv, out.Data().([]float32), isMax)
		case []float64:
			poolT(g, xv, out.Data().([]float64), isMax)
		case []int32:
			if !isMax {
				return nil, c.Errorf("dtype %s is not supported", x.DType())
			}
			poolT(g, xv, out.Data().([]int32), isMax)
		case []int64:
			if !isMax {
				return nil, c.Errorf("dtype %s is not supported", x.DType())
			}
			poolT(g, xv, out.Data().([]int64), isMax)
		default:
			return nil, c.Errorf("dtype %s is not supported", x.DType())
		}
		return []*tensor.Tensor{out}, nil
	}
}

func poolDefs() []op.Def {
	return []op.Def{
		{Spec: "MaxPool(input: T) -> (output: T); T: type = DT_FLOAT; ksize: list(int); strides: list(int); padding: string; explicit_paddings: list(int) = []; data_format: string = 'NHWC'", Kernel: pool(true)},
		{Spec: "AvgPool(value: T) -> (output: T); ksize: list(int); strides: list(int); padding: string; data_format: string = 'NHWC'; T: type", Kernel: pool(false)},
	}
}
