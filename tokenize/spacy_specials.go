package tokenize

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// spacyRules are the English special cases (tokenizer exceptions) and the
// URL matcher, built once on first use.
type spacyRules struct {
	// specials maps a string to the token lengths (bytes) it splits into.
	specials map[string][]int
	// merge holds the special cases that the affix rules would split, keyed
	// by their text, with the token lengths of that plain split: spaCy's
	// final pass finds such token runs in a document and re-applies the
	// special case (e.g. "Mr" "." -> "Mr.").
	merge     map[string][]int
	mergeMax  int
	mergeMaxB int
	maxKey    int // longest special case, bytes
	// keyFirst and keyLast are bit sets of special-case lengths (< 64) by
	// first and last byte: a cheap filter before the map look-up.
	keyFirst, keyLast     [256]uint64
	mergeFirst, mergeLast [256]uint64
	// letterSpecials are the special cases made of ASCII letters only,
	// with their own masks: the look-up for chunks of letters.
	letterSpecials          map[string][]int
	letterFirst, letterLast [256]uint64
	// letterHash is a bit set of letterKey over the letter special cases:
	// with the masks above, it lets all but ~1% of ordinary words skip
	// the map.
	letterHash [1 << 16 / 64]uint64
	// trail marks the closing punctuation that chunk splits off a word
	// without the affix rules: suffix characters that are neither special
	// cases nor merge keys on their own.
	trail [256]bool
	// shapeStop holds the lower-cased letter runs of the special cases,
	// units and currencies: words the shape cache leaves to the rules.
	shapeStop map[string]struct{}
	stopHash  *[1 << 16 / 64]uint64 // letterKey of the shapeStop words
	url       *regexp.Regexp
	privateIP *regexp.Regexp
}

var spacyTables = sync.OnceValue(buildSpacyRules)

