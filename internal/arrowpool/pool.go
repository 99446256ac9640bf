package arrowpool

import (
	"math/bits"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/scorekit/score/internal/offheap"
)

// Pool is a memory.Allocator that keeps freed buffers of 4 KiB to 64 MiB
// (in power-of-two classes) for reuse, up to MaxIdle bytes in all; smaller
// and larger ones come from and go back to the garbage collector. Like
// memory.GoAllocator it returns zeroed, 64-byte aligned memory. A buffer
// must not be used after it is freed: arrow frees a buffer when its last
// reference is released. Safe for concurrent use.
//
// Buffers of 64 KiB and more come from internal/offheap where it can (on
// Linux), outside the Go heap: the writer's row-group builders are reused
// for the whole run, and on the heap they would count twice in the
// collector's heap goal.
type Pool struct {
	mu      sync.Mutex
	free    [nClasses][][]byte
	idle    int
	maxIdle int
	poison  bool
}

const (
	minShift = 12 // 4 KiB
	maxShift = 26 // 64 MiB
	nClasses = maxShift - minShift + 1
)

var _ memory.Allocator = (*Pool)(nil)

// New returns a pool keeping up to maxIdle bytes of freed buffers. With
// poison set, a freed buffer is overwritten with 0xFF at once, so that a
// use after free shows in tests.
func New(maxIdle int, poison bool) *Pool { return &Pool{maxIdle: maxIdle, poison: poison} }

// class returns the class of a buffer of size bytes, or -1 when the pool
// does not keep that size.
func class(size int) int {
	if size < 1<<minShift || size > 1<<maxShift {
		return -1
	}
	return bits.Len(uint(size-1)) - minShift
}

// Allocate returns size zeroed bytes.
func (p *Pool) Allocate(size int) []byte {
	c := class(size)
	if c < 0 {
		return memory.DefaultAllocator.Allocate(size)
	}
	p.mu.Lock()
	if n := len(p.free[c]); n > 0 {
		b := p.free[c][n-1]
		p.free[c][n-1] = nil
		p.free[c] = p.free[c][:n-1]
		p.idle -= cap(b)
		p.mu.Unlock()
		b = b[:size]
		clear(b)
		return b
	}
	p.mu.Unlock()
	if c+minShift >= offheapShift {
		if b := offheap.Alloc(1 << (c + minShift)); b != nil {
			b = b[:size]
			clear(b) // a reused off-heap buffer holds its last user's bytes
			return b
		}
	}
	// Power-of-two sizes from 4 KiB up are aligned to 4 KiB or more by the
	// Go allocator.
	return make([]byte, size, 1<<(c+minShift))
}

// offheapShift: classes from 64 KiB come from internal/offheap.
const offheapShift = 16

// Reallocate returns size bytes holding b's bytes, zeroed beyond them.
func (p *Pool) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) && class(cap(b)) >= 0 && 1<<(class(cap(b))+minShift) == cap(b) {
		old := len(b)
		b = b[:size]
		if size > old {
			clear(b[old:])
		}
		return b
	}
	nb := p.Allocate(size)
	copy(nb, b)
	p.Free(b)
	return nb
}

// Free takes b back; buffers the pool did not make are left to the
// garbage collector.
func (p *Pool) Free(b []byte) {
	c := class(cap(b))
	if c < 0 || cap(b) != 1<<(c+minShift) {
		return
	}
	b = b[:cap(b)]
	if p.poison {
		for i := range b {
			b[i] = 0xFF
		}
	}
	p.mu.Lock()
	if p.idle+cap(b) <= p.maxIdle {
		p.free[c] = append(p.free[c], b)
		p.idle += cap(b)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	offheap.Free(b) // a heap buffer is left to the collector
}

// Idle returns the bytes of freed buffers the pool holds for reuse.
func (p *Pool) Idle() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.idle
}
