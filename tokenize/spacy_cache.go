package tokenize

import (
	"unsafe"
)

// spaCy tokenizes each whitespace-free run of a document (a chunk) on its
// own, and real text repeats its chunks: "the", "movie.", "it's". chunk
// answers the common cases without the affix rules: a chunk of ASCII
// letters is one token unless it is a special case, and any other short
// chunk is looked up in a per-goroutine cache of earlier results.
// tokenizeSpan and merges stay the one definition of the rules; the cache
// only replays what they returned, and the tests compare both paths.
//
// The final special-case pass (merges) only joins tokens that touch, and
// no special case holds whitespace, so it never joins tokens of two
// chunks: applied chunk by chunk it gives what it gives on the whole
// document, and its result can be cached with the chunk.

// chunkCache maps a chunk to its tokens: lengths, and whether lowering
// leaves each one unchanged. Chunks of up to 16 bytes live in a
// shortCache; for the longer ones it keeps two generations of maps: when the current
// one is full, it becomes the old one and the old one is emptied for
// reuse; a hit in the old generation is copied into the current one, so
// frequent chunks survive. Keys and lengths live in each generation's
// arena, so that adding an entry allocates nothing. A chunkCache is not
// safe for concurrent use: each goroutine takes one from the Encoder's
// pool for the length of a document.
type chunkCache struct {
	short    *shortCache // the chunks of up to 16 bytes and 8 tokens
	shapes   *shortCache // chunk shapes, see spacy_shape.go
	cur, old cacheGen
	// entries and arena bound each generation (they start small and grow).
	entries, arena int
	merge          mergeScratch
	toks           []span
	lens           [maxCachedChunk]byte
}

type cacheGen struct {
	m     map[string]uint32 // chunk -> arena offset of its token count and lengths
	arena []byte            // keys, each followed by its token count and lengths
}

const (
	maxCachedChunk = 64      // longer chunks are not cached (lengths fit 7 bits)
	cacheEntries   = 1 << 14 // entries per generation
	cacheArena     = 1 << 19 // key and length bytes per generation
	lenMask        = 0x7f
	cleanBit       = 0x80 // lowering leaves the token unchanged
)

func newChunkCache() *chunkCache { return newChunkCacheSize(shortSets, cacheEntries, cacheArena) }

// newChunkCacheSize makes a cache whose short table has sets sets (a power
// of two) and whose generations for longer chunks hold up to entries
// entries and arena bytes.
func newChunkCacheSize(sets, entries, arena int) *chunkCache {
	return &chunkCache{short: newShortCache(sets), shapes: newShortCache(shapeSets), cur: cacheGen{m: map[string]uint32{}}, old: cacheGen{m: map[string]uint32{}}, entries: entries, arena: arena}
}

// cacheOf returns the chunk cache sc holds, taking one from the pool at
// its first use: a scratch keeps its cache until it is put back, so that a
// Worker uses one cache for all its documents.
func (e *Encoder) cacheOf(sc *scratch) *chunkCache {
	if sc.cache == nil {
		sc.cache = e.getCache()
	}
	return sc.cache
}

// getCache takes a cache from the Encoder's pool (a bounded channel, not a
// sync.Pool: a garbage collection must not empty it).
func (e *Encoder) getCache() *chunkCache {
	select {
	case c := <-e.spacyCaches:
		return c
	default:
		return newChunkCache()
	}
}

func (e *Encoder) putCache(c *chunkCache) {
	select {
	case e.spacyCaches <- c:
	default:
	}
}

// letterClass: 1 for ASCII letters, 3 for upper-case ones.
var letterClass = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = 1, 3
	}
	return t
}()

// asciiLetters reports whether s is all ASCII letters, and whether one of
// them is upper-case.
func asciiLetters(s string) (letters, upper bool) {
	all, any := uint8(1), uint8(0)
	for i := 0; i < len(s); i++ {
		c := letterClass[s[i]]
		all &= c
		any |= c
	}
	return all != 0, any&2 != 0
}

// chunkKind is what the scan that found a chunk learnt about its bytes.
type chunkKind struct {
	letters     bool // all ASCII letters
	headLetters bool // all but the last byte ASCII letters
	upper       bool // an ASCII upper-case letter (among the letters)
}

// chunk appends the tokens of text[a:b] after the special-case merges, as
// tokenizeSpan and merges give them; k describes text[a:b].
func (r *spacyRules) chunk(text string, a, b int, out []span, c *chunkCache, k chunkKind) []span {
	s := text[a:b]
	if k.letters {
		// No prefix, suffix, infix or URL rule matches letters alone, and
		// no merge applies to letters.
		if r.letterSpecial(s) {
			return appendLens(out, a, r.letterSpecials[s])
		}
		return append(out, span{int32(a), int32(b), false, !k.upper})
	}
	if r.wordMark(s, k) {
		return append(out, span{int32(a), int32(b - 1), false, !k.upper}, span{int32(b - 1), int32(b), false, true})
	}
	if len(s) <= maxShortKey {
		if lens, n, ok := c.short.get(s); ok {
			at := int32(a)
			for range n {
				l := int32(lens & lenMask)
				out = append(out, span{at, at + l, false, lens&cleanBit != 0})
				at += l
				lens >>= 8
			}
			return out
		}
	} else if len(s) > maxCachedChunk {
		return r.chunkRules(text, a, b, out, c)
	} else if lens, ok := c.get(s); ok {
		at := int32(a)
		for _, l := range lens {
			n := int32(l & lenMask)
			out = append(out, span{at, at + n, false, l&cleanBit != 0})
			at += n
		}
		return out
	}
	n0 := len(out)
	var kb [maxShapeChunk]byte
	key, i, j, shaped := r.wordShape(s, &kb)
	if shaped {
		if v, ok := c.getShape(key); ok {
			var whole bool
			if out, whole = v.appendTo(out, a, b, j-i); whole {
				c.add(text, s, a, out[n0:], true)
				return out
			}
			out = out[:n0]
		}
	}
	out = r.chunkRules(text, a, b, out, c)
	c.add(text, s, a, out[n0:], false)
	if shaped {
		c.addShape(key, text, a, b, i, j, out[n0:])
	}
	return out
}

