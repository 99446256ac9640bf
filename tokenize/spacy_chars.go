package tokenize

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Character classes of spaCy's English tokenizer (spacy/lang/char_classes.py
// and lang/punctuation.py), rewritten as Go predicates. ALPHA, ALPHA_LOWER
// and ALPHA_UPPER are approximated by the Unicode letter, lower-case and
// upper-case categories; the icon class by category So.

// spPunct is LIST_PUNCT (one-character entries).
const spPunct = "…,:;!?¿؟¡()[]{}<>_#*&。？！，、；：～·।،۔؛٪"

// spQuotes is LIST_QUOTES.
const spQuotes = "'\"”“`‘´’‚,„»«「」『』（）〔〕【】《》〈〉〈〉⟦⟧"

// spCurrencyChars are the one-character entries of LIST_CURRENCY.
const spCurrencyChars = "$£€¥฿₽﷼₴₠₡₢₣₤₥₦₧₨₩₪₫₭₮₯₰₱₲₳₵₶₷₸₹₺₻₼₾₿"

// spPrefixOnly are the extra one-character prefixes: § % = — –.
const spPrefixOnly = "§%=—–"

var spUnits = strings.Fields("km km² km³ m m² m³ dm dm² dm³ cm cm² cm³ mm mm² mm³ ha µm nm yd in ft " +
	"kg g mg µg t lb oz m/s km/h kmh mph hPa Pa mbar mb MB kb KB gb GB tb " +
	"TB T G M K % км км² км³ м м² м³ дм дм² дм³ см см² см³ мм мм² мм³ нм " +
	"кг г мг м/с км/ч кПа Па мбар Кб КБ кб Мб МБ мб Гб ГБ гб Тб ТБ тб" +
	"كم كم² كم³ م م² م³ سم سم² سم³ مم مم² مم³ كم غرام جرام جم كغ ملغ كوب اكواب")

var spCurrencyMulti = []string{"US$", "C$", "A$"}

// spDotBefore is the class of characters after which a final "." is a
// suffix: digits, lower-case letters, %²-+, the PUNCT characters (with the
// "|" of their alternation), and the quote characters with "(?:)".
func spDotBeforeSlow(r rune) bool {
	return isDigit(r) || spLower(r) || strings.ContainsRune("%²-+|(?:)", r) ||
		strings.ContainsRune(spPunct, r) || strings.ContainsRune(spQuotes, r)
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

// spLower and spUpper are ALPHA_LOWER and ALPHA_UPPER: cased letters of
// that case plus the letters of scripts without case (category Lo).
func spLower(r rune) bool { return unicode.IsLower(r) || spUncased(r) }
func spUpper(r rune) bool { return unicode.IsUpper(r) || spUncased(r) }

// spUncased approximates spaCy's _uncased scripts (CJK, kana, hangul,
// Hebrew, Arabic/Persian, Indic, Ethiopic): their letters and, from
// Devanagari on, their combining marks.
func spUncased(r rune) bool {
	return r >= 0x5D0 && (unicode.Is(unicode.Lo, r) || (r >= 0x900 && unicode.In(r, unicode.Mn, unicode.Mc)))
}

func spIcon(r rune) bool { return r >= 0xA6 && unicode.Is(unicode.So, r) }

// ASCII classes, precomputed from the predicates below.
const (
	clPrefix = 1 << iota
	clSuffix
	clDotBefore
	clQuote
	clInfixStart // may start an infix match
)

var spASCII = func() (t [128]uint8) {
	for c := rune(0); c < 128; c++ {
		if spPrefixCharSlow(c) {
			t[c] |= clPrefix
		}
		if spSuffixCharSlow(c) {
			t[c] |= clSuffix
		}
		if spDotBeforeSlow(c) {
			t[c] |= clDotBefore
		}
		if strings.ContainsRune(spQuotes, c) {
			t[c] |= clQuote
		}
		if strings.ContainsRune(".+-*^,~:<>=/", c) {
			t[c] |= clInfixStart
		}
	}
	return t
}()

func spPrefixChar(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0 && spASCII[r]&clPrefix != 0
	}
	return spPrefixCharSlow(r)
}

func spSuffixChar(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0 && spASCII[r]&clSuffix != 0
	}
	return spSuffixCharSlow(r)
}

func spDotBefore(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0 && spASCII[r]&clDotBefore != 0
	}
	return spDotBeforeSlow(r)
}

