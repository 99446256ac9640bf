package pipeline_test

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/native"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/pipeline"
	"github.com/scorekit/score/reader"
	"github.com/scorekit/score/tensor"
	"github.com/scorekit/score/writer"
)

// TestRunRawTextArenaPoisoned feeds raw text (no tokenizer in Go) to a real
// Keras TextVectorization model, so the engine itself splits the texts that
// live in a poisoned arena of small blocks: every output row must equal
// the model's output for that text run on its own copy, and blocks must
// have been reused while batches were in flight.
func TestRunRawTextArenaPoisoned(t *testing.T) {
	model := fixtures.SavedModel(t, "arxiv_textvec_gap_softmax_tf2/cnn_model")
	csvPath := filepath.Join(fixtures.Corpus(t, "imdb-dataset-csv"), "IMDB Dataset.csv")
	m, err := native.New().Load(context.Background(), model, engine.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	in, err := reader.Expand([]string{csvPath}, reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "scores.jsonl")
	arena := reader.NewTextArena(reader.ArenaOptions{BlockBytes: 64 << 10, Poison: true})
	rep, err := pipeline.Run(context.Background(), m, pipeline.Options{
		Inputs: reader.List(in), Reader: reader.Options{Arena: arena},
		BatchSize: 32, TokenizeWorkers: 2, InFlight: 2,
		OpenWriter: func(s writer.Schema) (writer.Writer, error) { return writer.Create(out, s, writer.Options{}) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if s := arena.Stats(); s.Reused == 0 {
		t.Fatalf("arena %+v: no block was reused", s)
	}
	rows := readJSONL(t, out)
	src, err := reader.OpenAll(in, reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var texts []string
	for {
		r, err := src.Next(context.Background())
		if err != nil {
			break
		}
		texts = append(texts, r.Text)
	}
	if len(rows) != len(texts) || rep.Scored != int64(len(texts)) {
		t.Fatalf("%d rows, %d texts, %d scored", len(rows), len(texts), rep.Scored)
	}
	const width = 30
	for lo := 0; lo < len(texts); lo += 64 {
		hi := min(lo+64, len(texts))
		feed, err := tensor.New(tensor.String, []int{hi - lo, 1}, append([]string(nil), texts[lo:hi]...))
		if err != nil {
			t.Fatal(err)
		}
		outs, err := m.Run(context.Background(), map[string]*tensor.Tensor{"input_9": feed})
		if err != nil {
			t.Fatal(err)
		}
		want := tensor.MustValues[float32](outs["activation_8"])
		for i := lo; i < hi; i++ {
			for k := range width {
				got, ok := rows[i][fmt.Sprintf("activation_8_%d", k)].(float64)
				w := float64(want[(i-lo)*width+k])
				if !ok || math.Abs(got-w) > 1e-5 {
					t.Fatalf("row %d output %d: %v (%v), run alone %v", i, k, rows[i][fmt.Sprintf("activation_8_%d", k)], ok, w)
				}
			}
		}
	}
}
