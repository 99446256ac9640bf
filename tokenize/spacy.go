package tokenize

import (
	"slices"
	"unicode/utf8"
)

// splitSpacy tokenizes like spaCy's Tokenizer.__call__ with the English
// rules: whitespace runs, special cases, affixes, URLs, infixes, then the
// final special-case pass; tokens are lower-cased afterwards if asked.
func (e *Encoder) splitSpacy(text string, sc *scratch) {
	splitSpacyWith(text, sc, e.lower, e.cacheOf(sc))
}

// splitSpacySlow is splitSpacy without the chunk cache and the letters
// fast path: every chunk goes through the affix rules.
func (e *Encoder) splitSpacySlow(text string, sc *scratch) {
	splitSpacyWith(text, sc, e.lower, nil)
}

// pyASCIISpace is pyIsSpace for the ASCII characters.
var pyASCIISpace = func() (t [utf8.RuneSelf]bool) {
	for c := range rune(utf8.RuneSelf) {
		t[c] = pyIsSpace(c)
	}
	return t
}()

// splitSpacyWith is splitSpacy with cache c, or, when c is nil, the
// reference: the plain loop, every chunk through the affix rules, then the
// merges over the whole document.
func splitSpacyWith(text string, sc *scratch, lower bool, c *chunkCache) {
	r := spacyTables()
	if text == "" {
		return
	}
	if c != nil {
		splitSpacyChunks(text, sc, r, c)
	} else {
		first, _ := utf8.DecodeRuneInString(text)
		inWS := pyIsSpace(first)
		start := 0
		for i := 0; i < len(text); {
			var sp bool
			n := 1
			if b := text[i]; b < utf8.RuneSelf {
				sp = pyASCIISpace[b]
			} else {
				var ch rune
				ch, n = utf8.DecodeRuneInString(text[i:])
				sp = pyIsSpace(ch)
			}
			if sp != inWS {
				if start < i {
					sc.toks = r.tokenizeSpan(text, start, i, sc.toks, true)
				}
				start = i
				if text[i] == ' ' {
					start = i + 1
				}
				inWS = !inWS
			}
			i += n
		}
		if start < len(text) {
			sc.toks = r.tokenizeSpan(text, start, len(text), sc.toks, true)
		}
		if len(r.merge) > 0 {
			r.applyMerges(text, sc)
		}
	}
	if lower {
		lowerSpans(text, sc, 0)
	}
}

// splitSpacyChunks is the cached path of splitSpacyWith: the chunks of
// spacyMasks.next, each through chunk; the merges happen chunk by chunk.
func splitSpacyChunks(text string, sc *scratch, r *spacyRules, c *chunkCache) {
	m := &sc.sm
	m.reset(text)
	for i := 0; ; {
		a, b, k, ok := m.next(&i)
		if !ok {
			return
		}
		sc.toks = r.chunk(text, a, b, sc.toks, c, k)
	}
}

