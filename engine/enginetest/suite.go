package enginetest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/tensor"
)

// Run runs the conformance suite against e: every expected_outputs*.json
// under fixtures/savedmodels (one subtest per fixture and signature) and
// the tf.Transform aligned sample.
func Run(t *testing.T, e engine.Engine) {
	root := fixtures.Path(t, "fixtures/savedmodels")
	cases, err := findCases(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("no expected_outputs*.json under %s", root)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runCase(t, e, c) })
	}
	t.Run("tfx_taxi_transform_fn_tf1/aligned_sample", func(t *testing.T) {
		runTransformSample(t, e, filepath.Join(root, "tfx_taxi_transform_fn_tf1"))
	})
}

// testCase is one expected-outputs file and the model it applies to.
type testCase struct {
	name     string // "<fixture path>/<signature>"
	json     string
	modelDir string
}

func findCases(root string) ([]testCase, error) {
	var cases []testCase
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		base := d.Name()
		if d.IsDir() || !strings.HasPrefix(base, "expected_outputs") || !strings.HasSuffix(base, ".json") {
			return nil
		}
		dir := filepath.Dir(path)
		mdir, err := modelDir(dir)
		if err != nil {
			return err
		}
		e, err := readExpected(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, dir)
		cases = append(cases, testCase{name: filepath.ToSlash(rel) + "/" + e.Signature, json: path, modelDir: mdir})
		return nil
	})
	sort.Slice(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	return cases, err
}

