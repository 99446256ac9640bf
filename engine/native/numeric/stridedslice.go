package numeric

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

const (
	gatherNewAxis = -1
	gatherShrink  = -2
)

// sliceSpec is the resolved ("dense") form of a StridedSlice: per input dim
// its begin, stride and result size, plus how the final shape is formed.
type sliceSpec struct {
	begin, stride, size []int
	final               []int // input dim index, gatherNewAxis or gatherShrink
}

// resolveStridedSlice mirrors ValidateStridedSliceOp in
// tensorflow/core/util/strided_slice_op.cc.
func resolveStridedSlice(c op.Context, shape []int, begin, end, strides []int64,
	beginMask, endMask, ellipsisMask, newAxisMask, shrinkMask int64) (*sliceSpec, error) {
	sdims := len(begin)
	if len(end) != sdims || len(strides) != sdims {
		return nil, c.Errorf("Expected begin, end, and strides to be 1D equal size tensors, but got shapes [%d], [%d], and [%d] instead.",
			sdims, len(end), len(strides))
	}
	if sdims > 32 {
		return nil, c.Errorf("too many slice dimensions: %d", sdims)
	}
	if ellipsisMask&(ellipsisMask-1) != 0 {
		return nil, c.Errorf("Multiple ellipses in slice spec not allowed")
	}
	// Without an ellipsis an implicit one follows the last entry.
	if ellipsisMask == 0 {
		ellipsisMask = 1 << sdims
		sdims++
	}
	ellipsisPos := 0
	for ellipsisMask&(1<<ellipsisPos) == 0 {
		ellipsisPos++
	}
	newAfter := 0
	for i := ellipsisPos + 1; i < sdims; i++ {
		if newAxisMask&(1<<i) != 0 {
			newAfter++
		}
	}
	rank := len(shape)
	dBegin := make([]int64, rank)
	dEnd := make([]int64, rank)
	dStride := make([]int64, rank)
	dBM := make([]bool, rank)
	dEM := make([]bool, rank)
	dShrink := make([]bool, rank)
	spec := &sliceSpec{}
	full := 0
	for i := 0; i < sdims; i++ {
		bit := int64(1) << i
		switch {
		case ellipsisMask&bit != 0:
			next := min(rank-(sdims-i)+1+newAfter, rank)
			for ; full < next; full++ {
				dStride[full] = 1
				dBM[full], dEM[full] = true, true
				spec.final = append(spec.final, full)
			}
		case newAxisMask&bit != 0:
			spec.final = append(spec.final, gatherNewAxis)
		default:
			if full >= rank {
				return nil, c.Errorf("Index out of range using input dim %d; input has only %d dims", full, rank)
			}
			dBegin[full], dEnd[full], dStride[full] = begin[i], end[i], strides[i]
			dBM[full], dEM[full] = beginMask&bit != 0, endMask&bit != 0
			if shrinkMask&bit != 0 {
				dShrink[full] = true
				spec.final = append(spec.final, gatherShrink)
			} else {
				spec.final = append(spec.final, full)
			}
			full++
		}
	}
	spec.begin = make([]int, rank)
	spec.stride = make([]int, rank)
	spec.size = make([]int, rank)
	for i := 0; i < rank; i++ {
		st := dStride[i]
		if st == 0 {
			return nil, c.Errorf("strides[%d] must be non-zero", i)
		}
		dim := int64(shape[i])
		if dShrink[i] {
			if st <= 0 {
				return nil, c.Errorf("only stride 1 allowed on non-range indexing.")
			}
			x := dBegin[i]
			if x < 0 {
				x += dim
			}
			if x < 0 || x >= dim {
				return nil, c.Errorf("slice index %d of dimension %d out of bounds.", dBegin[i], i)
			}
			spec.begin[i], spec.stride[i], spec.size[i] = int(x), 1, 1
			continue
		}
		lo, hi := int64(0), dim // valid range for stride > 0
		if st < 0 {
			lo, hi = -1, dim-1
		}
		canon := func(x int64, masked bool, isEnd bool) int64 {
			if masked {
				if (st > 0) != isEnd {
					return lo
				}
				return hi
			}
			if x < 0 {
				x += dim
			}
			return max(lo, min(x, hi))
		}
		b := canon(dBegin[i], dBM[i], false)
		e := canon(dEnd[i], dEM[i], true)
		n := e - b
		size := int64(0)
		if n != 0 && (n < 0) == (st < 0) {
			size = n / st
			if n%st != 0 {
				size++
			}
		}
		spec.begin[i], spec.stride[i], spec.size[i] = int(b), int(st), int(size)
	}
	return spec, nil
}

