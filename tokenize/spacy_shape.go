package tokenize

import (
	"math/bits"
	"strings"
	"unsafe"
)

// Nearly every chunk the caches have not seen before is seen for the first
// time: over the 35,000 aclImdb reviews, 98% of the chunks that reach the
// affix rules are new strings. Most are a new word in a familiar frame:
// "(Kersey)", "/>Bronson's", "people.<br", "DVD.", "guy...". The shape
// cache answers those from the frame: for the rules below, an ASCII chunk
// splits the same whatever the word in it (a maximal run of ASCII letters;
// the rest of the chunk, the frame, stays as it is), given the case of
// the word's letters, unless the word itself is part of a rule.
//
// The argument, rule by rule (spacy_chars.go, spacy_specials.go):
//   - no prefix, suffix or infix character is an ASCII letter, and a
//     literal that holds letters (the currencies US$ C$ A$, as prefixes or
//     after a digit, and the units after a digit) matches at the start of
//     what is left of the chunk or after a digit: neither can begin inside
//     the word, so a match that reaches into the word holds all of it as a
//     maximal letter run of the literal. A word that is no letter run of a
//     literal is never split, and every match is the frame's own;
//   - the special cases and the final merges look up whole token runs, so
//     the same holds for them: one that holds the word holds it as a
//     maximal run of letters, and the runs without the word are the
//     frame's, the same for every word;
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
// So the key is the chunk with the word (its longest run of 2 or more
// letters, the first of equals) replaced by one byte (>= 0x80, which no
// ASCII chunk holds) for its case pattern; the value, the token lengths
// with the word's length taken out of the token that holds it. Words that
// are letter runs of a special case, a unit or a currency (shapeStop) are
// left to the rules. TestShapeCacheCorpora checks the argument on every
// shaped chunk of the corpora with other words, and TestShapeStopWords
// that the stop list is needed.

// shapeVal is a cached shape: up to 8 token lengths, a byte each (with
// cleanBit as in chunkCache), one of them marked shapeWord: the token that
// holds the word, whose byte counts only its other bytes.
type shapeVal struct {
	lens uint64
	n    int
}

const (
	maxShapeChunk = 62   // longer chunks are left to the rules (URL labels end at 63)
	shapeWord     = 0x40 // no token of a shaped chunk is 64 bytes long
	shapeLen      = 0x3f
	shapeSets     = 1 << 12 // 16,384 shapes, 512 KiB
)

// wordShape returns the shape key of s, written into buf, and its word
// s[i:j], or ok false when s has no shape: s must be ASCII, at most
// maxShapeChunk bytes, and its longest run of letters (2 or more) all
// lower case, all upper case or capitalised, and no letter run of a rule.
func (r *spacyRules) wordShape(s string, buf *[maxShapeChunk]byte) (key []byte, i, j int, ok bool) {
	n := len(s)
	if n > maxShapeChunk {
		return nil, 0, 0, false
	}
	// Bit masks of the letters and upper-case letters, without a branch
	// per byte; then the runs of letters from the mask.
	var letters, upper uint64
	var high byte
	for p := 0; p < n; p++ {
		c := s[p]
		high |= c
		cl := uint64(letterClass[c])
		letters |= (cl & 1) << p
		upper |= (cl >> 1) << p
	}
	if high >= 0x80 {
		return nil, 0, 0, false
	}
	for m := letters; m != 0; {
		p := bits.TrailingZeros64(m)
		q := p + bits.TrailingZeros64(^(m >> p))
		if q-p > j-i {
			i, j = p, q
		}
		m &= ^uint64(0) << q // q <= n < 64
	}
	w := j - i
	if w < 2 {
		return nil, 0, 0, false
	}
	var pattern byte
	switch up := upper >> i & (1<<w - 1); up {
	case 0:
		pattern = 0
	case 1<<w - 1:
		pattern = 1
	case 1:
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
// maxShapeChunk) is, lower-cased, a letter run of a rule: a hash test
// (stopHash) first, the map for the few that pass it.
func (r *spacyRules) shapeStopped(w string) bool {
	var low [maxShapeChunk]byte
	for p := 0; p < len(w); p++ {
		low[p] = w[p] | 0x20
	}
	lw := unsafe.String(&low[0], len(w))
	if h := letterKey(lw); r.stopHash[h>>6]&(1<<(h&63)) == 0 {
		return false
	}
	_, stop := r.shapeStop[lw]
	return stop
}

// shapeStopWords returns the lower-cased runs of ASCII letters in keys,
// and a bit set of their letterKey.
func shapeStopWords(keys []string) (map[string]struct{}, *[1 << 16 / 64]uint64) {
	stop := map[string]struct{}{}
	hash := new([1 << 16 / 64]uint64)
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
			w := strings.ToLower(k[p:q]) // ASCII letters: as shapeStopped lowers them
			stop[w] = struct{}{}
			h := letterKey(w)
			hash[h>>6] |= 1 << (h & 63)
			p = q
		}
	}
	return stop, hash
}

// getShape looks key up.
func (c *chunkCache) getShape(key []byte) (shapeVal, bool) {
	if len(key) > maxShortKey {
		return shapeVal{}, false
	}
	lens, n, ok := c.shapes.get(unsafe.String(&key[0], len(key)))
	return shapeVal{lens, n}, ok
}

// appendTo appends the tokens of shape v for a chunk at a whose word is w
// bytes long, and whether they end at b (they always should; on false the
// caller asks the rules).
func (v shapeVal) appendTo(out []span, a, b, w int) ([]span, bool) {
	at := int32(a)
	lens := v.lens
	for range v.n {
		l := int32(lens & shapeLen)
		if lens&shapeWord != 0 {
			l += int32(w)
		}
		out = append(out, span{at, at + l, false, lens&cleanBit != 0})
		at += l
		lens >>= 8
	}
	return out, at == int32(b)
}

// addShape records toks, the tokens of the chunk text[a:b] whose word is
// text[a+i:a+j], under key, when one token holds the whole word (and key
// and tokens fit the table).
func (c *chunkCache) addShape(key []byte, text string, a, b, i, j int, toks []span) {
	if len(key) > maxShortKey || len(toks) > maxShortTok {
		return
	}
	var lens [maxCachedChunk]byte
	if !chunkLens(text, a, b, toks, &lens, false) {
		return
	}
	word := -1
	for t, s := range toks {
		if int(s.a) <= a+i && a+j <= int(s.b) {
			word = t
		}
	}
	if word < 0 {
		return
	}
	lens[word] = (lens[word] - byte(j-i)) | shapeWord
	c.shapes.put(unsafe.String(&key[0], len(key)), lens[:len(toks)])
}
