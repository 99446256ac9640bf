package numeric

import (
	"math/rand"
	"sync"
	"testing"
	"unsafe"
)

// TestWeightsCacheProducts multiplies by the same weight many times (the
// cached path) and by fresh buffers of different contents (the uncached
// path), checking every product against the reference loops.
func TestWeightsCacheProducts(t *testing.T) {
	r := rand.New(rand.NewSource(21))
	m, n, k := 37, 50, 75
	a := randSlice(r, m*k)
	w := randSlice(r, k*n)
	check := func(b []float32, transB bool) {
		t.Helper()
		ldb := n
		if transB {
			ldb = k
		}
		want := make([]float32, m*n)
		refGemm(false, transB, m, n, k, 1, a, k, b, ldb, 0, want, n)
		got := make([]float32, m*n)
		sgemmWeights(false, false, transB, m, n, k, 1, a, k, b, ldb, 0, got, n, 2)
		for i := range got {
			if d := got[i] - want[i]; d > 1e-3 || d < -1e-3 {
				t.Fatalf("c[%d]=%v want %v", i, got[i], want[i])
			}
		}
	}
	before := weights.len()
	for range 4 {
		check(w, false)
		check(w, true) // same data, other geometry: its own entry
	}
	if weights.len() < before+2 {
		t.Fatalf("cache holds %d entries, want at least %d after reusing one weight", weights.len(), before+2)
	}
	for range 3 { // a new buffer each time: never served a stale packing
		check(randSlice(r, k*n), false)
	}
	// The same buffer rewritten in place (a caller reusing its feed):
	// the cached packing must not be served for the new contents.
	for range 3 {
		copy(w, randSlice(r, k*n))
		check(w, false)
		check(w, true)
	}
}

// TestWeightsCacheConcurrent runs products sharing weights from several
// goroutines (for -race) and checks them.
func TestWeightsCacheConcurrent(t *testing.T) {
	r := rand.New(rand.NewSource(22))
	m, n, k := 20, 33, 40
	a := randSlice(r, m*k)
	ws := [][]float32{randSlice(r, k*n), randSlice(r, k*n), randSlice(r, k*n)}
	wants := make([][]float32, len(ws))
	for i, w := range ws {
		wants[i] = make([]float32, m*n)
		refGemm(false, false, m, n, k, 1, a, k, w, n, 0, wants[i], n)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range 10 {
				i := (g + it) % len(ws)
				got := make([]float32, m*n)
				sgemmWeights(g%2 == 0, false, false, m, n, k, 1, a, k, ws[i], n, 0, got, n, 1)
				for j := range got {
					if d := got[j] - wants[i][j]; d > 1e-3 || d < -1e-3 {
						errs <- "mismatch"
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

// TestWeightsCacheBounded fills the cache past its budget and checks the
// packed data it holds stays within it.
func TestWeightsCacheBounded(t *testing.T) {
	pc := packCache{limit: 1 << 16}
	k, n := 64, pc.limit/64/16 // each entry (packing + weight) is about an eighth of the budget
	for range 3 * 8 {
		b := make([]float32, k*n)
		for range 2 { // second sighting admits it
			pc.packed(false, k, n, b, n, false)
		}
	}
	if pc.size > pc.limit {
		t.Fatalf("cache holds %d floats, budget %d", pc.size, pc.limit)
	}
	if pc.len() == 0 || pc.len() > 8 {
		t.Fatalf("cache holds %d entries, want 1..8", pc.len())
	}
}

// TestWeightsCacheTrusted checks the trusted mode: a constant's entry
// keeps the weight itself (no copy) and serves it by address; an
// untrusted entry is never served for changed contents, even to a call
// that trusts its input.
func TestWeightsCacheTrusted(t *testing.T) {
	r := rand.New(rand.NewSource(23))
	k, n := 30, 20
	same := func(a, b *packedB) bool { return equalF32(a.data, b.data) }
	var pc packCache
	w := randSlice(r, k*n)
	for range 3 {
		if !same(pc.packed(false, k, n, w, n, true), newPackedB(false, k, n, w, n)) {
			t.Fatal("trusted packing differs from a fresh one")
		}
	}
	for _, e := range pc.m {
		if !e.trusted || unsafe.SliceData(e.src) != unsafe.SliceData(w) {
			t.Fatal("a trusted entry should keep the weight itself")
		}
	}
	if got := pc.packed(false, k, n, w, n, false); !same(got, newPackedB(false, k, n, w, n)) {
		t.Fatal("untrusted call on a trusted entry: wrong packing")
	}

	var pu packCache
	v := randSlice(r, k*n)
	pu.packed(false, k, n, v, n, false)
	pu.packed(false, k, n, v, n, false) // admitted with a copy
	copy(v, randSlice(r, k*n))
	if !same(pu.packed(false, k, n, v, n, true), newPackedB(false, k, n, v, n)) {
		t.Fatal("a changed weight was served the stale packing")
	}
}

// TestForgetTrustedWeights caches a weight vouched for as constant (its
// entry keeps no copy), forgets the trusted entries, and checks that the
// weight's memory rewritten afterwards is packed afresh.
func TestForgetTrustedWeights(t *testing.T) {
	r := rand.New(rand.NewSource(23))
	m, n, k := 9, 21, 13
	a := randSlice(r, m*k)
	w := randSlice(r, k*n)
	product := func() []float32 {
		c := make([]float32, m*n)
		sgemmWeights(true, false, false, m, n, k, 1, a, k, w, n, 0, c, n, 1)
		return c
	}
	for range 3 { // admitted on the second sight
		product()
	}
	if !weights.hasTrusted(w) {
		t.Fatal("no trusted entry for a weight seen three times")
	}
	ForgetTrustedWeights()
	if weights.hasTrusted(w) {
		t.Fatal("trusted entry survived ForgetTrustedWeights")
	}
	// New contents at the same address (as after a checkpoint is unmapped
	// and another is mapped there): the product must use them.
	copy(w, randSlice(r, k*n))
	got := product()
	want := make([]float32, m*n)
	refGemm(false, false, m, n, k, 1, a, k, w, n, 0, want, n)
	for i := range got {
		if d := got[i] - want[i]; d > 1e-3 || d < -1e-3 {
			t.Fatalf("c[%d]=%v want %v", i, got[i], want[i])
		}
	}
}

// hasTrusted reports whether a trusted entry refers to b's memory (tests).
func (pc *packCache) hasTrusted(b []float32) bool {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	for k, e := range pc.m {
		if e.trusted && k.addr == uintptr(unsafe.Pointer(unsafe.SliceData(b))) {
			return true
		}
	}
	return false
}
