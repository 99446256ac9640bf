package numeric

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// binFn computes len(dst) results from a[i*sa] and b[i*sb]; sa and sb are
// 0 (broadcast) or 1.
type binFn[T, R any] func(dst []R, a, b []T, sa, sb int)

// broadcastShape is numpy's broadcast of two shapes.
func broadcastShape(a, b []int) ([]int, bool) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if j := i - (n - len(a)); j >= 0 {
			da = a[j]
		}
		if j := i - (n - len(b)); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db:
			out[i] = da
		case da == 1:
			out[i] = db
		case db == 1:
			out[i] = da
		default:
			return nil, false
		}
	}
	return out, true
}

// bstrides returns, for an operand of shape s broadcast to out, its element
// stride along each output dim (0 where broadcast).
func bstrides(s, out []int) []int {
	st := make([]int, len(out))
	n := 1
	for i := len(out) - 1; i >= 0; i-- {
		j := i - (len(out) - len(s))
		if j < 0 {
			continue
		}
		if s[j] != 1 || out[i] == 1 {
			st[i] = n
		}
		n *= s[j]
	}
	return st
}

// runBroadcast applies f over the broadcast of a (shape as) and b (shape bs)
// into dst (shape out), calling f on contiguous runs of the last dims.
func runBroadcast[T, R any](dst []R, a, b []T, as, bs, out []int, f binFn[T, R]) {
	if len(dst) == 0 {
		return
	}
	switch {
	case len(a) == len(dst) && len(b) == len(dst):
		f(dst, a, b, 1, 1)
		return
	case len(b) == 1 && len(a) == len(dst):
		f(dst, a, b, 1, 0)
		return
	case len(a) == 1 && len(b) == len(dst):
		f(dst, a, b, 0, 1)
		return
	}
	sa, sb := bstrides(as, out), bstrides(bs, out)
	// Merge trailing dims where both operands are contiguous (or both
	// broadcast) into one inner run.
	n := len(out)
	inner := out[n-1]
	ia, ib := sa[n-1], sb[n-1]
	k := n - 1
	for k > 0 {
		d := out[k-1]
		pa, pb := sa[k-1], sb[k-1]
		okA := (ia == 1 && pa == inner) || (ia == 0 && pa == 0) || (ia == 1 && inner == 1 && pa == 1)
		okB := (ib == 1 && pb == inner) || (ib == 0 && pb == 0) || (ib == 1 && inner == 1 && pb == 1)
		if !okA || !okB {
			break
		}
		inner *= d
		k--
	}
	outer := out[:k]
	idx := make([]int, len(outer))
	offA, offB := 0, 0
	for o := 0; o < len(dst); o += inner {
		f(dst[o:o+inner], a[offA:], b[offB:], ia, ib)
		for d := len(outer) - 1; d >= 0; d-- {
			idx[d]++
			offA += sa[d]
			offB += sb[d]
			if idx[d] < outer[d] {
				break
			}
			offA -= sa[d] * outer[d]
			offB -= sb[d] * outer[d]
			idx[d] = 0
		}
	}
}

// elem lifts a scalar function to a binFn.
func elem[T, R any](f func(x, y T) R) binFn[T, R] {
	return func(dst []R, a, b []T, sa, sb int) {
		switch {
		case sa == 1 && sb == 1:
			a, b = a[:len(dst)], b[:len(dst)]
			for i := range dst {
				dst[i] = f(a[i], b[i])
			}
		case sa == 1:
			y := b[0]
			a = a[:len(dst)]
			for i := range dst {
				dst[i] = f(a[i], y)
			}
		case sb == 1:
			x := a[0]
			b = b[:len(dst)]
			for i := range dst {
				dst[i] = f(x, b[i])
			}
		default:
			v := f(a[0], b[0])
			for i := range dst {
				dst[i] = v
			}
		}
	}
}

// binEntry is one dtype's implementation of a binary op.
type binEntry struct {
	match func(data any) bool
	run   func(c op.Context, x, y *tensor.Tensor) (*tensor.Tensor, error)
}

// binLoop makes an entry from an explicit loop.
func binLoop[T, R any](f binFn[T, R]) binEntry {
	return binEntry{
		match: func(d any) bool { _, ok := d.([]T); return ok },
		run: func(c op.Context, x, y *tensor.Tensor) (*tensor.Tensor, error) {
			return applyBinary(c, x, y, f)
		},
	}
}

// bin makes an entry from a scalar function.
func bin[T, R any](f func(x, y T) R) binEntry { return binLoop(elem(f)) }

func applyBinary[T, R any](c op.Context, x, y *tensor.Tensor, f binFn[T, R]) (*tensor.Tensor, error) {
	oshape, ok := broadcastShape(x.Shape(), y.Shape())
	if !ok {
		return nil, c.Errorf("Incompatible shapes: %s vs. %s", tensor.ShapeString(x.Shape()), tensor.ShapeString(y.Shape()))
	}
	var zero []R
	odt, _ := tensor.DTypeOf(zero)
	if _, same := any(zero).([]T); same {
		odt = x.DType()
	}
	out, err := allocDirty(c, odt, oshape) // f stores every element
	if err != nil {
		return nil, err
	}
	dst, a, b := out.Data().([]R), x.Data().([]T), y.Data().([]T)
	if n := len(dst); n >= 2*grain && (len(a) == n || len(a) == 1) && (len(b) == n || len(b) == 1) {
		// Same shapes or a scalar operand: split the flat loop.
		sa, sb := min(len(a)-1, 1), min(len(b)-1, 1)
		parallelRange(n, c.Threads(), func(lo, hi int) { f(dst[lo:hi], a[lo*sa:], b[lo*sb:], sa, sb) })
		return out, nil
	}
	runBroadcast(dst, a, b, x.Shape(), y.Shape(), oshape, f)
	return out, nil
}

// binaryKernel dispatches on the inputs' dtype to the first matching entry.
func binaryKernel(entries ...binEntry) op.Kernel {
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		x, y := in[0], in[1]
		if x.DType() != y.DType() {
			return nil, c.Errorf("operands have different types %s and %s", x.DType(), y.DType())
		}
		if dt := x.DType(); dt == tensor.Half || dt == tensor.BFloat16 {
			return nil, c.Errorf("dtype %s is not supported", dt)
		}
		for _, e := range entries {
			if e.match(x.Data()) {
				return one(e.run(c, x, y))
			}
		}
		return nil, c.Errorf("dtype %s is not supported", x.DType())
	}
}