func buildSpacyRules() *spacyRules {
	exc := map[string][]string{}
	add := func(parts ...string) { exc[strings.Join(parts, "")] = parts }
	title := func(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
	both := func(w string) []string { return []string{w, title(w)} }

	// Language-independent exceptions.
	for _, s := range []string{" ", "\t", "\\t", "\n", "\\n", "\u2014", "\u00a0", "'", "\\\")", "<space>", "''", "C++", "ä.", "ö.", "ü."} {
		add(s)
	}
	for c := 'a'; c <= 'z'; c++ {
		add(string(c) + ".")
	}
	for _, s := range strings.Fields(spEmoticons) {
		add(s)
	}
	for _, u := range "cfkCFK" {
		add("°", string(u), ".")
	}
	// English pronoun contractions.
	for _, o := range both("i") {
		add(o, "'m")
		add(o, "m")
		add(o, "'m", "a")
		add(o, "m", "a")
	}
	for _, p := range []string{"i", "you", "he", "she", "it", "we", "they"} {
		for _, o := range both(p) {
			add(o, "'ll")
			add(o, "ll")
			add(o, "'ll", "'ve")
			add(o, "ll", "ve")
			add(o, "'d")
			add(o, "d")
			add(o, "'d", "'ve")
			add(o, "d", "ve")
		}
	}
	for _, p := range []string{"i", "you", "we", "they"} {
		for _, o := range both(p) {
			add(o, "'ve")
			add(o, "ve")
		}
	}
	for _, p := range []string{"you", "we", "they"} {
		for _, o := range both(p) {
			add(o, "'re")
			add(o, "re")
		}
	}
	for _, p := range []string{"he", "she", "it"} {
		for _, o := range both(p) {
			add(o, "'s")
			add(o, "s")
		}
	}
	// W-words and demonstratives: singular ones take 's, plural ones 're/'ve.
	for _, w := range []struct {
		word       string
		sing, plur bool
	}{{"who", false, false}, {"what", false, false}, {"when", false, false}, {"where", false, false},
		{"why", false, false}, {"how", false, false}, {"there", false, false},
		{"that", true, false}, {"this", true, false}, {"these", false, true}, {"those", false, true}} {
		for _, o := range both(w.word) {
			if !w.plur {
				add(o, "'s")
				add(o, "s")
			}
			add(o, "'ll")
			add(o, "ll")
			add(o, "'ll", "'ve")
			add(o, "ll", "ve")
			if !w.sing {
				add(o, "'re")
				add(o, "re")
				add(o, "'ve")
				add(o, "ve")
			}
			add(o, "'d")
			add(o, "d")
			add(o, "'d", "'ve")
			add(o, "d", "ve")
		}
	}
	// Negated auxiliaries.
	for _, v := range strings.Fields("ca could do does did had may might must need ought sha should wo would") {
		for _, o := range both(v) {
			add(o, "n't")
			add(o, "nt")
			add(o, "n't", "'ve")
			add(o, "nt", "ve")
		}
	}
	for _, v := range strings.Fields("could might must should would") {
		for _, o := range both(v) {
			add(o, "'ve")
			add(o, "ve")
		}
	}
	for _, v := range strings.Fields("ai are is was were have has dare") {
		for _, o := range both(v) {
			add(o, "n't")
			add(o, "nt")
		}
	}
	for _, w := range strings.Fields("doin goin nothin nuthin ol somethin") {
		for _, o := range both(w) {
			add(o)
			add(o + "'")
		}
	}
	for _, w := range strings.Fields("em ll nuff") {
		add(w)
		add("'" + w)
	}
	for h := 1; h <= 12; h++ {
		n := itoa(h)
		for _, p := range []string{"a.m.", "am", "p.m.", "pm"} {
			add(n, p)
		}
	}
	for _, parts := range [][]string{{"y'", "all"}, {"y", "all"}, {"how", "'d", "'y"}, {"How", "'d", "'y"},
		{"not", "'ve"}, {"not", "ve"}, {"Not", "'ve"}, {"Not", "ve"}, {"can", "not"}, {"Can", "not"},
		{"gon", "na"}, {"Gon", "na"}, {"got", "ta"}, {"Got", "ta"}, {"let", "'s"}, {"Let", "'s"},
		{"c'm", "on"}, {"C'm", "on"}} {
		add(parts...)
	}
	for _, s := range strings.Fields(spSingleExceptions) {
		add(s)
	}
	for _, s := range strings.Fields("Ill ill Its its Hell hell Shell shell Shed shed were Were Well well Whore whore") {
		delete(exc, s)
	}
	// Every exception with ' also exists with ’.
	for k, parts := range exc {
		if strings.Contains(k, "'") {
			np := make([]string, len(parts))
			for i, p := range parts {
				np[i] = strings.ReplaceAll(p, "'", "’")
			}
			exc[strings.ReplaceAll(k, "'", "’")] = np
		}
	}
	r := &spacyRules{specials: map[string][]int{}, merge: map[string][]int{}, letterSpecials: map[string][]int{}}
	for k, parts := range exc {
		lens := make([]int, len(parts))
		for i, p := range parts {
			lens[i] = len(p)
		}
		r.specials[k] = lens
		r.maxKey = max(r.maxKey, len(k))
		addMask(&r.keyFirst, &r.keyLast, k)
		if letters, _ := asciiLetters(k); letters {
			r.letterSpecials[k] = lens
			addMask(&r.letterFirst, &r.letterLast, k)
			h := letterKey(k)
			r.letterHash[h>>6] |= 1 << (h & 63)
		}
	}
	stops := append(slices.Clone(spUnits), spCurrencyMulti...)
	for k := range r.specials {
		stops = append(stops, k)
	}
	r.shapeStop, r.stopHash = shapeStopWords(stops)
	r.url = regexp.MustCompile(spURLPattern)
	r.privateIP = regexp.MustCompile(`^(?:(?:10|127)(?:\.\d{1,3}){3}|(?:169\.254|192\.168)(?:\.\d{1,3}){2}|172\.(?:1[6-9]|2\d|3[0-1])(?:\.\d{1,3}){2})`)
	// Special cases the affix rules would split are re-applied to token
	// runs after tokenization (spaCy's _apply_special_cases).
	var toks []span
	for k := range r.specials {
		if strings.Contains(k, " ") || (spFindPrefix(k) == 0 && spFindSuffix(k) == 0 && !spHasInfix(k)) {
			continue
		}
		toks = r.tokenizeSpan(k, 0, len(k), toks[:0], false)
		lens := make([]int, len(toks))
		for i, t := range toks {
			lens[i] = int(t.b - t.a)
		}
		r.merge[k] = lens
		addMask(&r.mergeFirst, &r.mergeLast, k)
		r.mergeMax = max(r.mergeMax, len(lens))
		r.mergeMaxB = max(r.mergeMaxB, len(k))
	}
	for _, c := range ",!?;:)\"." {
		_, sp := r.specials[string(c)]
		_, mk := r.merge[string(c)]
		// "." is a suffix by spSuffixAt's own rule, after a lower-case
		// letter (spDotBefore); chunk checks that letter.
		r.trail[c] = (spSuffixChar(c) || c == '.' && spDotBefore('z')) && !sp && !mk
	}
	return r
}

func addMask(first, last *[256]uint64, k string) {
	if len(k) < 64 {
		first[k[0]] |= 1 << len(k)
		last[k[len(k)-1]] |= 1 << len(k)
	} else {
		panic("tokenize: special case longer than 63 bytes: " + k)
	}
}

// maybe reports whether s can be a key of the masks' map.
func maybe(first, last *[256]uint64, s string) bool {
	n := len(s)
	return n > 0 && n < 64 && first[s[0]]&last[s[n-1]]&(1<<n) != 0
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

func spHasInfix(s string) bool {
	for p := 0; p < len(s); p++ {
		if spInfixAt(s, p) >= 0 {
			return true
		}
	}
	return false
}

// urlMatch is spaCy's URL_MATCH: an optional scheme, optional user info,
// a public IPv4 address or a host name with a lower-case TLD, optional
// port and path.
func (r *spacyRules) urlMatch(s string) bool {
	if !strings.Contains(s, ".") || !urlMaybe(s) {
		return false
	}
	if match, ok := urlHost(s); ok {
		return match
	}
	return r.urlMatchRegexp(s)
}

// urlHost decides URL_MATCH without the regular expression for ASCII text
// with none of : @ / ? # and not all digits and dots ("movie.it"): with
// no scheme, user info, port, path or IPv4 address possible, it matches
// when it is a host name, labels that are followed by "." and made of
// letters, digits, "_" and "-" (starting and ending with a letter or
// digit, 64 bytes at most), then a top-level domain of 2 to 63 letters
// a-z. ok is false for other text.
func urlHost(s string) (match, ok bool) {
	digitsDots := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf, c == ':', c == '@', c == '/', c == '?', c == '#':
			return false, false
		case c != '.' && !isDigit(rune(c)):
			digitsDots = false
		}
	}
	dot := strings.LastIndexByte(s, '.')
	if digitsDots || dot < 0 {
		return false, !digitsDots
	}
	tld := s[dot+1:]
	if len(tld) < 2 || len(tld) > 63 {
		return false, true
	}
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return false, true
		}
	}
	for rest := s[:dot+1]; rest != ""; {
		end := strings.IndexByte(rest, '.')
		label := rest[:end]
		if len(label) == 0 || len(label) > 64 || !isASCIIAlnum(label[0]) || !isASCIIAlnum(label[len(label)-1]) {
			return false, true
		}
		for i := 1; i < len(label)-1; i++ {
			if c := label[i]; !isASCIIAlnum(c) && c != '_' && c != '-' {
				return false, true
			}
		}
		rest = rest[end+1:]
	}
	return true, true
}

