package textops

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/bundle"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// graphNode finds the first node running opName in the model's functions
// (where Keras puts TextVectorization) or main graph.
func graphNode(t *testing.T, sm *tfpb.SavedModel, opName string) *tfpb.NodeDef {
	t.Helper()
	g := sm.GetMetaGraphs()[0].GetGraphDef()
	for _, f := range g.GetLibrary().GetFunction() {
		for _, n := range f.GetNodeDef() {
			if n.GetOp() == opName {
				return n
			}
		}
	}
	for _, n := range g.GetNode() {
		if n.GetOp() == opName {
			return n
		}
	}
	t.Fatalf("no %s node in the model", opName)
	return nil
}

// nodeCtx is a test context carrying a real NodeDef's attrs.
func nodeCtx(t *testing.T, n *tfpb.NodeDef, res *op.Resources) *testCtx {
	c := newCtx(t, n.GetOp(), res, nil)
	c.node = n.GetName()
	for k, v := range n.GetAttr() {
		c.attrs[k] = v
	}
	return c
}

type tokenNote struct {
	NTokens  int     `json:"n_tokens_after_standardize_split"`
	FirstIDs []int64 `json:"first_ids"`
	NOOV     int     `json:"n_oov"`
}

// TestKerasTextVectorizationChains runs the real graphs' StringLower,
// StaticRegexReplace and StringSplitV2 nodes (their own attrs), a lookup
// table loaded the way each model loads it (TF 2.12: LookupTableImportV2 of
// Const keys/values; TF 2.3: MutableHashTableV2 restored from checkpoint
// table-keys/table-values) with OOV default 1, and RaggedTensorToTensor with
// the graph's row partitions, and compares the token ids with the
// fixture author's independent numpy pass (input_notes of the expected
// outputs).
func TestKerasTextVectorizationChains(t *testing.T) {
	cases := []struct {
		dir, model, input string
		width             int
		fromCheckpoint    bool
	}{
		{"arxiv_textvec_gap_softmax_tf2", "cnn_model", "input_9", 256, false},
		{"graph_only_conv1d/anime_review_textvec_conv1d_tf23", "cnn", "input_4", 100, true},
	}
	for _, cs := range cases {
		t.Run(cs.dir, func(t *testing.T) {
			dir := fixtures.SavedModel(t, cs.dir)
			data, err := os.ReadFile(filepath.Join(dir, cs.model, "saved_model.pb"))
			if err != nil {
				t.Fatal(err)
			}
			var sm tfpb.SavedModel
			if err := proto.Unmarshal(data, &sm); err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(filepath.Join(dir, "expected_outputs.derived.json"))
			if err != nil {
				t.Fatal(err)
			}
			var exp struct {
				Feeds map[string]struct {
					Values [][]string `json:"values"`
				} `json:"feeds"`
				Notes []tokenNote `json:"input_notes"`
			}
			if err := json.Unmarshal(raw, &exp); err != nil {
				t.Fatal(err)
			}
			var texts []string
			for _, row := range exp.Feeds[cs.input].Values {
				texts = append(texts, row[0])
			}
			if len(texts) == 0 || len(texts) != len(exp.Notes) {
				t.Fatalf("%d inputs, %d notes", len(texts), len(exp.Notes))
			}
			res := op.NewResources()
			x := strs([]int{len(texts)}, texts...)
			x = mustRun(t, nodeCtx(t, graphNode(t, &sm, "StringLower"), res), x)[0]
			x = mustRun(t, nodeCtx(t, graphNode(t, &sm, "StaticRegexReplace"), res), x)[0]
			sp := mustRun(t, nodeCtx(t, graphNode(t, &sm, "StringSplitV2"), res), x, tensor.Scalar(""))

			keys, vals := vocab(t, &sm, filepath.Join(dir, cs.model), cs.fromCheckpoint)
			tableOp := "HashTableV2"
			if cs.fromCheckpoint {
				tableOp = "MutableHashTableV2"
			}
			h := mustRun(t, nodeCtx(t, graphNode(t, &sm, tableOp), res))[0]
			mustRun(t, newCtx(t, "LookupTableImportV2", res, nil), h, keys, vals)
			ids := mustRun(t, nodeCtx(t, graphNode(t, &sm, "LookupTableFindV2"), res), h, sp[1], tensor.Scalar(int64(1)))[0]

			rowids := make([]int64, sp[1].NumElements())
			for i := range rowids {
				rowids[i] = tensor.MustValues[int64](sp[0])[2*i]
			}
			rt := nodeCtx(t, graphNode(t, &sm, "RaggedTensorToTensor"), res)
			shape := tensor.Must(tensor.Int64, []int{2}, []int64{-1, int64(cs.width)})
			if dt, err := op.Type(rt, "Tshape"); err == nil && dt == tensor.Int32 {
				shape = tensor.Must(tensor.Int32, []int{2}, []int32{-1, int32(cs.width)})
			}
			// TF 2.12 passes FIRST_DIM_SIZE + VALUE_ROWIDS, TF 2.3 ROW_SPLITS.
			parts := []*tensor.Tensor{tensor.Scalar(int64(len(texts))), tensor.Must(tensor.Int64, []int{len(rowids)}, rowids)}
			if types, _ := op.Strings(rt, "row_partition_types"); len(types) == 1 && types[0] == "ROW_SPLITS" {
				splits := make([]int64, len(texts)+1)
				for _, r := range rowids {
					splits[r+1]++
				}
				for i := 1; i < len(splits); i++ {
					splits[i] += splits[i-1]
				}
				parts = []*tensor.Tensor{tensor.Must(tensor.Int64, []int{len(splits)}, splits)}
			}
			dense := mustRun(t, rt, append([]*tensor.Tensor{shape, ids, tensor.Scalar(int64(0))}, parts...)...)[0]
			if dense.Dim(0) != len(texts) || dense.Dim(1) != cs.width {
				t.Fatalf("dense shape %v", dense.Shape())
			}
			d := tensor.MustValues[int64](dense)
			for r, note := range exp.Notes {
				row := d[r*cs.width : (r+1)*cs.width]
				ntok, oov := 0, 0
				for i := range rowids {
					if rowids[i] == int64(r) {
						ntok++
					}
				}
				for _, id := range row {
					if id == 1 {
						oov++
					}
				}
				if ntok != note.NTokens {
					t.Errorf("row %d %q: %d tokens, numpy %d", r, texts[r], ntok, note.NTokens)
				}
				for i, want := range note.FirstIDs {
					if row[i] != want {
						t.Errorf("row %d %q: id[%d] = %d, numpy %d", r, texts[r], i, row[i], want)
						break
					}
				}
				if oov != note.NOOV {
					t.Errorf("row %d: %d OOV ids, numpy %d", r, oov, note.NOOV)
				}
			}
		})
	}
}