// finalShape is the output shape of a resolved slice.
func (s *sliceSpec) finalShape() []int {
	out := []int{}
	for _, g := range s.final {
		switch g {
		case gatherNewAxis:
			out = append(out, 1)
		case gatherShrink:
		default:
			out = append(out, s.size[g])
		}
	}
	return out
}

// sliceGather materialises x[begin::stride][:size] per dim.
func sliceGather(c op.Context, x *tensor.Tensor, begin, stride, size []int, outShape []int) (*tensor.Tensor, error) {
	st := strides(x.Shape())
	n := prod(size)
	if n == 0 {
		return alloc(c, x.DType(), outShape)
	}
	base := 0
	for i := range begin {
		base += begin[i] * st[i]
	}
	// Copy contiguous inner runs when the last dim has stride 1.
	r := len(size)
	if r > 0 && stride[r-1] == 1 {
		out, err := alloc(c, x.DType(), outShape)
		if err != nil {
			return nil, err
		}
		inner := size[r-1]
		o := 0
		forEachIndex(size[:r-1], func(_ int, pos []int) {
			off := base
			for d, p := range pos {
				off += p * stride[d] * st[d]
			}
			copyBlock(out.Data(), x.Data(), o, off, inner)
			o += inner
		})
		return out, nil
	}
	idx := make([]int, n)
	forEachIndex(size, func(i int, pos []int) {
		off := base
		for d, p := range pos {
			off += p * stride[d] * st[d]
		}
		idx[i] = off
	})
	return gatherIndex(c, x, outShape, idx)
}

func stridedSlice(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x := in[0]
	var vals [3][]int64
	for i, name := range []string{"begin", "end", "strides"} {
		if in[i+1].Rank() != 1 {
			return nil, c.Errorf("Expected begin, end, and strides to be 1D equal size tensors")
		}
		v, err := ints(c, name, in[i+1])
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	var masks [5]int64
	for i, name := range []string{"begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"} {
		m, err := op.Int(c, name)
		if err != nil {
			return nil, err
		}
		masks[i] = m
	}
	spec, err := resolveStridedSlice(c, x.Shape(), vals[0], vals[1], vals[2], masks[0], masks[1], masks[2], masks[3], masks[4])
	if err != nil {
		return nil, err
	}
	return one(sliceGather(c, x, spec.begin, spec.stride, spec.size, spec.finalShape()))
}

func sliceK(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x := in[0]
	b, err := ints(c, "begin", in[1])
	if err != nil {
		return nil, err
	}
	s, err := ints(c, "size", in[2])
	if err != nil {
		return nil, err
	}
	if len(b) != x.Rank() || len(s) != x.Rank() {
		return nil, c.Errorf("Expected begin and size arguments to be 1-D tensors of size %d, but got shapes [%d] and [%d] instead.",
			x.Rank(), len(b), len(s))
	}
	begin, size, stride := make([]int, len(b)), make([]int, len(b)), make([]int, len(b))
	for i := range b {
		dim := int64(x.Shape()[i])
		sz := s[i]
		if sz == -1 {
			sz = dim - b[i]
		}
		if b[i] < 0 || b[i] > dim || sz < 0 || b[i]+sz > dim {
			return nil, c.Errorf("Expected size[%d] in [0, %d], but got %d", i, dim-b[i], sz)
		}
		begin[i], size[i], stride[i] = int(b[i]), int(sz), 1
	}
	return one(sliceGather(c, x, begin, stride, size, size))
}
