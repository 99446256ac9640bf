package tokenize

import "math/bits"

// shortCache is the chunk cache for the chunks nearly all lookups are for:
// up to 16 bytes of at most 8 tokens ("movie.", "(that", "it's",
// "/><br"). It is a fixed table of 4-way sets with no pointers: a chunk's
// bytes are its key, packed into two words, so that a lookup hashes two
// words and reads one set, instead of hashing the string, probing a map
// and comparing with a key stored elsewhere; the garbage collector has
// nothing to scan in it, and it never grows. A full set drops an entry
// that has not been hit since the set's hand last passed it (CLOCK), so
// the chunks that keep coming back stay. Not safe for concurrent use.
type shortCache struct {
	sets  [][shortWays]shortEntry
	shift uint // 64 - log2(len(sets))
}

const (
	shortWays   = 4
	maxShortKey = 16
	maxShortTok = 8
	// 4,096 entries, 128 KiB: small enough to stay in a core's L2 cache
	// while the reader decompresses pages next to it. A 2 MiB table
	// (65,536 entries) answered about 72% of the look-ups on the aclImdb slice
	// rather than 58%, but in the pipeline nearly every look-up then
	// waited ~90 ns for memory: the feed rate was 7% lower.
	shortSets = 1 << 10
)

// shortEntry is one cached chunk: its key (length and packed bytes, see
// shortKey) and its token lengths, a byte each with cleanBit as in
// chunkCache. An entry of length 0 is empty.
type shortEntry struct {
	w0, w1 uint64
	lens   uint64
	n      uint8 // key length, 1 to 16; 0: empty
	toks   uint8 // tokens, 1 to 8
	ref    bool  // hit since the set's hand last passed it
	hand   uint8 // in a set's first entry: the way its hand is at
}

// newShortCache makes a table of sets sets (a power of two).
func newShortCache(sets int) *shortCache {
	return &shortCache{sets: make([][shortWays]shortEntry, sets), shift: uint(64 - bits.TrailingZeros(uint(sets)))}
}

// shortKey packs s (1 to 16 bytes) into two words that, with len(s),
// identify it: its first and last 8 bytes (which overlap when it is
// shorter than 16), its first and last 4, or for up to 3 bytes its first,
// middle and last byte.
func shortKey(s string) (w0, w1 uint64) {
	n := len(s)
	switch {
	case n >= 8:
		return le64(s, 0), le64(s, n-8)
	case n >= 4:
		return uint64(le32(s, 0)) | uint64(le32(s, n-4))<<32, 0
	default:
		return uint64(s[0]) | uint64(s[n>>1])<<8 | uint64(s[n-1])<<16, 0
	}
}

func le64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func le32(s string, i int) uint32 {
	s = s[i : i+4]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

func (c *shortCache) set(w0, w1 uint64, n int) *[shortWays]shortEntry {
	h := (w0 ^ bits.RotateLeft64(w1, 31) ^ uint64(n)) * 0x9E3779B97F4A7C15
	return &c.sets[h>>c.shift]
}

// get returns the token lengths and count of the chunk s (1 to 16 bytes).
func (c *shortCache) get(s string) (lens uint64, toks int, ok bool) {
	w0, w1 := shortKey(s)
	set := c.set(w0, w1, len(s))
	for i := range set {
		e := &set[i]
		if e.w0 == w0 && e.w1 == w1 && int(e.n) == len(s) {
			e.ref = true
			return e.lens, int(e.toks), true
		}
	}
	return 0, 0, false
}

// put adds the chunk s (1 to 16 bytes, not in the table) with its token
// lengths (1 to 8 of them), in an empty way of its set or else in the
// first way from the set's hand on that has not been hit since the hand
// last passed it.
func (c *shortCache) put(s string, lens []byte) {
	w0, w1 := shortKey(s)
	set := c.set(w0, w1, len(s))
	v, hand := -1, int(set[0].hand)
	for i := range set {
		if set[i].n == 0 {
			v = i
			break
		}
	}
	for v < 0 {
		if e := &set[hand]; e.ref {
			e.ref = false
		} else {
			v = hand
		}
		hand = (hand + 1) % shortWays
	}
	var packed uint64
	for i, l := range lens {
		packed |= uint64(l) << (8 * i)
	}
	set[v] = shortEntry{w0: w0, w1: w1, lens: packed, n: uint8(len(s)), toks: uint8(len(lens)), hand: set[v].hand}
	set[0].hand = uint8(hand)
}
