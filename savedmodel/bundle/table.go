package bundle

import (
	"encoding/binary"
	"fmt"

	"github.com/klauspost/compress/snappy"
)

const (
	footerLen       = 48
	trailerLen      = 5
	tableMagic      = 0xdb4775248b80fb57
	maxHandleLen    = 20 // two varint64s
	noCompression   = 0
	snappyBlockType = 1
	// maxSnappyRatio bounds how much a Snappy block can expand: its best
	// element, a 3-byte copy, yields 64 bytes.
	maxSnappyRatio = 22
)

// blockHandle locates a block's stored bytes; size excludes the trailer.
type blockHandle struct{ offset, size uint64 }

func decodeHandle(b []byte) (blockHandle, int, error) {
	off, k1 := binary.Uvarint(b)
	if k1 <= 0 {
		return blockHandle{}, 0, fmt.Errorf("bad block handle offset")
	}
	size, k2 := binary.Uvarint(b[k1:])
	if k2 <= 0 {
		return blockHandle{}, 0, fmt.Errorf("bad block handle size")
	}
	return blockHandle{off, size}, k1 + k2, nil
}

func (h blockHandle) append(b []byte) []byte {
	return binary.AppendUvarint(binary.AppendUvarint(b, h.offset), h.size)
}

// table is a parsed index file: the data blocks' entries in key order, plus
// the structure kept for tests (block types, index and metaindex entries).
type table struct {
	index       []blockEntry // separator key -> encoded handle
	meta        []blockEntry
	blocks      [][]blockEntry
	compression []byte // compression type per data block
	indexHandle blockHandle
	metaHandle  blockHandle
}

// parseTable parses a whole LevelDB-style table held in file.
func parseTable(file []byte) (*table, error) {
	if len(file) < footerLen {
		return nil, fmt.Errorf("file of %d bytes is shorter than the %d-byte footer", len(file), footerLen)
	}
	foot := file[len(file)-footerLen:]
	if m := binary.LittleEndian.Uint64(foot[40:]); m != tableMagic {
		return nil, fmt.Errorf("bad table magic %#x (not a tensor bundle index)", m)
	}
	meta, k, err := decodeHandle(foot[:40])
	if err != nil {
		return nil, fmt.Errorf("footer: metaindex: %w", err)
	}
	idx, _, err := decodeHandle(foot[k:40])
	if err != nil {
		return nil, fmt.Errorf("footer: index: %w", err)
	}
	limit := uint64(len(file) - footerLen)
	// Key bytes a file may expand to: generous for real files (whose keys
	// share prefixes of a few dozen bytes), finite for hostile ones.
	budget := &keyBudget{left: 64*len(file) + 1<<20}
	t := &table{indexHandle: idx, metaHandle: meta}
	raw, _, err := readBlock(file, idx, limit)
	if err != nil {
		return nil, fmt.Errorf("index block: %w", err)
	}
	if t.index, err = parseBlock(raw, budget); err != nil {
		return nil, fmt.Errorf("index block: %w", err)
	}
	if raw, _, err = readBlock(file, meta, limit); err != nil {
		return nil, fmt.Errorf("metaindex block: %w", err)
	}
	if t.meta, err = parseBlock(raw, budget); err != nil {
		return nil, fmt.Errorf("metaindex block: %w", err)
	}
	var next uint64 // data blocks must follow each other without overlap
	var lastKey string
	for i, ie := range t.index {
		h, n, err := decodeHandle(ie.value)
		if err != nil || n != len(ie.value) {
			return nil, fmt.Errorf("index entry %d: malformed block handle", i)
		}
		if h.offset < next {
			return nil, fmt.Errorf("block %d: offset %d overlaps the previous block", i, h.offset)
		}
		raw, typ, err := readBlock(file, h, limit)
		if err != nil {
			return nil, fmt.Errorf("block %d: %w", i, err)
		}
		next = h.offset + h.size + trailerLen
		entries, err := parseBlock(raw, budget)
		if err != nil {
			return nil, fmt.Errorf("block %d: %w", i, err)
		}
		for j, e := range entries {
			if (i > 0 || j > 0) && e.key <= lastKey {
				return nil, fmt.Errorf("block %d: key %q is not after %q", i, e.key, lastKey)
			}
			lastKey = e.key
		}
		if len(entries) > 0 && ie.key < lastKey {
			return nil, fmt.Errorf("index entry %d: separator %q sorts before its block's last key %q", i, ie.key, lastKey)
		}
		t.blocks = append(t.blocks, entries)
		t.compression = append(t.compression, typ)
	}
	return t, nil
}

// readBlock checks a block's trailer CRC and returns its decompressed
// contents and compression type. Blocks must end at or before limit.
func readBlock(file []byte, h blockHandle, limit uint64) ([]byte, byte, error) {
	if h.offset > limit || h.size > limit-h.offset || trailerLen > limit-h.offset-h.size {
		return nil, 0, fmt.Errorf("handle (offset %d, size %d) runs past the end of the blocks (%d bytes)", h.offset, h.size, limit)
	}
	stored := file[h.offset : h.offset+h.size+1] // contents + type byte
	typ := stored[h.size]
	want := unmaskCRC(binary.LittleEndian.Uint32(file[h.offset+h.size+1:]))
	if got := crcExtend(0, stored); got != want {
		return nil, typ, fmt.Errorf("crc mismatch (stored %#08x, computed %#08x)", want, got)
	}
	data := stored[:h.size:h.size]
	switch typ {
	case noCompression:
		return data, typ, nil
	case snappyBlockType:
		n, err := snappy.DecodedLen(data)
		if err != nil {
			return nil, typ, fmt.Errorf("snappy: %w", err)
		}
		if uint64(n) > maxSnappyRatio*h.size+64 {
			return nil, typ, fmt.Errorf("snappy: claims %d bytes from %d compressed", n, h.size)
		}
		out, err := snappy.Decode(make([]byte, n), data)
		if err != nil {
			return nil, typ, fmt.Errorf("snappy: %w", err)
		}
		return out, typ, nil
	}
	return nil, typ, fmt.Errorf("unsupported compression type %d", typ)
}

// appendBlock appends a stored block (uncompressed) with its trailer and
// returns the new buffer and the block's handle.
func appendBlock(dst []byte, contents []byte) ([]byte, blockHandle) {
	h := blockHandle{offset: uint64(len(dst)), size: uint64(len(contents))}
	dst = append(dst, contents...)
	dst = append(dst, noCompression)
	crc := crcExtend(0, dst[len(dst)-len(contents)-1:])
	dst = binary.LittleEndian.AppendUint32(dst, maskCRC(crc))
	return dst, h
}

// appendFooter writes the 48-byte footer: both handles, zero padding, magic.
func appendFooter(dst []byte, meta, index blockHandle) []byte {
	var f []byte
	f = meta.append(f)
	f = index.append(f)
	f = append(f, make([]byte, 2*maxHandleLen-len(f))...)
	f = binary.LittleEndian.AppendUint32(f, uint32(tableMagic&0xffffffff))
	f = binary.LittleEndian.AppendUint32(f, uint32(tableMagic>>32))
	return append(dst, f...)
}
