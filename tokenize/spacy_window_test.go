package tokenize

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
)

// windowTexts are texts whose chunk boundaries the backward scan must find
// exactly as the forward one does: leading, trailing and repeated spaces,
// non-ASCII and invalid bytes next to whitespace.
var windowTexts = []string{
	" a", "a ", "  a  b  ", " ", "  ", "a  ", "\u2003x\u00a0 y", "x \u3000 y\u2009", "\xe2\x80 \x89a b",
	"\xe2\x80\x89 a", "a \xe2\x80\x89", "It's 10km. ", " Don't!", "a.\n\nb.", "\ta\t", "é é", "(U.S.) e.g.",
}

// spacyIDEncoders are spaCy encoders with a vocabulary small enough to
// drop (no OOV token) or replace (OOV token) many tokens, in every padding
// and truncation.
func spacyIDEncoders(t testing.TB) []*Encoder {
	v, err := LoadVocabOffset(filepath.Join(fixtures.Corpus(t, "aclimdb"), "aclImdb", "imdb.vocab"), 1)
	if err != nil {
		t.Fatal(err)
	}
	var encs []*Encoder
	for _, oov := range []string{"", "the"} {
		for _, lower := range []bool{true, false} {
			for _, side := range [][2]string{{Pre, Pre}, {Pre, Post}, {Post, Pre}, {Post, Post}} {
				encs = append(encs, mustNew(t, Options{Mode: ModeSpacy, Lower: Bool(lower), Vocab: v, NumWords: 500,
					OOVToken: oov, Padding: side[0], Truncating: side[1], PadToken: "<pad>"}))
			}
		}
	}
	return encs
}

// refIDs is EncodeIDs computed the plain way: every token of Split looked
// up, then pad_sequences.
func refIDs(e *Encoder, text string, L int) (row []int64, n int) {
	var seq []int64
	for _, tok := range e.Split(text, nil) {
		id, ok := e.vocab.ID(tok)
		switch {
		case ok && id < e.numWords:
			seq = append(seq, id)
		case e.hasOOV:
			seq = append(seq, e.oovID)
		}
	}
	row = make([]int64, L)
	place(row, seq, 0, e.padPost, e.truncPost)
	return row, len(seq)
}

func checkWindowIDs(t *testing.T, encs []*Encoder, text string) {
	t.Helper()
	for _, e := range encs {
		for _, L := range []int{0, 1, 3, 7, 100, 300} {
			want, wantN := refIDs(e, text, L)
			row := make([]int64, L)
			n := e.EncodeIDs(text, row)
			f32 := make([]float32, L)
			n32 := e.EncodeFloat32(text, f32)
			if !sameCount(e, n, wantN, L) || !sameCount(e, n32, wantN, L) || !slices.Equal(row, want) {
				t.Fatalf("lower=%v oov=%v pad/trunc post %v/%v L=%d on %q: n=%d/%d ids %v, want n=%d ids %v",
					e.lower, e.hasOOV, e.padPost, e.truncPost, L, clip(text), n, n32, row, wantN, want)
			}
			for i := range row {
				if int64(f32[i]) != row[i] {
					t.Fatalf("float32 row %v, int64 row %v", f32, row)
				}
			}
		}
	}
}

// TestSpacyWindowIDs: ids rows that spaCy fills from whole chunks at the
// kept end (counting only the tokens the vocabulary keeps) equal the rows
// of the whole text's ids.
func TestSpacyWindowIDs(t *testing.T) {
	encs := spacyIDEncoders(t)
	for _, d := range corpusSample(t, 300, 20) {
		checkWindowIDs(t, encs, d)
	}
	for _, s := range append(slices.Clone(fuzzSeeds), windowTexts...) {
		checkWindowIDs(t, encs, s)
		checkWindowIDs(t, encs, strings.Repeat(s+" ", 40))
	}
}

// TestSpacyWindowStrings does the same for string rows, on the texts whose
// whitespace the backward scan must get right.
func TestSpacyWindowStrings(t *testing.T) {
	encs := windowEncoders(t)
	for _, s := range windowTexts {
		checkWindow(t, encs, s)
		checkWindow(t, encs, strings.Repeat(s, 30))
	}
}

func FuzzSpacyWindowIDs(f *testing.F) {
	for _, s := range append(slices.Clone(fuzzSeeds), windowTexts...) {
		f.Add(s)
	}
	encs := spacyIDEncoders(f)
	f.Fuzz(func(t *testing.T, text string) { checkWindowIDs(t, encs, text) })
}
