package bundle

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
)

// FuzzParseIndex feeds arbitrary bytes to the index parser: it must return
// an error or a consistent result, never panic or allocate without bound.
func FuzzParseIndex(f *testing.F) {
	for _, name := range []string{
		"tfserving_half_plus_two_tf1/00000123", // Snappy blocks
		"tfserving_half_plus_two_tf2/00000123",
		"tfjs_node_test_objects/times_three_float",
		"sms_spam_embedding_mlp_tf2/spam_model",
	} {
		p := filepath.Join(fixtures.Root(), "fixtures/savedmodels", name, "variables/variables.index")
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseIndex(b)
		if err != nil {
			return
		}
		for _, k := range r.keys {
			if _, ok := r.entries[k]; !ok {
				t.Fatalf("key %q without entry", k)
			}
		}
	})
}

// FuzzDecodeStrings checks the string-record decoder on arbitrary bytes and
// that whatever it accepts re-encodes to the same bytes and CRC.
func FuzzDecodeStrings(f *testing.F) {
	rec, _ := appendStrings(nil, []string{"hello", "", "world"})
	f.Add(rec, 3)
	f.Add(rec[:5], 3)
	f.Add([]byte{0, 0, 0, 0}, 0)
	p := filepath.Join(fixtures.Root(), "fixtures/savedmodels/tfserving_half_plus_two_tf2/00000123/variables/variables")
	if r, err := Open(p); err == nil {
		if e, ok := r.Entry("_CHECKPOINTABLE_OBJECT_GRAPH"); ok {
			f.Add(append([]byte(nil), r.shards[0].data[e.Offset:e.Offset+e.Size]...), 1) // copy: the map goes at Close
		}
		r.Close()
	}
	f.Fuzz(func(t *testing.T, b []byte, n int) {
		if n < 0 || n > 1<<20 {
			return
		}
		vals, crc, err := decodeStrings(b, n)
		if err != nil {
			return
		}
		again, crc2 := appendStrings(nil, vals)
		if crc != crc2 || len(vals) != n {
			t.Fatalf("re-encoding differs: crc %x vs %x", crc, crc2)
		}
		// Varint lengths may be non-minimal in the input; compare the content.
		back, _, err := decodeStrings(again, n)
		if err != nil || len(back) != n {
			t.Fatalf("re-decode: %v", err)
		}
	})
}

// FuzzParseBlock fuzzes the block decoder below the CRC check, which the
// index fuzzer rarely gets past.
func FuzzParseBlock(f *testing.F) {
	p := filepath.Join(fixtures.Root(), "fixtures/savedmodels/tfjs_node_test_objects/times_two_int/variables/variables.index")
	if b, err := os.ReadFile(p); err == nil {
		if tb, err := parseTable(b); err == nil {
			h, _, _ := decodeHandle(tb.index[0].value)
			if blk, _, err := readBlock(b, h, uint64(len(b))); err == nil {
				f.Add(blk)
			}
		}
	}
	f.Add(newBlockBuilder(16).finish())
	f.Fuzz(func(t *testing.T, b []byte) {
		budget := &keyBudget{left: 64*len(b) + 1<<10}
		entries, err := parseBlock(b, budget)
		if err != nil {
			return
		}
		// Whatever parses rebuilds into a block that parses to the same entries.
		bb := newBlockBuilder(1)
		for _, e := range entries {
			bb.add(e.key, e.value)
		}
		back, err := parseBlock(bb.finish(), &keyBudget{left: 1 << 30})
		if err != nil || !equalEntries(back, entries) {
			t.Fatalf("rebuilt block: %v", err)
		}
	})
}