func spQuote(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0 && spASCII[r]&clQuote != 0
	}
	return strings.ContainsRune(spQuotes, r)
}

func spPrefixCharSlow(r rune) bool {
	return strings.ContainsRune(spPrefixOnly, r) || strings.ContainsRune(spPunct, r) ||
		strings.ContainsRune(spQuotes, r) || strings.ContainsRune(spCurrencyChars, r) || spIcon(r)
}

func spSuffixCharSlow(r rune) bool {
	return strings.ContainsRune(spPunct, r) || strings.ContainsRune(spQuotes, r) || spIcon(r) || r == '—' || r == '–'
}

// pyIsSpace is Python's str.isspace for one character.
func pyIsSpace(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return r == ' ' || (r >= '\t' && r <= '\r') || (r >= 0x1c && r <= 0x1f)
	case r == 0x85 || r == 0xA0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200A) ||
		r == 0x2028 || r == 0x2029 || r == 0x202F || r == 0x205F || r == 0x3000:
		return true
	}
	return false
}

// lastRune returns the rune before s[i] (utf8.RuneError at the start).
func lastRune(s string, i int) rune {
	if i <= 0 {
		return utf8.RuneError
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

func firstRune(s string) (rune, int) {
	if s == "" {
		return utf8.RuneError, 0
	}
	return utf8.DecodeRuneInString(s)
}

// spFindPrefix is the length of the prefix spaCy's prefix_search finds at
// the start of s, 0 if none.
func spFindPrefix(s string) int {
	r, n := firstRune(s)
	switch {
	case n == 0:
		return 0
	case r == '.':
		k := 0
		for k < len(s) && s[k] == '.' {
			k++
		}
		if k >= 2 {
			return k
		}
		return 0
	case r == '+':
		if len(s) > 1 && isDigit(rune(s[1])) {
			return 0
		}
		return 1
	case spPrefixChar(r):
		return n
	}
	if spCurrencyFirst[s[0]] {
		for _, c := range spCurrencyMulti {
			if strings.HasPrefix(s, c) {
				return len(c)
			}
		}
	}
	return 0
}

// spFindSuffix is the length of the suffix spaCy's suffix_search finds: the
// leftmost position from which the rest of s is one of the suffix forms.
func spFindSuffix(s string) int {
	if s == "" {
		return 0
	}
	k := 0
	for k < len(s) && s[len(s)-1-k] == '.' {
		k++
	}
	if k >= 2 {
		return k
	}
	if last := s[len(s)-1]; last < utf8.RuneSelf && ('a' <= last|0x20 && last|0x20 <= 'z') {
		// Only 's forms and units after a digit end with an ASCII letter.
		if !digitOrApostrophe(s[max(0, len(s)-8):]) {
			return 0
		}
	}
	return spSuffixSearch(s)
}

// spSuffixSearch is spFindSuffix's search for the leftmost suffix form.
// Every suffix form is at most 16 bytes long; the ASCII ones at most
// maxASCIISuffix, and an ASCII tail can only end with those.
func spSuffixSearch(s string) int {
	from := max(0, len(s)-16)
	if indexNonASCII(s, from) >= 0 {
		return spFindSuffixRunes(s, from)
	}
	for p := max(0, len(s)-maxASCIISuffix); p < len(s); p++ {
		if spSuffixAtASCII(s, p) {
			return len(s) - p
		}
	}
	return 0
}

// spFindSuffixRunes is spSuffixSearch from byte from on, character by
// character: the definition the ASCII search is tested against.
func spFindSuffixRunes(s string, from int) int {
	for from > 0 && !utf8.RuneStart(s[from]) {
		from--
	}
	for p := from; p < len(s); {
		if spSuffixAt(s, p) {
			return len(s) - p
		}
		_, n := utf8.DecodeRuneInString(s[p:])
		p += n
	}
	return 0
}

// maxASCIISuffix is the length of the longest ASCII suffix form: the
// units, the multi-character currencies and "'s".
var maxASCIISuffix = func() int {
	n := len("'s")
	for _, f := range append(slices.Clone(spUnits), spCurrencyMulti...) {
		if indexNonASCII(f, 0) < 0 {
			n = max(n, len(f))
		}
	}
	return n
}()

// spSuffixAtASCII is spSuffixAt when s[max(0, p-2):] is ASCII: the same
// tests on bytes.
func spSuffixAtASCII(s string, p int) bool {
	t := s[p:]
	var prev byte // as lastRune, something that passes no test at the start
	if p > 0 {
		prev = s[p-1]
	}
	if len(t) == 1 && spASCII[t[0]]&clSuffix != 0 {
		return true
	}
	switch t {
	case "'s", "'S":
		return true
	case "+":
		return isDigit(rune(prev))
	case ".":
		return prev != 0 && spASCII[prev]&clDotBefore != 0 ||
			p >= 2 && 'A' <= prev && prev <= 'Z' && 'A' <= s[p-2] && s[p-2] <= 'Z'
	}
	if !isDigit(rune(prev)) {
		return false
	}
	if t == "$" { // the one ASCII entry of spCurrencyChars
		return true
	}
	_, ok := spAfterDigit[t]
	return ok
}

func spSuffixAt(s string, p int) bool {
	t := s[p:]
	r, n := firstRune(t)
	prev := lastRune(s, p)
	if n == len(t) && spSuffixChar(r) {
		return true
	}
	switch t {
	case "……", "'s", "'S", "’s", "’S":
		return true
	case "+":
		return isDigit(prev)
	case ".":
		if spDotBefore(prev) {
			return true
		}
		if p >= 2 && spUpper(prev) {
			if pp := lastRune(s, p-utf8.RuneLen(prev)); spUpper(pp) {
				return true
			}
		}
		head := s[:p]
		for _, u := range []string{"°F", "°f", "°C", "°c", "°K", "°k"} {
			if strings.HasSuffix(head, u) {
				return true
			}
		}
		return false
	}
	if !isDigit(prev) {
		return false
	}
	if n == len(t) && strings.ContainsRune(spCurrencyChars, r) {
		return true
	}
	_, ok := spAfterDigit[t]
	return ok
}

// spCurrencyFirst marks the first bytes of spCurrencyMulti.
var spCurrencyFirst = func() (t [256]bool) {
	for _, c := range spCurrencyMulti {
		t[c[0]] = true
	}
	return t
}()

// spAfterDigit is the set of spUnits and spCurrencyMulti: the suffixes
// after a digit.
var spAfterDigit = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, u := range append(slices.Clone(spUnits), spCurrencyMulti...) {
		m[u] = struct{}{}
	}
	return m
}()

var spHyphens = []string{"-", "–", "—", "--", "---", "——", "~"}

// spInfixAt returns the end of the infix match at s[p:], or -1: the
// alternatives of the English infix pattern, tried in order.
func spInfixAt(s string, p int) int {
	if c := s[p]; c < utf8.RuneSelf && spASCII[c]&clInfixStart == 0 {
		return -1
	}
	r, n := utf8.DecodeRuneInString(s[p:])
	prev := lastRune(s, p)
	next, _ := firstRune(s[p+n:])
	hasNext := p+n < len(s)
	switch {
	case r == '.' && strings.HasPrefix(s[p:], ".."):
		k := p
		for k < len(s) && s[k] == '.' {
			k++
		}
		return k
	case r == '…' || spIcon(r):
		return p + n
	case isDigit(prev) && strings.ContainsRune("+-*^", r) && hasNext && (isDigit(next) || next == '-'):
		return p + n
	case r == '.' && (spLower(prev) || spQuote(prev)) && hasNext &&
		(spUpper(next) || spQuote(next)):
		return p + n
	case r == ',' && unicode.IsLetter(prev) && hasNext && unicode.IsLetter(next):
		return p + n
	}
	if p == 0 || !(unicode.IsLetter(prev) || isDigit(prev)) {
		return -1
	}
	for _, h := range spHyphens {
		if strings.HasPrefix(s[p:], h) {
			if a, _ := firstRune(s[p+len(h):]); p+len(h) < len(s) && unicode.IsLetter(a) {
				return p + len(h)
			}
		}
	}
	if strings.ContainsRune(":<>=/", r) && hasNext && unicode.IsLetter(next) {
		return p + n
	}
	return -1
}

// digitOrApostrophe is strings.ContainsAny(s, "0123456789'’") (’ is
// E2 80 99 in UTF-8; a lead byte E2 cannot be part of another sequence).
func digitOrApostrophe(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9', c == '\'':
			return true
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0x99:
			return true
		}
	}
	return false
}
