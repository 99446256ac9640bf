// Package offheap lends large pointer-free buffers from memory outside the
// Go heap (anonymous mmap, on Linux), for pools that keep their buffers for
// the life of a model or a run.
//
// Why: the garbage collector lets the heap grow to twice the live heap
// (GOGC=100) before it collects. A pool of reused buffers is live heap, so
// every byte it keeps costs a second byte of headroom that only garbage
// ever fills: the native engine keeps ~250 MB of buffers for the 36-head
// demo meta model, which put a run at 526 MB peak RSS (431 MB with them
// here). Outside the heap they count once, and the collector's pacing
// follows the small rest.
//
// The contract: Alloc returns a buffer of unspecified contents (a reused
// one holds what its last user left), or nil when it has none to give (a
// small request, another platform, a failed mapping): the caller then makes
// one on the heap. Free takes back buffers Alloc returned and ignores
// everything else. Buffers are never unmapped: a freed buffer waits for the
// next Alloc of its size class, and beyond a bound of idle bytes its pages
// are handed back to the kernel (the mapping stays), so a stale slice that
// a bug kept past Free reads other data or zeros, never unmapped memory,
// and the Go heap can never come to live at its address. Buffers must
// never hold Go pointers: the collector does not scan them.
package offheap
