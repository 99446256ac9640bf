package arrowpool

import (
	"bytes"
	"sync"
	"testing"
	"unsafe"
)

func TestPoolReusesZeroed(t *testing.T) {
	p := New(1<<20, false)
	a := p.Allocate(5000)
	if len(a) != 5000 || cap(a) != 8192 || uintptr(unsafe.Pointer(&a[0]))%64 != 0 {
		t.Fatalf("len %d cap %d at %p: want 5000 bytes of an aligned 8 KiB buffer", len(a), cap(a), &a[0])
	}
	for i := range a {
		a[i] = 7
	}
	p.Free(a)
	b := p.Allocate(6000) // same class: the same array, zeroed
	if &b[0] != &a[0] {
		t.Fatal("a freed buffer of the class was not reused")
	}
	if !bytes.Equal(b, make([]byte, 6000)) {
		t.Fatal("a reused buffer is not zeroed")
	}
	// Growing within the class keeps the bytes and zeroes the rest.
	for i := range b {
		b[i] = 9
	}
	c := p.Reallocate(8000, b)
	if &c[0] != &b[0] || len(c) != 8000 || c[5999] != 9 || !bytes.Equal(c[6000:], make([]byte, 2000)) {
		t.Fatalf("reallocate within the class: len %d, byte 5999 = %d, tail zero %v", len(c), c[5999], bytes.Equal(c[6000:], make([]byte, 2000)))
	}
	// Growing past it copies into a larger class and frees the old one.
	d := p.Reallocate(9000, c)
	if len(d) != 9000 || cap(d) != 16384 || d[0] != 9 || d[7999] != 0 {
		t.Fatalf("reallocate past the class: len %d cap %d", len(d), cap(d))
	}
	if e := p.Allocate(4097); &e[0] != &c[0] {
		t.Fatal("the buffer Reallocate left was not freed for reuse")
	}
	// Sizes the pool does not keep come from the Go allocator and are
	// not kept.
	small := p.Allocate(100)
	p.Free(small)
	if p.idle != 0 {
		t.Fatalf("a 100-byte buffer was kept (idle %d)", p.idle)
	}
}

func TestPoolBoundsIdle(t *testing.T) {
	p := New(3*4096, true)
	var bufs [][]byte
	for range 5 {
		bufs = append(bufs, p.Allocate(4096))
	}
	for _, b := range bufs {
		b[0] = 1
		p.Free(b)
	}
	if p.idle != 3*4096 || len(p.free[0]) != 3 {
		t.Fatalf("idle %d bytes in %d buffers, want 3 of 4 KiB", p.idle, len(p.free[0]))
	}
	if bufs[0][0] != 0xFF || bufs[4][4095] != 0xFF {
		t.Fatal("poison did not overwrite freed buffers")
	}
	// Buffers the pool did not make are left alone.
	foreign := make([]byte, 4096, 4096+64)
	p.Free(foreign)
	if p.idle != 3*4096 {
		t.Fatal("a foreign buffer was taken")
	}
}

func TestPoolConcurrent(t *testing.T) {
	p := New(1<<20, false)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				b := p.Allocate(4096 + (i*g)%20000)
				for j := range b {
					if b[j] != 0 {
						t.Error("dirty buffer")
						return
					}
				}
				b[len(b)-1] = byte(g + 1)
				p.Free(b)
			}
		}()
	}
	wg.Wait()
}

// TestPoolOffHeapZeroed: on Linux a buffer of 64 KiB or more may be one a
// former user dirtied outside the heap; Allocate must still hand it out
// zeroed and aligned, whether it comes from the pool or from offheap.
func TestPoolOffHeapZeroed(t *testing.T) {
	for _, maxIdle := range []int{0, 1 << 20} { // freed buffers go to offheap, or stay in the pool
		p := New(maxIdle, false)
		for round := range 3 {
			b := p.Allocate(100 << 10)
			if len(b) != 100<<10 || cap(b) != 128<<10 || uintptr(unsafe.Pointer(&b[0]))%64 != 0 {
				t.Fatalf("len %d cap %d at %p", len(b), cap(b), &b[0])
			}
			if !bytes.Equal(b, make([]byte, len(b))) {
				t.Fatalf("maxIdle %d round %d: the buffer is not zeroed", maxIdle, round)
			}
			for i := range b {
				b[i] = 0xAB
			}
			p.Free(b)
		}
	}
}
