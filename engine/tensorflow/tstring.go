package tensorflow

import (
	"encoding/binary"
	"fmt"
	"unsafe"
)

// TF_TString (tsl/platform/ctstring_internal.h): a 24-byte union whose
// type is in the low two bits of byte 0 (little-endian hosts).
const (
	tstringSize     = 24
	tstringSmallCap = 22 // SMALL holds up to 22 bytes + NUL inline

	tsSmall  = 0
	tsLarge  = 1
	tsOffset = 2
	tsView   = 3

	// maxStringBytes bounds one decoded element: a size above this means
	// the layout was misread, not a real string.
	maxStringBytes = 1 << 32
)

// tstringHeader is what the 24 bytes say, before any pointer is followed.
type tstringHeader struct {
	kind int
	size uint64
	// offset is the distance from the TF_TString to its bytes (SMALL: 1,
	// OFFSET: the stored offset); ptrAt is where LARGE and VIEW keep the
	// data pointer (16 and 8).
	offset uint32
	ptrAt  int
}

// parseTString decodes the header of one TF_TString. It never follows a
// pointer, so it is safe on any 24 bytes.
func parseTString(b []byte) (tstringHeader, error) {
	if len(b) < tstringSize {
		return tstringHeader{}, fmt.Errorf("tstring: %d bytes, want %d", len(b), tstringSize)
	}
	h := tstringHeader{kind: int(b[0] & 3)}
	switch h.kind {
	case tsSmall:
		h.size, h.offset = uint64(b[0]>>2), 1
		if h.size > tstringSmallCap {
			return h, fmt.Errorf("tstring: small string of %d bytes (max %d)", h.size, tstringSmallCap)
		}
	case tsLarge:
		h.size, h.ptrAt = binary.LittleEndian.Uint64(b)>>2, 16
		if capacity := binary.LittleEndian.Uint64(b[8:]); capacity < h.size {
			return h, fmt.Errorf("tstring: large string of %d bytes with capacity %d", h.size, capacity)
		}
	case tsOffset:
		h.size = uint64(binary.LittleEndian.Uint32(b) >> 2)
		h.offset = binary.LittleEndian.Uint32(b[4:])
	case tsView:
		h.size, h.ptrAt = binary.LittleEndian.Uint64(b)>>2, 8
	}
	if h.size > maxStringBytes {
		return h, fmt.Errorf("tstring: size %d out of range", h.size)
	}
	return h, nil
}

// readTString returns a copy of the string held by the TF_TString at elem.
// base and bufLen bound the tensor buffer elem lies in: OFFSET strings must
// point inside it. elem must be valid for tstringSize bytes, and LARGE and
// VIEW pointers must be valid and elem 8-byte aligned, as they are in a
// tensor TensorFlow wrote.
func readTString(elem, base unsafe.Pointer, bufLen uintptr) (string, error) {
	h, err := parseTString(unsafe.Slice((*byte)(elem), tstringSize))
	if err != nil {
		return "", err
	}
	if h.size == 0 {
		return "", nil
	}
	var data unsafe.Pointer
	switch h.kind {
	case tsSmall:
		data = unsafe.Add(elem, 1)
	case tsOffset:
		start := uintptr(elem) - uintptr(base) + uintptr(h.offset)
		if start > bufLen || uint64(bufLen-start) < h.size {
			return "", fmt.Errorf("tstring: offset string [%d, +%d) outside the %d-byte tensor buffer", start, h.size, bufLen)
		}
		data = unsafe.Add(base, start)
	default:
		data = *(*unsafe.Pointer)(unsafe.Add(elem, h.ptrAt))
		if data == nil {
			return "", fmt.Errorf("tstring: %d-byte string with a nil pointer", h.size)
		}
	}
	return string(unsafe.Slice((*byte)(data), int(h.size))), nil
}
