package pipeline

import (
	"reflect"
	"strings"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/reader"
	"github.com/scorekit/score/tensor"
	"github.com/scorekit/score/tokenize"
)

// TestRecycledInputs builds inputs into slices given back by recycle (full
// of an earlier batch's values) and compares them with a fresh Feeder's:
// every element must be written again, padding included.
func TestRecycledInputs(t *testing.T) {
	ins, err := reader.Expand([]string{fixtures.Corpus(t, "aclimdb/aclImdb/test/pos")}, reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, in := range ins[:60] {
		s, err := reader.Open(in, reader.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rec, err := s.Next(t.Context())
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, rec.Text)
	}
	docs = append(docs, "", "one", strings.Repeat("word ", 500))
	v, err := tokenize.NewVocab(map[string]int64{"the": 1, "a": 2, "movie": 3, "<unk>": 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, dt := range []tensor.DType{tensor.String, tensor.Int64, tensor.Int32, tensor.Float} {
		sig := engine.Signature{Key: "k", Inputs: []engine.TensorSpec{{Key: "in", DType: dt, Shape: []int{-1, 40}}}}
		o := FeedOptions{Tokenize: tokenize.Options{Mode: tokenize.ModeKeras, Vocab: v, OOVToken: "<unk>", PadToken: "<pad>"}}
		used, err := NewFeeder(sig, o)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := NewFeeder(sig, o)
		if err != nil {
			t.Fatal(err)
		}
		// Long documents first, so that the recycled slices are full of
		// tokens where the later rows have padding.
		for i := len(docs) - 1; i >= 0; i -= 5 {
			batch := docs[max(0, i-9) : i+1]
			if i%2 == 0 {
				batch = docs[max(0, i-3) : i+1]
			}
			got, err := used.Build(batch)
			if err != nil {
				t.Fatal(err)
			}
			want, err := fresh.Build(batch)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got["in"].Data(), want["in"].Data()) {
				t.Fatalf("%s batch ending at %d: recycled input differs from a fresh one", dt, i)
			}
			used.recycle(got)
		}
	}
}
