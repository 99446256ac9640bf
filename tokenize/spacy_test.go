package tokenize

import (
	"slices"
	"strings"
	"testing"
)

// Expected tokens of spaCy's English tokenizer, taken from spaCy's own test
// suite (spacy/tests/lang/en/*, spacy/tests/tokenizer/*) and documentation
// (spacy.io usage/linguistic-features#tokenization). "|" separates tokens.
var spacyCases = []struct{ in, want string }{
	{"don't giggle", "do|n't|giggle"},
	{"i said don't!", "i|said|do|n't|!"},
	{"`ain't", "`|ai|n't"},
	{`"isn't`, `"|is|n't`},
	{"can't!", "ca|n't|!"},
	{"Robin's", "Robin|'s"},
	{"Alexis's", "Alexis|'s"},
	{"schools'", "schools|'"},
	{"Alexis'", "Alexis|'"},
	{"'em", "'em"},
	{"nothin'", "nothin'"},
	{"ol'", "ol'"},
	{"we'll", "we|'ll"},
	{"You'll", "You|'ll"},
	{"there'll", "there|'ll"},
	{"those'll", "those|'ll"},
	{"Can't", "Ca|n't"},
	{"Ain't", "Ai|n't"},
	{"She'd", "She|'d"},
	{"Ill", "Ill"}, {"hell", "hell"}, {"well", "well"}, {"Shell", "Shell"}, {"shed", "shed"},
	{"We were scared", "We|were|scared"},
	{"We've", "We|'ve"},
	{"`We've", "`|We|'ve"},
	{"couldn't)", "could|n't|)"},
	{"e.g.", "e.g."}, {"p.m.", "p.m."}, {"Jan.", "Jan."}, {"Inc.", "Inc."},
	{"It's mediocre i.e. bad.", "It|'s|mediocre|i.e.|bad|."},
	{"1am", "1|am"}, {"12a.m.", "12|a.m."}, {"11p.m.", "11|p.m."}, {"4pm", "4|pm"},
	{"(can)", "(|can|)"},
	{"(can't", "(|ca|n't"},
	{"(can't)", "(|ca|n't|)"},
	{"(can't?)", "(|ca|n't|?|)"},
	{"U.S.", "U.S."},
	{"us.", "us|."},
	{"(U.S.", "(|U.S."},
	{"U.S.)", "U.S.|)"},
	{"(U.S.)", "(|U.S.|)"},
	{"(U.S.?)", "(|U.S.|?|)"},
	{"best-known", "best|-|known"},
	{"0.1-13.5", "0.1|-|13.5"},
	{"103.27-300", "103.27|-|300"},
	{"best.Known", "best|.|Known"},
	{"Hello,world", "Hello|,|world"},
	{"best...Known", "best|...|Known"},
	{"best...known", "best|...|known"},
	{"No decent--let alone well-bred--people.", "No|decent|--|let|alone|well|-|bred|--|people|."},
	{"Today is Tuesday.Mr.", "Today|is|Tuesday|.|Mr."},
	{"_MATH_", "_|MATH|_"},
	{"_MATH_.", "_|MATH|_|."},
	{"(Hello", "(|Hello"}, {"Hello)", "Hello|)"}, {"*Hello*", "*|Hello|*"}, {"(`Hello", "(|`|Hello"},
	{"((", "(|("}, {"<", "<"},
	{"3/4/2012", "3/4/2012"},
	{"01/12/1900", "01/12/1900"},
	{"7am", "7|am"},
	{"lorem  ipsum", "lorem| |ipsum"},
	{"lorem\nipsum", "lorem|\n|ipsum"},
	{"lorem  \nipsum", "lorem| \n|ipsum"},
	{"lorem \n ipsum", "lorem|\n |ipsum"},
	{"   This is a cat.", "   |This|is|a|cat|."},
	{"The U.S. Army likes Shock and Awe.", "The|U.S.|Army|likes|Shock|and|Awe|."},
	{"“Isn't it?”", "“|Is|n't|it|?|”"},
	{`Yes! "I'd rather have a walk", Ms. Comble sighed. `, `Yes|!|"|I|'d|rather|have|a|walk|"|,|Ms.|Comble|sighed|.`},
	{"'Me too!', Mr. P. Delaware cried. ", "'|Me|too|!|'|,|Mr.|P.|Delaware|cried|."},
	{"They ran about 10km.", "They|ran|about|10|km|."},
	{"But then the 6,000-year ice age came...", "But|then|the|6,000|-|year|ice|age|came|..."},
	{"Let's go to N.Y.!", "Let|'s|go|to|N.Y.|!"},
	{"Apple is looking at buying U.K. startup for $1 billion", "Apple|is|looking|at|buying|U.K.|startup|for|$|1|billion"},
	{"$3.50", "$|3.50"},
	{"(http://foo.com/blah_(wikipedia)#cite-1)", "(|http://foo.com/blah_(wikipedia)#cite-1|)"},
	{`"www.red-stars.com"`, `"|www.red-stars.com|"`},
	{"Mail john.doe@example.com.", "Mail|john.doe@example.com|."},
	{"I cannot go, gonna stay", "I|can|not|go|,|gon|na|stay"},
	{"Hi:) there", "Hi|:)|there"},
	{"I’m here", "I|’m|here"},
	{"wow😀!", "wow|😀|!"},
	{"60°C.", "60|°|C|."},
}