// lowerSpans replaces each token of sc.toks[from:] that Python's str.lower
// would change by its lower-cased copy in sc.buf.
func lowerSpans(text string, sc *scratch, from int) {
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

// tokenizeSpan appends the tokens of text[a:b] (one whitespace-free or
// whitespace-only run): spaCy's _split_affixes and _attach_tokens.
func (r *spacyRules) tokenizeSpan(text string, a, b int, out []span, specials bool) []span {
	if specials && r.special(text[a:b]) {
		return appendLens(out, a, r.specials[text[a:b]])
	}
	var sufStack [8]span
	suffixes := sufStack[:0]
	lo, hi := a, b
	last := -1
	for lo < hi && hi-lo != last {
		s := text[lo:hi]
		if specials && r.special(s) {
			break
		}
		last = hi - lo
		pre := spFindPrefix(s)
		if pre != 0 && specials && lo+pre < hi && r.special(text[lo+pre:hi]) {
			out = append(out, span{int32(lo), int32(lo + pre), false, false})
			lo += pre
			break
		}
		suf := spFindSuffix(text[lo+pre : hi])
		if suf != 0 && specials && hi-suf > lo && r.special(text[lo:hi-suf]) {
			suffixes = append(suffixes, span{int32(hi - suf), int32(hi), false, false})
			hi -= suf
			break
		}
		if pre != 0 {
			out = append(out, span{int32(lo), int32(lo + pre), false, false})
			lo += pre
		}
		if suf != 0 {
			suffixes = append(suffixes, span{int32(hi - suf), int32(hi), false, false})
			hi -= suf
		}
	}
	if lo < hi {
		s := text[lo:hi]
		if specials && r.special(s) {
			out = appendLens(out, lo, r.specials[s])
		} else if r.urlMatch(s) {
			out = append(out, span{int32(lo), int32(hi), false, false})
		} else {
			out = appendInfixSplit(out, text, lo, hi)
		}
	}
	for i := len(suffixes) - 1; i >= 0; i-- {
		out = append(out, suffixes[i])
	}
	return out
}

// special reports whether s is a special case; the length check keeps long
// affix runs linear.
func (r *spacyRules) special(s string) bool {
	if !maybe(&r.keyFirst, &r.keyLast, s) {
		return false
	}
	_, ok := r.specials[s]
	return ok
}

func appendLens(out []span, at int, lens []int) []span {
	for _, n := range lens {
		out = append(out, span{int32(at), int32(at + n), false, false})
		at += n
	}
	return out
}

// appendInfixSplit splits text[lo:hi] at the infix matches (hyphens between
// letters, "..." and so on); a match at the very start is ignored.
func appendInfixSplit(out []span, text string, lo, hi int) []span {
	s := text[lo:hi]
	start := 0
	for p := 0; p < len(s); {
		if c := s[p]; c < utf8.RuneSelf && spASCII[c]&clInfixStart == 0 {
			p++ // no infix starts here (spInfixAt's first test)
			continue
		}
		end := spInfixAt(s, p)
		if end < 0 {
			_, n := utf8.DecodeRuneInString(s[p:])
			p += n
			continue
		}
		if p != 0 {
			if p != start {
				out = append(out, span{int32(lo + start), int32(lo + p), false, false})
			}
			out = append(out, span{int32(lo + p), int32(lo + end), false, false})
			start = end
		}
		p = end
	}
	if start < len(s) {
		out = append(out, span{int32(lo + start), int32(hi), false, false})
	}
	return out
}

// applyMerges re-applies special cases to runs of adjacent tokens that the
// affix rules split (spaCy's _apply_special_cases): longest runs first,
// then leftmost; a run touching an already considered token is skipped.
func (r *spacyRules) applyMerges(text string, sc *scratch) {
	if out, ok := r.merges(text, sc.toks, &sc.mergeScratch); ok {
		sc.toks, sc.spare = out, sc.toks[:0]
	}
}

// mergeScratch is the working memory of merges.
type mergeScratch struct {
	spare []span
	found []merge
	seen  []bool
}

// merges returns toks with the special-case merges applied, in w.spare,
// and true; or toks and false when there are none.
func (r *spacyRules) merges(text string, toks []span, w *mergeScratch) ([]span, bool) {
	found := w.found[:0]
	for i := range toks {
		end := toks[i].a
		if !maybeFirst(&r.mergeFirst, text[toks[i].a]) {
			continue
		}
		for n := 1; n <= r.mergeMax && i+n <= len(toks); n++ {
			t := toks[i+n-1]
			if t.a != end {
				break // whitespace between tokens: spaCy keeps such runs as they are
			}
			end = t.b
			key := text[toks[i].a:end]
			if len(key) > r.mergeMaxB {
				break
			}
			if !maybe(&r.mergeFirst, &r.mergeLast, key) {
				continue
			}
			lens, ok := r.merge[key]
			if !ok || len(lens) != n {
				continue
			}
			same := true
			for k, l := range lens {
				if int(toks[i+k].b-toks[i+k].a) != l {
					same = false
					break
				}
			}
			if same {
				found = append(found, merge{i, n})
			}
		}
	}
	w.found = found
	if len(found) == 0 {
		return toks, false
	}
	slices.SortFunc(found, func(x, y merge) int {
		if x.n != y.n {
			return y.n - x.n
		}
		return x.start - y.start
	})
	seen := w.seen[:0]
	for range toks {
		seen = append(seen, false)
	}
	w.seen = seen
	accepted := found[:0] // filtered in place: accepted ones never outrun the scan
	for _, m := range found {
		ok := !seen[m.start] && !seen[m.start+m.n-1]
		for k := m.start; k < m.start+m.n; k++ {
			seen[k] = true
		}
		if ok {
			accepted = append(accepted, m)
		}
	}
	slices.SortFunc(accepted, func(x, y merge) int { return x.start - y.start })
	out := w.spare[:0]
	i := 0
	for _, m := range accepted {
		out = append(out, toks[i:m.start]...)
		a := int(toks[m.start].a)
		out = appendLens(out, a, r.specials[text[a:toks[m.start+m.n-1].b]])
		i = m.start + m.n
	}
	out = append(out, toks[i:]...)
	w.spare = out
	return out, true
}

type merge struct{ start, n int }

func maybeFirst(first *[256]uint64, c byte) bool { return first[c] != 0 }
