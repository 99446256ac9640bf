package offheap

import (
	"runtime"
	"testing"
)

func newPool() *pool { return &pool{owned: map[uintptr]int{}, released: map[uintptr]bool{}} }

func needMmap(t *testing.T) {
	if !supported {
		t.Skipf("no off-heap buffers on %s", runtime.GOOS)
	}
}

// TestAllocReusesByClass: a freed buffer comes back for the next request
// of its size class, with its contents; other classes get their own.
func TestAllocReusesByClass(t *testing.T) {
	needMmap(t)
	p := newPool()
	a := p.alloc(100 << 10)
	if len(a) != 100<<10 || cap(a) != 128<<10 || addr(a)%4096 != 0 {
		t.Fatalf("len %d cap %d at %#x: want 100 KiB of a page-aligned 128 KiB buffer", len(a), cap(a), addr(a))
	}
	a[0], a[len(a)-1] = 7, 9
	p.put(a)
	b := p.alloc(120 << 10)
	if addr(b) != addr(a) || b[0] != 7 {
		t.Fatalf("the freed buffer of the class was not reused (%#x, %#x)", addr(a), addr(b))
	}
	c := p.alloc(200 << 10)
	if c == nil || addr(c) == addr(b) || cap(c) != 256<<10 {
		t.Fatalf("a 200 KiB request: cap %d at %#x", cap(c), addr(c))
	}
	if p.mapped != 384<<10 {
		t.Fatalf("mapped %d bytes, want 384 KiB", p.mapped)
	}
}

// TestAllocRefusesSmall: small requests are left to the heap.
func TestAllocRefusesSmall(t *testing.T) {
	if b := newPool().alloc(1000); b != nil {
		t.Fatalf("Alloc(1000) = %d bytes, want nil", len(b))
	}
}

// TestFreeIgnoresForeign: heap slices, slices not at a buffer's start and
// buffers of the wrong capacity are not taken.
func TestFreeIgnoresForeign(t *testing.T) {
	needMmap(t)
	p := newPool()
	p.put(make([]byte, 64<<10))
	a := p.alloc(64 << 10)
	p.put(a[4096:])
	p.put(a[:0:4096])
	p.put(nil)
	for c := range p.free {
		if len(p.free[c]) != 0 {
			t.Fatalf("class %d holds %d foreign buffers", c, len(p.free[c]))
		}
	}
	p.put(a)
	if len(p.free[0]) != 1 {
		t.Fatal("the buffer itself was not taken back")
	}
}

// TestFreeReleasesBeyondBound: idle buffers beyond idleResident give their
// pages back (they read as zeros) but stay mapped and reusable.
func TestFreeReleasesBeyondBound(t *testing.T) {
	needMmap(t)
	p := newPool()
	const size = 16 << 20
	var bufs [][]byte
	for range idleResident/size + 2 {
		b := p.alloc(size)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		bufs = append(bufs, b)
	}
	for _, b := range bufs {
		p.put(b)
	}
	if p.resident > idleResident || len(p.released) != 2 {
		t.Fatalf("resident idle %d bytes (bound %d), %d released", p.resident, idleResident, len(p.released))
	}
	mapped := p.mapped
	zeros := 0
	for range bufs {
		b := p.alloc(size)
		if b[0] == 0 {
			zeros++
		}
	}
	if zeros != 2 || p.mapped != mapped || p.resident != 0 || len(p.released) != 0 {
		t.Fatalf("%d released buffers read zeros (want 2), mapped %d -> %d, resident %d", zeros, mapped, p.mapped, p.resident)
	}
}
