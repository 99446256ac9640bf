package numeric

import (
	"github.com/scorekit/score/engine/native/op"
)

// window is one spatial dim of a sliding-window op.
type window struct {
	in, k, stride, dil int
	out, padBefore     int
}

// windowOut computes the output size and leading padding of one spatial dim
// as tensorflow/core/framework/kernel_shape_util.cc does.
func windowOut(c op.Context, w *window, padding string, explicit [2]int) error {
	if w.stride <= 0 || w.dil <= 0 {
		return c.Errorf("strides and dilations must be positive, got %d and %d", w.stride, w.dil)
	}
	keff := (w.k-1)*w.dil + 1
	switch padding {
	case "VALID":
		w.out = (w.in - keff + w.stride) / w.stride
		w.padBefore = 0
	case "SAME":
		w.out = (w.in + w.stride - 1) / w.stride
		total := max(0, (w.out-1)*w.stride+keff-w.in)
		w.padBefore = total / 2
	case "EXPLICIT":
		if explicit[0] < 0 || explicit[1] < 0 {
			return c.Errorf("explicit paddings must be non-negative, got %v", explicit)
		}
		w.out = (w.in+explicit[0]+explicit[1]-keff)/w.stride + 1
		w.padBefore = explicit[0]
	default:
		return c.Errorf("unknown padding %q", padding)
	}
	if w.out < 0 || (padding == "VALID" && w.in < keff) || (padding == "EXPLICIT" && w.in+explicit[0]+explicit[1] < keff) {
		return c.Errorf("Computed output size would be negative: %d [input_size: %d, effective_filter_size: %d, stride: %d]",
			(w.in-keff+w.stride)/w.stride-1, w.in, keff, w.stride)
	}
	return nil
}

// windowAttrs reads strides/ksize style attrs (len 4, NHWC order) and
// padding for a 2-D windowed op, returning the H and W entries.
type window2D struct {
	padding  string
	strides  [2]int
	dil      [2]int
	explicit [2][2]int
}

func readWindowAttrs(c op.Context, hasDil bool) (window2D, error) {
	var w window2D
	format, err := op.String(c, "data_format")
	if err != nil {
		return w, err
	}
	if format != "NHWC" {
		return w, c.Errorf("only data_format NHWC is supported on CPU, got %s", format)
	}
	st, err := op.Ints(c, "strides")
	if err != nil {
		return w, err
	}
	if len(st) != 4 {
		return w, c.Errorf("Sliding window strides field must specify 4 dimensions, got %d", len(st))
	}
	if st[0] != 1 || st[3] != 1 {
		return w, c.Errorf("Current implementation does not yet support strides in the batch and depth dimensions")
	}
	w.strides = [2]int{int(st[1]), int(st[2])}
	w.dil = [2]int{1, 1}
	if hasDil {
		d, err := op.Ints(c, "dilations")
		if err != nil {
			return w, err
		}
		if len(d) != 4 {
			return w, c.Errorf("Sliding window dilations field must specify 4 dimensions, got %d", len(d))
		}
		if d[0] != 1 || d[3] != 1 {
			return w, c.Errorf("Current implementation does not yet support dilations in the batch and depth dimensions")
		}
		w.dil = [2]int{int(d[1]), int(d[2])}
	}
	if w.padding, err = op.String(c, "padding"); err != nil {
		return w, err
	}
	if w.padding == "EXPLICIT" {
		ep, err := op.Ints(c, "explicit_paddings")
		if err != nil {
			return w, err
		}
		if len(ep) != 8 {
			return w, c.Errorf("explicit_paddings must have 8 entries, got %d", len(ep))
		}
		w.explicit = [2][2]int{{int(ep[2]), int(ep[3])}, {int(ep[4]), int(ep[5])}}
	}
	return w, nil
}
