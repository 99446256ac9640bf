package numeric

import (
	"bytes"
	"sync"
	"unsafe"
)

// Packed-weight cache. Model weights (Conv2D filters, MatMul right-hand
// sides read from Consts or variables) are the same values on every Run,
// so their packed panels are kept instead of being rebuilt per call.
//
// Identity: an entry is found by the weight's address, length and the
// product geometry, and is used only if the weight's current contents
// equal the private copy the entry took when it was packed. So a hit is
// always right, whatever the caller does with its buffers (a feed reused
// and rewritten between Runs, memory freed and reallocated at the same
// address): a mismatch repacks and replaces the entry. The check reads the
// weight once per call, which costs far less than packing it. Entries hold
// no reference to the caller's memory.
//
// Admission: a weight is cached the second time its address and geometry
// are seen, so activations used as a right-hand side (a new buffer on each
// Run) do not churn the cache; the "seen" set is reset when it grows past
// seenMax. Memory: at most packBudget floats, counting each entry's packed
// data and its copy of the weight; the oldest entries are dropped first,
// and a weight whose entry would take over a quarter of the budget is
// never cached. Entries outlive the model that loaded the weight until
// evicted. Safe for concurrent use: entries are immutable once stored.

const (
	packBudget = 16 << 20 // floats (64 MiB)
	seenMax    = 4096
)

type packKey struct {
	addr      uintptr
	size      int
	transB    bool
	k, n, ldb int
	nr        int
}

type packEntry struct {
	src     []float32 // a copy of the weight the packing was made from, or the trusted weight itself
	pb      *packedB
	trusted bool
}

// ConstInputs is an optional extension of op.Context: ConstInput(i)
// reports that the kernel's input i is a model constant whose data is
// never modified in place for as long as it is reachable (a Const, a
// variable's current value, or weights the executor derived from them
// once). Kernels then cache work on it (packed weights) by its address.
type ConstInputs interface {
	ConstInput(i int) bool
}

// constInput reports whether c says its input i is a model constant.
func constInput(c any, i int) bool {
	ci, ok := c.(ConstInputs)
	return ok && ci.ConstInput(i)
}

type packCache struct {
	mu    sync.Mutex
	m     map[packKey]*packEntry
	order []packKey // insertion order, for eviction
	size  int       // floats held: packed data plus weight copies
	seen  map[packKey]struct{}
	limit int // budget in floats; 0 means packBudget
}

var weights = packCache{}

// equalF32 reports whether a and b hold the same bits.
func equalF32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 {
		return true
	}
	ab := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(a))), 4*len(a))
	bb := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(b))), 4*len(b))
	return bytes.Equal(ab, bb)
}

// packed returns op(B) (k×n, row stride ldb) packed for the micro-kernels,
// from the cache when b was packed before with the same contents. trusted
// says b is a model constant (see ConstInputs).
func (pc *packCache) packed(transB bool, k, n int, b []float32, ldb int, trusted bool) *packedB {
	if len(b) == 0 {
		return newPackedB(transB, k, n, b, ldb)
	}
	key := packKey{addr: uintptr(unsafe.Pointer(unsafe.SliceData(b))), size: len(b), transB: transB, k: k, n: n, ldb: ldb, nr: nr}
	pc.mu.Lock()
	e, cached := pc.m[key]
	_, again := pc.seen[key]
	if !cached && !again {
		if pc.seen == nil || len(pc.seen) >= seenMax {
			pc.seen = make(map[packKey]struct{})
		}
		pc.seen[key] = struct{}{}
	}
	pc.mu.Unlock()
	if cached && (trusted && e.trusted || equalF32(e.src, b)) {
		return e.pb
	}
	pb := newPackedB(transB, k, n, b, ldb)
	budget := pc.limit
	if budget == 0 {
		budget = packBudget
	}
	cost := len(pb.data) + len(b)
	if !cached && !again || cost > budget/4 {
		return pb
	}
	ne := &packEntry{src: b, pb: pb, trusted: true}
	if !trusted {
		ne.src = append([]float32(nil), b...)
		ne.trusted = false
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if old, ok := pc.m[key]; ok {
		pc.size -= len(old.pb.data) + len(old.src) // replaced below; its order slot stays
	} else {
		for pc.size+cost > budget && len(pc.order) > 0 {
			victim := pc.order[0]
			pc.order = pc.order[1:]
			if v, ok := pc.m[victim]; ok {
				pc.size -= len(v.pb.data) + len(v.src)
				delete(pc.m, victim)
			}
		}
		if pc.m == nil {
			pc.m = make(map[packKey]*packEntry)
		}
		pc.order = append(pc.order, key)
	}
	pc.m[key] = ne
	pc.size += cost
	delete(pc.seen, key)
	return pb
}

// len reports the number of cached entries (tests).
func (pc *packCache) len() int {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return len(pc.m)
}

// ForgetTrustedWeights drops every cached packing of a weight that was
// vouched for as a model constant (ConstInputs). Those entries refer to the
// caller's memory instead of a private copy, so an executor calls this
// before it releases such memory other than through the garbage collector
// (unmapping a checkpoint file): no entry may outlive the memory it
// identifies, or new data mapped at the same address would hit it.
func ForgetTrustedWeights() { weights.forgetTrusted() }

func (pc *packCache) forgetTrusted() {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	kept := pc.order[:0]
	for _, k := range pc.order {
		e, ok := pc.m[k]
		if !ok {
			continue
		}
		if e.trusted {
			pc.size -= len(e.pb.data) + len(e.src)
			delete(pc.m, k)
			continue
		}
		kept = append(kept, k)
	}
	pc.order = kept
}
