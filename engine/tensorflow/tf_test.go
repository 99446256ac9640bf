package tensorflow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/enginetest"
	"github.com/scorekit/score/engine/native"
	"github.com/scorekit/score/engine/tensorflow"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/metamodel"
	"github.com/scorekit/score/tensor"
)

// requireTF skips unless SCORE_TF_LIBRARY is set, and fails when it is set
// but the library does not load: a configured TF that cannot be used must
// not look like a pass.
func requireTF(t *testing.T) {
	t.Helper()
	p := os.Getenv(tensorflow.EnvLibrary)
	if p == "" {
		t.Skip("SCORE_TF_LIBRARY is unset: set it to libtensorflow.so.2 (TF >= 2.5, CPU or GPU tarball, " +
			"or the pip wheel's libtensorflow_cc.so.2) to run the tensorflow engine tests")
	}
	v, path, err := tensorflow.Probe(nil)
	if err != nil {
		t.Fatalf("SCORE_TF_LIBRARY=%s is set but libtensorflow does not load: %v", p, err)
	}
	t.Logf("libtensorflow %s from %s", v, path)
}

func TestConformance(t *testing.T) {
	requireTF(t)
	enginetest.Run(t, tensorflow.New())
}

// TestCloseIdempotent loads a fixture, runs it, and closes twice.
func TestCloseIdempotent(t *testing.T) {
	requireTF(t)
	dir := fixtures.SavedModel(t, "tfserving_half_plus_two_tf2")
	m, err := tensorflow.New().Load(context.Background(), dir, engine.LoadOptions{Device: "cpu"})
	if err != nil {
		t.Fatal(err)
	}
	info := m.Info()
	if info["engine"] != "tensorflow" || info["tf_version"] == "" || !strings.Contains(info["devices"], "CPU:0") {
		t.Errorf("info %v", info)
	}
	out, err := m.Run(context.Background(), map[string]*tensor.Tensor{"x": tensor.Must(tensor.Float, []int{1}, []float32{2})})
	if err != nil {
		t.Fatal(err)
	}
	if got := tensor.MustValues[float32](out["y"]); fmt.Sprint(got) != "[3]" {
		t.Errorf("y = %v, want 0.5*2+2 = [3]", got)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if _, err := m.Run(context.Background(), nil); err == nil {
		t.Error("run after close succeeded")
	}
}

// feedFile is the part of expected_outputs*.json this test reads.
type feedFile struct {
	Signature string `json:"signature"`
	Feeds     map[string]struct {
		DType  string          `json:"dtype"`
		Shape  []int           `json:"shape"`
		Values json.RawMessage `json:"values"`
	} `json:"feeds"`
}

// TestMatchesNative runs every fixture's feeds through both engines and
// compares every output.
func TestMatchesNative(t *testing.T) {
	requireTF(t)
	root := fixtures.Path(t, "fixtures/savedmodels")
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), "expected_outputs") && strings.HasSuffix(d.Name(), ".json") {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no expected outputs under %s: %v", root, err)
	}
	for _, f := range files {
		name, _ := filepath.Rel(root, f)
		t.Run(name, func(t *testing.T) {
			var ff feedFile
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			if err := dec.Decode(&ff); err != nil {
				t.Fatal(err)
			}
			feeds := map[string]*tensor.Tensor{}
			for k, fd := range ff.Feeds {
				if fd.Shape == nil {
					t.Skipf("feed %s is fed value by value; covered by the conformance suite", k)
				}
				if feeds[k], err = makeFeed(fd.DType, fd.Shape, fd.Values); err != nil {
					t.Fatalf("feed %s: %v", k, err)
				}
			}
			compareEngines(t, filepath.Dir(f), ff.Signature, feeds)
		})
	}
}

// TestDemoMetaModel writes the demo meta model and compares TF, native and
// the package's reference forward pass.
func TestDemoMetaModel(t *testing.T) {
	requireTF(t)
	cfg := metamodel.Default()
	dir := t.TempDir()
	if err := metamodel.Write(dir, cfg); err != nil {
		t.Fatal(err)
	}
	vocab := metamodel.Vocabulary(cfg)
	rows := [][]string{
		metamodel.Pad(vocab[:10], cfg.SeqLen),
		metamodel.Pad(append(vocab[100:150], metamodel.OOVWords(cfg, 5)...), cfg.SeqLen),
		metamodel.Tokens("", cfg.SeqLen),
	}
	var flat []string
	for _, r := range rows {
		flat = append(flat, r...)
	}
	feeds := map[string]*tensor.Tensor{metamodel.InputKey: tensor.Must(tensor.String, []int{len(rows), cfg.SeqLen}, flat)}
	tfOut := compareEngines(t, dir, metamodel.SignatureKey, feeds)
	p, err := metamodel.LoadParams(dir)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := metamodel.Reference(p, rows)
	if err != nil {
		t.Fatal(err)
	}
	for h := range cfg.Heads {
		got := tensor.MustValues[float32](tfOut[metamodel.HeadName(h)])
		for r := range rows {
			if !close32(got[r], float64(ref[r][h])) {
				t.Errorf("head %d row %d: tf %v, reference %v", h, r, got[r], ref[r][h])
			}
		}
	}
}

