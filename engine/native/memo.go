package native

import (
	"context"
	"fmt"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// Memoized model constants. A serving graph re-reads its weights on every
// run: each variable (VariableV2 or VarHandleOp + ReadVariableOp), its
// Identity, the ExpandDims of a Conv1D kernel, each a step of its own;
// in the 36-head meta model they are three quarters of all steps. Their
// values only change when a variable is assigned, so a plan runs them
// once, keeps the results, and gives later runs the kept values for as
// long as op.VariableGeneration is unchanged. Traced runs recompute them,
// so every node is reported.

// memoSourceOps compute a constant from no data inputs, or from other
// constants: variable reads and resource handles.
var memoSourceOps = map[string]bool{
	"VariableV2": true, "Variable": true, "VarHandleOp": true, "ReadVariableOp": true,
}

// memoValues are the memo steps' output values, valid at generation gen.
type memoValues struct {
	gen   uint64
	slots []int
	vals  []*tensor.Tensor
}

// splitMemo moves the steps that compute model constants from p.steps to
// p.memo: Consts, variable reads, and views (constViewOps) of constants,
// none with control inputs. Control edges from a memo step are dropped:
// it has always run before the plan's steps do.
func (p *plan) splitMemo() {
	memoSlot := make([]bool, p.nslots)
	isMemo := make([]bool, len(p.steps))
	n := 0
	for pos := range p.steps {
		st := &p.steps[pos]
		if st.fused != nil || st.chain != nil || st.epi != nil || st.fn != "" || len(st.after) > 0 {
			continue
		}
		ok := st.constant != nil
		if !ok && st.def != nil && (memoSourceOps[st.def.Name] || constViewOps[st.def.Name]) {
			ok = true
			for _, sl := range st.in {
				ok = ok && memoSlot[sl]
			}
		}
		if !ok {
			continue
		}
		isMemo[pos] = true
		n++
		for _, sl := range st.outSlots() {
			memoSlot[sl] = true
		}
	}
	if n == 0 {
		return
	}
	newPos := make([]int, len(p.steps))
	var rest []step
	for pos := range p.steps {
		newPos[pos] = -1
		if isMemo[pos] {
			st := p.steps[pos]
			st.inOff = p.memoInputs
			p.memoInputs += len(st.in)
			p.memo = append(p.memo, st)
			continue
		}
		newPos[pos] = len(rest)
		rest = append(rest, p.steps[pos])
	}
	for i := range rest {
		after := rest[i].after[:0:0]
		for _, q := range rest[i].after {
			if newPos[q] >= 0 {
				after = append(after, newPos[q])
			}
		}
		rest[i].after = after
	}
	p.steps = rest
}

// fillMemo stores the memo steps' values in vals: the kept ones when
// still valid, else computed now (and kept).
func (s *session) fillMemo(ctx context.Context, p *plan, vals []*tensor.Tensor, depth int, tr *tracer) error {
	gen := op.VariableGeneration()
	if m := p.memoVals.Load(); tr == nil && m != nil && m.gen == gen {
		for i, sl := range m.slots {
			vals[sl] = m.vals[i]
		}
		return nil
	}
	kc := &kernelContext{ctx: ctx, s: s, depth: depth, trace: tr}
	buf := make([]*tensor.Tensor, p.memoInputs)
	m := &memoValues{gen: gen}
	for i := range p.memo {
		st := &p.memo[i]
		if err := s.runStepAt(kc, st, vals, buf); err != nil {
			return err
		}
		for _, sl := range st.outSlots() {
			if vals[sl] == nil {
				return &NodeError{Node: st.name, Op: st.node.Op, Err: fmt.Errorf("no value for output slot %d", sl)}
			}
			m.slots = append(m.slots, sl)
			m.vals = append(m.vals, vals[sl])
		}
	}
	p.memoVals.Store(m)
	return nil
}
