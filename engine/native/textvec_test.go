package native

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/tensor"
	"github.com/scorekit/score/tokenize"
)

// corpusDocs reads the real test documents: every line of the sentiment
// labelled sentences (sentence TAB label) and the first 500 negative and
// 500 positive aclImdb test reviews (by file name).
func corpusDocs(t *testing.T) []string {
	var docs []string
	sls := fixtures.Corpus(t, "sentiment-labelled-sentences")
	files, err := filepath.Glob(filepath.Join(sls, "*_labelled.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no *_labelled.txt in %s (%v)", sls, err)
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			text, _, _ := strings.Cut(sc.Text(), "\t")
			docs = append(docs, text)
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	imdb := fixtures.Corpus(t, "aclimdb")
	for _, label := range []string{"neg", "pos"} {
		dir := filepath.Join(imdb, "aclImdb", "test", label)
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		names := make([]string, 0, len(ents))
		for _, e := range ents {
			names = append(names, e.Name())
		}
		slices.Sort(names)
		for _, n := range names[:min(500, len(names))] {
			b, err := os.ReadFile(filepath.Join(dir, n))
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, string(b))
		}
	}
	return docs
}

// TestTokenizeMatchesInGraphTextVectorization checks score's Go tokenizer
// (tokenize, mode textvectorization) against the models' own in-graph
// Keras TextVectorization, run by this engine, on the real corpora: the
// StringSplitV2 tokens must agree token for token, and the model's id rows
// (RaggedTensorToTensor) must equal the ids of the Go tokens looked up in
// the vocabulary the model imports at load (LookupTableImportV2).
func TestTokenizeMatchesInGraphTextVectorization(t *testing.T) {
	docs := corpusDocs(t)
	if raceEnabled { // every 5th document keeps -race runs short
		var sample []string
		for i := 0; i < len(docs); i += 5 {
			sample = append(sample, docs[i])
		}
		docs = sample
	}
	enc, err := tokenize.New(tokenize.Options{Mode: tokenize.ModeTextVectorization})
	if err != nil {
		t.Fatal(err)
	}
	for _, fixture := range []string{
		"arxiv_textvec_gap_softmax_tf2/cnn_model",
		"graph_only_conv1d/anime_review_textvec_conv1d_tf23/cnn",
	} {
		t.Run(fixture, func(t *testing.T) {
			e := New()
			vocab := map[string]int64{}
			e.loadTrace = &tracer{fn: func(node, op string, in, _ []*tensor.Tensor) {
				if op != "LookupTableImportV2" {
					return
				}
				keys, err1 := tensor.Values[string](in[1])
				vals, err2 := tensor.Values[int64](in[2])
				if err1 != nil || err2 != nil || len(keys) != len(vals) {
					t.Errorf("%s: keys %s, values %s", node, in[1], in[2])
					return
				}
				for i, k := range keys {
					vocab[k] = vals[i]
				}
			}}
			m, err := e.Load(context.Background(), fixtures.SavedModel(t, fixture), engine.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if len(vocab) < 100 {
				t.Fatalf("load imported %d vocabulary entries, want the model's vocabulary", len(vocab))
			}
			in := m.Signature().Inputs[0]
			const batch = 256
			checked, tokens := 0, 0
			for lo := 0; lo < len(docs); lo += batch {
				part := docs[lo:min(len(docs), lo+batch)]
				var splits [][]*tensor.Tensor
				var ids []*tensor.Tensor
				feed := tensor.Must(tensor.String, []int{len(part), 1}, slices.Clone(part))
				_, err := m.(*Model).RunTrace(context.Background(), map[string]*tensor.Tensor{in.Key: feed},
					func(node, op string, out []*tensor.Tensor) {
						switch op {
						case "StringSplitV2":
							// Keras saves the layer inside a function:
							// the trace names it "function/node".
							if !strings.Contains(node, "/") {
								t.Errorf("StringSplitV2 traced as %q, want a function path", node)
							}
							splits = append(splits, []*tensor.Tensor{out[0].Clone(), out[1].Clone()})
						case "RaggedTensorToTensor":
							ids = append(ids, out[0].Clone())
						}
					})
				if err != nil {
					t.Fatal(err)
				}
				if len(splits) != 1 || len(ids) != 1 {
					t.Fatalf("trace saw %d StringSplitV2 and %d RaggedTensorToTensor nodes, want 1 each", len(splits), len(ids))
				}
				idx := tensor.MustValues[int64](splits[0][0])
				vals := tensor.MustValues[string](splits[0][1])
				rows := make([][]string, len(part))
				for i, v := range vals {
					r := idx[2*i]
					if r < 0 || int(r) >= len(rows) || int(idx[2*i+1]) != len(rows[r]) {
						t.Fatalf("StringSplitV2 index %d = %v out of order", i, idx[2*i:2*i+2])
					}
					rows[r] = append(rows[r], v)
				}
				idRows := ids[0]
				width := idRows.Dim(1)
				got := tensor.MustValues[int64](idRows)
				for i, doc := range part {
					want := enc.Split(doc, nil)
					if !slices.Equal(rows[i], want) {
						t.Errorf("doc %d: tokens differ\nmodel: %q\ngo:    %q\ntext:  %q", lo+i, rows[i], want, doc)
						continue
					}
					wantIDs := make([]int64, width)
					for j, tok := range want[:min(len(want), width)] {
						id, ok := vocab[tok]
						if !ok {
							id = 1 // TextVectorization's OOV index
						}
						wantIDs[j] = id
					}
					if row := got[i*width : (i+1)*width]; !slices.Equal(row, wantIDs) {
						t.Errorf("doc %d: ids differ\nmodel: %v\ngo:    %v", lo+i, row, wantIDs)
					}
					checked++
					tokens += len(want)
				}
				if t.Failed() {
					return
				}
			}
			t.Logf("%d documents, %d tokens agree", checked, tokens)
		})
	}
}
