package tokenize

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"", " ", "Hello, World!", "don't stop-me (U.S.) e.g. $3.50...", "ΟΔΟΣ İstanbul ÉCOLE", "a\xffb\xc3", "\xed\xa0\x80",
	"http://foo.com/blah_(wikipedia)#cite-1).", "Hi:) <br /><br />It's 10km.", "\t\n\v\f\r \u00a0\u2003\u3000x",
	"I loved this movie!!! 10/10 — would watch again… “Really”.", strings.Repeat("ab-", 50),
}

func fuzzEncoders(t testing.TB) []*Encoder {
	v, err := NewVocab(map[string]int64{"the": 1, "a": 2, "movie": 3, "<unk>": 4, "good": 70000})
	if err != nil {
		t.Fatal(err)
	}
	var encs []*Encoder
	for _, o := range []Options{
		{Mode: ModeKeras}, {Mode: ModeKeras, Split: "ab", Filters: "x\u00e9"}, {Mode: ModeKeras, Split: "é"}, {Mode: ModeKeras, CharLevel: true},
		{Mode: ModeTextVectorization}, {Mode: ModeWhitespace, Lower: Bool(true)},
		{Mode: ModeSpacy}, {Mode: ModeSpacy, Lower: Bool(false)},
	} {
		o.Vocab, o.OOVToken, o.NumWords, o.Padding = v, "<unk>", 100, Post
		encs = append(encs, mustNew(t, o))
	}
	return encs
}

// FuzzEncoders runs every mode on arbitrary bytes: no panic, rows of the
// fixed length, counts that agree with Split, and per-mode invariants.
func FuzzEncoders(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	encs := fuzzEncoders(f)
	f.Fuzz(func(t *testing.T, text string) {
		for _, e := range encs {
			toks := e.Split(text, nil)
			for _, tok := range toks {
				if tok == "" {
					t.Fatalf("%s: empty token in %q", e.mode, toks)
				}
			}
			row := make([]string, 7)
			if n := e.EncodeStrings(text, row); !sameCount(e, n, len(toks), len(row)) || len(row) != 7 {
				t.Fatalf("%s: EncodeStrings n=%d, Split has %d tokens", e.mode, n, len(toks))
			}
			ids := make([]int64, 5)
			n := e.EncodeIDs(text, ids)
			if n > len(toks) {
				t.Fatalf("%s: %d ids from %d tokens", e.mode, n, len(toks))
			}
			for _, id := range ids {
				if id < 0 || id > 4 {
					t.Fatalf("%s: id %d out of the vocabulary (num_words 100)", e.mode, id)
				}
			}
			f32 := make([]float32, 5)
			e.EncodeFloat32(text, f32)
			for i := range ids {
				if int64(f32[i]) != ids[i] {
					t.Fatalf("%s: float32 row %v, int64 row %v", e.mode, f32, ids)
				}
			}
			checkInvariants(t, e, text, toks)
		}
	})
}

func checkInvariants(t *testing.T, e *Encoder, text string, toks []string) {
	switch e.mode {
	case ModeTextVectorization:
		if want := refTextVectorization(text); !equalStrings(toks, want) {
			t.Fatalf("textvectorization %q: %q, reference %q", text, toks, want)
		}
	case ModeWhitespace:
		want := refWhitespace(text)
		for i := range want {
			want[i] = asciiLower(want[i])
		}
		if !equalStrings(toks, want) {
			t.Fatalf("whitespace %q: %q, reference %q", text, toks, want)
		}
	case ModeKeras:
		if e.split == " " && !e.charLevel && utf8.ValidString(text) {
			if want := refKeras(text); !equalStrings(toks, want) && !strings.ContainsAny(text, "ΣİK") {
				t.Fatalf("keras %q: %q, reference %q", text, toks, want)
			}
		}
	case ModeSpacy:
		if !e.lower {
			// Tokens are the text with single spaces removed, in order.
			got := strings.Join(toks, "")
			if strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(text, " ", "") {
				t.Fatalf("spacy %q: tokens %q do not cover the text", text, toks)
			}
		}
	}
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzParseVocab feeds arbitrary bytes to the vocabulary parser.
func FuzzParseVocab(f *testing.F) {
	f.Add([]byte("\n[UNK]\nthe\n"), 0)
	f.Add([]byte(`{"config": {"word_index": "{\"a\": 1}", "num_words": 5}}`), 1)
	f.Add([]byte(`{"word_index": {"a": 1, "b": 2}}`), 0)
	f.Add([]byte(`{"a": 1e3}`), 0)
	f.Add([]byte("{not json\nx\n"), 2)
	f.Fuzz(func(t *testing.T, data []byte, offset int) {
		v, err := ParseVocab(data, offset%1000)
		if err != nil {
			return
		}
		if v.Len() > bytes.Count(data, []byte("\n"))+1 && !bytes.Contains(data, []byte("{")) {
			t.Fatalf("%d tokens from %d lines", v.Len(), bytes.Count(data, []byte("\n"))+1)
		}
		for tok, en := range v.ids {
			if id, ok := v.ID(tok); !ok || id != en.id || id < 0 || en.tok != tok {
				t.Fatalf("token %q: id %d %v", tok, id, ok)
			}
		}
		_ = v.Options(Options{})
	})
}
