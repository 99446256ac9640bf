package tokenize

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The fast paths (block splitting, spaCy's plain-word path and its chunk
// cache) are compared token for token with the plain loops they replace,
// on the real corpora and on fuzzed input.

// splitWith runs one splitting function and returns its tokens as strings.
func splitWith(text string, split func(string, *scratch)) []string {
	sc := &scratch{}
	split(text, sc)
	out := make([]string, len(sc.toks))
	for i, s := range sc.toks {
		out[i] = sc.str(text, s)
	}
	return out
}

type splitPair struct {
	name       string
	fast, slow func(string, *scratch)
}

func splitPairs() []splitPair {
	var ps []splitPair
	for _, lower := range []bool{false, true} {
		for _, strip := range []bool{false, true} {
			ps = append(ps, splitPair{
				name: "ascii/lower=" + boolName(lower) + "/strip=" + boolName(strip),
				fast: func(s string, sc *scratch) { splitASCII(s, sc, lower, strip) },
				slow: func(s string, sc *scratch) { splitASCIISlow(s, sc, lower, strip) },
			})
		}
	}
	for _, o := range []Options{
		{Mode: ModeKeras}, {Mode: ModeKeras, Lower: Bool(false)}, {Mode: ModeKeras, Filters: "aK.é\u212a", Split: "-"},
		{Mode: ModeKeras, Split: "é"}, {Mode: ModeKeras, NoFilters: true, Split: "\n"},
	} {
		e, err := New(o)
		if err != nil {
			panic(err)
		}
		ps = append(ps, splitPair{
			name: fmt.Sprintf("keras/%+v", o),
			fast: e.splitKeras,
			slow: e.splitKerasSlow,
		})
	}
	// spaCy: a cache shared by every call (hits), and one whose arena
	// fills every few chunks (it starts over all the time).
	for _, lower := range []bool{false, true} {
		for _, c := range []*chunkCache{newChunkCache(), newChunkCacheSize(1, 4, 100)} {
			ps = append(ps, splitPair{
				name: fmt.Sprintf("spacy/lower=%v/sets=%d/arena=%d", lower, len(c.short.sets), c.arena),
				fast: func(s string, sc *scratch) { splitSpacyWith(s, sc, lower, c) },
				slow: func(s string, sc *scratch) { splitSpacyWith(s, sc, lower, nil) },
			})
		}
	}
	return ps
}

func boolName(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func checkSame(t *testing.T, p splitPair, text string) {
	t.Helper()
	got, want := splitWith(text, p.fast), splitWith(text, p.slow)
	if !slices.Equal(got, want) {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("%s: %q: token %d: fast %q, slow %q", p.name, clip(text), i, got[i], want[i])
			}
		}
		t.Fatalf("%s: %q: fast %d tokens, slow %d", p.name, clip(text), len(got), len(want))
	}
}

