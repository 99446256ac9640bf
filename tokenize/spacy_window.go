package tokenize

import "unicode/utf8"

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
	sc.toks = r.chunk(text, a, b, sc.toks, c, k)
	if e.lower {
		lowerSpansFrom(text, sc, from)
	}
	return e.counted(text, sc, from, drop)
}

// spacyForward is splitSpacyChunks that stops once more than L tokens
// count.
func (e *Encoder) spacyForward(text string, sc *scratch, c *chunkCache, L int, drop bool) {
	r := spacyTables()
	count := 0
	w := newChunkWalker(text)
	for count <= L {
		a, b, k, ok := w.next()
		if !ok {
			break
		}
		count += e.emit(text, a, b, sc, r, c, k, drop)
	}
}

// spacyBackward finds the same chunks as splitSpacyChunks from the end of
// the text and stops once more than L tokens count; the chunks' tokens are
// then put back in text order.
func (e *Encoder) spacyBackward(text string, sc *scratch, c *chunkCache, L int, drop bool) {
	r := spacyTables()
	groups := sc.groups[:0] // where each chunk's tokens start in sc.toks, last chunk first
	count := 0
	for i := len(text); i > 0 && count <= L; {
		j := i
		if isSpaceBefore(text, j) {
			for j > 0 && isSpaceBefore(text, j) {
				j -= runeSizeBefore(text, j)
			}
			a := j
			if a > 0 && text[a] == ' ' {
				a++ // the single space after a word belongs to no token
			}
			if a < i {
				groups = append(groups, int32(len(sc.toks)))
				count += e.emit(text, a, i, sc, r, c, chunkKind{}, drop)
			}
			i = j
			continue
		}
		// The classes of the chunk's bytes, as splitSpacyChunks computes
		// them (a non-ASCII byte clears all and head).
		all, head, any := uint8(scLetter), uint8(scLetter), uint8(0)
		last := true
		for j > 0 {
			b := text[j-1]
			if b < utf8.RuneSelf {
				cl := spacyClass[b]
				if cl&scSpace != 0 {
					break
				}
				all, any = all&cl, any|cl
				if !last {
					head &= cl
				}
				j--
			} else {
				ch, n := utf8.DecodeLastRuneInString(text[:j])
				if pyIsSpace(ch) {
					break
				}
				all, head = 0, 0
				j -= n
			}
			last = false
		}
		groups = append(groups, int32(len(sc.toks)))
		count += e.emit(text, j, i, sc, r, c, chunkKind{letters: all != 0, headLetters: head != 0, upper: any&scUpper != 0}, drop)
		i = j
	}
	// Reverse the order of the groups, keeping each group's own order.
	out := sc.rev[:0]
	end := len(sc.toks)
	for g := len(groups) - 1; g >= 0; g-- {
		out = append(out, sc.toks[groups[g]:end]...)
		end = int(groups[g])
	}
	sc.toks, sc.rev, sc.groups = out, sc.toks[:0], groups
}

// isSpaceBefore reports whether the rune that ends at text[:j] is Python
// whitespace.
func isSpaceBefore(text string, j int) bool {
	if b := text[j-1]; b < utf8.RuneSelf {
		return spacyClass[b]&scSpace != 0
	}
	ch, _ := utf8.DecodeLastRuneInString(text[:j])
	return pyIsSpace(ch)
}

// runeSizeBefore returns the size of the rune that ends at text[:j].
func runeSizeBefore(text string, j int) int {
	if text[j-1] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeLastRuneInString(text[:j])
	return n
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
