package numeric

import (
	"math"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

func biasAddT[T number](out, x, b []T, inner, c int) {
	// x viewed as [outer, c, inner]; inner == 1 for NHWC.
	if inner == 1 {
		for o := 0; o < len(x); o += c {
			row, src := out[o:o+c], x[o:o+c]
			for j := range row {
				row[j] = src[j] + b[j]
			}
		}
		return
	}
	for o := 0; o < len(x); o += c * inner {
		for j := 0; j < c; j++ {
			bj := b[j]
			s := o + j*inner
			row, src := out[s:s+inner], x[s:s+inner]
			for i := range row {
				row[i] = src[i] + bj
			}
		}
	}
}

func biasAdd(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	format, err := op.String(c, "data_format")
	if err != nil {
		return nil, err
	}
	x, b := in[0], in[1]
	if x.Rank() < 2 {
		return nil, c.Errorf("Input tensor must be at least 2D: %s", x)
	}
	if b.Rank() != 1 {
		return nil, c.Errorf("Biases must be 1D: %s", b)
	}
	axis := x.Rank() - 1
	if format == "NCHW" || format == "NCDHW" {
		axis = 1
	} else if format != "NHWC" && format != "NDHWC" {
		return nil, c.Errorf("unknown data_format %q", format)
	}
	ch := x.Shape()[axis]
	if b.Dim(0) != ch {
		return nil, c.Errorf("Must provide as many biases as the channel dimension of the input tensor: %s vs. %s",
			tensor.ShapeString(b.Shape()), tensor.ShapeString(x.Shape()))
	}
	if x.DType() != b.DType() {
		return nil, c.Errorf("operands have different types %s and %s", x.DType(), b.DType())
	}
	inner := prod(x.Shape()[axis+1:])
	out, err := alloc(c, x.DType(), x.Shape())
	if err != nil {
		return nil, err
	}
	switch xv := x.Data().(type) {
	case []float32:
		biasAddT(out.Data().([]float32), xv, b.Data().([]float32), inner, ch)
	case []float64:
		biasAddT(out.Data().([]float64), xv, b.Data().([]float64), inner, ch)
	case []int32:
		biasAddT(out.Data().([]int32), xv, b.Data().([]int32), inner, ch)
	case []int64:
		biasAddT(out.Data().([]int64), xv, b.Data().([]int64), inner, ch)
	default:
		return nil, c.Errorf("dtype %s is not supported", x.DType())
	}
	return []*tensor.Tensor{out}, nil
}

// softmaxT computes softmax (or log-softmax) over rows of length n.
func softmaxT[T floating](out, x []T, n int, logSoftmax bool) {
	for o := 0; o+n <= len(x); o += n {
		row, dst := x[o:o+n], out[o:o+n]
		mx := math.Inf(-1)
		for _, v := range row {
			mx = math.Max(mx, float64(v))
		}
		var sum float64
		for i, v := range row {
			e := math.Exp(float64(v) - mx)
			sum += e
			if !logSoftmax {
				dst[i] = T(e)
			}
		}
		if logSoftmax {
			ls := math.Log(sum)
			for i, v := range row {
				dst[i] = T(float64(v) - mx - ls)
			}
			continue
		}
		inv := 1 / sum
		for i := range dst {
			dst[i] = T(float64(dst[i]) * inv)
		}
	}
}

func softmax(logSoftmax bool) op.Kernel {
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		x := in[0]
		if x.Rank() < 1 {
			return nil, c.Errorf("logits must have >= 1 dimension, got %s", x)
		}
		n := x.Dim(-1)
		out, err := alloc(c, x.DType(), x.Shape())
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return []*tensor.Tensor{out}, nil
		}
		switch xv := x.Data().(type) {
		case []float32:
			softmaxT(out.Data().([]float32), xv, n, logSoftmax)
		case []float64:
			softmaxT(out.Data().([]float64), xv, n, logSoftmax)
		default:
			return nil, c.Errorf("dtype %s is not supported", x.DType())
		}
		return []*tensor.Tensor{out}, nil
	}
}

func nnDefs() []op.Def {
	return []op.Def{
		{Spec: "BiasAdd(value: T, bias: T) -> (output: T); T: type; data_format: string = 'NHWC'", Kernel: biasAdd},
		{Spec: "Softmax(logits: T) -> (softmax: T); T: type", Kernel: softmax(false)},
		{Spec: "LogSoftmax(logits: T) -> (logsoftmax: T); T: type", Kernel: softmax(true)},
	}
}
