package tokenize

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/scorekit/score/internal/fixtures"
)

// refTextVectorization is an independent, byte-at-a-time rendering of
// TextVectorization(standardize="lower_and_strip_punctuation",
// split="whitespace"): absl::AsciiStrToLower, then regex_replace of
// [!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~'] by "", then StringSplitV2 with
// an empty sep (skip leading ascii whitespace, take non-isspace runs).
func refTextVectorization(s string) []string {
	var low []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c = c - 'A' + 'a'
		}
		low = append(low, c)
	}
	var stripped []byte
	for _, c := range low {
		if strings.IndexByte(`!"#$%&()*+,-./:;<=>?@[\]^_`+"`"+`{|}~'`, c) < 0 {
			stripped = append(stripped, c)
		}
	}
	return refWhitespace(string(stripped))
}

func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func refWhitespace(s string) []string {
	out := []string{}
	i := 0
	for {
		for i < len(s) && isCSpace(s[i]) {
			i++
		}
		if i == len(s) {
			return out
		}
		j := i
		for j < len(s) && !isCSpace(s[j]) {
			j++
		}
		out = append(out, s[i:j])
		i = j
	}
}

// refKeras is text_to_word_sequence with the default filters, written
// directly from its Python: text.lower(), translate filters to " ",
// split(" "), drop "".
func refKeras(s string) []string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == 'İ':
			b.WriteString("i\u0307")
			continue
		case r == 'Σ':
			// final sigma: cased letter before, no cased letter after
			// (these tests have no case-ignorable neighbours).
			if i > 0 && unicode.IsLetter(rs[i-1]) && (i+1 == len(rs) || !unicode.IsLetter(rs[i+1])) {
				b.WriteRune('ς')
				continue
			}
		}
		r = unicode.ToLower(r)
		if strings.ContainsRune(DefaultFilters, r) {
			r = ' '
		}
		b.WriteRune(r)
	}
	out := []string{}
	for _, p := range strings.Split(b.String(), " ") {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// corpusDocs returns every sentence of sentiment-labelled-sentences and
// the first n aclImdb test documents (sorted by name, pos then neg).
func corpusDocs(t testing.TB, n int) []string {
	t.Helper()
	var docs []string
	dir := fixtures.Corpus(t, "sentiment-labelled-sentences")
	for _, f := range []string{"amazon_cells_labelled.txt", "imdb_labelled.txt", "yelp_labelled.txt"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		if len(lines) != 1000 {
			t.Fatalf("%s: %d lines, want 1000", f, len(lines))
		}
		for _, l := range lines {
			text, _, ok := strings.Cut(l, "\t")
			if !ok {
				t.Fatalf("%s: line without a tab: %q", f, l)
			}
			docs = append(docs, text)
		}
	}
	return append(docs, imdbDocs(t, n)...)
}

func imdbDocs(t testing.TB, n int) []string {
	t.Helper()
	root := fixtures.Corpus(t, "aclimdb")
	var docs []string
	for _, cls := range []string{"pos", "neg"} {
		dir := filepath.Join(root, "aclImdb", "test", cls)
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		names := make([]string, 0, len(ents))
		for _, e := range ents {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		for _, name := range names {
			if len(docs) == n {
				return docs
			}
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, string(data))
		}
	}
	return docs
}

func TestTextVectorizationCorpora(t *testing.T) {
	enc := mustNew(t, Options{Mode: ModeTextVectorization})
	docs := corpusDocs(t, 2000)
	if len(docs) != 5000 {
		t.Fatalf("%d documents, want 5000", len(docs))
	}
	var got []string
	tokens := 0
	for i, d := range docs {
		got = enc.Split(d, got)
		want := refTextVectorization(d)
		tokens += len(want)
		if !slices.Equal(got, want) {
			t.Fatalf("doc %d: split differs\n got %q\nwant %q", i, got, want)
		}
		if c := enc.Count(d); c != len(want) {
			t.Fatalf("doc %d: Count %d, want %d", i, c, len(want))
		}
	}
	if tokens < 400000 {
		t.Fatalf("only %d tokens: corpora not read?", tokens)
	}
}

func TestWhitespaceCorpora(t *testing.T) {
	enc := mustNew(t, Options{Mode: ModeWhitespace})
	var got []string
	for i, d := range corpusDocs(t, 500) {
		got = enc.Split(d, got)
		if want := refWhitespace(d); !slices.Equal(got, want) {
			t.Fatalf("doc %d: split differs\n got %q\nwant %q", i, got, want)
		}
	}
}

func TestKerasCorpora(t *testing.T) {
	enc := mustNew(t, Options{Mode: ModeKeras})
	_, dir := smsVocab(t)
	data, err := os.ReadFile(filepath.Join(dir, "data", "SMSSpamCollection.csv"))
	if err != nil {
		t.Fatal(err)
	}
	docs := corpusDocs(t, 500)
	for _, r := range readPandasTSV(string(data)) {
		docs = append(docs, r[1])
	}
	var got []string
	for i, d := range docs {
		got = enc.Split(d, got)
		if want := refKeras(d); !slices.Equal(got, want) {
			t.Fatalf("doc %d: split differs\n got %q\nwant %q", i, got, want)
		}
	}
}

func mustNew(t testing.TB, o Options) *Encoder {
	t.Helper()
	e, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
