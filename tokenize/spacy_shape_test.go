package tokenize

import (
	"fmt"
	"slices"
	"testing"
)

// rulesSpans is chunk by the rules alone (tokenizeSpan and the merges),
// each token marked noLower when lowering leaves it unchanged, as the
// caches mark them.
func rulesSpans(s string) []span {
	c := &chunkCache{}
	toks := slices.Clone(spacyTables().chunkRules(s, 0, len(s), nil, c))
	for i, t := range toks {
		toks[i].noLower = !needsPyLower(s[t.a:t.b])
	}
	return toks
}

// eachChunk calls f with each chunk of d, as the chunk walker finds them.
func eachChunk(d string, f func(s string, k chunkKind)) {
	var sc scratch
	m := &sc.sm
	m.reset(d)
	for i := 0; ; {
		a, b, k, ok := m.next(&i)
		if !ok {
			return
		}
		f(d[a:b], k)
	}
}

// shapedChunks returns the distinct chunks of texts that have a shape (but
// for those of letters alone: the letters path takes them).
func shapedChunks(texts []string) []string {
	r := spacyTables()
	seen := map[string]bool{}
	var out []string
	var kb [maxShapeChunk]byte
	for _, d := range texts {
		eachChunk(d, func(s string, k chunkKind) {
			if _, _, _, ok := r.wordShape(s, &kb); ok && !k.letters && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		})
	}
	return out
}

// casedLike returns a word of n letters with the case pattern of w
// (lower, upper or capitalised), made from seed.
func casedLike(w string, n int, seed uint32) string {
	b := make([]byte, n)
	for i := range b {
		seed = seed*1664525 + 1013904223
		b[i] = 'a' + byte(seed>>24)%26
	}
	switch {
	case letterClass[w[len(w)-1]] == 3: // all upper
		for i := range b {
			b[i] &^= 0x20
		}
	case letterClass[w[0]] == 3:
		b[0] &^= 0x20
	}
	return string(b)
}

// TestShapeCacheCorpora checks the shape cache's argument (spacy_shape.go)
// on the corpora: for every distinct chunk with a shape, the tokens its
// shape gives for other words (random letters of several lengths, and
// words of other shaped chunks) must be the rules' tokens for those
// chunks.
func TestShapeCacheCorpora(t *testing.T) {
	r := spacyTables()
	chunks := shapedChunks(corpusSample(t, 10000, 10))
	if len(chunks) < 1000 {
		t.Fatalf("%d shaped chunks in the corpora: the shape test needs more", len(chunks))
	}
	// Words of shaped chunks by shape marker (case pattern and length).
	words := map[byte][]string{}
	var kb [maxShapeChunk]byte
	for _, s := range chunks {
		key, i, j, _ := r.wordShape(s, &kb)
		m := key[i]
		words[m] = append(words[m], s[i:j])
	}
	checked, multi := 0, 0
	for n, s := range chunks {
		key, i, j, _ := r.wordShape(s, &kb)
		key = slices.Clone(key)
		toks := rulesSpans(s)
		c := &chunkCache{shapes: newShortCache(1)}
		c.addShape(key, s, 0, len(s), i, j, toks)
		v, ok := c.getShape(key)
		if !ok {
			continue // a long key, more than 8 tokens, or the word split: no shape kept
		}
		if v.n > 1 {
			multi++
		}
		if got, whole := v.appendTo(nil, 0, len(s), j-i); !whole || !slices.Equal(got, toks) {
			t.Fatalf("%q: its own shape gives %v, the rules %v", s, got, toks)
		}
		frame := len(s) - (j - i)
		var subs []string
		for k, l := range []int{2, 3, 5, 9, 17, 40} {
			if frame+l <= maxShapeChunk {
				subs = append(subs, casedLike(s[i:j], l, uint32(n*7+k)))
			}
		}
		same := words[key[i]]
		for k := 1; k <= 3; k++ {
			subs = append(subs, same[(n*31+k*977)%len(same)])
		}
		for _, w := range subs {
			s2 := s[:i] + w + s[j:]
			key2, i2, j2, ok := r.wordShape(s2, &kb)
			if !ok || string(key2) != string(key) {
				continue // a stop word, or now shorter than another run of the frame
			}
			if i2 != i || j2 != i+len(w) {
				t.Fatalf("%q and %q: shape %q, words %q and %q", s, s2, key, s[i:j], s2[i2:j2])
			}
			got, whole := v.appendTo(nil, 0, len(s2), len(w))
			if want := rulesSpans(s2); !whole || !slices.Equal(got, want) {
				t.Fatalf("shape of %q answers %q with %s, the rules say %s", s, s2, spansText(s2, got), spansText(s2, want))
			}
			checked++
		}
	}
	t.Logf("%d shaped chunks (%d of several tokens), %d substitutions checked", len(chunks), multi, checked)
	if multi < 500 || checked < 2*len(chunks) {
		t.Fatalf("only %d multi-token shapes and %d substitutions", multi, checked)
	}
}

