package offheap

import (
	"math/bits"
	"sync"
	"unsafe"
)

// Size classes are powers of two from 64 KiB to 4 GiB; smaller requests
// stay on the heap, where the allocator serves them well.
const (
	minShift = 16
	maxShift = 32
	nClasses = maxShift - minShift + 1
)

// idleResident bounds the bytes of freed buffers whose pages stay resident
// for the next Alloc; beyond it, freed buffers give their pages back.
const idleResident = 16 << 20

// class is the size class of a request of size bytes, or -1.
func class(size int) int {
	if size < 1<<minShift || size > 1<<maxShift {
		return -1
	}
	return bits.Len(uint(size-1)) - minShift
}

type pool struct {
	mu       sync.Mutex
	free     [nClasses][][]byte // capacity = class size, pages maybe released
	resident int                // bytes of free buffers with resident pages
	owned    map[uintptr]int    // start of every mapped buffer -> class
	mapped   int                // bytes mapped in all
	released map[uintptr]bool   // free buffers whose pages were given back
}

var global = pool{owned: map[uintptr]int{}, released: map[uintptr]bool{}}

// Alloc returns size bytes outside the Go heap (capacity rounded up to a
// power of two), or nil: see the package comment.
func Alloc(size int) []byte { return global.alloc(size) }

// Free gives back a buffer Alloc returned; any other slice is ignored.
func Free(b []byte) { global.put(b) }

// Stats reports the bytes mapped in all and those of idle buffers whose
// pages are resident.
func Stats() (mapped, idleResidentBytes int) {
	global.mu.Lock()
	defer global.mu.Unlock()
	return global.mapped, global.resident
}

func (p *pool) alloc(size int) []byte {
	c := class(size)
	if c < 0 || !supported {
		return nil
	}
	p.mu.Lock()
	if n := len(p.free[c]); n > 0 {
		b := p.free[c][n-1]
		p.free[c][n-1] = nil
		p.free[c] = p.free[c][:n-1]
		start := addr(b)
		if p.released[start] {
			delete(p.released, start)
		} else {
			p.resident -= cap(b)
		}
		p.mu.Unlock()
		return b[:size]
	}
	p.mu.Unlock()
	b, err := mapAnon(1 << (c + minShift))
	if err != nil {
		return nil
	}
	p.mu.Lock()
	p.owned[addr(b)] = c
	p.mapped += cap(b)
	p.mu.Unlock()
	return b[:size]
}

func (p *pool) put(b []byte) {
	if cap(b) == 0 {
		return
	}
	b = b[:cap(b)]
	start := addr(b)
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.owned[start]
	if !ok || cap(b) != 1<<(c+minShift) {
		return
	}
	if p.resident+cap(b) > idleResident && release(b) == nil {
		p.released[start] = true
	} else {
		p.resident += cap(b)
	}
	p.free[c] = append(p.free[c], b)
}

func addr(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }
