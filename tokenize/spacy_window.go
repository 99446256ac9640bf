package tokenize

import (
	"math/bits"
	"slices"
)

// spaCy tokenizes each chunk (whitespace run or whitespace-free run) of a
// document on its own, and the final special-case pass never joins two
// chunks (see spacy_cache.go). So a row of L tokens only needs the chunks
// that hold its L tokens: the first ones with post truncation, the last
// ones with pre truncation (the Keras default). Scoring 100-token rows of
// 270-token reviews, that is a third of the work.

// tokenizeRow fills sc.toks with the tokens of text that a row of L tokens
// keeps, in text order: all of them, or, in spaCy mode, a run of whole
// chunks that holds the kept ones and more than L tokens in all (so the
// caller still sees that the text was truncated). When drop is set, only
// tokens the vocabulary keeps count (ids without an OOV token), since only
// those take a place in the row.
func (e *Encoder) tokenizeRow(text string, sc *scratch, L int, drop bool) {
	if e.mode != ModeSpacy {
		e.tokenize(text, sc)
		return
	}
	if len(text) > maxDoc {
		text = text[:maxDoc]
	}
	c := e.getCache()
	defer e.putCache(c)
	if e.truncPost {
		e.spacyForward(text, sc, c, L, drop)
	} else {
		e.spacyBackward(text, sc, c, L, drop)
	}
}

// counted returns how many of sc.toks[from:] take a place in a row.
func (e *Encoder) counted(text string, sc *scratch, from int, drop bool) int {
	if !drop {
		return len(sc.toks) - from
	}
	n := 0
	for _, s := range sc.toks[from:] {
		if id, ok := sc.lookup(e.vocab, text, s); ok && (e.numWords == 0 || id < e.numWords) {
			n++
		}
	}
	return n
}

// emit appends the tokens of chunk text[a:b] (lower-cased as the encoder
// says) and returns how many count.
func (e *Encoder) emit(text string, a, b int, sc *scratch, r *spacyRules, c *chunkCache, k chunkKind, drop bool) int {
	from := len(sc.toks)
	if !k.letters || !e.letterWord(text, a, b, k.upper, sc, r) {
		sc.toks = r.chunk(text, a, b, sc.toks, c, k)
		if e.lower {
			lowerSpansFrom(text, sc, from)
		}
	}
	if !drop {
		return len(sc.toks) - from
	}
	return e.counted(text, sc, from, drop)
}

// letterWord appends the token of text[a:b], ASCII letters (upper: some
// upper-case), and returns true, unless it may be a special case: chunk's
// first fast path, lowered here (ASCII letters lower by setting bit 5).
func (e *Encoder) letterWord(text string, a, b int, upper bool, sc *scratch, r *spacyRules) bool {
	if r.letterMaybe(text[a:b]) {
		return false
	}
	if upper && e.lower {
		p := len(sc.buf)
		sc.buf = append(sc.buf, text[a:b]...)
		for q := p; q < len(sc.buf); q++ {
			sc.buf[q] |= 0x20
		}
		sc.toks = append(sc.toks, span{int32(p), int32(len(sc.buf)), true, false})
	} else {
		sc.toks = append(sc.toks, span{int32(a), int32(b), false, !upper})
	}
	return true
}

// spacyForward is splitSpacyChunks that stops once more than L tokens
// count.
func (e *Encoder) spacyForward(text string, sc *scratch, c *chunkCache, L int, drop bool) {
	r := spacyTables()
	m := &sc.sm
	m.reset(text)
	for i, count := 0, 0; i < len(text) && count <= L; {
		// The common case inline: a word of letters that ends in the
		// block it starts in, then a single space.
		k := i >> 6
		m.ensure(k)
		sp, off := m.sp[k], uint(i&63)
		if sp>>off&1 != 0 && text[i] == ' ' && i > 0 && off < 63 && sp>>(off+1)&1 == 0 {
			i++ // a single " " after a word: no token
			continue
		}
		if y := sp >> off; sp>>off&1 == 0 && y != 0 && !drop {
			j := i + bits.TrailingZeros64(y)
			if kd := kindIn(m.nl[k], m.up[k], off, uint((j-1)&63)); kd.letters && e.letterWord(text, i, j, kd.upper, sc, r) {
				count++
				i = j
				// j is a space of block k; skip it when it is a single " ".
				if q := uint(j & 63); text[j] == ' ' && q < 63 && sp>>(q+1)&1 == 0 {
					i = j + 1
				}
				continue
			}
		}
		a, b, kd, ok := m.next(&i)
		if !ok {
			break
		}
		count += e.emit(text, a, b, sc, r, c, kd, drop)
	}
}

// spacyBackward is spacyForward from the end of the text. Each chunk's
// tokens are reversed as they are appended, and the whole list at the end.
func (e *Encoder) spacyBackward(text string, sc *scratch, c *chunkCache, L int, drop bool) {
	r := spacyTables()
	m := &sc.sm
	m.reset(text)
	for i, count := len(text), 0; i > 0 && count <= L; {
		// The common case inline: a word of letters that starts in the
		// block it ends in, after a single space.
		k := (i - 1) >> 6
		m.ensure(k)
		sp, off := m.sp[k], uint((i-1)&63)
		if sp>>off&1 != 0 && text[i-1] == ' ' && off > 0 && sp>>(off-1)&1 == 0 {
			i-- // a single " " after a word: no token
			continue
		}
		if y := sp & (uint64(2)<<off - 1); sp>>off&1 == 0 && y != 0 && !drop {
			j := k<<6 + 64 - bits.LeadingZeros64(y)
			if kd := kindIn(m.nl[k], m.up[k], uint(j&63), off); kd.letters && e.letterWord(text, j, i, kd.upper, sc, r) {
				count++
				i = j
				// j-1 is a space of block k; skip it when it is a single
				// " " after a word (not one that starts the text).
				if q := uint((j - 1) & 63); text[j-1] == ' ' && q > 0 && sp>>(q-1)&1 == 0 {
					i = j - 1
				}
				continue
			}
		}
		a, b, kd, ok := m.prev(&i)
		if !ok {
			break
		}
		from := len(sc.toks)
		count += e.emit(text, a, b, sc, r, c, kd, drop)
		if len(sc.toks)-from > 1 {
			slices.Reverse(sc.toks[from:])
		}
	}
	slices.Reverse(sc.toks)
}

// lowerSpansFrom is lowerSpans for sc.toks[from:].
func lowerSpansFrom(text string, sc *scratch, from int) {
	for i := from; i < len(sc.toks); i++ {
		s := sc.toks[i]
		if s.noLower || s.inBuf {
			continue
		}
		t := text[s.a:s.b]
		if !needsPyLower(t) {
			continue
		}
		b := len(sc.buf)
		sc.buf = appendPyLower(sc.buf, t)
		sc.toks[i] = span{int32(b), int32(len(sc.buf)), true, false}
	}
}
