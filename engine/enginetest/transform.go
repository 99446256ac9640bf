package enginetest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/tensor"
)

// alignedRow is one line of the tfx fixture's expected_aligned_sample.jsonl:
// raw features (null = absent) and what tf.Transform wrote for them.
type alignedRow struct {
	Raw         map[string][]any `json:"raw"`
	Transformed map[string][]any `json:"transformed"`
}

// runTransformSample feeds the tfx transform_fn the raw features of every
// aligned row (as SparseTensors, absent features empty) and checks the
// outputs against tf.Transform's: exact for ints, float32 precision for
// floats. All rows go in one batch, and the first rows also alone.
func runTransformSample(t *testing.T, e engine.Engine, dir string) {
	rows, err := readAligned(filepath.Join(dir, "testdata", "expected_aligned_sample.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.Load(context.Background(), filepath.Join(dir, "transform_fn"),
		engine.LoadOptions{Tags: []string{"transform"}, Signature: "transform_signature", Threads: 2})
	if err != nil {
		t.Fatalf("load transform_fn: %v", err)
	}
	defer m.Close()
	tol := tolerance{abs: 1e-6, rel: 1e-6}
	check := func(t *testing.T, rows []alignedRow) {
		feeds, err := sparseFeeds(m.Signature(), rows)
		if err != nil {
			t.Fatal(err)
		}
		out, err := m.Run(context.Background(), feeds)
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		for _, o := range m.Signature().Outputs {
			var leaves []any
			for _, r := range rows {
				v, ok := r.Transformed[o.Key]
				if !ok || len(v) != 1 {
					t.Fatalf("aligned row lacks %s", o.Key)
				}
				leaves = append(leaves, v[0])
			}
			if err := compare(out[o.Key], leaves, []int{len(rows), 1}, tol); err != nil {
				t.Errorf("output %s: %v", o.Key, err)
			}
		}
	}
	t.Run("batch", func(t *testing.T) { check(t, rows) })
	for i := 0; i < 3 && i < len(rows); i++ {
		t.Run(fmt.Sprintf("row%d", i), func(t *testing.T) { check(t, rows[i:i+1]) })
	}
}

func readAligned(path string) ([]alignedRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []alignedRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		var r alignedRow
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, len(rows)+1, err)
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	return rows, nil
}

// sparseFeeds builds "<key>/indices", "<key>/values", "<key>/dense_shape"
// for every sparse input of sig from the raw features of rows.
func sparseFeeds(sig engine.Signature, rows []alignedRow) (map[string]*tensor.Tensor, error) {
	feeds := map[string]*tensor.Tensor{}
	for _, in := range sig.Inputs {
		if !in.Sparse {
			return nil, fmt.Errorf("input %s is not sparse", in.Key)
		}
		var idx []int64
		var leaves []any
		width := 1
		for i, r := range rows {
			vals := r.Raw[in.Key]
			width = max(width, len(vals))
			for j, v := range vals {
				idx = append(idx, int64(i), int64(j))
				leaves = append(leaves, v)
			}
		}
		values, err := makeTensor(in.DType.String(), []int{len(leaves)}, leaves)
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", in.Key, err)
		}
		feeds[in.Key+engine.SparseIndices] = tensor.Must(tensor.Int64, []int{len(leaves), 2}, idx)
		feeds[in.Key+engine.SparseValues] = values
		feeds[in.Key+engine.SparseDenseShape] = tensor.Must(tensor.Int64, []int{2}, []int64{int64(len(rows)), int64(width)})
	}
	return feeds, nil
}