// checkHelpers compares the spaCy helpers that replace a general call with
// that call, on text and each of its whitespace-separated fields.
func checkHelpers(t *testing.T, text string) {
	t.Helper()
	r := spacyTables()
	for _, s := range append(strings.Fields(text), text) {
		if strings.Contains(s, ".") && r.urlMatch(s) != r.urlMatchRegexp(s) {
			t.Fatalf("urlMatch(%q) = %v, the regexp says %v", clip(s), r.urlMatch(s), r.urlMatchRegexp(s))
		}
		for _, tail := range []string{s, s[max(0, len(s)-8):]} {
			if digitOrApostrophe(tail) != strings.ContainsAny(tail, "0123456789'’") {
				t.Fatalf("digitOrApostrophe(%q) = %v", tail, digitOrApostrophe(tail))
			}
		}
	}
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// corpusSample is every step-th document of corpusDocs(t, n): the race
// detector gets fewer.
func corpusSample(t *testing.T, n, step int) []string {
	docs := corpusDocs(t, n)
	if !raceEnabled {
		return docs
	}
	var out []string
	for i := 0; i < len(docs); i += step {
		out = append(out, docs[i])
	}
	return out
}

func TestFastPathsCorpora(t *testing.T) {
	checkAll(t, corpusSample(t, 1500, 20))
}

// checkAll runs checkSame for every pair and checkHelpers on each text.
func checkAll(t *testing.T, texts []string) {
	t.Helper()
	for _, p := range splitPairs() {
		for _, s := range texts {
			checkSame(t, p, s)
		}
	}
	for _, s := range texts {
		checkHelpers(t, s)
	}
}

// TestFastPathsEdges covers block boundaries: tokens and whitespace runs
// that end exactly at, or straddle, multiples of 64 bytes, and every
// whitespace and non-ASCII byte at every offset of a block.
func TestFastPathsEdges(t *testing.T) {
	var texts []string
	for n := 0; n <= 200; n++ {
		texts = append(texts, strings.Repeat("a", n), strings.Repeat(" ", n)+"B", "x"+strings.Repeat("\t", n), strings.Repeat("Ab. ", n/4))
	}
	for _, c := range []byte{' ', '\t', '\n', '\v', '\f', '\r', 0x1c, 0x85, 0xa0, 0xe2, 0x8a, 0xff, 0, 'A', '.', '\''} {
		for at := 0; at < 130; at++ {
			b := []byte(strings.Repeat("wOrd", 33))
			b[at] = c
			texts = append(texts, string(b))
		}
	}
	texts = append(texts, "www.x.co", "1.2.3.4", "a.b", "x.Com", "e.g", "foo.bar/baz", "10.1.1.1", "mailto:a@b.c", "a.bé", "’s", "\xe2\x80\x99", "1\xe2\x80")
	checkAll(t, texts)
}

func FuzzFastPaths(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Add(strings.Repeat("The movie, sadly; WAS bad.\n", 7))
	// Shapes first learnt from ordinary words, then met with words that
	// are part of a rule (the caches are shared by every input).
	f.Add("5xy 5km 5xyz 5mph XY$5 US$5 Xy. Mr. Abc. Inc. <xyzab> <space> (abc) (and/or) xy's he's DVD. DVDs. a.Bc c.Ab")
	pairs := splitPairs()
	f.Fuzz(func(t *testing.T, text string) {
		for _, p := range pairs {
			checkSame(t, p, text)
		}
		checkHelpers(t, text)
	})
}

// windowEncoders are the encoders whose EncodeStrings splits only the kept
// window of tokens (splitWindow, or tokenizeRow's whole chunks for spaCy),
// in every padding and truncation.
func windowEncoders(t testing.TB) []*Encoder {
	var encs []*Encoder
	for _, o := range []Options{
		{Mode: ModeWhitespace}, {Mode: ModeWhitespace, Lower: Bool(true)}, {Mode: ModeKeras},
		{Mode: ModeKeras, Lower: Bool(false)}, {Mode: ModeKeras, Filters: "aK.", Split: "-"},
		{Mode: ModeSpacy}, {Mode: ModeSpacy, Lower: Bool(false)},
	} {
		for _, side := range [][2]string{{Pre, Pre}, {Pre, Post}, {Post, Pre}, {Post, Post}} {
			o.Padding, o.Truncating, o.PadToken = side[0], side[1], "<pad>"
			encs = append(encs, mustNew(t, o))
		}
	}
	return encs
}

// sameCount reports whether n, the count e's Encode method returned for a
// row of L, agrees with want, the text's number of tokens: equal, or in
// spaCy mode both above L (spaCy does not tokenize what a row drops).
func sameCount(e *Encoder, n, want, L int) bool {
	return n == want || e.mode == ModeSpacy && n > L && want > L
}

// checkWindow compares EncodeStrings with Split followed by the padding
// and truncation of refPad, for several row lengths.
func checkWindow(t *testing.T, encs []*Encoder, text string) {
	t.Helper()
	for _, e := range encs {
		toks := e.Split(text, nil)
		for _, L := range []int{0, 1, 7, 100, 300} {
			row := make([]string, L)
			n := e.EncodeStrings(text, row)
			pad, trunc := Pre, Pre
			if e.padPost {
				pad = Post
			}
			if e.truncPost {
				trunc = Post
			}
			want := refPad(toks, L, pad, trunc, "<pad>")
			if !sameCount(e, n, len(toks), L) || !slices.Equal(row, want) {
				t.Fatalf("%s lower=%v pad %s trunc %s L=%d on %q: n=%d row %q, want n=%d row %q",
					e.mode, e.lower, pad, trunc, L, clip(text), n, row, len(toks), want)
			}
		}
	}
}

func TestWindowCorpora(t *testing.T) {
	encs := windowEncoders(t)
	for _, d := range corpusSample(t, 300, 20) {
		checkWindow(t, encs, d)
	}
	for _, s := range fuzzSeeds {
		checkWindow(t, encs, s)
	}
	for n := 60; n < 200; n++ {
		checkWindow(t, encs, strings.Repeat("ab ", n/3)+strings.Repeat("x", n%7))
	}
}

func FuzzWindow(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	encs := windowEncoders(f)
	f.Fuzz(func(t *testing.T, text string) { checkWindow(t, encs, text) })
}