// compareEngines loads dir with both engines and checks that every output
// matches (floats within 1e-5 relative + 1e-6 absolute, others exactly).
func compareEngines(t *testing.T, dir, sig string, feeds map[string]*tensor.Tensor) map[string]*tensor.Tensor {
	t.Helper()
	ctx := context.Background()
	opts := engine.LoadOptions{Signature: sig, Threads: 2}
	if sm, err := savedmodel.Load(dir, savedmodel.LoadOptions{}); err != nil {
		opts.Tags = nil // let both engines report the same tag error
	} else {
		opts.Tags = sm.Tags
	}
	run := func(e engine.Engine) map[string]*tensor.Tensor {
		m, err := e.Load(ctx, dir, opts)
		if err != nil {
			t.Fatalf("%s: load: %v", e.Name(), err)
		}
		defer m.Close()
		out, err := m.Run(ctx, feeds)
		if err != nil {
			t.Fatalf("%s: run: %v", e.Name(), err)
		}
		return out
	}
	got, want := run(tensorflow.New()), run(native.New())
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		g, w := got[k], want[k]
		if g == nil {
			t.Errorf("output %s: missing from tensorflow", k)
			continue
		}
		if g.DType() != w.DType() || fmt.Sprint(g.Shape()) != fmt.Sprint(w.Shape()) {
			t.Errorf("output %s: tensorflow %s%v, native %s%v", k, g.DType(), g.Shape(), w.DType(), w.Shape())
			continue
		}
		if err := sameValues(g, w); err != nil {
			t.Errorf("output %s: %v", k, err)
		}
	}
	return got
}

func sameValues(g, w *tensor.Tensor) error {
	switch gv := g.Data().(type) {
	case []float32:
		wv := w.Data().([]float32)
		for i := range gv {
			if !close32(gv[i], float64(wv[i])) {
				return fmt.Errorf("element %d: tensorflow %v, native %v", i, gv[i], wv[i])
			}
		}
		return nil
	case []float64:
		wv := w.Data().([]float64)
		for i := range gv {
			if math.Abs(gv[i]-wv[i]) > 1e-6+1e-5*math.Abs(wv[i]) {
				return fmt.Errorf("element %d: tensorflow %v, native %v", i, gv[i], wv[i])
			}
		}
		return nil
	}
	if fmt.Sprint(g.Data()) != fmt.Sprint(w.Data()) {
		return fmt.Errorf("tensorflow %v, native %v", g.Data(), w.Data())
	}
	return nil
}

func close32(g float32, w float64) bool {
	return math.Abs(float64(g)-w) <= 1e-6+1e-5*math.Abs(w)
}

// makeFeed builds a tensor from nested JSON values of the given dtype.
func makeFeed(dtype string, shape []int, raw json.RawMessage) (*tensor.Tensor, error) {
	var nested any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&nested); err != nil {
		return nil, err
	}
	var leaves []any
	var flatten func(v any)
	flatten = func(v any) {
		if l, ok := v.([]any); ok {
			for _, x := range l {
				flatten(x)
			}
			return
		}
		leaves = append(leaves, v)
	}
	flatten(nested)
	dt, err := tensor.ParseDType(dtype)
	if err != nil {
		return nil, err
	}
	data, err := tensor.MakeSlice(dt, len(leaves))
	if err != nil {
		return nil, err
	}
	for i, l := range leaves {
		n, _ := l.(json.Number)
		switch d := data.(type) {
		case []float32:
			f, err := n.Float64()
			if err != nil {
				return nil, err
			}
			d[i] = float32(f)
		case []float64:
			if d[i], err = n.Float64(); err != nil {
				return nil, err
			}
		case []int32:
			v, err := n.Int64()
			if err != nil {
				return nil, err
			}
			d[i] = int32(v)
		case []int64:
			if d[i], err = n.Int64(); err != nil {
				return nil, err
			}
		case []string:
			s, ok := l.(string)
			if !ok {
				return nil, fmt.Errorf("value %d: %v is not a string", i, l)
			}
			d[i] = s
		case []bool:
			b, ok := l.(bool)
			if !ok {
				return nil, fmt.Errorf("value %d: %v is not a bool", i, l)
			}
			d[i] = b
		default:
			return nil, fmt.Errorf("dtype %s not handled", dtype)
		}
	}
	return tensor.New(dt, shape, data)
}
