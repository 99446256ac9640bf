package tokenize

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
)

func TestSplitTables(t *testing.T) {
	cases := []struct {
		o    Options
		in   string
		want []string
	}{
		{Options{Mode: ModeKeras}, "Hello, World!! It's  ok\tnow\nyes", []string{"hello", "world", "it's", "ok", "now", "yes"}},
		// \r and U+00A0 are not filters and not the split char: Keras keeps them in tokens.
		{Options{Mode: ModeKeras}, "a\rb c\u00a0d", []string{"a\rb", "c\u00a0d"}},
		{Options{Mode: ModeKeras}, "ÉCOLE İ ΟΔΟΣ ΣΑ", []string{"école", "i\u0307", "οδος", "σα"}},
		{Options{Mode: ModeKeras, Lower: Bool(false)}, "Hi THERE", []string{"Hi", "THERE"}},
		{Options{Mode: ModeKeras, Filters: "x", Split: "-"}, "AxB-c d", []string{"a", "b", "c d"}},
		{Options{Mode: ModeKeras, NoFilters: true}, "a,b  c", []string{"a,b", "c"}},
		{Options{Mode: ModeKeras, Split: "<>"}, "a<>b<><>C!d", []string{"a", "b", "c", "d"}},
		{Options{Mode: ModeKeras, CharLevel: true}, "Ab, İ", []string{"a", "b", ",", " ", "i", "\u0307"}},
		{Options{Mode: ModeTextVectorization}, "Don't STOP-me ... ÉCOLE\u00a0x", []string{"dont", "stopme", "École\u00a0x"}},
		{Options{Mode: ModeTextVectorization}, " \v\f\r\n\t", []string{}},
		{Options{Mode: ModeTextVectorization, Lower: Bool(false)}, "A.B c", []string{"AB", "c"}},
		// U+0085 and U+2003 are Python whitespace but not TF whitespace.
		{Options{Mode: ModeWhitespace}, "  A b\u0085c\u2003d\x1ce  ", []string{"A", "b\u0085c\u2003d\x1ce"}},
		{Options{Mode: ModeWhitespace, Lower: Bool(true)}, "A Éb", []string{"a", "Éb"}},
		{Options{Mode: ModeWhitespace}, "bad\xff\xfe bytes", []string{"bad\xff\xfe", "bytes"}},
	}
	for _, c := range cases {
		e := mustNew(t, c.o)
		got := e.Split(c.in, nil)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s %q: got %q, want %q", c.o.Mode, c.in, got, c.want)
		}
	}
}

// refPad is pad_sequences for one sequence, written from its definition:
// truncate to maxlen from the given side, then pad on the given side.
func refPad(seq []string, maxlen int, padding, truncating, value string) []string {
	s := slices.Clone(seq)
	if len(s) > maxlen {
		if truncating == "pre" {
			s = s[len(s)-maxlen:]
		} else {
			s = s[:maxlen]
		}
	}
	var pad []string
	for len(pad)+len(s) < maxlen {
		pad = append(pad, value)
	}
	if padding == "post" {
		return append(s, pad...)
	}
	return append(pad, s...)
}

func TestPaddingTruncation(t *testing.T) {
	for _, doc := range []string{"", "a", "a b", "a b c", "a b c d", "a b c d e f g"} {
		words := strings.Fields(doc)
		for _, L := range []int{0, 1, 3, 4, 6} {
			for _, pad := range []string{"pre", "post", ""} {
				for _, trunc := range []string{"pre", "post", ""} {
					e := mustNew(t, Options{Mode: ModeWhitespace, Padding: pad, Truncating: trunc, PadToken: "<pad>"})
					row := make([]string, L)
					for i := range row {
						row[i] = "junk"
					}
					n := e.EncodeStrings(doc, row)
					want := refPad(words, L, or(pad, "pre"), or(trunc, "pre"), "<pad>")
					if n != len(words) || !slices.Equal(row, want) {
						t.Errorf("%q L=%d padding=%q truncating=%q: %q n=%d, want %q n=%d", doc, L, pad, trunc, row, n, want, len(words))
					}
				}
			}
		}
	}
}

