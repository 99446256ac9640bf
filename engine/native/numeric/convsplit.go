package numeric

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// splitParts is where a split convolution writes: part i takes output
// channels [offs[i], offs[i]+widths[i]) into data[i] ([pixels, widths[i]]).
type splitParts struct {
	widths, offs []int
	data         [][]float32
}

// poolScatter max-pools output row r (w pixels × co channels in row,
// windows of k pixels every s, VALID) straight into the parts: as
// Epilogue.row's pooling followed by scatter, with the same maxPair calls
// in the same order per element, without writing the pooled row first.
func (sp *splitParts) poolScatter(r, w, co int, row []float32, k, s int) {
	wp := (w-k)/s + 1
	for i, pw := range sp.widths {
		if pw == 0 {
			continue
		}
		off, d := sp.offs[i], sp.data[i][r*wp*pw:(r+1)*wp*pw]
		for q := 0; q < wp; q++ {
			dst, p0 := d[q*pw:(q+1)*pw], q*s
			if k >= 2 {
				maxPair(dst, row[p0*co+off:p0*co+off+pw], row[(p0+1)*co+off:(p0+1)*co+off+pw])
			} else {
				copy(dst, row[p0*co+off:p0*co+off+pw])
			}
			for p := p0 + 2; p < p0+k; p++ {
				maxPair(dst, dst, row[p*co+off:p*co+off+pw])
			}
		}
	}
}

// newSplitParts lays out parts of the given widths over co channels;
// the widths must be non-negative and add up to co.
func newSplitParts(c op.Context, widths []int, co int) (*splitParts, error) {
	sp := &splitParts{widths: widths, offs: make([]int, len(widths)), data: make([][]float32, len(widths))}
	total := 0
	for i, w := range widths {
		if w < 0 {
			return nil, c.Errorf("split width %d is negative", w)
		}
		sp.offs[i] = total
		total += w
	}
	if total != co {
		return nil, c.Errorf("split widths add up to %d, the filter has %d output channels", total, co)
	}
	return sp, nil
}

// scatter copies output row r (pixels × co channels, from row) into the
// parts.
func (s *splitParts) scatter(r, pixels, co int, row []float32) {
	for i, w := range s.widths {
		if w == 0 {
			continue
		}
		off, d := s.offs[i], s.data[i][r*pixels*w:(r+1)*pixels*w]
		for p := 0; p < pixels; p++ {
			copy(d[p*w:(p+1)*w], row[p*co+off:])
		}
	}
}

// Conv2DSplit is Conv2D (input in[0], filter in[1], attrs from c) for a
// filter that concatenates several filters along its output channels,
// widths[i] channels each: it returns one output per part, equal to
// Conv2D with that part's filter, computing the wide product once. It is
// for executors that fuse sibling convolutions reading the same input:
// on the one-row-filter float32 path the wide output is never
// materialized (each output row goes through a cache-resident scratch row
// straight into the parts), saving its allocation, zeroing and a pass of
// splitting over memory; other cases run Conv2D and split its output.
// Errors are Conv2D's, plus widths that do not add up to the filter's
// output channels.
func Conv2DSplit(c op.Context, in []*tensor.Tensor, widths []int) ([]*tensor.Tensor, error) {
	if len(in) != 2 {
		return nil, c.Errorf("expected 2 inputs, got %d", len(in))
	}
	x, f := in[0], in[1]
	g, err := convSetup(c, x, f)
	if err != nil {
		return nil, err
	}
	sp, err := newSplitParts(c, widths, g.co)
	if err != nil {
		return nil, err
	}
	xv, ok1 := x.Data().([]float32)
	fv, ok2 := f.Data().([]float32)
	if !ok1 || !ok2 || g.kh != 1 || g.ww.dil != 1 {
		wide, err := conv2D(c, in)
		if err != nil {
			return nil, err
		}
		return splitLastAxis(c, wide[0], widths)
	}
	pixels := g.n * g.hw.out * g.ww.out
	outs := make([]*tensor.Tensor, len(widths))
	for i, w := range widths {
		t, err := alloc(c, tensor.Float, []int{g.n, g.hw.out, g.ww.out, w})
		if err != nil {
			return nil, err
		}
		outs[i], sp.data[i] = t, t.Data().([]float32)
	}
	if pixels > 0 {
		convRows(c.Threads(), g, xv, fv, nil, sp, constInput(c, 1))
	}
	return outs, nil
}

// splitLastAxis splits t along its last axis into parts of the given
// widths (which add up to its last dimension).
func splitLastAxis(c op.Context, t *tensor.Tensor, widths []int) ([]*tensor.Tensor, error) {
	shape := t.Shape()
	total := shape[len(shape)-1]
	outer := 0
	if total > 0 {
		outer = t.NumElements() / total
	}
	outs := make([]*tensor.Tensor, len(widths))
	off := 0
	for i, w := range widths {
		s := append([]int(nil), shape...)
		s[len(s)-1] = w
		o, err := alloc(c, t.DType(), s)
		if err != nil {
			return nil, err
		}
		for r := 0; r < outer; r++ {
			copySlice(o.Data(), r*w, t.Data(), r*total+off, w)
		}
		outs[i] = o
		off += w
	}
	return outs, nil
}

// copySlice copies n elements from src[so:] to dst[do:] for the dtypes
// Conv2D supports.
func copySlice(dst any, do int, src any, so, n int) {
	switch d := dst.(type) {
	case []float32:
		copy(d[do:do+n], src.([]float32)[so:so+n])
	case []float64:
		copy(d[do:do+n], src.([]float64)[so:so+n])
	}
}
