package numeric

import (
	"errors"
	"math"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// Epilogue is work an executor folds into a one-row-filter Conv2D (a
// Conv1D): the ops that follow the convolution in a Keras block, applied
// to each output row while it is still in cache instead of in passes over
// the whole output. In order: Bias added along the output channels (nil:
// none), Relu (as the Relu op: any result with the sign bit set becomes
// +0), then a VALID max pooling along the output width with window
// PoolK and stride PoolS (PoolK 0: none). The arithmetic is the one of the
// separate BiasAdd, Relu and MaxPool kernels, in the same order, so the
// results are bit-identical to running them.
//
// Reduce instead takes the max over all the row's pixels (as a Max
// reduction over the width axis, Keras GlobalMaxPooling1D), leaving one
// pixel per row; it excludes pooling.
type Epilogue struct {
	Bias         []float32
	Relu         bool
	PoolK, PoolS int
	Reduce       bool
}

// ErrNoEpilogue is returned by Conv2DEpilogue when the convolution is not
// one it can fold an epilogue into (not float32, a filter of more than one
// row, a dilated width, a strided or padded height, a pooling window wider
// than the output): the caller runs the separate kernels instead.
var ErrNoEpilogue = errors.New("convolution does not take an epilogue")

// pooledWidth is the number of pooling windows over w pixels, or -1 when
// there is none (the window is wider than the row).
func (e *Epilogue) pooledWidth(w int) int {
	if e != nil && e.Reduce {
		if e.PoolK != 0 || w < 1 {
			return -1
		}
		return 1
	}
	if e == nil || e.PoolK == 0 {
		return w
	}
	if e.PoolS <= 0 || e.PoolK > w {
		return -1
	}
	return (w-e.PoolK)/e.PoolS + 1
}

// row applies e in place to one output row of w pixels × co channels and
// returns the number of pixels it now holds (pooled to the row's start).
// tmp is the caller's scratch for a reduction (grown as needed).
func (e *Epilogue) row(buf []float32, w, co int, tmp *[]float32) int {
	buf = buf[:w*co]
	switch {
	case e.Bias != nil && e.Relu:
		for p := 0; p < w; p++ {
			biasReluRow(buf[p*co:(p+1)*co], buf[p*co:(p+1)*co], e.Bias)
		}
	case e.Bias != nil:
		biasAddT(buf, buf, e.Bias, 1, co)
	case e.Relu:
		reluF32(buf, buf)
	}
	if e.Reduce { // as the Max kernel: from -Inf, pixel by pixel (a NaN is skipped)
		if len(*tmp) < co {
			*tmp = make([]float32, co)
		}
		acc := (*tmp)[:co]
		for j := range acc {
			acc[j] = float32(math.Inf(-1))
		}
		for p := 0; p < w; p++ {
			maxInto(acc, buf[p*co:(p+1)*co])
		}
		copy(buf[:co], acc)
		return 1
	}
	if e.PoolK == 0 {
		return w
	}
	wp := e.pooledWidth(w)
	for q := 0; q < wp; q++ {
		p0 := q * e.PoolS
		dst := buf[q*co : (q+1)*co] // at or before every pixel still to be read
		if e.PoolK >= 2 {
			maxPair(dst, buf[p0*co:(p0+1)*co], buf[(p0+1)*co:(p0+2)*co])
		} else {
			copy(dst, buf[p0*co:(p0+1)*co])
		}
		for p := p0 + 2; p < p0+e.PoolK; p++ {
			maxPair(dst, dst, buf[p*co:(p+1)*co])
		}
	}
	return wp
}

// Conv2DEpilogue is Conv2D (input in[0], filter in[1], attrs from c)
// followed by epi, for a filter of one row (Keras Conv1D, any padding and
// stride along the width): the output [n, oh, ow', co] has the pooled
// width ow'.
// With widths (as Conv2DSplit) it returns one output per part of the
// filter's output channels, each with its slice of epi's bias; without,
// one output. It returns ErrNoEpilogue (and nothing else is done) for
// convolutions it does not cover; Conv2D's own errors otherwise.
func Conv2DEpilogue(c op.Context, in []*tensor.Tensor, widths []int, epi Epilogue) ([]*tensor.Tensor, error) {
	if len(in) != 2 {
		return nil, c.Errorf("expected 2 inputs, got %d", len(in))
	}
	x, f := in[0], in[1]
	xv, ok1 := x.Data().([]float32)
	fv, ok2 := f.Data().([]float32)
	if !ok1 || !ok2 {
		return nil, ErrNoEpilogue
	}
	g, err := convSetup(c, x, f)
	if err != nil {
		return nil, err
	}
	if g.kh != 1 || g.ww.dil != 1 || g.hw.stride != 1 || g.hw.padBefore != 0 || g.hw.out != g.h ||
		(epi.Bias != nil && len(epi.Bias) != g.co) {
		return nil, ErrNoEpilogue
	}
	wp := epi.pooledWidth(g.ww.out)
	if wp <= 0 {
		return nil, ErrNoEpilogue
	}
	if widths == nil {
		widths = []int{g.co}
	}
	sp, err := newSplitParts(c, widths, g.co)
	if err != nil {
		return nil, err
	}
	outs := make([]*tensor.Tensor, len(widths))
	for i, w := range widths {
		// Every element is stored below: a dirty buffer will do.
		t, err := allocDirty(c, tensor.Float, []int{g.n, g.hw.out, wp, w})
		if err != nil {
			return nil, err
		}
		outs[i], sp.data[i] = t, t.Data().([]float32)
	}
	if g.n*g.hw.out*wp > 0 {
		convRowsEpi(c.Threads(), g, xv, fv, nil, sp, &epi, constInput(c, 1))
	}
	return outs, nil
}

// Conv2DOutShape is the output shape [n, oh, ow, co] of Conv2D on x and f
// with c's attrs, or Conv2D's error for them.
func Conv2DOutShape(c op.Context, x, f *tensor.Tensor) ([]int, error) {
	g, err := convSetup(c, x, f)
	if err != nil {
		return nil, err
	}
	return []int{g.n, g.hw.out, g.ww.out, g.co}, nil
}
