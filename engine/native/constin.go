package native

// Model constants. A slot holds a model constant when its value is a
// Const, a variable's current value, or a view (Identity, Reshape, ...) of
// one: data that no kernel modifies in place (variables are assigned new
// tensors, never written through) and that stays reachable while the
// value does. Kernels that cache work derived from a weight (the packed
// GEMM panels of numeric) may then identify it by its address instead of
// comparing its contents on every run (numeric.ConstInputs).

// constSourceOps produce a model constant whatever their inputs.
var constSourceOps = map[string]bool{"VariableV2": true, "Variable": true, "ReadVariableOp": true}

// constViewOps pass their first input's data through unchanged.
var constViewOps = map[string]bool{"Identity": true, "Snapshot": true, "Reshape": true, "ExpandDims": true, "Squeeze": true}

// markConstInputs sets each step's constIn mask (bit i: data input i is a
// model constant). A fused group's wide kernel sees [x, concatenated
// weights]: its bit 1 is set when every member weight is constant, since
// the concatenation is derived from them once and cached.
func (p *plan) markConstInputs() {
	con := make([]bool, p.nslots)
	mask := func(in []int) uint64 {
		var m uint64
		for i, sl := range in {
			if i < 64 && con[sl] {
				m |= 1 << i
			}
		}
		return m
	}
	for i := range p.memo { // every memo step computes a model constant
		st := &p.memo[i]
		st.constIn = mask(st.in)
		for _, sl := range st.outSlots() {
			con[sl] = true
		}
	}
	for pos := range p.steps {
		st := &p.steps[pos]
		st.constIn = mask(st.in)
		if g := st.fused; g != nil {
			all := len(st.in) > 1
			for _, sl := range st.in[1 : 1+len(g.members)] {
				all = all && con[sl]
			}
			st.constIn = 0
			if all {
				st.constIn = 1 << 1
			}
			for _, m := range g.members {
				m.constIn = 0
				if con[m.in[1]] {
					m.constIn = 1 << 1
				}
			}
			continue
		}
		if st.chain != nil || st.fn != "" || st.def == nil {
			continue
		}
		isConst := st.constant != nil || constSourceOps[st.def.Name] ||
			constViewOps[st.def.Name] && len(st.in) > 0 && con[st.in[0]]
		if isConst {
			for _, sl := range st.outSlots() {
				con[sl] = true
			}
		}
	}
}

// ConstInput reports whether the running kernel's data input i is a model
// constant (numeric.ConstInputs).
func (c *kernelContext) ConstInput(i int) bool {
	return c.st != nil && i >= 0 && i < 64 && c.st.constIn&(1<<i) != 0
}