// vocab returns the model's vocabulary keys and ids: from the checkpoint's
// MutableHashTable entries, or from the string and int64 Consts of the
// main graph that feed the init function's LookupTableImportV2.
func vocab(t *testing.T, sm *tfpb.SavedModel, modelDir string, fromCheckpoint bool) (*tensor.Tensor, *tensor.Tensor) {
	t.Helper()
	if fromCheckpoint {
		r, err := bundle.Open(filepath.Join(modelDir, "variables", "variables"))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		const base = "layer_with_weights-0/_index_lookup_layer/_table/.ATTRIBUTES/"
		k, err := r.Tensor(base + "table-keys")
		if err != nil {
			t.Fatal(err)
		}
		v, err := r.Tensor(base + "table-values")
		if err != nil {
			t.Fatal(err)
		}
		return k.Clone(), v.Clone()
	}
	var k, v *tensor.Tensor
	for _, n := range sm.GetMetaGraphs()[0].GetGraphDef().GetNode() {
		if n.GetOp() != "Const" {
			continue
		}
		c, err := savedmodel.DecodeTensor(n.GetAttr()["value"].GetTensor())
		if err != nil || c.NumElements() < 500 {
			continue
		}
		switch c.DType() {
		case tensor.String:
			k = c
		case tensor.Int64:
			v = c
		}
	}
	if k == nil || v == nil || k.NumElements() != v.NumElements() {
		t.Fatalf("vocabulary Consts not found (keys %v, values %v)", k, v)
	}
	return k, v
}
