//go:build !race

package tokenize

import (
	"path/filepath"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
)

// TestAllocations holds the hot path to its budget: with reused rows,
// EncodeIDs allocates nothing per document and EncodeStrings at most one
// string (the lower-cased tokens) — averaged over real reviews. (The race
// detector makes sync.Pool drop items, hence the build tag.)
func TestAllocations(t *testing.T) {
	docs := imdbDocs(t, 50)
	v, err := LoadVocabOffset(filepath.Join(fixtures.Corpus(t, "aclimdb"), "aclImdb", "imdb.vocab"), 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []Mode{ModeKeras, ModeTextVectorization, ModeWhitespace, ModeSpacy} {
		e := mustNew(t, Options{Mode: m, Vocab: v, OOVToken: "the"})
		ids := make([]int64, 200)
		f32 := make([]float32, 200)
		strs := make([]string, 200)
		i := 0
		if a := testing.AllocsPerRun(200, func() { e.EncodeIDs(docs[i%len(docs)], ids); i++ }); a > 0 {
			t.Errorf("%s: EncodeIDs %.0f allocations per document", m, a)
		}
		if a := testing.AllocsPerRun(200, func() { e.EncodeFloat32(docs[i%len(docs)], f32); i++ }); a > 0 {
			t.Errorf("%s: EncodeFloat32 %.0f allocations per document", m, a)
		}
		if a := testing.AllocsPerRun(200, func() { e.EncodeStrings(docs[i%len(docs)], strs); i++ }); a > 0 {
			t.Errorf("%s: EncodeStrings with a vocabulary: %.0f allocations per document", m, a)
		}
		plain := mustNew(t, Options{Mode: m})
		if a := testing.AllocsPerRun(200, func() { plain.EncodeStrings(docs[i%len(docs)], strs); i++ }); a > 1 {
			t.Errorf("%s: EncodeStrings %.0f allocations per document", m, a)
		}
	}
}
