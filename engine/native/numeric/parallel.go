package numeric

import "sync"

// grain is the element count below which splitting an elementwise loop
// across goroutines costs more than it saves (transcendental ops take
// ~10 ns per element, so 16k elements is ~0.1 ms of work).
const grain = 1 << 14

// parallelRange calls f on disjoint ranges covering [0, n), using up to
// threads goroutines when n is large enough to be worth it.
func parallelRange(n, threads int, f func(lo, hi int)) {
	t := min(threads, n/grain)
	if t <= 1 {
		f(0, n)
		return
	}
	step := (n + t - 1) / t
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += step {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			f(lo, hi)
		}(lo, min(n, lo+step))
	}
	wg.Wait()
}

// parallelRows calls f on disjoint row ranges covering [0, rows), each row
// costing about perRow element operations, using up to threads goroutines
// when there is enough work.
func parallelRows(rows, perRow, threads int, f func(r0, r1 int)) {
	t := min(threads, rows, rows*perRow/grain)
	if t <= 1 {
		f(0, rows)
		return
	}
	step := (rows + t - 1) / t
	var wg sync.WaitGroup
	for r0 := 0; r0 < rows; r0 += step {
		wg.Add(1)
		go func(r0, r1 int) {
			defer wg.Done()
			f(r0, r1)
		}(r0, min(rows, r0+step))
	}
	wg.Wait()
}

// scratchPool recycles the products' scratch rows between calls (a batch
// of one allocates a few hundred KiB of them per run otherwise). Their
// contents are stale: users overwrite before they read.
var scratchPool sync.Pool

// getScratch returns a stale scratch buffer of n floats.
func getScratch(n int) *[]float32 {
	if b, ok := scratchPool.Get().(*[]float32); ok && cap(*b) >= n {
		*b = (*b)[:n]
		return b
	}
	b := make([]float32, n)
	return &b
}

func putScratch(b *[]float32) { scratchPool.Put(b) }