func or(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func TestIDsOOVNumWords(t *testing.T) {
	v, err := NewVocab(map[string]int64{"<oov>": 1, "the": 2, "cat": 3, "sat": 4, "mat": 5})
	if err != nil {
		t.Fatal(err)
	}
	doc := "The cat sat on the MAT, purring."
	cases := []struct {
		o    Options
		ids  []int64
		strs []string
		n    int
	}{
		// Unknown words dropped (no OOV token), Keras default pre padding.
		{Options{Vocab: v}, []int64{0, 0, 0, 2, 3, 4, 2, 5}, []string{"", "the", "cat", "sat", "on", "the", "mat", "purring"}, 5},
		{Options{Vocab: v, OOVToken: "<oov>"}, []int64{0, 2, 3, 4, 1, 2, 5, 1}, []string{"", "the", "cat", "sat", "<oov>", "the", "mat", "<oov>"}, 7},
		// num_words=4: ids 4 and 5 are out too (Keras: i >= num_words).
		{Options{Vocab: v, NumWords: 4}, []int64{0, 0, 0, 0, 0, 2, 3, 2}, []string{"", "the", "cat", "sat", "on", "the", "mat", "purring"}, 3},
		{Options{Vocab: v, NumWords: 4, OOVToken: "<oov>"}, []int64{0, 2, 3, 1, 1, 2, 1, 1}, []string{"", "the", "cat", "<oov>", "<oov>", "the", "<oov>", "<oov>"}, 7},
		{Options{Vocab: v, Padding: Post, Truncating: Post}, []int64{2, 3, 4, 2, 5, 0, 0, 0}, []string{"the", "cat", "sat", "on", "the", "mat", "purring", ""}, 5},
	}
	for i, c := range cases {
		c.o.Mode = ModeKeras
		e := mustNew(t, c.o)
		ids := make([]int64, 8)
		i32 := make([]int32, 8)
		f32 := make([]float32, 8)
		strs := make([]string, 8)
		if n := e.EncodeIDs(doc, ids); n != c.n || !slices.Equal(ids, c.ids) {
			t.Errorf("case %d: ids %v n=%d, want %v n=%d", i, ids, n, c.ids, c.n)
		}
		e.EncodeIDs32(doc, i32)
		e.EncodeFloat32(doc, f32)
		for j := range ids {
			if int64(i32[j]) != ids[j] || int64(f32[j]) != ids[j] {
				t.Errorf("case %d: int32 %v float32 %v differ from %v", i, i32, f32, ids)
				break
			}
		}
		e.EncodeStrings(doc, strs)
		if !slices.Equal(strs, c.strs) {
			t.Errorf("case %d: strings %q, want %q", i, strs, c.strs)
		}
	}
	if _, err := New(Options{Mode: ModeKeras, Vocab: v, OOVToken: "[UNK]"}); err == nil {
		t.Error("New accepted an OOV token missing from the vocabulary")
	}
	e := mustNew(t, Options{Mode: ModeKeras})
	row := []int64{7, 7}
	if n := e.EncodeIDs("the cat", row); n != 0 || row[0] != 0 || row[1] != 0 {
		t.Errorf("no vocabulary: %v n=%d, want padding", row, n)
	}
}

// TestTextVectorizationDefaults: the layer pads and truncates at the end.
func TestTextVectorizationDefaults(t *testing.T) {
	e := mustNew(t, Options{Mode: ModeTextVectorization, PadToken: "_"})
	row := make([]string, 4)
	e.EncodeStrings("a b", row)
	if want := []string{"a", "b", "_", "_"}; !slices.Equal(row, want) {
		t.Errorf("padding: %q, want %q", row, want)
	}
	e.EncodeStrings("a b c d e f", row)
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(row, want) {
		t.Errorf("truncating: %q, want %q", row, want)
	}
	e = mustNew(t, Options{Mode: ModeTextVectorization, Padding: Pre, Truncating: Pre, PadToken: "_"})
	e.EncodeStrings("a b c d e f", row)
	if want := []string{"c", "d", "e", "f"}; !slices.Equal(row, want) {
		t.Errorf("explicit pre: %q, want %q", row, want)
	}
}

func TestNewVocabList(t *testing.T) {
	v, err := NewVocabList([]string{"", "[UNK]", "movie", "great"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	e := mustNew(t, Options{Mode: ModeTextVectorization, Vocab: v, OOVToken: "[UNK]"})
	row := make([]int64, 5)
	e.EncodeIDs("A great, GREAT movie!", row)
	if want := []int64{1, 3, 3, 2, 0}; !slices.Equal(row, want) {
		t.Errorf("ids %v, want %v", row, want)
	}
	if _, err := NewVocabList([]string{"a", "b", "a"}, 0); err == nil {
		t.Error("duplicate token accepted")
	}
}

func TestNewErrors(t *testing.T) {
	for _, o := range []Options{{}, {Mode: "bert"}, {Mode: ModeKeras, Padding: "left"}, {Mode: ModeKeras, Truncating: "x"}, {Mode: ModeKeras, MaxLen: -1}, {Mode: ModeKeras, NumWords: -2}, {Mode: ModeSpacy, CharLevel: true}} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) succeeded", o)
		}
	}
}

