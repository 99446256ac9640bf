package numeric

import (
	"sync"
	"unsafe"
)

// Packed-weight cache. Model weights (Conv2D filters, MatMul right-hand
// sides read from Consts or variables) are the same tensor data on every
// Run, so their packed panels are kept instead of being rebuilt per call.
//
// Identity: an entry is keyed by the weight's data pointer, length and the
// product geometry, and holds the weight slice itself. Holding it pins the
// memory, so while the entry lives no other allocation can take that
// address; the executor never modifies a tensor in place once a kernel
// has read it (op.Kernel's contract; variables are replaced, not written),
// so an equal key means equal contents.
//
// Admission: a weight is cached the second time it is seen, so
// activations used as a right-hand side (computed anew on each Run) do not
// churn the cache; the "seen" set holds addresses only (no pin) and is
// reset when it grows past seenMax. Memory: at most packBudget floats of
// packed data (plus the pinned weights); the oldest entries are dropped
// first. Safe for concurrent use: entries are immutable once stored.

const (
	packBudget = 16 << 20 // floats of packed data (64 MiB)
	seenMax    = 4096
)

type packKey struct {
	data      *float32
	size      int
	transB    bool
	k, n, ldb int
	nr        int
}

type packEntry struct {
	src []float32 // pins the weight's memory
	pb  *packedB
}

type packCache struct {
	mu    sync.Mutex
	m     map[packKey]*packEntry
	order []packKey // insertion order, for eviction
	size  int       // floats of packed data held
	seen  map[packSeen]struct{}
	limit int // budget in floats; 0 means packBudget
}

// packSeen is a packKey without the pointer, so that remembering a
// weight does not keep it alive.
type packSeen struct {
	addr      uintptr
	size      int
	transB    bool
	k, n, ldb int
	nr        int
}

var weights = packCache{}

// packed returns op(B) (k×n, row stride ldb) packed for the current
// micro-kernel, from the cache when b was packed before.
func (pc *packCache) packed(transB bool, k, n int, b []float32, ldb int) *packedB {
	if len(b) == 0 {
		return newPackedB(transB, k, n, b, ldb)
	}
	key := packKey{data: unsafe.SliceData(b), size: len(b), transB: transB, k: k, n: n, ldb: ldb, nr: nr}
	pc.mu.Lock()
	if e, ok := pc.m[key]; ok {
		pc.mu.Unlock()
		return e.pb
	}
	sk := packSeen{addr: uintptr(unsafe.Pointer(key.data)), size: key.size, transB: transB, k: k, n: n, ldb: ldb, nr: nr}
	_, again := pc.seen[sk]
	if !again {
		if pc.seen == nil || len(pc.seen) >= seenMax {
			pc.seen = make(map[packSeen]struct{})
		}
		pc.seen[sk] = struct{}{}
	}
	pc.mu.Unlock()
	pb := newPackedB(transB, k, n, b, ldb)
	budget := pc.limit
	if budget == 0 {
		budget = packBudget
	}
	if !again || len(pb.data) > budget/4 {
		return pb
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if e, ok := pc.m[key]; ok { // packed concurrently by another Run
		return e.pb
	}
	if pc.m == nil {
		pc.m = make(map[packKey]*packEntry)
	}
	for pc.size+len(pb.data) > budget && len(pc.order) > 0 {
		old := pc.order[0]
		pc.order = pc.order[1:]
		if e, ok := pc.m[old]; ok {
			pc.size -= len(e.pb.data)
			delete(pc.m, old)
		}
	}
	pc.m[key] = &packEntry{src: b, pb: pb}
	pc.order = append(pc.order, key)
	pc.size += len(pb.data)
	delete(pc.seen, sk)
	return pb
}

// len reports the number of cached entries (tests).
func (pc *packCache) len() int {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return len(pc.m)
}
