package tensorflow

import (
	"encoding/binary"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// The buffers below are built from the layout in
// docs/savedmodel-format.md §4.6 (tsl/platform/ctstring_internal.h), byte
// by byte, independently of parseTString.

// alignedBytes returns n zero bytes on an 8-byte boundary, as a
// TF_TString array in a tensor buffer is.
func alignedBytes(n int) []byte {
	words := make([]uint64, (n+7)/8)
	return unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), n)
}

func smallTString(s string) []byte {
	b := alignedBytes(tstringSize)
	b[0] = byte(len(s)<<2) | tsSmall
	copy(b[1:], s)
	return b
}

// putPointer stores p at b[off:] as a C pointer would be stored. b's
// backing array is not scanned by the GC, so the caller keeps p alive.
func putPointer(b []byte, off int, p unsafe.Pointer) {
	*(*unsafe.Pointer)(unsafe.Pointer(&b[off])) = p
}

func TestReadTStringSmall(t *testing.T) {
	for _, s := range []string{"", "a", "score", strings.Repeat("x", 22)} {
		b := smallTString(s)
		got, err := readTString(unsafe.Pointer(&b[0]), unsafe.Pointer(&b[0]), uintptr(len(b)))
		if err != nil || got != s {
			t.Errorf("small %q: got %q, %v", s, got, err)
		}
	}
	b := make([]byte, tstringSize)
	b[0] = 23 << 2 // SMALL cannot hold 23 bytes
	if _, err := parseTString(b); err == nil {
		t.Error("small size 23 accepted")
	}
}

func TestReadTStringLargeAndView(t *testing.T) {
	data := []byte(strings.Repeat("large string data ", 5))
	for _, kind := range []byte{tsLarge, tsView} {
		b := alignedBytes(tstringSize)
		binary.LittleEndian.PutUint64(b, uint64(len(data))<<2|uint64(kind))
		if kind == tsLarge {
			binary.LittleEndian.PutUint64(b[8:], uint64(len(data)+10)) // capacity
			putPointer(b, 16, unsafe.Pointer(&data[0]))
		} else {
			putPointer(b, 8, unsafe.Pointer(&data[0]))
		}
		got, err := readTString(unsafe.Pointer(&b[0]), unsafe.Pointer(&b[0]), uintptr(len(b)))
		runtime.KeepAlive(data)
		if err != nil || got != string(data) {
			t.Errorf("kind %d: got %q, %v", kind, got, err)
		}
	}
	// LARGE with capacity < size is not a real string.
	b := alignedBytes(tstringSize)
	binary.LittleEndian.PutUint64(b, 100<<2|tsLarge)
	binary.LittleEndian.PutUint64(b[8:], 50)
	if _, err := parseTString(b); err == nil {
		t.Error("capacity < size accepted")
	}
	// A nil pointer is reported, not dereferenced.
	binary.LittleEndian.PutUint64(b[8:], 100)
	if _, err := readTString(unsafe.Pointer(&b[0]), unsafe.Pointer(&b[0]), uintptr(len(b))); err == nil {
		t.Error("nil large pointer accepted")
	}
}

func TestReadTStringOffset(t *testing.T) {
	// Two TF_TStrings followed by their bytes, as an OFFSET tensor buffer.
	buf := alignedBytes(2*tstringSize + 16)
	copy(buf[2*tstringSize:], "helloworld")
	put := func(i int, size, start uint32) {
		e := buf[i*tstringSize:]
		binary.LittleEndian.PutUint32(e, size<<2|tsOffset)
		binary.LittleEndian.PutUint32(e[4:], start-uint32(i*tstringSize)) // relative to the element
	}
	put(0, 5, 2*tstringSize)
	put(1, 5, 2*tstringSize+5)
	base := unsafe.Pointer(&buf[0])
	for i, want := range []string{"hello", "world"} {
		got, err := readTString(unsafe.Add(base, i*tstringSize), base, uintptr(len(buf)))
		if err != nil || got != want {
			t.Errorf("offset %d: got %q, %v", i, got, err)
		}
	}
	// An offset past the buffer end is rejected.
	put(1, 20, 2*tstringSize+5)
	if _, err := readTString(unsafe.Add(base, tstringSize), base, uintptr(len(buf))); err == nil {
		t.Error("offset string past the buffer accepted")
	}
}

func TestParseTStringShort(t *testing.T) {
	if _, err := parseTString(make([]byte, 23)); err == nil {
		t.Error("23-byte TF_TString accepted")
	}
}

// FuzzParseTString: any 24 bytes parse without panicking; SMALL and OFFSET
// strings (which point inside the buffer) read back within bounds.
func FuzzParseTString(f *testing.F) {
	f.Add(smallTString("score"))
	f.Add(smallTString(""))
	large := make([]byte, tstringSize)
	binary.LittleEndian.PutUint64(large, 30<<2|tsLarge)
	binary.LittleEndian.PutUint64(large[8:], 31)
	f.Add(large)
	off := make([]byte, tstringSize)
	binary.LittleEndian.PutUint32(off, 3<<2|tsOffset)
	binary.LittleEndian.PutUint32(off[4:], 20)
	f.Add(off)
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := parseTString(b)
		if err != nil || len(b) < tstringSize {
			return
		}
		if h.kind == tsSmall || h.kind == tsOffset {
			buf := append([]byte(nil), b...)
			s, err := readTString(unsafe.Pointer(&buf[0]), unsafe.Pointer(&buf[0]), uintptr(len(buf)))
			if err == nil && uint64(len(s)) != h.size {
				t.Fatalf("read %d bytes, header says %d", len(s), h.size)
			}
		}
	})
}