// sameTokens reports whether got has want's tokens, and marks a token
// noLower only where lowering leaves it unchanged (want's mark; a token
// not marked is checked when lowered).
func sameTokens(got, want []span) bool {
	return slices.EqualFunc(got, want, func(g, w span) bool {
		return g.a == w.a && g.b == w.b && g.inBuf == w.inBuf && (!g.noLower || w.noLower)
	})
}

func spansText(s string, toks []span) string {
	var out []string
	for _, t := range toks {
		out = append(out, fmt.Sprintf("%q/%v", s[t.a:t.b], t.noLower))
	}
	return fmt.Sprint(out)
}

// TestShapeStopWords: a word that is part of a rule (a special case, a
// unit, a currency) splits differently from other words in the same
// frame, so it must not take a shape. Through chunk with one cache: the
// ordinary word first (it records the shape), then the stop word, which
// must get the rules' tokens.
func TestShapeStopWords(t *testing.T) {
	r := spacyTables()
	for _, p := range [][2]string{
		{"5xy", "5km"}, {"5xyz", "5mph"}, {"XY$5", "US$5"},
		{"Xy.", "Mr."}, {"Abc.", "Inc."}, {"<xyzab>", "<space>"},
	} {
		ordinary, stop := p[0], p[1]
		var kb [maxShapeChunk]byte
		k1, _, _, ok1 := r.wordShape(ordinary, &kb)
		k1 = slices.Clone(k1)
		if !ok1 {
			t.Fatalf("%q has no shape", ordinary)
		}
		if _, _, _, ok := r.wordShape(stop, &kb); ok {
			t.Errorf("%q has a shape: its word is part of a rule", stop)
		}
		// The stop word would get it wrong from the ordinary word's shape
		// (this is why the list exists).
		c := &chunkCache{shapes: newShortCache(1)}
		_, i, j, _ := r.wordShape(ordinary, &kb)
		c.addShape(k1, ordinary, 0, len(ordinary), i, j, rulesSpans(ordinary))
		v, ok := c.getShape(k1)
		if !ok {
			t.Fatalf("%q: no shape kept", ordinary)
		}
		w := len(stop) - (len(ordinary) - (j - i))
		if got, _ := v.appendTo(nil, 0, len(stop), w); slices.Equal(got, rulesSpans(stop)) {
			t.Errorf("%q: the shape of %q gives the rules' tokens %s too: not a stop-word case", stop, ordinary, spansText(stop, got))
		}
		cache := newChunkCacheSize(1, 4, 100)
		for _, s := range []string{ordinary, stop} {
			k := chunkKind{}
			got := r.chunk(s, 0, len(s), nil, cache, k)
			if want := rulesSpans(s); !sameTokens(got, want) {
				t.Errorf("chunk(%q) after %q = %s, the rules %s", s, ordinary, spansText(s, got), spansText(s, want))
			}
		}
	}
}

func TestWordShape(t *testing.T) {
	r := spacyTables()
	for _, c := range []struct {
		s    string
		key  string
		word string
	}{
		{"(Kersey)", "(\x82)", "Kersey"}, {"/>Bronson's", "/>\x82's", "Bronson"}, {"DVD.", "\x81.", "DVD"},
		{"guy...", "\x80...", "guy"}, {"Ab,", "\x82,", "Ab"}, {"AB,", "\x81,", "AB"}, {"\"film\"", "\"\x80\"", "film"},
		{"people.<br", "\x80.<br", "people"}, {"thriller.This", "\x80.This", "thriller"}, {"a.Bc", "a.\x82", "Bc"},
		{"mid-eighties.", "mid-\x80.", "eighties"}, {"1990s", "", ""}, {"McCoy", "", ""}, {"café.", "", ""}, {"a)", "", ""},
		{"80", "", ""}, {"it's", "", ""}, {"x's", "", ""}, {"a.b", "", ""}, {"don't", "", ""},
	} {
		var kb [maxShapeChunk]byte
		key, i, j, ok := r.wordShape(c.s, &kb)
		if c.key == "" {
			if ok {
				t.Errorf("wordShape(%q) = %q, want none", c.s, key)
			}
			continue
		}
		if !ok || string(key) != c.key || c.s[i:j] != c.word {
			t.Errorf("wordShape(%q) = %q %q %v, want %q %q", c.s, key, c.s[i:j], ok, c.key, c.word)
		}
	}
}
