package native

import (
	"sync"

	"github.com/scorekit/score/engine/native/numeric"
	"github.com/scorekit/score/savedmodel/tfpb"
)

// Buffer recycling. The big outputs of a batch (a conv layer's activations
// for 256 documents are tens of MB) would otherwise be allocated, zeroed by
// the runtime and collected on every run. Kernels that overwrite every
// element of an output may take a dirty buffer from the run's arena
// (numeric.DirtyBuffers); when Model.Run has copied the outputs, the arena
// gives all its buffers back to the session's pool for the next run.
//
// That is safe only if nothing keeps a value past the run: Model.Run copies
// its outputs, traced values must not be kept (RunTrace's contract), and a
// plan lends buffers only when no step could keep a value (recyclable):
// no function calls, no stateful op but reads of variables and tables.
// Memo steps and function bodies never get an arena.

// poolLimit bounds the floats a session's pool keeps between runs.
const poolLimit = 64 << 20 // floats: 256 MiB, about two batches of 256 of the founding meta model

// bufPool holds free float32 buffers by length.
type bufPool struct {
	mu   sync.Mutex
	free map[int][][]float32
	held int // floats in free
}

func (bp *bufPool) get(n int) []float32 {
	bp.mu.Lock()
	if l := bp.free[n]; len(l) > 0 {
		b := l[len(l)-1]
		bp.free[n] = l[:len(l)-1]
		bp.held -= n
		bp.mu.Unlock()
		return b
	}
	bp.mu.Unlock()
	return make([]float32, n)
}

func (bp *bufPool) put(bufs [][]float32) {
	bp.mu.Lock()
	defer bp.mu.Unlock()
	for _, b := range bufs {
		if bp.held+len(b) > poolLimit {
			continue // left to the garbage collector
		}
		if bp.free == nil {
			bp.free = map[int][][]float32{}
		}
		bp.free[len(b)] = append(bp.free[len(b)], b)
		bp.held += len(b)
	}
}

// arena is one run's loans from a session's pool.
type arena struct {
	pool *bufPool
	mu   sync.Mutex
	lent [][]float32
}

func (s *session) newArena() *arena { return &arena{pool: &s.bufs} }

func (a *arena) get(n int) []float32 {
	b := a.pool.get(n)
	a.mu.Lock()
	a.lent = append(a.lent, b)
	a.mu.Unlock()
	return b
}

// release gives every lent buffer back; nothing may use them afterwards.
func (a *arena) release() {
	if a == nil {
		return
	}
	a.mu.Lock()
	lent := a.lent
	a.lent = nil
	a.mu.Unlock()
	a.pool.put(lent)
}

// DirtyFloat32 lends n floats of unspecified contents for the rest of the
// run (numeric.DirtyBuffers), or returns nil when this run has no arena.
func (c *kernelContext) DirtyFloat32(n int) []float32 {
	if c.arena == nil || c.depth != 0 {
		return nil
	}
	return c.arena.get(n)
}

var _ numeric.DirtyBuffers = (*kernelContext)(nil)

// readOnlyStateful are stateful ops that keep nothing of their inputs.
var readOnlyStateful = map[string]bool{
	"VariableV2": true, "Variable": true, "VarHandleOp": true, "ReadVariableOp": true, "VarIsInitializedOp": true,
	"HashTableV2": true, "HashTable": true, "MutableHashTableV2": true, "LookupTableFindV2": true, "LookupTableSizeV2": true,
}

// markRecyclable sets p.recycle: no step calls a function or may keep a
// value beyond the run.
func (p *plan) markRecyclable() {
	ok := func(st *step) bool {
		if st.fn != "" {
			return false
		}
		if st.def != nil && st.def.Stateful && !readOnlyStateful[st.def.Name] {
			return false
		}
		for _, a := range st.attrs {
			switch v := a.GetValue().(type) {
			case *tfpb.AttrValue_Func:
				return false
			case *tfpb.AttrValue_List:
				if len(v.List.GetFunc()) > 0 {
					return false
				}
			}
		}
		return true
	}
	p.recycle = true
	for i := range p.steps {
		st := &p.steps[i]
		if !ok(st) {
			p.recycle = false
			return
		}
		for _, m := range stepParts(st) {
			if !ok(m) {
				p.recycle = false
				return
			}
		}
	}
	for i := range p.memo {
		if !ok(&p.memo[i]) {
			p.recycle = false
			return
		}
	}
}

// stepParts are the original steps a step stands for (fused members,
// folded chains, BiasAdd+Relu halves).
func stepParts(st *step) []*step {
	var out []*step
	if g := st.fused; g != nil {
		out = append(out, g.members...)
		for _, ch := range g.chains {
			if ch != nil {
				for _, l := range ch.links {
					out = append(out, l.st)
				}
			}
		}
	}
	if st.epi != nil {
		for _, l := range append(st.epi.pre, st.epi.links...) {
			out = append(out, l.st)
		}
	}
	if st.chain != nil {
		out = append(out, st.chain.bias, st.chain.relu)
	}
	return out
}

// arenaFor is ar when p may use it.
func (p *plan) arenaFor(ar *arena) *arena {
	if p.recycle {
		return ar
	}
	return nil
}