// urlMatchRegexp is urlMatch by the regular expressions alone.
func (r *spacyRules) urlMatchRegexp(s string) bool {
	m := r.url.FindStringSubmatchIndex(s)
	if m == nil {
		return false
	}
	if m[2] >= 0 && r.privateIP.MatchString(s[m[2]:]) {
		return false
	}
	return true
}

// urlMaybe is false for strings URL_MATCH cannot match, found without the
// regular expression: ASCII text with none of : @ / ? # has no scheme,
// user info, port or path, so it is all host: an IPv4 address (digits
// and dots) or a name ending in "." and two or more letters a-z.
//
// Without "://" (a scheme) or "@" (user info) the host starts the text, so
// its first byte is an ASCII letter or digit or a non-ASCII one.
func urlMaybe(s string) bool {
	if c := s[0]; c < utf8.RuneSelf && !isASCIIAlnum(c) && strings.IndexByte(s, '@') < 0 && !strings.Contains(s, "://") {
		return false
	}
	digitsDots := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf, c == ':', c == '@', c == '/', c == '?', c == '#':
			return true
		case c != '.' && !isDigit(rune(c)):
			digitsDots = false
		}
	}
	if digitsDots {
		return true
	}
	tld := s[strings.LastIndexByte(s, '.')+1:]
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return false
		}
	}
	return true
}

func isASCIIAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z'
}

const spURLPattern = `^(?:[\p{L}\p{N}_+\-.]{2,}://)?` +
	`(?:\S+(?::\S*)?@)?` +
	`(?:` +
	`((?:[1-9]\d?|1\d\d|2[01]\d|22[0-3])(?:\.(?:1?\d{1,2}|2[0-4]\d|25[0-5])){2}(?:\.(?:[1-9]\d?|1\d\d|2[0-4]\d|25[0-4])))` +
	`|` +
	`(?:(?:[A-Za-z0-9\x{a1}-\x{ffff}][A-Za-z0-9\x{a1}-\x{ffff}_-]{0,62})?[A-Za-z0-9\x{a1}-\x{ffff}]\.)+` +
	`[\p{Ll}\p{Lo}\p{Mn}\p{Mc}]{2,63}` +
	`)` +
	`(?::\d{2,5})?` +
	`(?:[/?#]\S*)?$`

const spEmoticons = `:) :-) :)) :-)) :))) :-))) (: (-: =) (= :] :-] [: [-: [= =] :o) (o: :} :-} 8) 8-) (-8 ;) ;-) (; (-; :( :-( :(( :-(( :((( :-((( ): )-: =( >:( :') :'-) :'( :'-( :/ :-/ =/ =| :| :-| ]= =[ :1 :P :-P :p :-p :O :-O :o :-o :0 :-0 :() >:o :* :-* :3 :-3 =3 :> :-> :X :-X :x :-x :D :-D ;D ;-D =D xD XD xDD XDD 8D 8-D ^_^ ^__^ ^___^ >.< >.> <.< ._. ;_; -_- -__- v.v V.V v_v V_V o_o o_O O_o O_O 0_o o_0 0_0 o.O O.o O.O o.o 0.0 o.0 0.o @_@ <3 <33 <333 </3 (^_^) (-_-) (._.) (>_<) (*_*) (¬_¬) ಠ_ಠ ಠ︵ಠ (ಠ_ಠ) ¯\(ツ)/¯ (╯°□°）╯︵┻━┻ ><(((*>`

const spSingleExceptions = `'S 's ‘S ‘s and/or w/o 're 'Cause 'cause 'cos 'Cos 'coz 'Coz 'cuz 'Cuz 'bout ma'am Ma'am o'clock O'clock ` +
	`lovin' Lovin' lovin Lovin havin' Havin' havin Havin doin' Doin' doin Doin goin' Goin' goin Goin ` +
	`Mt. Ak. Ala. Apr. Ariz. Ark. Aug. Calif. Colo. Conn. Dec. Del. Feb. Fla. Ga. Ia. Id. Ill. Ind. Jan. Jul. Jun. ` +
	`Kan. Kans. Ky. La. Mar. Mass. Mich. Minn. Miss. N.C. N.D. N.H. N.J. N.M. N.Y. Neb. Nebr. Nev. Nov. Oct. Okla. ` +
	`Ore. Pa. S.C. Sep. Sept. Tenn. Va. Wash. Wis. ` +
	`'d a.m. Adm. Bros. co. Co. Corp. D.C. Dr. e.g. E.g. E.G. Gen. Gov. i.e. I.e. I.E. Inc. Jr. Ltd. Md. Messrs. ` +
	`Mo. Mont. Mr. Mrs. Ms. p.m. Ph.D. Prof. Rep. Rev. Sen. St. vs. v.s.`