func TestLoadVocabFormats(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Keras Tokenizer.to_json(): word_index is a JSON string inside JSON.
	toJSON := `{"class_name": "Tokenizer", "config": {"num_words": 3, "filters": "!", "lower": false, "split": " ", "char_level": false, "oov_token": "<OOV>", "document_count": 2, "word_counts": "{\"a\": 2}", "index_word": "{\"1\": \"<OOV>\", \"2\": \"a\", \"3\": \"b\"}", "word_index": "{\"<OOV>\": 1, \"a\": 2, \"b\": 3}"}}`
	v, err := LoadVocab(write("tok.json", toJSON))
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := v.ID("b"); v.Len() != 3 || id != 3 || v.Keras == nil || v.Keras.NumWords != 3 || v.Keras.OOVToken != "<OOV>" || *v.Keras.Filters != "!" || *v.Keras.Lower {
		t.Fatalf("to_json vocabulary: len %d, keras %+v", v.Len(), v.Keras)
	}
	e := mustNew(t, v.Options(Options{}))
	row := make([]int64, 4)
	e.EncodeIDs("a B b! c", row) // lower=false: "B" unknown; num_words=3 sends b (3) to OOV.
	if want := []int64{2, 1, 1, 1}; !slices.Equal(row, want) {
		t.Errorf("to_json options: %v, want %v", row, want)
	}
	v, err = LoadVocab(write("plain.json", `{"x": 1, "y": 2.0}`))
	if id, _ := v.ID("y"); err != nil || v.Len() != 2 || id != 2 || v.Keras != nil {
		t.Fatalf("plain word_index: %v %v", v, err)
	}
	v, err = LoadVocabOffset(write("lines.txt", "\n[UNK]\r\nthe\nand\n"), 0)
	if id, _ := v.ID("and"); err != nil || v.Len() != 4 || id != 3 {
		t.Fatalf("line vocabulary: %v %v", v, err)
	}
	if id, ok := v.ID(""); !ok || id != 0 {
		t.Fatalf("line vocabulary: empty line 0 missing")
	}
	for name, body := range map[string]string{"dup.txt": "a\nb\na\n", "neg.json": `{"a": -1}`, "frac.json": `{"a": 1.5}`, "str.json": `{"a": "x"}`, "badwi.json": `{"word_index": "{"}`} {
		if _, err := LoadVocab(write(name, body)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := LoadVocab(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file: no error")
	}
}

// TestIMDbVocab loads the real aclImdb word list (one token per line).
func TestIMDbVocab(t *testing.T) {
	p := filepath.Join(fixtures.Corpus(t, "aclimdb"), "aclImdb", "imdb.vocab")
	v, err := LoadVocabOffset(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if v.Len() != len(lines) || len(lines) < 89000 {
		t.Fatalf("%d tokens, %d lines", v.Len(), len(lines))
	}
	for _, k := range []int{0, 1, 500, len(lines) - 1} {
		if id, ok := v.ID(lines[k]); !ok || id != int64(k+1) {
			t.Errorf("line %d %q: id %d %v", k+1, lines[k], id, ok)
		}
	}
	e := mustNew(t, Options{Mode: ModeTextVectorization, Vocab: v, Padding: Pre})
	row := make([]int64, 6)
	e.EncodeIDs("The movie was GREAT!", row)
	want := []int64{0, 0, 0, 0, 0, 0}
	for i, w := range []string{"the", "movie", "was", "great"} {
		id, _ := v.ID(w)
		want[2+i] = id
	}
	if !slices.Equal(row, want) || want[2] != 1 {
		t.Errorf("ids %v, want %v", row, want)
	}
}

func TestConcurrentUse(t *testing.T) {
	docs := corpusDocs(t, 200)
	for _, m := range []Mode{ModeKeras, ModeTextVectorization, ModeWhitespace, ModeSpacy} {
		e := mustNew(t, Options{Mode: m})
		want := make([][]string, len(docs))
		for i, d := range docs {
			want[i] = e.Split(d, nil)
		}
		errs := make(chan error, 4)
		for g := range 4 {
			go func() {
				var got []string
				for i := g; i < len(docs); i += 4 {
					got = e.Split(docs[i], got)
					if !slices.Equal(got, want[i]) {
						errs <- fmt.Errorf("%s doc %d differs under concurrency", m, i)
						return
					}
				}
				errs <- nil
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	}
}
