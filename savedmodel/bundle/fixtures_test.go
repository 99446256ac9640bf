package bundle

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/tensor"
)

// fixturePrefixes lists every variables/variables prefix under the shared
// SavedModel fixtures.
func fixturePrefixes(t *testing.T) []string {
	t.Helper()
	root := fixtures.Path(t, "fixtures/savedmodels")
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == "variables.index" {
			out = append(out, strings.TrimSuffix(p, ".index"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// 7 tfjs + 2 graph_only + 3 tfserving + tfx + arxiv + sms + imdb.
	if len(out) < 16 {
		t.Fatalf("found %d fixture bundles, want at least 16: %v", len(out), out)
	}
	return out
}

func TestOpenEveryFixture(t *testing.T) {
	for _, prefix := range fixturePrefixes(t) {
		name, _ := filepath.Rel(fixtures.Path(t, "fixtures/savedmodels"), prefix)
		t.Run(name, func(t *testing.T) {
			r, err := Open(prefix)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.NumShards() != 1 {
				t.Errorf("NumShards = %d, want 1", r.NumShards())
			}
			keys := r.Keys()
			if !sort.StringsAreSorted(keys) || len(keys) == 0 {
				t.Fatalf("keys not sorted or empty: %v", keys)
			}
			for _, k := range keys {
				e, _ := r.Entry(k)
				ten, err := r.Tensor(k)
				if err != nil {
					t.Fatalf("%s: %v", k, err)
				}
				if int32(ten.DType()) != int32(e.Dtype) {
					t.Errorf("%s: dtype %v, entry says %v", k, ten.DType(), e.Dtype)
				}
				if len(ten.Shape()) != len(e.Shape.GetDim()) {
					t.Errorf("%s: rank %d, entry says %d", k, len(ten.Shape()), len(e.Shape.GetDim()))
				}
			}
			// Every TF2 bundle carries the object graph as a string scalar.
			if e, ok := r.Entry("_CHECKPOINTABLE_OBJECT_GRAPH"); ok {
				ten, _ := r.Tensor("_CHECKPOINTABLE_OBJECT_GRAPH")
				if e.Dtype != 7 || ten.NumElements() != 1 || len(tensor.MustValues[string](ten)[0]) == 0 {
					t.Errorf("_CHECKPOINTABLE_OBJECT_GRAPH: %v %v", e.Dtype, ten)
				}
			}
		})
	}
}

func scalarF32(t *testing.T, r *Reader, key string) float32 {
	t.Helper()
	ten, err := r.Tensor(key)
	if err != nil {
		t.Fatal(err)
	}
	v, err := tensor.Values[float32](ten)
	if err != nil || len(v) != 1 || ten.Rank() != 0 {
		t.Fatalf("%s: want float32 scalar, got %v (%v)", key, ten, err)
	}
	return v[0]
}

// Values documented in the fixtures' SOURCE.md files.
func TestDocumentedValues(t *testing.T) {
	cases := []struct {
		model string
		want  map[string]float32
	}{
		{"tfserving_half_plus_two_tf1/00000123", map[string]float32{"a": 0.5, "b": 2, "c": 3, "a2": 0.5, "c2": 3}},
		{"tfserving_half_plus_three_tf1/00000123", map[string]float32{"a": 0.5, "b": 3, "c": 3}},
		{"tfserving_half_plus_two_tf2/00000123", map[string]float32{
			"a/.ATTRIBUTES/VARIABLE_VALUE": 0.5, "b/.ATTRIBUTES/VARIABLE_VALUE": 2, "c/.ATTRIBUTES/VARIABLE_VALUE": 3}},
	}
	for _, c := range cases {
		r, err := Open(filepath.Join(fixtures.SavedModel(t, c.model), "variables", "variables"))
		if err != nil {
			t.Fatal(err)
		}
		for k, want := range c.want {
			if got := scalarF32(t, r, k); got != want {
				t.Errorf("%s %s = %v, want %v", c.model, k, got, want)
			}
		}
		r.Close()
	}
	// int64_multiply: v1=3, v2=2 (tfjs-node/python/int64_model.py).
	r, err := Open(filepath.Join(fixtures.SavedModel(t, "tfjs_node_test_objects/int64_multiply"), "variables", "variables"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for k, want := range map[string]int64{"v1/.ATTRIBUTES/VARIABLE_VALUE": 3, "v2/.ATTRIBUTES/VARIABLE_VALUE": 2} {
		ten, err := r.Tensor(k)
		if err != nil {
			t.Fatal(err)
		}
		if v := tensor.MustValues[int64](ten); len(v) != 1 || v[0] != want {
			t.Errorf("%s = %v, want %d", k, v, want)
		}
	}
}

func TestDocumentedShapes(t *testing.T) {
	r, err := Open(filepath.Join(fixtures.SavedModel(t, "graph_only_conv1d/scotus_embedding_conv1d_tf27/cnn_model"), "variables", "variables"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ten, err := r.Tensor("layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE")
	if err != nil {
		t.Fatal(err)
	}
	if ten.DType() != tensor.Float || ten.Dim(0) != 19415 || ten.Dim(1) != 100 {
		t.Fatalf("embeddings: %v, want float32[19415,100]", ten)
	}
	// WEIGHTS.derived.md: 7766000 bytes at offset 0.
	if e, _ := r.Entry("layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"); e.Offset != 0 || e.Size != 7766000 {
		t.Fatalf("embeddings entry at %d size %d", e.Offset, e.Size)
	}
}

// Writing back what we read from a TensorFlow-written bundle, in data-file
// order, must give TensorFlow's bytes: identical files where TF wrote
// uncompressed blocks, the same entries and data where it used Snappy.
func TestRewriteMatchesTensorFlow(t *testing.T) {
	for _, prefix := range fixturePrefixes(t) {
		name, _ := filepath.Rel(fixtures.Path(t, "fixtures/savedmodels"), prefix)
		t.Run(name, func(t *testing.T) {
			r, err := Open(prefix)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			keys := r.Keys()
			sort.SliceStable(keys, func(i, j int) bool {
				a, _ := r.Entry(keys[i])
				b, _ := r.Entry(keys[j])
				return a.Offset < b.Offset
			})
			out := filepath.Join(t.TempDir(), "variables", "variables")
			w, err := Create(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				ten, err := r.Tensor(k)
				if err != nil {
					t.Fatal(err)
				}
				if err := w.Add(k, ten); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Finish(); err != nil {
				t.Fatal(err)
			}
			realData, _ := os.ReadFile(DataFile(prefix, 0, 1))
			ourData, _ := os.ReadFile(DataFile(out, 0, 1))
			if !bytes.Equal(realData, ourData) {
				t.Errorf("data file differs (%d vs %d bytes)", len(realData), len(ourData))
			}
			realIdx, _ := os.ReadFile(IndexFile(prefix))
			ourIdx, _ := os.ReadFile(IndexFile(out))
			rt, err := parseTable(realIdx)
			if err != nil {
				t.Fatal(err)
			}
			compressed := false
			for _, c := range rt.compression {
				compressed = compressed || c != noCompression
			}
			if !compressed {
				if !bytes.Equal(realIdx, ourIdx) {
					t.Fatalf("index differs from TensorFlow's (%d vs %d bytes)", len(realIdx), len(ourIdx))
				}
				return
			}
			ot, err := parseTable(ourIdx)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := flatten(ot), flatten(rt); !equalEntries(got, want) {
				t.Fatalf("entries differ:\nours %v\nTF's %v", got, want)
			}
		})
	}
}

func flatten(t *table) []blockEntry {
	var out []blockEntry
	for _, b := range t.blocks {
		out = append(out, b...)
	}
	return out
}

func equalEntries(a, b []blockEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].key != b[i].key || !bytes.Equal(a[i].value, b[i].value) {
			return false
		}
	}
	return true
}

// The layout rules of TensorFlow's writer, read off real files with the same
// parser that reads ours: restarts every 16 entries in data blocks, every
// entry in the index block, an empty 8-byte metaindex block.
func TestRealLayoutRules(t *testing.T) {
	for _, prefix := range fixturePrefixes(t) {
		idx, err := os.ReadFile(IndexFile(prefix))
		if err != nil {
			t.Fatal(err)
		}
		tb, err := parseTable(idx)
		if err != nil {
			t.Fatalf("%s: %v", prefix, err)
		}
		checkLayout(t, prefix, tb)
	}
}

func checkLayout(t *testing.T, name string, tb *table) {
	t.Helper()
	if len(tb.meta) != 0 || tb.metaHandle.size != 8 {
		t.Errorf("%s: metaindex has %d entries, %d bytes; want empty, 8 bytes", name, len(tb.meta), tb.metaHandle.size)
	}
	for i, e := range tb.index {
		if !e.restart {
			t.Errorf("%s: index entry %d is not a restart point", name, i)
		}
	}
	for b, blk := range tb.blocks {
		for i, e := range blk {
			if e.restart != (i%16 == 0) {
				t.Errorf("%s: block %d entry %d restart=%v, want %v", name, b, i, e.restart, i%16 == 0)
			}
		}
	}
	if len(tb.index) != len(tb.blocks) || len(tb.blocks) == 0 {
		t.Errorf("%s: %d index entries for %d blocks", name, len(tb.index), len(tb.blocks))
	}
	if first := tb.blocks[0]; len(first) == 0 || first[0].key != "" {
		t.Errorf("%s: header entry is not first", name)
	}
}
