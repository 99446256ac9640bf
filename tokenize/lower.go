package tokenize

import (
	"unicode"
	"unicode/utf8"
)

// pyLowerRune lower-cases the rune r found at text[i:] the way Python's
// str.lower does: the simple Unicode mapping, plus the two special cases
// Python applies, U+0130 (İ -> "i̇") and the final sigma rule (Σ -> ς at
// the end of a word, looking at the neighbours in text).
func pyLowerRune(text string, i int, r rune) ([2]rune, int) {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return [2]rune{r}, 1
	case r == 0x130:
		return [2]rune{'i', 0x307}, 2
	case r == 0x3A3:
		if finalSigma(text, i) {
			return [2]rune{0x3C2}, 1
		}
		return [2]rune{0x3C3}, 1
	}
	return [2]rune{unicode.ToLower(r)}, 1
}

// finalSigma is Python's rule: a cased letter before (skipping
// case-ignorable characters) and none after.
func finalSigma(text string, i int) bool {
	j := i
	before := false
	for j > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:j])
		j -= n
		if caseIgnorable(r) {
			continue
		}
		before = cased(r)
		break
	}
	if !before {
		return false
	}
	_, n := utf8.DecodeRuneInString(text[i:])
	for j = i + n; j < len(text); {
		r, n := utf8.DecodeRuneInString(text[j:])
		j += n
		if caseIgnorable(r) {
			continue
		}
		return !cased(r)
	}
	return true
}

func cased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

// caseIgnorable approximates Unicode's Case_Ignorable: marks, format
// characters, modifier letters and symbols, and the word-internal
// punctuation ' . : · ’ and friends.
func caseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', '^', '`', 0xB7, 0x2018, 0x2019, 0x2024, 0x2027, 0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// appendPyLower appends Python's s.lower() to dst; invalid bytes are copied.
func appendPyLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, c)
			i++
			continue
		}
		low, k := pyLowerRune(s, i, r)
		for _, lr := range low[:k] {
			dst = utf8.AppendRune(dst, lr)
		}
		i += n
	}
	return dst
}

// needsPyLower reports whether appendPyLower would change s.
func needsPyLower(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !(r == utf8.RuneError && n == 1) {
			if low, k := pyLowerRune(s, i, r); k != 1 || low[0] != r {
				return true
			}
		}
		i += n
	}
	return false
}