func TestSpacyCases(t *testing.T) {
	e := mustNew(t, Options{Mode: ModeSpacy, Lower: Bool(false)})
	low := mustNew(t, Options{Mode: ModeSpacy})
	for _, c := range spacyCases {
		want := strings.Split(c.in, "")[:0]
		want = append(want, strings.Split(c.want, "|")...)
		got := e.Split(c.in, nil)
		if !slices.Equal(got, want) {
			t.Errorf("%q: got %q, want %q", c.in, got, want)
			continue
		}
		for i := range want {
			want[i] = strings.ToLower(want[i])
		}
		if got := low.Split(c.in, nil); !slices.Equal(got, want) {
			t.Errorf("%q lower-cased: got %q, want %q", c.in, got, want)
		}
	}
}

// TestSpacyCounts are spaCy's token-count tests.
func TestSpacyCounts(t *testing.T) {
	e := mustNew(t, Options{Mode: ModeSpacy})
	text := "Tributes pour in for late British Labour Party leader\n\nTributes poured in from around the world Thursday\nto the late Labour Party leader John Smith, who died earlier from a massive\nheart attack aged 55.\n\nIn Washington, the US State Department issued a statement regretting \"the\nuntimely death\" of the rapier-tongued Scottish barrister and parliamentarian.\n\n\"Mr. Smith, throughout his distinguished"
	for _, c := range []struct {
		in string
		n  int
	}{{text, 76}, {"U.N. regulations are not a part of their concern.", 10}, {"$45...............Asking", 4}} {
		if got := e.Split(c.in, nil); len(got) != c.n {
			t.Errorf("%q: %d tokens %q, want %d", c.in, len(got), got, c.n)
		}
	}
}

func TestSpacyURLMatch(t *testing.T) {
	r := spacyTables()
	// Host names decided without the regular expression (urlHost).
	for _, u := range []string{"movie.it", "a.b.com", "a-.com", "-a.com", "a_b.com", "a__b-c.de", "x..com", "e.g", "Mr.Smith",
		"foo.COM", "a.bc1", ".com", "a.", "a.b.c", "1.2.3.x", "9.ab", "ok.", strings.Repeat("a", 64) + ".com",
		strings.Repeat("a", 65) + ".com", "a." + strings.Repeat("b", 63), "a." + strings.Repeat("b", 64)} {
		if got, want := r.urlMatch(u), r.urlMatchRegexp(u); got != want {
			t.Errorf("urlMatch(%q) = %v, the regular expression says %v", u, got, want)
		}
	}
	for _, u := range []string{"http://foo.com/blah_blah", "http://BlahBlah.com/Blah_Blah", "http://www.example.com/wpstyle/?p=364",
		"https://www.example.com/foo/?bar=baz&inga=42&quux", "http://userid:password@example.com:8080/", "http://userid@example.com",
		"http://142.42.1.1:8080/", "http://foo.com/unicode_(✪)_in_parens", "http://code.google.com/events/#&product=browser",
		"http://j.mp", "ftp://foo.bar/baz", "http://-.~_!$&'()*+,;=:%40:80%2f::::::@example.com", "http://1337.net", "http://a.b-c.de",
		"http://223.255.255.254", "http://a.b--c.de/", "ssh://login@server.com:12345/repository.git", "svn+ssh://user@ssh.yourdomain.com/path",
		"http://www.foo.co.uk/blah/blah", "http://⌘.ws/", "http://✪df.ws/123", "http://➡.ws/䨹", "http://例子.测试", "http://उदाहरण.परीक्षा", "http://مثال.إختبار", "www.red-stars.com",
		"mailto:foo.bar@baz.com", "www.google.com?q=google"} {
		if !r.urlMatch(u) {
			t.Errorf("url_match(%q) = false", u)
		}
	}
	for _, u := range []string{"http://", "http://.", "http://..", "http://../", "http://?", "http://#", "//a", "http:///a", "rdar://1234",
		"h://test", "http://-error-.invalid/", "http://a.b-.co", "http://0.0.0.0", "http://10.1.1.0", "http://10.1.1.255", "http://224.1.1.1",
		"http://123.123.123", "http://3628126748", "http://.www.foo.bar/", "http://.www.foo.bar./", "http://10.1.1.1", "NASDAQ:GOOG",
		"http://-a.b.co", "http://1.1.1.1.1", "http://www.foo.bar./", "http://192.168.0.1"} {
		if r.urlMatch(u) {
			t.Errorf("url_match(%q) = true", u)
		}
	}
}

// TestSpacySuffixASCII compares the byte-wise suffix search of ASCII text
// with the character-wise one over the last 16 bytes, on every string of
// up to 5 (4 under the race detector) characters from an alphabet of the
// characters the suffix rules look at, and on the words of the corpora.
func TestSpacySuffixASCII(t *testing.T) {
	const alphabet = "asSZKmhb'.+$1/,)\"-%xk"
	maxLen := 5
	if raceEnabled {
		maxLen = 4
	}
	check := func(s string) {
		if got, want := spSuffixSearch(s), spFindSuffixRunes(s, max(0, len(s)-16)); got != want {
			t.Fatalf("suffix of %q: %d bytes, character by character %d", s, got, want)
		}
	}
	buf := make([]byte, 0, maxLen)
	var walk func()
	walk = func() {
		if len(buf) > 0 {
			check(string(buf))
		}
		if len(buf) == maxLen {
			return
		}
		for i := range len(alphabet) {
			buf = append(buf, alphabet[i])
			walk()
			buf = buf[:len(buf)-1]
		}
	}
	walk()
	for _, d := range corpusSample(t, 300, 10) {
		for _, w := range strings.Fields(d) {
			if indexNonASCII(w, 0) < 0 {
				check(w)
				check("10" + w)
			}
		}
	}
}
