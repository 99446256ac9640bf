package tokenize

// Nearly every chunk the caches have not seen before is seen for the first
// time: over the 35,000 aclImdb reviews, 98% of the chunks that reach the
// affix rules are new strings. Half of them are a new word in a familiar
// frame: "(Kersey)", "/>Bronson's", "totty),", "mid-eighties." is not, but
// "guy..." and "DVD." are. The shape cache answers those from the frame:
// for the rules below, a word of ASCII letters in a frame of ASCII
// non-letters splits the same whatever the word, given the case of its
// letters, unless the word itself is part of a rule.
//
// The argument, rule by rule (spacy_chars.go, spacy_specials.go):
//   - no prefix, suffix or infix character is an ASCII letter, so no affix
//     or infix match starts or ends inside the word, except the literal
//     ones: the currencies US$ C$ A$ (prefixes, and suffixes after a
//     digit), the units after a digit and 's. A literal made of letters
//     matches inside a chunk with one letter run only as that whole run (a
//     unit needs a digit before it, a prefix the chunk's start), so a word
//     that is none of them is never split;
//   - the special cases and the final merges look up whole token runs: one
//     that holds the word holds it as a maximal run of letters, so a word
//     that is no letter run of any special case never matches one, and the
//     runs without the word are the frame's, the same for every word;
//   - the remaining tests read the word's characters by class: letter or
//     not (hyphen and other infixes, URL labels), and case (a "." is a
//     suffix after a lower-case letter or two upper-case ones, an infix
//     between lower and upper case; a URL's top-level domain is lower
//     case). They look at one character into the word from its start and
//     at most two from its end, so the key keeps the word's case pattern:
//     all lower, all upper, or capitalised (whose last letter is lower
//     case however long the word; mixed case is left to the rules);
//   - URL host labels and top-level domains are bounded at 63 characters,
//     so only chunks shorter than that use shapes.
//
// So the key is the frame with the word replaced by one byte (>= 0x80, which
// no ASCII frame holds) for its case pattern; the value,
// the token lengths with the word's length taken out of the token that
// holds it. Words that are letter runs of a special case, a unit or a
// currency (shapeStop) are left to the rules. TestShapeCacheCorpora checks
// the argument on every shaped chunk of the corpora with other words, and
// that the stop list is needed.

// shapeVal is a cached shape: token lengths (with cleanBit as in
// chunkCache), the word's own letters left out of token w.
type shapeVal struct {
	lens [maxShapeToks]byte
	n, w uint8
}

const (
	maxShapeChunk = 62 // longer chunks are left to the rules (URL labels end at 63)
	maxShapeToks  = 8
	shapeEntries  = 1 << 13 // the map starts over when it holds this many
)

// wordShape returns the shape key of s, written into buf, and the word's
// bytes s[i:j], or ok false when s has no shape: s must be ASCII, at most
// maxShapeChunk bytes, and hold one run of 2 or more ASCII letters, all
// lower case, all upper case or capitalised, that is no letter run of a
// rule, and no other letter but a final 's or 'S.
func (r *spacyRules) wordShape(s string, buf *[maxShapeChunk]byte) (key []byte, i, j int, ok bool) {
	n := len(s)
	if n > maxShapeChunk {
		return nil, 0, 0, false
	}
	end := n
	if n >= 3 && s[n-2] == '\'' && s[n-1]|0x20 == 's' {
		end = n - 2 // a final 's belongs to the frame
	}
	i, j = -1, -1
	upper := 0
	for p := 0; p < end; p++ {
		c := s[p]
		if c >= 0x80 {
			return nil, 0, 0, false
		}
		cl := letterClass[c]
		if cl == 0 {
			continue
		}
		switch {
		case i < 0:
			i = p
		case j >= 0: // a second run of letters
			return nil, 0, 0, false
		}
		if cl == 3 {
			upper++
		}
		if p+1 == end || letterClass[s[p+1]] == 0 {
			j = p + 1
		}
	}
	for p := end; p < n; p++ {
		if s[p] >= 0x80 {
			return nil, 0, 0, false
		}
	}
	w := j - i
	if i < 0 || w < 2 {
		return nil, 0, 0, false
	}
	var pattern byte
	switch {
	case upper == 0:
		pattern = 0
	case upper == w:
		pattern = 1
	case upper == 1 && letterClass[s[i]] == 3:
		pattern = 2
	default:
		return nil, 0, 0, false
	}
	if r.shapeStopped(s[i:j]) {
		return nil, 0, 0, false
	}
	k := copy(buf[:], s[:i])
	buf[k] = 0x80 | pattern
	k++
	k += copy(buf[k:], s[j:])
	return buf[:k], i, j, true
}

// shapeStopped reports whether the word w (ASCII letters, at most
// maxShapeChunk) is, lower-cased, a letter run of a rule.
func (r *spacyRules) shapeStopped(w string) bool {
	var low [maxShapeChunk]byte
	for p := 0; p < len(w); p++ {
		low[p] = w[p] | 0x20
	}
	_, stop := r.shapeStop[string(low[:len(w)])]
	return stop
}

// shapeStopWords returns the lower-cased runs of ASCII letters in keys.
func shapeStopWords(keys []string) map[string]struct{} {
	stop := map[string]struct{}{}
	for _, k := range keys {
		for p := 0; p < len(k); {
			if letterClass[k[p]] == 0 {
				p++
				continue
			}
			q := p
			for q < len(k) && letterClass[k[q]] != 0 {
				q++
			}
			stop[string(lowerASCIILetters(k[p:q]))] = struct{}{}
			p = q
		}
	}
	return stop
}

func lowerASCIILetters(s string) []byte {
	b := []byte(s)
	for i := range b {
		b[i] |= 0x20
	}
	return b
}

// appendShape appends the tokens of shape v for a chunk at a whose word is
// w bytes long, and whether they end at b (they always should; a false is
// answered by the rules).
func (v *shapeVal) appendTo(out []span, a, b, w int) ([]span, bool) {
	at := int32(a)
	for t := range int(v.n) {
		l := int32(v.lens[t] & lenMask)
		if t == int(v.w) {
			l += int32(w)
		}
		out = append(out, span{at, at + l, false, v.lens[t]&cleanBit != 0})
		at += l
	}
	return out, at == int32(b)
}

// addShape records toks, the tokens of the chunk text[a:b] whose word is
// text[a+i:a+j], under key, when one token holds the whole word.
func (c *chunkCache) addShape(key []byte, text string, a, b, i, j int, toks []span) {
	if len(toks) > maxShapeToks {
		return
	}
	var lens [maxCachedChunk]byte
	if !chunkLens(text, a, b, toks, &lens) {
		return
	}
	v := shapeVal{n: uint8(len(toks)), w: 0xff}
	for t, s := range toks {
		if int(s.a) <= a+i && a+j <= int(s.b) {
			v.w = uint8(t)
		}
	}
	if v.w == 0xff {
		return
	}
	copy(v.lens[:], lens[:len(toks)])
	v.lens[v.w] -= byte(j - i)
	if len(c.shapes) >= shapeEntries {
		clear(c.shapes)
	}
	c.shapes[string(key)] = v
}
