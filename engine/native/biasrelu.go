package native

import (
	"slices"

	"github.com/scorekit/score/engine/native/numeric"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// biasRelu is a BiasAdd whose only reader is a Relu, computed in one pass:
// relu(x + b) with b along the last axis. When x's buffer belongs to this
// run alone (it comes, possibly through reshaping views, from a kernel
// that always allocates its output, and nothing else reads it) the result
// is written over x, saving an allocation and two passes over memory.
type biasRelu struct {
	bias, relu *step
	inplace    bool
}

// freshOps always return a newly allocated output tensor.
var freshOps = map[string]bool{"Conv2D": true, "MatMul": true}

// viewOps return their first input's data under another shape (or the
// input itself).
var viewOps = map[string]bool{"Squeeze": true, "Reshape": true, "ExpandDims": true, "Identity": true}

// fuseBiasRelu merges each BiasAdd (NHWC) read only by a Relu into one
// biasRelu step at the Relu's position. Steps must be in topological order.
func fuseBiasRelu(steps []step, fetch []int, nfeeds, nslots int) []step {
	prod := make([]int, nslots)
	for i := range prod {
		prod[i] = -1
	}
	readers := make([]int, nslots)
	keep := make([]bool, nslots)
	controlled := make([]bool, len(steps)) // some step has a control edge from it
	for pos := range steps {
		for _, sl := range steps[pos].outSlots() {
			prod[sl] = pos
		}
		for _, sl := range steps[pos].in {
			readers[sl]++
		}
		for _, q := range steps[pos].after {
			controlled[q] = true
		}
	}
	for _, sl := range fetch {
		keep[sl] = true
	}
	exclusive := func(sl int) bool {
		for {
			if sl < nfeeds || readers[sl] != 1 || keep[sl] || prod[sl] < 0 {
				return false
			}
			p := &steps[prod[sl]]
			switch {
			case p.fused != nil || p.def != nil && freshOps[p.def.Name] && p.constant == nil:
				return true
			case p.def != nil && viewOps[p.def.Name] && p.constant == nil && p.fused == nil && p.chain == nil && len(p.in) > 0:
				sl = p.in[0]
			default:
				return false
			}
		}
	}
	drop := make([]bool, len(steps))
	merged := false
	for pos := range steps {
		r := &steps[pos]
		if r.def == nil || r.def.Name != "Relu" || r.constant != nil || len(r.in) != 1 || len(r.after) > 0 || controlled[pos] {
			continue
		}
		sl := r.in[0]
		q := prod[sl]
		if q < 0 || readers[sl] != 1 || keep[sl] {
			continue
		}
		b := &steps[q]
		if b.def == nil || b.def.Name != "BiasAdd" || b.fused != nil || b.chain != nil || len(b.in) != 2 ||
			len(b.after) > 0 || controlled[q] || b.nout != 1 {
			continue
		}
		if f, ok := b.attrs["data_format"].GetValue().(*tfpb.AttrValue_S); ok && string(f.S) != "NHWC" {
			continue
		}
		bc, rc := *b, *r
		r.chain = &biasRelu{bias: &bc, relu: &rc, inplace: exclusive(b.in[0])}
		r.in = slices.Clone(b.in)
		drop[q] = true
		merged = true
	}
	if !merged {
		return steps
	}
	newPos := make([]int, len(steps))
	out := make([]step, 0, len(steps))
	for pos := range steps {
		newPos[pos] = len(out)
		if !drop[pos] {
			out = append(out, steps[pos])
		}
	}
	for i := range out {
		for j, q := range out[i].after {
			out[i].after[j] = newPos[q]
		}
	}
	return out
}

// runBiasRelu computes a biasRelu step. Traced runs, and inputs the fast
// path does not cover (other dtypes, mismatched bias), run the two
// kernels one after the other, reporting each node.
func (s *session) runBiasRelu(kc *kernelContext, st *step, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	br := st.chain
	x, b := in[0], in[1]
	xv, ok1 := x.Data().([]float32)
	bv, ok2 := b.Data().([]float32)
	if kc.trace == nil && ok1 && ok2 && x.Rank() >= 2 && b.Rank() == 1 && x.Dim(-1) == len(bv) && len(bv) > 0 {
		dst := xv
		if !br.inplace {
			dst = make([]float32, len(xv))
		}
		biasReluF32(dst, xv, bv, kc.Threads())
		t, err := tensor.New(tensor.Float, slices.Clone(x.Shape()), dst)
		if err == nil {
			return []*tensor.Tensor{t}, nil
		}
	}
	mid, err := runKernel1(kc, br.bias, in, true)
	if err != nil {
		return nil, err
	}
	out, err := runKernel1(kc, br.relu, []*tensor.Tensor{mid}, true)
	if err != nil {
		return nil, err
	}
	return []*tensor.Tensor{out}, nil
}

// biasReluF32 sets dst = relu(x + b) row by row (b along the last axis),
// with Relu's exact semantics (a result with the sign bit set becomes +0).
// dst may be x.
func biasReluF32(dst, x, b []float32, threads int) {
	numeric.BiasReluF32(dst, x, b, threads)
}
