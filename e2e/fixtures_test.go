package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/native"
	"github.com/scorekit/score/internal/duckdb"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/tensor"
)

// writeJSONL writes texts as JSON Lines {"text": ...} and returns the path.
func writeJSONL(t *testing.T, texts []string) string {
	t.Helper()
	var b strings.Builder
	for _, s := range texts {
		line, err := json.Marshal(map[string]string{"text": s})
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	p := filepath.Join(t.TempDir(), "texts.jsonl")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// nativeRun runs the fixture in process with the native engine.
func nativeRun(t *testing.T, dir string, feeds map[string]*tensor.Tensor, output string) []float32 {
	t.Helper()
	ctx := context.Background()
	m, err := native.New().Load(ctx, dir, engine.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	outs, err := m.Run(ctx, feeds)
	if err != nil {
		t.Fatal(err)
	}
	v, err := tensor.Values[float32](outs[output])
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func near(got, want, atol, rtol float64) bool {
	return math.Abs(got-want) <= atol+rtol*math.Abs(want)
}

// outputColumns reads cols of every output row, in order; a null score is NaN.
func outputColumns(t *testing.T, out string, cols []string) ([][]float64, []map[string]any) {
	t.Helper()
	rows := duckdb.Query(t, "SELECT * FROM read_parquet("+duckdb.Literal(out)+")")
	vals := make([][]float64, len(rows))
	for i, r := range rows {
		vals[i] = make([]float64, len(cols))
		for j, c := range cols {
			v, ok := duckdb.Float32(r[c])
			vals[i][j] = float64(v)
			if !ok {
				vals[i][j] = math.NaN()
			}
		}
	}
	return vals, rows
}

// TestFixtureArxivTextVectorization feeds raw sentences to a model with
// its own TextVectorization: a [batch,30] softmax becomes 30 columns named
// by --class-names.
func TestFixtureArxivTextVectorization(t *testing.T) {
	duckdb.Require(t)
	fx := fixtures.SavedModel(t, "arxiv_textvec_gap_softmax_tf2")
	model := filepath.Join(fx, "cnn_model")
	var classes struct{ Classes []string }
	readJSON(t, filepath.Join(fx, "class_names.derived.json"), &classes)
	var exp struct {
		Inputs  [][]string
		Outputs map[string][][]float64
	}
	readJSON(t, filepath.Join(fx, "expected_outputs.derived.json"), &exp)
	if len(classes.Classes) != 30 || len(exp.Inputs) == 0 {
		t.Fatalf("fixture: %d classes, %d inputs", len(classes.Classes), len(exp.Inputs))
	}
	texts := make([]string, len(exp.Inputs))
	for i, in := range exp.Inputs {
		texts[i] = in[0]
	}
	out := filepath.Join(t.TempDir(), "arxiv.parquet")
	rep := filepath.Join(t.TempDir(), "report.json")
	mustScore(t, "--model", model, "--in", writeJSONL(t, texts), "--out", out, "--report", rep, "--progress", "none",
		"--batch-size", "5", "--class-names", "activation_8="+strings.Join(classes.Classes, ","))
	checkAccounting(t, readReport(t, rep), out, int64(len(texts)))
	cols := make([]string, 30)
	for i, c := range classes.Classes {
		cols[i] = "activation_8_" + c
	}
	got, rows := outputColumns(t, out, cols)
	data := make([]string, len(texts))
	copy(data, texts)
	nat := nativeRun(t, model, map[string]*tensor.Tensor{"input_9": tensor.Must(tensor.String, []int{len(texts), 1}, data)}, "activation_8")
	want := exp.Outputs["activation_8"]
	for i := range texts {
		if rows[i]["error"] != nil {
			t.Errorf("row %d rejected: %v", i, rows[i]["error"])
			continue
		}
		var sum float64
		for j := range 30 {
			sum += got[i][j]
			if !near(got[i][j], want[i][j], 1e-6, 1e-5) {
				t.Errorf("row %d %s = %g, expected_outputs %g", i, cols[j], got[i][j], want[i][j])
			}
			if !near(got[i][j], float64(nat[i*30+j]), 1e-6, 1e-5) {
				t.Errorf("row %d %s = %g, native in process %g", i, cols[j], got[i][j], nat[i*30+j])
			}
		}
		if math.Abs(sum-1) > 1e-4 {
			t.Errorf("row %d: softmax sums to %g", i, sum)
		}
		if blank := strings.TrimSpace(texts[i]) == ""; blank != (str(rows[i]["warning"]) == "empty_text") {
			t.Errorf("row %d %q: warning %v", i, texts[i], rows[i]["warning"])
		}
	}
}

// smsExpected is the sms_spam fixture's expected outputs with their texts.
type smsExpected struct {
	InputNotes []struct{ Text string } `json:"input_notes"`
	Inputs     [][]float32
	Outputs    map[string][][]float64
}

func smsArgs(fx string) []string {
	return []string{"--model", filepath.Join(fx, "spam_model"), "--tokenizer", "keras", "--padding", "post", "--truncating", "pre", "--progress", "none"}
}

// TestFixtureSMSSpamIDs tokenizes SMS texts into float ids with the
// fixture's Keras word_index and compares the scores with the fixture's
// expected outputs and with the native engine on the expected ids.
func TestFixtureSMSSpamIDs(t *testing.T) {
	duckdb.Require(t)
	fx := fixtures.SavedModel(t, "sms_spam_embedding_mlp_tf2")
	var exp smsExpected
	readJSON(t, filepath.Join(fx, "expected_outputs.derived.json"), &exp)
	n := len(exp.InputNotes)
	if n == 0 || n != len(exp.Inputs) || n != len(exp.Outputs["dense_3"]) {
		t.Fatalf("fixture: %d texts, %d inputs, %d outputs", n, len(exp.Inputs), len(exp.Outputs["dense_3"]))
	}
	texts := make([]string, n)
	flat := make([]float32, 0, n*8)
	for i, in := range exp.InputNotes {
		texts[i] = in.Text
		flat = append(flat, exp.Inputs[i]...)
	}
	out := filepath.Join(t.TempDir(), "sms.parquet")
	rep := filepath.Join(t.TempDir(), "report.json")
	mustScore(t, append(smsArgs(fx), "--vocab", filepath.Join(fx, "tokenizer_word_index.derived.json"),
		"--in", writeJSONL(t, texts), "--out", out, "--report", rep, "--batch-size", "7")...)
	checkAccounting(t, readReport(t, rep), out, int64(n))
	got, rows := outputColumns(t, out, []string{"dense_3"})
	nat := nativeRun(t, filepath.Join(fx, "spam_model"), map[string]*tensor.Tensor{"embedding_input": tensor.Must(tensor.Float, []int{n, 8}, flat)}, "dense_3")
	for i := range n {
		if rows[i]["error"] != nil {
			t.Errorf("row %d rejected: %v", i, rows[i]["error"])
			continue
		}
		if w := exp.Outputs["dense_3"][i][0]; !near(got[i][0], w, 1e-6, 1e-5) {
			t.Errorf("row %d %.40q: dense_3 = %g, expected_outputs %g", i, texts[i], got[i][0], w)
		}
		if !near(got[i][0], float64(nat[i]), 1e-7, 1e-5) {
			t.Errorf("row %d: dense_3 = %g, native in process on the fixture's ids %g", i, got[i][0], nat[i])
		}
	}
}

// TestEngineFailureIsolated gives one word an id beyond the embedding
// table: the engine rejects every batch holding a row with that word; the
// pipeline must split the batch, reject only those rows with the engine's
// message (naming the op) and score the rest as without the bad word.
func TestEngineFailureIsolated(t *testing.T) {
	duckdb.Require(t)
	fx := fixtures.SavedModel(t, "sms_spam_embedding_mlp_tf2")
	var wi map[string]any
	readJSON(t, filepath.Join(fx, "tokenizer_word_index.derived.json"), &wi)
	index := wi["word_index"].(map[string]any)
	if _, ok := index["free"]; !ok {
		t.Fatal("fixture vocabulary has no word free")
	}
	index["free"] = 99999 // the embedding has 7,954 rows
	data, err := json.Marshal(wi)
	if err != nil {
		t.Fatal(err)
	}
	badVocab := filepath.Join(t.TempDir(), "word_index.json")
	if err := os.WriteFile(badVocab, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var texts []string
	var bad []bool
	for i := range 40 {
		s := fmt.Sprintf("call me later about the %d tickets ok", i)
		if i%7 == 3 {
			s = fmt.Sprintf("entry %d: claim your prize for FREE", i) // within the last 8 tokens kept
		}
		texts = append(texts, s)
		bad = append(bad, i%7 == 3)
	}
	in := writeJSONL(t, texts)
	out := filepath.Join(t.TempDir(), "bad.parquet")
	rep := filepath.Join(t.TempDir(), "report.json")
	mustScore(t, append(smsArgs(fx), "--vocab", badVocab, "--in", in, "--out", out, "--report", rep, "--batch-size", "16")...)
	good := filepath.Join(t.TempDir(), "good.parquet")
	mustScore(t, append(smsArgs(fx), "--vocab", filepath.Join(fx, "tokenizer_word_index.derived.json"), "--in", in, "--out", good)...)

	r := readReport(t, rep)
	checkAccounting(t, r, out, int64(len(texts)))
	nbad := int64(0)
	for _, b := range bad {
		if b {
			nbad++
		}
	}
	if r.Rejected != nbad || r.RejectedByReason["engine_error"] != nbad {
		t.Errorf("report rejected %d (%v), want %d engine_error", r.Rejected, r.RejectedByReason, nbad)
	}
	got, rows := outputColumns(t, out, []string{"dense_3"})
	ref, _ := outputColumns(t, good, []string{"dense_3"})
	for i := range texts {
		e := str(rows[i]["error"])
		if bad[i] {
			if !math.IsNaN(got[i][0]) {
				t.Errorf("row %d: rejected row has score %g", i+1, got[i][0])
			}
			for _, part := range []string{in, fmt.Sprintf("row %d", i+1), "ResourceGather", "99999"} {
				if !strings.Contains(e, part) {
					t.Errorf("row %d: error %q does not name %q", i+1, e, part)
				}
			}
			continue
		}
		if e != "" || got[i][0] != ref[i][0] {
			t.Errorf("row %d: score %g error %q, want %g as with the good vocabulary", i+1, got[i][0], e, ref[i][0])
		}
	}
}