// modelDir finds the SavedModel an expected-outputs file in dir refers to:
// dir itself, dir when it holds numbered version folders, or its one
// subfolder holding a saved_model.pb.
func modelDir(dir string) (string, error) {
	if isFile(filepath.Join(dir, "saved_model.pb")) {
		return dir, nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var found []string
	for _, e := range ents {
		sub := filepath.Join(dir, e.Name())
		if !e.IsDir() || !isFile(filepath.Join(sub, "saved_model.pb")) {
			continue
		}
		if _, err := strconv.ParseInt(e.Name(), 10, 64); err == nil {
			return dir, nil // a TF Serving style version folder
		}
		found = append(found, sub)
	}
	if len(found) != 1 {
		return "", fmt.Errorf("%s: want one SavedModel folder, found %v", dir, found)
	}
	return found[0], nil
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func runCase(t *testing.T, e engine.Engine, c testCase) {
	exp, err := readExpected(c.json)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m, err := e.Load(ctx, c.modelDir, engine.LoadOptions{Signature: exp.Signature, Threads: 2})
	if err != nil {
		t.Fatalf("load %s signature %s: %v", c.modelDir, exp.Signature, err)
	}
	defer func() {
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}()
	sig := m.Signature()
	if sig.Key != exp.Signature {
		t.Errorf("signature key %q, want %q", sig.Key, exp.Signature)
	}
	for k := range exp.Feeds {
		if _, ok := sig.Input(k); !ok {
			t.Fatalf("signature has no input %q (inputs %v)", k, sig.Inputs)
		}
	}
	for k := range exp.Outputs {
		if _, ok := sig.Output(k); !ok {
			t.Fatalf("signature has no output %q (outputs %v)", k, sig.Outputs)
		}
	}
	tol := parseTolerance(exp.Tolerance)
	alone := false
	for _, f := range exp.Feeds {
		if f.Shape == nil {
			alone = true
		}
	}
	if alone {
		runEachAlone(t, m, exp, tol)
		return
	}
	if len(exp.Errors) > 0 {
		t.Run("errors", func(t *testing.T) { runErrorCases(t, m, exp.Errors) })
	}
	feeds := map[string]*tensor.Tensor{}
	for k, f := range exp.Feeds {
		leaves, shape, err := decodeNested(f.Values)
		if err != nil {
			t.Fatalf("feed %s: %v", k, err)
		}
		if tensor.NumElements(f.Shape) != len(leaves) {
			t.Fatalf("feed %s: shape %v but %v values", k, f.Shape, shape)
		}
		if feeds[k], err = makeTensor(f.DType, f.Shape, leaves); err != nil {
			t.Fatalf("feed %s: %v", k, err)
		}
	}
	check := func(out map[string]*tensor.Tensor) error {
		for k, raw := range exp.Outputs {
			leaves, shape, err := decodeNested(raw)
			if err != nil {
				return fmt.Errorf("expected %s: %v", k, err)
			}
			got, ok := out[k]
			if !ok || got == nil {
				return fmt.Errorf("output %s missing", k)
			}
			if err := compare(got, leaves, shape, tol); err != nil {
				return fmt.Errorf("output %s: %v", k, err)
			}
		}
		return nil
	}
	out, err := m.Run(ctx, feeds)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if err := check(out); err != nil {
		t.Fatal(err)
	}
	t.Run("bad_inputs", func(t *testing.T) { checkBadInputs(t, m, feeds) })
	t.Run("concurrent", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for g := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := m.Run(ctx, feeds)
				if err == nil {
					err = check(out)
				}
				errs[g] = err
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
	})
}

// checkBadInputs: an unknown input key and a wrong dtype must fail (the
// concurrent runs that follow show the model stays usable).
func checkBadInputs(t *testing.T, m engine.Model, feeds map[string]*tensor.Tensor) {
	ctx := context.Background()
	extra := map[string]*tensor.Tensor{"no_such_input_key": tensor.Scalar(int32(1))}
	for k, v := range feeds {
		extra[k] = v
	}
	if _, err := m.Run(ctx, extra); err == nil {
		t.Error("an unknown input key was accepted")
	}
	for k, v := range feeds {
		wrong := map[string]*tensor.Tensor{}
		for k2, v2 := range feeds {
			wrong[k2] = v2
		}
		if v.DType() == tensor.String {
			wrong[k] = tensor.Scalar(float32(1))
		} else {
			s := make([]string, v.NumElements())
			wrong[k] = tensor.Must(tensor.String, v.Shape(), s)
		}
		if _, err := m.Run(ctx, wrong); err == nil {
			t.Errorf("input %s fed as %s was accepted", k, wrong[k])
		}
	}
}

// runEachAlone feeds each value of the feeds as its own batch of one; an
// output row of null means that input must fail with an error naming an op.
func runEachAlone(t *testing.T, m engine.Model, exp *expected, tol tolerance) {
	type column struct {
		dtype string
		rows  []json.RawMessage
	}
	cols := map[string]column{}
	n := -1
	for k, f := range exp.Feeds {
		var rows []json.RawMessage
		if err := json.Unmarshal(f.Values, &rows); err != nil {
			t.Fatalf("feed %s: %v", k, err)
		}
		if n >= 0 && len(rows) != n {
			t.Fatalf("feed %s has %d values, others %d", k, len(rows), n)
		}
		n = len(rows)
		cols[k] = column{f.DType, rows}
	}
	outRows := map[string][]json.RawMessage{}
	for k, raw := range exp.Outputs {
		var rows []json.RawMessage
		if err := json.Unmarshal(raw, &rows); err != nil || len(rows) != n {
			t.Fatalf("output %s: want %d rows: %v", k, n, err)
		}
		outRows[k] = rows
	}
	errOps := errorOps(exp.Errors)
	for i := 0; i < n; i++ {
		feeds := map[string]*tensor.Tensor{}
		for k, c := range cols {
			leaves, shape, err := decodeNested(c.rows[i])
			if err != nil {
				t.Fatalf("feed %s[%d]: %v", k, i, err)
			}
			if feeds[k], err = makeTensor(c.dtype, append([]int{1}, shape...), leaves); err != nil {
				t.Fatalf("feed %s[%d]: %v", k, i, err)
			}
		}
		out, err := m.Run(context.Background(), feeds)
		mustFail := false
		for _, rows := range outRows {
			if string(rows[i]) == "null" {
				mustFail = true
			}
		}
		if mustFail {
			if err == nil {
				t.Errorf("value %d: want an error, got outputs", i)
			} else if !namesOp(err.Error(), errOps) {
				t.Errorf("value %d: error does not name the failing op (%v): %v", i, errOps, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("value %d: %v", i, err)
			continue
		}
		for k, rows := range outRows {
			leaves, shape, err := decodeNested(rows[i])
			if err != nil {
				t.Fatalf("output %s[%d]: %v", k, i, err)
			}
			if err := compare(out[k], leaves, append([]int{1}, shape...), tol); err != nil {
				t.Errorf("value %d: output %s: %v", i, k, err)
			}
		}
	}
}

// errorOps collects op names from the errors list: objects with an "op"
// field, or op names in parentheses in TensorFlow-style messages.
func errorOps(list []json.RawMessage) []string {
	var ops []string
	for _, raw := range list {
		var obj map[string]any
		if json.Unmarshal(raw, &obj) == nil {
			if op, ok := obj["op"].(string); ok && op != "" {
				ops = append(ops, op)
			}
		}
	}
	return ops
}

// namesOp reports whether msg names a failing node: one of ops when the
// file names them, otherwise any "node X (Op)" mention.
func namesOp(msg string, ops []string) bool {
	for _, op := range ops {
		if strings.Contains(msg, op) {
			return true
		}
	}
	return len(ops) == 0 && strings.Contains(msg, "node ") && strings.Contains(msg, "(")
}

// runErrorCases runs each errors entry of a batch-fed file. An entry must be
// an object with its own "feeds" (as the file's) and optionally the failing
// "op"; the run must fail naming it. Entries in another form fail the test,
// so a new file format is noticed instead of skipped.
func runErrorCases(t *testing.T, m engine.Model, list []json.RawMessage) {
	for i, raw := range list {
		var entry struct {
			Feeds map[string]feed `json:"feeds"`
			Op    string          `json:"op"`
		}
		if err := json.Unmarshal(raw, &entry); err != nil || len(entry.Feeds) == 0 {
			t.Errorf("errors[%d]: cannot interpret %s (want {\"feeds\": ..., \"op\": ...})", i, raw)
			continue
		}
		feeds := map[string]*tensor.Tensor{}
		for k, f := range entry.Feeds {
			leaves, _, err := decodeNested(f.Values)
			if err == nil {
				feeds[k], err = makeTensor(f.DType, f.Shape, leaves)
			}
			if err != nil {
				t.Fatalf("errors[%d] feed %s: %v", i, k, err)
			}
		}
		_, err := m.Run(context.Background(), feeds)
		var ops []string
		if entry.Op != "" {
			ops = []string{entry.Op}
		}
		if err == nil {
			t.Errorf("errors[%d]: want an error, got outputs", i)
		} else if !namesOp(err.Error(), ops) {
			t.Errorf("errors[%d]: error does not name the failing op %v: %v", i, ops, err)
		}
	}
}