// wordMark reports whether s (of kind k) is a word and one closing
// punctuation mark ("movie," "it.") that split into the two: the mark is a
// suffix and the word is left alone, unless either is a special case. (A
// "." is a suffix after a lower-case letter only.)
func (r *spacyRules) wordMark(s string, k chunkKind) bool {
	n := len(s)
	return n >= 2 && k.headLetters && r.trail[s[n-1]] && (s[n-1] != '.' || 'a' <= s[n-2] && s[n-2] <= 'z') &&
		!r.special(s) && !r.letterSpecial(s[:n-1])
}

// letterSpecial reports whether s, all ASCII letters, is a special case.
func (r *spacyRules) letterSpecial(s string) bool {
	if !r.letterMaybe(s) {
		return false
	}
	_, ok := r.letterSpecials[s]
	return ok
}

// letterMaybe is false when s (not empty) is surely not a letter special
// case.
func (r *spacyRules) letterMaybe(s string) bool {
	h := letterKey(s)
	return r.letterHash[h>>6]&(1<<(h&63)) != 0 && maybe(&r.letterFirst, &r.letterLast, s)
}

// letterKey hashes the length and the first, middle and last bytes of s
// (not empty) to 16 bits.
func letterKey(s string) uint32 {
	n := len(s)
	x := uint32(s[0]) | uint32(s[n>>1])<<8 | uint32(s[n-1])<<16 | uint32(n)<<24
	return (x * 0x9E3779B1) >> 16
}

// chunkRules is chunk without the cache.
func (r *spacyRules) chunkRules(text string, a, b int, out []span, c *chunkCache) []span {
	c.toks = r.tokenizeSpan(text, a, b, c.toks[:0], true)
	toks, _ := r.merges(text, c.toks, &c.merge)
	return append(out, toks...)
}

// get returns the cached token lengths of s (valid until the next call),
// promoting an entry of the old generation.
func (c *chunkCache) get(s string) ([]byte, bool) {
	if off, ok := c.cur.m[s]; ok {
		return c.cur.arena[off+1 : off+1+uint32(c.cur.arena[off])], true
	}
	off, ok := c.old.m[s]
	if !ok {
		return nil, false
	}
	lens := c.lens[:copy(c.lens[:], c.old.arena[off+1:off+1+uint32(c.old.arena[off])])]
	c.makeRoom(s, len(lens))
	c.put(s, lens)
	return lens, true
}

// makeRoom makes room for an entry of key s and n tokens in the current
// generation, swapping generations when it is full.
func (c *chunkCache) makeRoom(s string, n int) {
	if len(c.cur.m) < c.entries && len(c.cur.arena)+len(s)+1+n <= c.arena {
		return
	}
	c.cur, c.old = c.old, c.cur
	clear(c.cur.m)
	c.cur.arena = c.cur.arena[:0]
}

// put adds s with lens (count, then lengths with cleanBit) to the current
// generation, which has room for it.
func (c *chunkCache) put(s string, lens []byte) {
	g := &c.cur
	k := len(g.arena)
	g.arena = append(g.arena, s...)
	off := len(g.arena)
	g.arena = append(g.arena, byte(len(lens)))
	g.arena = append(g.arena, lens...)
	// The key aliases the arena. An arena is only overwritten after the
	// map has been cleared of every key that points into it; when append
	// moves it, the old array stays as it is, kept alive by its keys.
	g.m[unsafe.String(&g.arena[k], len(s))] = uint32(off)
}

// add records toks, the tokens of chunk s (which starts at a in text),
// when they are slices of s that cover it end to end; marked: their
// noLower marks are exact (a shape's), not "unknown" where false.
func (c *chunkCache) add(text, s string, a int, toks []span, marked bool) {
	var lens [maxCachedChunk]byte
	if !chunkLens(text, a, a+len(s), toks, &lens, marked) {
		return
	}
	if len(s) <= maxShortKey {
		if len(toks) <= maxShortTok {
			c.short.put(s, lens[:len(toks)])
		}
		return
	}
	c.makeRoom(s, len(toks))
	c.put(s, lens[:len(toks)])
}

// chunkLens writes the lengths of toks, the tokens of chunk text[a:b], into
// lens (with cleanBit where lowering leaves a token as it is) and reports
// whether they are slices of the chunk that cover it end to end. When
// marked, the tokens' noLower marks are taken as they are.
func chunkLens(text string, a, b int, toks []span, lens *[maxCachedChunk]byte, marked bool) bool {
	at := int32(a)
	for i, t := range toks {
		if t.inBuf || t.a != at || i >= len(lens) {
			return false
		}
		lens[i] = byte(t.b - t.a)
		if marked && t.noLower || !marked && !needsPyLower(text[t.a:t.b]) {
			lens[i] |= cleanBit
		}
		at = t.b
	}
	return at == int32(b)
}
