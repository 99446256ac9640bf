package native

import (
	"sync"
	"sync/atomic"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/internal/offheap"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// Buffer recycling. The big outputs of a batch (a conv layer's activations
// for 256 documents are tens of MB; the id tensors of a string look-up,
// hundreds of KB each) would otherwise be allocated, zeroed by the runtime
// and collected on every run. Kernels that overwrite every element of an
// output may borrow a dirty buffer from the run's arena (op.Lender); when
// Model.Run has copied the outputs, the arena gives all its buffers back to
// the session's pool for the next run.
//
// That is safe only if nothing keeps a value past the run: Model.Run copies
// its outputs, traced values must not be kept (RunTrace's contract), and a
// plan lends buffers only when no step could keep a value (recyclable):
// no function calls, no stateful op but reads of variables and tables.
// Memo steps and function bodies never get an arena.

// poolLimit bounds the bytes a session's pool keeps between runs.
const poolLimit = 256 << 20 // about two batches of 256 of the founding meta model

// bufKey names a class of interchangeable buffers.
type bufKey struct {
	dt tensor.DType // Base()
	n  int          // elements
}

// lentBuf is a buffer of a pool: the typed flat slice kernels see, and the
// off-heap bytes under it (nil when it lives on the Go heap).
type lentBuf struct {
	key bufKey
	buf any
	raw []byte
}

// bufPool holds free buffers by dtype and length. Buffers of 64 KiB and
// more live outside the Go heap (internal/offheap): kept for the model's
// life, they would otherwise count twice in the collector's heap goal.
type bufPool struct {
	mu   sync.Mutex
	free map[bufKey][]lentBuf
	held int          // bytes in free
	made atomic.Int64 // buffers made (not reused), for tests
	lent atomic.Int64 // loans made, for tests
}

func (bp *bufPool) get(k bufKey) (lentBuf, bool) {
	bp.mu.Lock()
	if l := bp.free[k]; len(l) > 0 {
		b := l[len(l)-1]
		l[len(l)-1] = lentBuf{}
		bp.free[k] = l[:len(l)-1]
		bp.held -= k.n * k.dt.Size()
		bp.mu.Unlock()
		return b, true
	}
	bp.mu.Unlock()
	bp.made.Add(1)
	size := k.n * k.dt.Size()
	if raw := offheap.Alloc(size); raw != nil {
		if t, err := tensor.FromRawView(k.dt, []int{k.n}, raw[:size]); err == nil {
			return lentBuf{key: k, buf: t.Data(), raw: raw}, true
		}
		offheap.Free(raw)
	}
	b, err := tensor.MakeSlice(k.dt, k.n)
	if err != nil {
		return lentBuf{}, false
	}
	return lentBuf{key: k, buf: b}, true
}

func (bp *bufPool) put(lent []lentBuf) {
	bp.mu.Lock()
	defer bp.mu.Unlock()
	for _, b := range lent {
		size := b.key.n * b.key.dt.Size()
		if bp.held+size > poolLimit {
			offheap.Free(b.raw) // a heap buffer is left to the collector
			continue
		}
		if bp.free == nil {
			bp.free = map[bufKey][]lentBuf{}
		}
		bp.free[b.key] = append(bp.free[b.key], b)
		bp.held += size
	}
}

// drain gives every pooled buffer back (Model.Close: no run in flight).
func (bp *bufPool) drain() {
	bp.mu.Lock()
	defer bp.mu.Unlock()
	for _, l := range bp.free {
		for _, b := range l {
			offheap.Free(b.raw)
		}
	}
	bp.free, bp.held = nil, 0
}

// arena is one run's loans from a session's pool. A loan goes back to the
// pool as soon as no value of the run lives in it any more (the executor
// reports the values it stores, track, and those whose last reader is
// done, drop), so later steps of the same run reuse it: a run's buffers
// then add up to what is live at once, not to every intermediate value.
// Loans never stored in a value (a kernel's scratch) and those of values
// kept to the end (fetches) go back when the run ends (release).
type arena struct {
	pool  *bufPool
	mu    sync.Mutex
	lent  []*loan
	start map[uintptr]*loan // lent by the address of their first element
}

// loan is one lent buffer and how many stored values live in it.
type loan struct {
	lentBuf
	lo, hi uintptr // its bytes
	live   int
}

func (s *session) newArena() *arena { return &arena{pool: &s.bufs, start: map[uintptr]*loan{}} }

// get lends a buffer of n elements of dt (pointer-free dtypes only), or
// returns nil.
func (a *arena) get(dt tensor.DType, n int) any {
	if !op.Lendable(dt) || n <= 0 {
		return nil
	}
	b, ok := a.pool.get(bufKey{dt: dt.Base(), n: n})
	if !ok {
		return nil
	}
	if poisonLoans.Load() {
		op.Poison(b.buf)
	}
	l := &loan{lentBuf: b, lo: tensor.SliceAddr(b.buf)} // n > 0, pointer-free
	l.hi = l.lo + uintptr(n*dt.Size())
	a.mu.Lock()
	a.lent = append(a.lent, l)
	a.start[l.lo] = l
	a.mu.Unlock()
	a.pool.lent.Add(1)
	return b.buf
}

// find is the loan t's data lies in, or nil; the caller holds a.mu.
func (a *arena) find(t *tensor.Tensor) *loan {
	p := tensor.DataAddr(t)
	if p == 0 {
		return nil
	}
	if l := a.start[p]; l != nil {
		return l
	}
	for _, l := range a.lent { // a view that starts inside a buffer
		if p >= l.lo && p < l.hi {
			return l
		}
	}
	return nil
}

// track counts a value the executor stored.
func (a *arena) track(t *tensor.Tensor) {
	if a == nil {
		return
	}
	a.mu.Lock()
	if l := a.find(t); l != nil {
		l.live++
	}
	a.mu.Unlock()
}

// drop uncounts a stored value no step reads any more; the last value of
// a loan gives it back to the pool.
func (a *arena) drop(t *tensor.Tensor) {
	if a == nil || t == nil {
		return
	}
	a.mu.Lock()
	l := a.find(t)
	if l == nil || l.live <= 0 {
		a.mu.Unlock()
		return
	}
	if l.live--; l.live > 0 {
		a.mu.Unlock()
		return
	}
	delete(a.start, l.lo)
	for i, x := range a.lent {
		if x == l {
			a.lent[i] = a.lent[len(a.lent)-1]
			a.lent[len(a.lent)-1] = nil
			a.lent = a.lent[:len(a.lent)-1]
			break
		}
	}
	a.mu.Unlock()
	a.pool.put([]lentBuf{l.lentBuf})
}

// release gives every loan still out back; nothing may use them afterwards.
func (a *arena) release() {
	if a == nil {
		return
	}
	a.mu.Lock()
	lent := a.lent
	a.lent, a.start = nil, map[uintptr]*loan{}
	a.mu.Unlock()
	bufs := make([]lentBuf, len(lent))
	for i, l := range lent {
		bufs[i] = l.lentBuf
	}
	a.pool.put(bufs)
}

// poisonLoans makes every loan arrive filled with op.Poison's pattern, for
// tests: a kernel that borrows a buffer and leaves an element unset then
// fails whatever it is compared to.
var poisonLoans atomic.Bool

// Lend lends n elements of dt of unspecified contents for the rest of the
// run (op.Lender), or returns nil when this run has no arena.
func (c *kernelContext) Lend(dt tensor.DType, n int) any {
	if c.arena == nil || c.depth != 0 {
		return nil
	}
	return c.arena.get(dt, n)
}

var _ op.Lender = (*kernelContext)(nil)

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
