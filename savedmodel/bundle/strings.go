package bundle

import (
	"encoding/binary"
	"fmt"
	"math"
)

// DT_STRING tensors in a data file (TensorFlow's WriteStringTensor): one
// varint64 length per element, a 4-byte masked CRC32C of the lengths, then
// the bytes. The lengths' CRC is taken over each length as uint32 LE when it
// fits, else uint64 LE. The entry's CRC continues over the lengths, the
// stored checksum bytes and the string bytes.

func crcLength(c uint32, l uint64) uint32 {
	var buf [8]byte
	if l <= math.MaxUint32 {
		binary.LittleEndian.PutUint32(buf[:], uint32(l))
		return crcExtend(c, buf[:4])
	}
	binary.LittleEndian.PutUint64(buf[:], l)
	return crcExtend(c, buf[:])
}

// decodeStrings decodes n strings from b and returns them with the
// (unmasked) CRC32C of the whole record.
func decodeStrings(b []byte, n int) ([]string, uint32, error) {
	if n > len(b) { // each length takes at least one byte
		return nil, 0, fmt.Errorf("string tensor of %d elements cannot fit in %d bytes", n, len(b))
	}
	lens := make([]uint64, n)
	off := 0
	var crc uint32
	var total uint64
	for i := range lens {
		l, k := binary.Uvarint(b[off:])
		if k <= 0 {
			return nil, 0, fmt.Errorf("string tensor: bad length of element %d", i)
		}
		off += k
		if l > uint64(len(b)) {
			return nil, 0, fmt.Errorf("string tensor: element %d claims %d bytes of %d", i, l, len(b))
		}
		lens[i] = l
		total += l
		crc = crcLength(crc, l)
	}
	if len(b)-off < 4 {
		return nil, 0, fmt.Errorf("string tensor: truncated before the length checksum")
	}
	stored := b[off : off+4]
	if unmaskCRC(binary.LittleEndian.Uint32(stored)) != crc {
		return nil, 0, fmt.Errorf("string tensor: length checksum mismatch")
	}
	crc = crcExtend(crc, stored)
	off += 4
	if total != uint64(len(b)-off) {
		return nil, 0, fmt.Errorf("string tensor: lengths add to %d bytes, %d remain", total, len(b)-off)
	}
	out := make([]string, n)
	for i, l := range lens {
		s := b[off : off+int(l)]
		crc = crcExtend(crc, s)
		out[i] = string(s)
		off += int(l)
	}
	return out, crc, nil
}

// appendStrings encodes vals as a string record and returns the buffer and
// the record's (unmasked) CRC32C.
func appendStrings(dst []byte, vals []string) ([]byte, uint32) {
	var crc uint32
	for _, s := range vals {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		crc = crcLength(crc, uint64(len(s)))
	}
	dst = binary.LittleEndian.AppendUint32(dst, maskCRC(crc))
	crc = crcExtend(crc, dst[len(dst)-4:])
	for _, s := range vals {
		dst = append(dst, s...)
		crc = crcExtend(crc, []byte(s))
	}
	return dst, crc
}
