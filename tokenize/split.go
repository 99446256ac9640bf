package tokenize

import (
	"bytes"
	"slices"
	"unicode/utf8"
)

// maxDoc bounds the bytes of one document that are tokenized (offsets are
// int32); longer documents are cut there.
const maxDoc = 1<<31 - 1

// asciiSpace is the C isspace set that tf.strings.split uses with sep=None.
var asciiSpace = [256]bool{' ': true, '\t': true, '\n': true, '\v': true, '\f': true, '\r': true}

// asciiPunct is Keras TextVectorization's DEFAULT_STRIP_REGEX
// [!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~'], i.e. all 32 ASCII punctuation
// characters.
var asciiPunct = func() (t [256]bool) {
	for _, c := range "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" {
		t[c] = true
	}
	return t
}()

// tokenize fills sc.toks with the document's tokens.
func (e *Encoder) tokenize(text string, sc *scratch) {
	if len(text) > maxDoc {
		text = text[:maxDoc]
	}
	switch e.mode {
	case ModeKeras:
		if e.charLevel {
			splitChars(text, sc, e.lower)
		} else if e.splitRune >= 0 {
			e.splitKeras(text, sc)
		} else {
			e.splitKerasGeneral(text, sc)
		}
	case ModeTextVectorization:
		splitASCII(text, sc, e.lower, true)
	case ModeWhitespace:
		splitASCII(text, sc, e.lower, false)
	case ModeSpacy:
		e.splitSpacy(text, sc)
	}
}

// splitASCIISlow is splitASCII written as a plain byte loop: the
// reference the block version is tested against.
func splitASCIISlow(text string, sc *scratch, lower, strip bool) {
	for i := 0; i < len(text); {
		for i < len(text) && asciiSpace[text[i]] {
			i++
		}
		s := i
		clean := true
		for i < len(text) && !asciiSpace[text[i]] {
			c := text[i]
			if (lower && 'A' <= c && c <= 'Z') || (strip && asciiPunct[c]) {
				clean = false
			}
			i++
		}
		if s == i {
			break
		}
		if clean {
			sc.toks = append(sc.toks, span{int32(s), int32(i), false, false})
			continue
		}
		b := len(sc.buf)
		for j := s; j < i; j++ {
			c := text[j]
			if strip && asciiPunct[c] {
				continue
			}
			if lower && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			sc.buf = append(sc.buf, c)
		}
		if len(sc.buf) > b {
			sc.toks = append(sc.toks, span{int32(b), int32(len(sc.buf)), true, false})
		}
	}
}

func (e *Encoder) isKerasSep(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0 && e.asciiSep[r]
	}
	return r == e.splitRune || slices.Contains(e.wideFilter, r)
}

// splitKerasSlow is text_to_word_sequence with a one-character split:
// lower the text (Python semantics), end tokens at filter and split
// characters. splitKeras does the same faster.
func (e *Encoder) splitKerasSlow(text string, sc *scratch) {
	e.splitKerasRange(text, 0, len(text), sc)
}

// splitKerasRange is splitKerasSlow on text[lo:hi], where lo and hi are
// token boundaries: 0, len(text) or next to a separator. Characters are
// lowered in the context of the whole text.
func (e *Encoder) splitKerasRange(text string, lo, hi int, sc *scratch) {
	bd := builder{sc: sc, text: text, start: -1}
	for i := lo; i < hi; {
		c := text[i]
		if c < utf8.RuneSelf {
			lc := c
			if e.lower && 'A' <= c && c <= 'Z' {
				lc += 'a' - 'A'
			}
			if e.asciiSep[lc] {
				bd.close(i)
				i++
				continue
			}
			bd.open(i)
			if lc != c {
				bd.modify(i)
			}
			if bd.modified {
				sc.buf = append(sc.buf, lc)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		var low [2]rune
		n := 1
		low[0] = r
		if e.lower && !(r == utf8.RuneError && size == 1) {
			low, n = pyLowerRune(text, i, r)
		}
		if n == 1 && low[0] == r {
			if e.isKerasSep(r) {
				bd.close(i)
			} else {
				bd.open(i)
				if bd.modified {
					sc.buf = append(sc.buf, text[i:i+size]...)
				}
			}
			i += size
			continue
		}
		for _, lr := range low[:n] {
			if e.isKerasSep(lr) {
				bd.close(i)
				continue
			}
			bd.open(i)
			bd.modify(i)
			sc.buf = utf8.AppendRune(sc.buf, lr)
		}
		i += size
	}
	bd.close(hi)
}

// splitKerasGeneral handles a multi-character split string: the whole text
// is normalised (lower, filters -> split) and cut at every occurrence of
// split, as Python's str.split(split) does.
func (e *Encoder) splitKerasGeneral(text string, sc *scratch) {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size == 1 {
			sc.buf = append(sc.buf, text[i])
			i++
			continue
		}
		low, n := [2]rune{r}, 1
		if e.lower {
			low, n = pyLowerRune(text, i, r)
		}
		for _, lr := range low[:n] {
			if lr < utf8.RuneSelf && e.asciiSep[lr] || lr >= utf8.RuneSelf && slices.Contains(e.wideFilter, lr) {
				sc.buf = append(sc.buf, e.split...)
			} else {
				sc.buf = utf8.AppendRune(sc.buf, lr)
			}
		}
		i += size
	}
	norm := sc.buf
	for off := 0; off <= len(norm); {
		k := bytes.Index(norm[off:], e.splitBytes)
		end := len(norm)
		if k >= 0 {
			end = off + k
		}
		if end > off {
			sc.toks = append(sc.toks, span{int32(off), int32(end), true, false})
		}
		if k < 0 {
			break
		}
		off = end + len(e.split)
	}
}

// splitChars makes every character (after Python lowering) a token, as
// Keras Tokenizer(char_level=True) does; invalid bytes are tokens of one
// byte.
func splitChars(text string, sc *scratch, lower bool) {
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		low, k := [2]rune{r}, 1
		if lower && !(r == utf8.RuneError && n == 1) {
			low, k = pyLowerRune(text, i, r)
		}
		if k == 1 && low[0] == r {
			sc.toks = append(sc.toks, span{int32(i), int32(i + n), false, false})
		} else {
			for _, lr := range low[:k] {
				b := len(sc.buf)
				sc.buf = utf8.AppendRune(sc.buf, lr)
				sc.toks = append(sc.toks, span{int32(b), int32(len(sc.buf)), true, false})
			}
		}
		i += n
	}
}
