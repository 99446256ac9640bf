package pipeline

import (
	"context"
	"fmt"
	"slices"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/tensor"
	"github.com/scorekit/score/writer"
)

// outputPlan is the list of model outputs written, with their widths (values
// per row: the product of the non-batch dimensions).
type outputPlan struct {
	cols  []writer.Column
	width int // sum of widths
}

// planOutputs picks the outputs to write (all, sorted by key, when selected
// is empty) and learns their widths by running the model once on one empty
// document: signatures often leave dimensions unknown, and a probe also
// proves the model runs before any data is read.
func planOutputs(ctx context.Context, m engine.Model, f *Feeder, selected []string, classNames map[string][]string) (outputPlan, error) {
	sig := m.Signature()
	var keys []string
	if len(selected) == 0 {
		for _, o := range sig.Outputs {
			keys = append(keys, o.Key)
		}
	} else {
		for _, k := range selected {
			if _, ok := sig.Output(k); !ok {
				return outputPlan{}, fmt.Errorf("signature %s has no output %q (outputs: %s)", sig.Key, k, pkeys(sig.Outputs))
			}
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	feeds, err := f.Build([]string{""})
	if err != nil {
		return outputPlan{}, err
	}
	outs, err := m.Run(ctx, feeds)
	if err != nil {
		return outputPlan{}, fmt.Errorf("probe run on one empty document: %w", err)
	}
	var p outputPlan
	for _, k := range keys {
		t, ok := outs[k]
		if !ok {
			return outputPlan{}, fmt.Errorf("probe run: engine returned no output %q", k)
		}
		if t.Rank() == 0 || t.Dim(0) != 1 {
			return outputPlan{}, fmt.Errorf("output %s is %s: want a batch dimension first", k, t)
		}
		if !t.DType().IsNumeric() && t.DType() != tensor.Bool {
			return outputPlan{}, fmt.Errorf("output %s is %s: only numeric outputs can be written as scores (select outputs with --outputs)", k, t.DType())
		}
		w := t.NumElements()
		col := writer.Column{Name: k, Width: w}
		if names, ok := classNames[k]; ok {
			if len(names) != w {
				return outputPlan{}, fmt.Errorf("output %s has %d values per row but %d class names are configured", k, w, len(names))
			}
			col.Names = names
		}
		p.cols = append(p.cols, col)
		p.width += w
	}
	return p, nil
}

// scores flattens the outputs of an n-row batch into n*width float32 values,
// row-major: row i's values are scores[i*width:(i+1)*width].
func (p outputPlan) scores(outs map[string]*tensor.Tensor, n int) ([]float32, error) {
	flat := make([]float32, n*p.width)
	off := 0
	for _, c := range p.cols {
		t, ok := outs[c.Name]
		if !ok {
			return nil, fmt.Errorf("engine returned no output %q", c.Name)
		}
		if t.Rank() == 0 || t.Dim(0) != n || t.NumElements() != n*c.Width {
			return nil, fmt.Errorf("output %s is %s, want %d rows of %d values", c.Name, t, n, c.Width)
		}
		if err := copyAsFloat32(flat, t, n, c.Width, off, p.width); err != nil {
			return nil, fmt.Errorf("output %s: %w", c.Name, err)
		}
		off += c.Width
	}
	return flat, nil
}

func copyAsFloat32(dst []float32, t *tensor.Tensor, n, w, off, stride int) error {
	put := func(get func(i int) float32) {
		for r := 0; r < n; r++ {
			for j := 0; j < w; j++ {
				dst[r*stride+off+j] = get(r*w + j)
			}
		}
	}
	switch v := t.Data().(type) {
	case []float32:
		put(func(i int) float32 { return v[i] })
	case []float64:
		put(func(i int) float32 { return float32(v[i]) })
	case []int32:
		put(func(i int) float32 { return float32(v[i]) })
	case []int64:
		put(func(i int) float32 { return float32(v[i]) })
	case []uint8:
		put(func(i int) float32 { return float32(v[i]) })
	case []bool:
		put(func(i int) float32 {
			if v[i] {
				return 1
			}
			return 0
		})
	default:
		return fmt.Errorf("cannot write %s values as float32", t.DType())
	}
	return nil
}

func pkeys(specs []engine.TensorSpec) string { return keys(specs) }
