package bundle

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// blockEntry is one key/value pair of a table block. restart marks entries
// that sit at a restart point (stored with no shared key prefix).
type blockEntry struct {
	key     string
	value   []byte
	restart bool
}

// keyBudget bounds the bytes of keys a block may expand to through prefix
// sharing, so a hostile block of zero-length entries that each share a long
// prefix cannot make the parser allocate without limit.
type keyBudget struct{ left int }

var errBudget = errors.New("keys expand to more bytes than the file can plausibly hold")

// parseBlock decodes a block's contents (after decompression): entries, then
// the restart array of uint32 offsets, then the restart count.
func parseBlock(b []byte, budget *keyBudget) ([]blockEntry, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("block of %d bytes is too short for a restart count", len(b))
	}
	n := uint64(binary.LittleEndian.Uint32(b[len(b)-4:]))
	if n == 0 || n > uint64(len(b)-4)/4 {
		return nil, fmt.Errorf("restart count %d does not fit a %d-byte block", n, len(b))
	}
	end := len(b) - 4 - 4*int(n)
	restarts := make(map[int]bool, n)
	prev := -1
	for i := 0; i < int(n); i++ {
		off := int(binary.LittleEndian.Uint32(b[end+4*i:]))
		if off <= prev || (off >= end && !(off == 0 && end == 0)) {
			return nil, fmt.Errorf("restart %d at offset %d is out of order or beyond the entries (%d bytes)", i, off, end)
		}
		restarts[off] = true
		prev = off
	}
	var out []blockEntry
	var key []byte
	seen := 0
	for off := 0; off < end; {
		start := off
		shared, k1 := binary.Uvarint(b[off:end])
		if k1 <= 0 {
			return nil, fmt.Errorf("entry at offset %d: bad shared-length varint", start)
		}
		off += k1
		nonShared, k2 := binary.Uvarint(b[off:end])
		if k2 <= 0 {
			return nil, fmt.Errorf("entry at offset %d: bad key-length varint", start)
		}
		off += k2
		valueLen, k3 := binary.Uvarint(b[off:end])
		if k3 <= 0 {
			return nil, fmt.Errorf("entry at offset %d: bad value-length varint", start)
		}
		off += k3
		rest := uint64(end - off)
		if shared > uint64(len(key)) || nonShared > rest || valueLen > rest-nonShared || shared > math.MaxUint32 {
			return nil, fmt.Errorf("entry at offset %d: lengths (shared %d, key %d, value %d) exceed the block", start, shared, nonShared, valueLen)
		}
		isRestart := restarts[start]
		if isRestart {
			seen++
			if shared != 0 {
				return nil, fmt.Errorf("entry at offset %d: restart point shares %d key bytes", start, shared)
			}
		}
		if start == 0 && !isRestart {
			return nil, fmt.Errorf("first entry is not a restart point")
		}
		klen := int(shared) + int(nonShared)
		if budget.left -= klen; budget.left < 0 {
			return nil, errBudget
		}
		next := make([]byte, klen)
		copy(next, key[:shared])
		copy(next[shared:], b[off:off+int(nonShared)])
		off += int(nonShared)
		key = next
		out = append(out, blockEntry{key: string(key), value: b[off : off+int(valueLen) : off+int(valueLen)], restart: isRestart})
		off += int(valueLen)
	}
	if seen != len(restarts) && end > 0 {
		return nil, fmt.Errorf("%d restart offsets do not point at entries", len(restarts)-seen)
	}
	return out, nil
}

// blockBuilder builds a block the way LevelDB's and TensorFlow's BlockBuilder
// do: a restart point every interval entries, keys prefix-compressed against
// the previous key in between.
type blockBuilder struct {
	interval int
	buf      []byte
	restarts []uint32
	counter  int
	lastKey  string
	entries  int
}

func newBlockBuilder(interval int) *blockBuilder {
	return &blockBuilder{interval: interval, restarts: []uint32{0}}
}

func (bb *blockBuilder) add(key string, value []byte) {
	shared := 0
	if bb.counter < bb.interval {
		for shared < len(key) && shared < len(bb.lastKey) && key[shared] == bb.lastKey[shared] {
			shared++
		}
	} else {
		bb.restarts = append(bb.restarts, uint32(len(bb.buf)))
		bb.counter = 0
	}
	bb.buf = binary.AppendUvarint(bb.buf, uint64(shared))
	bb.buf = binary.AppendUvarint(bb.buf, uint64(len(key)-shared))
	bb.buf = binary.AppendUvarint(bb.buf, uint64(len(value)))
	bb.buf = append(bb.buf, key[shared:]...)
	bb.buf = append(bb.buf, value...)
	bb.lastKey = key
	bb.counter++
	bb.entries++
}

// sizeEstimate is the size the block would have if finished now.
func (bb *blockBuilder) sizeEstimate() int { return len(bb.buf) + 4*len(bb.restarts) + 4 }

func (bb *blockBuilder) finish() []byte {
	out := bb.buf
	for _, r := range bb.restarts {
		out = binary.LittleEndian.AppendUint32(out, r)
	}
	out = binary.LittleEndian.AppendUint32(out, uint32(len(bb.restarts)))
	return out
}

func (bb *blockBuilder) reset() {
	*bb = blockBuilder{interval: bb.interval, restarts: []uint32{0}}
}
