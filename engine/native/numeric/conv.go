package numeric

import (
	"sync"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// convGeom is the geometry of an NHWC Conv2D.
type convGeom struct {
	n, h, w, ci, kh, kw, co int
	hw, ww                  window
}

func conv2D(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x, f := in[0], in[1]
	g, err := convSetup(c, x, f)
	if err != nil {
		return nil, err
	}
	out, err := alloc(c, x.DType(), []int{g.n, g.hw.out, g.ww.out, g.co})
	if err != nil {
		return nil, err
	}
	if out.NumElements() == 0 {
		return []*tensor.Tensor{out}, nil
	}
	switch xv := x.Data().(type) {
	case []float32:
		convF32(c.Threads(), g, xv, f.Data().([]float32), out.Data().([]float32), constInput(c, 1))
	case []float64:
		convIm2col(g, xv, f.Data().([]float64), out.Data().([]float64), func(m, n, k int, a, b, o []float64) {
			matmulT(false, false, m, n, k, a, b, o)
		})
	default:
		return nil, c.Errorf("dtype %s is not supported", x.DType())
	}
	return []*tensor.Tensor{out}, nil
}

// convSetup checks Conv2D's operands and attrs and returns its geometry.
func convSetup(c op.Context, x, f *tensor.Tensor) (*convGeom, error) {
	if x.Rank() != 4 || f.Rank() != 4 {
		return nil, c.Errorf("input and filter must be 4-dimensional, got %s and %s", x, f)
	}
	if x.DType() != f.DType() {
		return nil, c.Errorf("operands have different types %s and %s", x.DType(), f.DType())
	}
	attrs, err := readWindowAttrs(c, true)
	if err != nil {
		return nil, err
	}
	g := &convGeom{n: x.Dim(0), h: x.Dim(1), w: x.Dim(2), ci: x.Dim(3), kh: f.Dim(0), kw: f.Dim(1), co: f.Dim(3)}
	if f.Dim(2) == 0 || g.ci%f.Dim(2) != 0 {
		return nil, c.Errorf("input depth %d must be evenly divisible by filter depth %d", g.ci, f.Dim(2))
	}
	if f.Dim(2) != g.ci {
		return nil, c.Errorf("grouped convolution (input depth %d, filter depth %d) is not supported", g.ci, f.Dim(2))
	}
	g.hw = window{in: g.h, k: g.kh, stride: attrs.strides[0], dil: attrs.dil[0]}
	g.ww = window{in: g.w, k: g.kw, stride: attrs.strides[1], dil: attrs.dil[1]}
	if err := windowOut(c, &g.hw, attrs.padding, attrs.explicit[0]); err != nil {
		return nil, err
	}
	if err := windowOut(c, &g.ww, attrs.padding, attrs.explicit[1]); err != nil {
		return nil, err
	}
	return g, nil
}

// convF32 picks the strided-GEMM path (no patch copy) when the filter has
// one row and no width dilation, else im2col + Sgemm.
// trusted says the filter is a model constant (ConstInputs).
func convF32(threads int, g *convGeom, x, f, out []float32, trusted bool) {
	if g.kh == 1 && g.ww.dil == 1 {
		convRows(threads, g, x, f, out, nil, trusted)
		return
	}
	convIm2col(g, x, f, out, func(m, n, k int, a, b, o []float32) {
		sgemmWeights(trusted, false, false, m, n, k, 1, a, k, b, n, 1, o, n, threads) // o is zeroed; b is the filter
	})
}

// convRows handles kh == 1: each output row (n, oh) is one GEMM whose A is
// the (width-padded) input row read with row stride stride_w·C, so the
// overlapping patches are never copied. Rows are spread over goroutines.
//
// With parts, out is unused: each row's product goes to a per-goroutine
// scratch row (cache-resident) and is scattered into the parts' outputs.
func convRows(threads int, g *convGeom, x, f, out []float32, parts *splitParts, trusted bool) {
	convRowsEpi(threads, g, x, f, out, parts, nil, trusted)
}

// convRowsEpi is convRows with an epilogue applied to each output row in
// scratch before it is stored (out, or the parts, then hold the pooled
// width). Callers check the epilogue's conditions (Conv2DEpilogue): with
// epi, no output row is a padding row.
func convRowsEpi(threads int, g *convGeom, x, f, out []float32, parts *splitParts, epi *Epilogue, trusted bool) {
	padL := g.ww.padBefore
	padR := max(0, (g.ww.out-1)*g.ww.stride+g.kw-padL-g.w)
	wp := g.w + padL + padR
	k := g.kw * g.ci
	rows := g.n * g.hw.out
	outRow := g.ww.out * g.co
	pb := weights.packed(false, k, g.co, f, g.co, trusted)
	overwrite := kernel.sim != nil && kernel.wide != nil // every tile is stored, not added
	// The GEMM adds the bias and applies Relu as it stores each tile; the
	// rest of the epilogue (pooling) runs on the finished rows.
	var te *tileEpi
	if epi != nil && (epi.Bias != nil || epi.Relu) {
		te = &tileEpi{bias: epi.Bias, relu: epi.Relu}
		rest := *epi
		rest.Bias, rest.Relu = nil, false
		epi = &rest
	}
	// emit stores output row r from buf (g.ww.out pixels × co, scratch the
	// caller owns), applying the epilogue first.
	emit := func(r int, buf []float32, tmp *[]float32) {
		px := g.ww.out
		if parts != nil && epi != nil && epi.PoolK > 0 && !epi.Reduce && epi.Bias == nil && !epi.Relu {
			parts.poolScatter(r, px, g.co, buf, epi.PoolK, epi.PoolS)
			return
		}
		if epi != nil {
			px = epi.row(buf, px, g.co, tmp)
		}
		if parts != nil {
			parts.scatter(r, px, g.co, buf[:px*g.co])
			return
		}
		copy(out[r*px*g.co:(r+1)*px*g.co], buf[:px*g.co])
	}
	// Rows that follow each other in x (kh = 1, no height stride or
	// padding, stride-1 unpadded windows: Conv1D VALID) go through one
	// product per chunk of rows: window i of the chunk starts at i·C, so
	// the windows straddling two rows are computed too and dropped. One
	// tall product runs the wide micro-kernels on whole tiles where a row
	// at a time (~20-100 windows) would leave ragged tiles.
	chained := padL+padR == 0 && g.ww.stride == 1 && g.hw.stride == 1 && g.hw.padBefore == 0 && g.hw.out == g.h
	chunk := 1
	if chained {
		chunk = max(1, min(rows, (1<<16)/max(1, g.w*g.co)))
	}
	if chunk > 1 && rows >= threads {
		parallelRows(rows, outRow*k/4, threads, func(r0, r1 int) {
			sb := getScratch(min(chunk, r1-r0) * g.w * g.co)
			defer putScratch(sb)
			scratch := *sb
			var tmp []float32
			for c0 := r0; c0 < r1; c0 += chunk {
				c1 := min(r1, c0+chunk)
				m := (c1-c0)*g.w - g.kw + 1
				if !overwrite {
					clear(scratch)
				}
				sgemmPackedEpi(1, false, m, 1, x[c0*g.w*g.ci:], g.ci, pb, scratch, g.co, overwrite, te)
				for r := c0; r < c1; r++ {
					emit(r, scratch[(r-c0)*g.w*g.co:((r-c0)*g.w+g.ww.out)*g.co], &tmp)
				}
			}
		})
		return
	}
	// Fewer rows than threads (a batch of one): the threads split each
	// row's product instead.
	inner := 1
	if rows < threads {
		inner = threads
	}
	staged := parts != nil || epi != nil
	work := func(r0, r1 int) {
		var buf, scratch, tmp []float32
		if padL+padR > 0 {
			buf = make([]float32, wp*g.ci)
		}
		if staged {
			sb := getScratch(outRow)
			defer putScratch(sb)
			scratch = *sb
		}
		for r := r0; r < r1; r++ {
			n, oh := r/g.hw.out, r%g.hw.out
			ih := oh*g.hw.stride - g.hw.padBefore
			var dst []float32
			if staged {
				dst = scratch
			} else {
				dst = out[r*outRow : (r+1)*outRow]
			}
			if ih < 0 || ih >= g.h {
				continue // zero padding rows: dst stays zero
			}
			src := x[(n*g.h+ih)*g.w*g.ci : (n*g.h+ih+1)*g.w*g.ci]
			if buf != nil {
				copy(buf[padL*g.ci:], src)
				src = buf
			}
			if !staged {
				sgemmPacked(inner, false, g.ww.out, 1, src, g.ww.stride*g.ci, pb, dst, g.co, true) // dst is zeroed
				continue
			}
			if !overwrite {
				clear(dst)
			}
			sgemmPackedEpi(inner, false, g.ww.out, 1, src, g.ww.stride*g.ci, pb, dst, g.co, overwrite, te)
			emit(r, dst, &tmp)
		}
	}
	t := max(1, min(threads, rows, rows*outRow*k/(1<<16)))
	if t == 1 {
		work(0, rows)
		return
	}
	var wg sync.WaitGroup
	step := (rows + t - 1) / t
	for r0 := 0; r0 < rows; r0 += step {
		wg.Add(1)
		go func(r0, r1 int) {
			defer wg.Done()
			work(r0, r1)
		}(r0, min(rows, r0+step))
	}
	wg.Wait()
}

// convIm2col builds patch rows [pixels, kh·kw·C] in chunks and multiplies
// each chunk by the filter viewed as [kh·kw·C, Cout].
func convIm2col[T number](g *convGeom, x, f, out []T, mm func(m, n, k int, a, b, o []T)) {
	k := g.kh * g.kw * g.ci
	pixels := g.n * g.hw.out * g.ww.out
	chunk := max(1, min(pixels, (1<<21)/max(1, k)))
	patches := make([]T, chunk*k)
	for p0 := 0; p0 < pixels; p0 += chunk {
		m := min(chunk, pixels-p0)
		for i := 0; i < m; i++ {
			p := p0 + i
			ow := p % g.ww.out
			oh := (p / g.ww.out) % g.hw.out
			n := p / (g.ww.out * g.hw.out)
			row := patches[i*k : (i+1)*k]
			for a := 0; a < g.kh; a++ {
				ih := oh*g.hw.stride - g.hw.padBefore + a*g.hw.dil
				for b := 0; b < g.kw; b++ {
					iw := ow*g.ww.stride - g.ww.padBefore + b*g.ww.dil
					dst := row[(a*g.kw+b)*g.ci : (a*g.kw+b+1)*g.ci]
					if ih < 0 || ih >= g.h || iw < 0 || iw >= g.w {
						clear(dst)
						continue
					}
					copy(dst, x[((n*g.h+ih)*g.w+iw)*g.ci:])
				}
			}
		}
		mm(m, g.co, k, patches[:m*k], f, out[p0*g.co:(p0+m)*g.co])
	}
}

// depthwise computes DepthwiseConv2dNative directly: filter [kh,kw,C,M],
// output channel c·M+q.
func depthwiseT[T number](g *convGeom, mult int, x, f, out []T) {
	oc := g.ci * mult
	for n := 0; n < g.n; n++ {
		for oh := 0; oh < g.hw.out; oh++ {
			for ow := 0; ow < g.ww.out; ow++ {
				dst := out[((n*g.hw.out+oh)*g.ww.out+ow)*oc:][:oc]
				for a := 0; a < g.kh; a++ {
					ih := oh*g.hw.stride - g.hw.padBefore + a*g.hw.dil
					if ih < 0 || ih >= g.h {
						continue
					}
					for b := 0; b < g.kw; b++ {
						iw := ow*g.ww.stride - g.ww.padBefore + b*g.ww.dil
						if iw < 0 || iw >= g.w {
							continue
						}
						src := x[((n*g.h+ih)*g.w+iw)*g.ci:][:g.ci]
						fw := f[(a*g.kw+b)*oc:][:oc]
						for ch, v := range src {
							for q := 0; q < mult; q++ {
								dst[ch*mult+q] += v * fw[ch*mult+q]
							}
						}
					}
				}
			}
		}
	}
}

func depthwiseConv(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x, f := in[0], in[1]
	if x.Rank() != 4 || f.Rank() != 4 {
		return nil, c.Errorf("input and filter must be 4-dimensional, got %s and %s", x, f)
	}
	if x.DType() != f.DType() {
		return nil, c.Errorf("operands have different types %s and %s", x.DType(), f.DType())
	}
	attrs, err := readWindowAttrs(c, true)
	if err != nil {
		return nil, err
	}
	g := convGeom{n: x.Dim(0), h: x.Dim(1), w: x.Dim(2), ci: x.Dim(3), kh: f.Dim(0), kw: f.Dim(1)}
	if f.Dim(2) != g.ci {
		return nil, c.Errorf("input and filter must have the same depth: %d vs %d", g.ci, f.Dim(2))
	}
	mult := f.Dim(3)
	g.co = g.ci * mult
	g.hw = window{in: g.h, k: g.kh, stride: attrs.strides[0], dil: attrs.dil[0]}
	g.ww = window{in: g.w, k: g.kw, stride: attrs.strides[1], dil: attrs.dil[1]}
	if err := windowOut(c, &g.hw, attrs.padding, attrs.explicit[0]); err != nil {
		return nil, err
	}
	if err := windowOut(c, &g.ww, attrs.padding, attrs.explicit[1]); err != nil {
		return nil, err
	}
	out, err := alloc(c, x.DType(), []int{g.n, g.hw.out, g.ww.out, g.co})
	if err != nil {
		return nil, err
	}
	switch xv := x.Data().(type) {
	case []float32:
		depthwiseT(&g, mult, xv, f.Data().([]float32), out.Data().([]float32))
	case []float64:
		depthwiseT(&g, mult, xv, f.Data().([]float64), out.Data().([]float64))
	default:
		return nil, c.Errorf("dtype %s is not supported", x.DType())
	}
	return []*tensor.Tensor{out}, nil
}

func convDefs() []op.Def {
	return []op.Def{
		{Spec: "Conv2D(input: T, filter: T) -> (output: T); T: type; strides: list(int); use_cudnn_on_gpu: bool = true; padding: string; explicit_paddings: list(int) = []; data_format: string = 'NHWC'; dilations: list(int) = [1, 1, 1, 1]", Kernel: conv2D},
		{Spec: "DepthwiseConv2dNative(input: T, filter: T) -> (output: T); T: type; strides: list(int); padding: string; explicit_paddings: list(int) = []; data_format: string = 'NHWC'; dilations: list(int) = [1, 1, 1, 1]", Kernel: depthwiseConv},
	}
}
