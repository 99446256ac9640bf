package e2e

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/duckdb"
	"github.com/scorekit/score/internal/fixtures"
)

func TestUsageErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.parquet")
	in := filepath.Join(smallDemo, "aclImdb", "test", "pos")
	badCfg := writeFile(t, "job.yaml", "model: "+smallModel+"\nbatch_sise: 3\n")
	for _, tc := range []struct {
		name string
		code int
		args []string
		msg  string
	}{
		{"unknown flag", 2, []string{"--model", smallModel, "--in", in, "--out", out, "--no-such-flag"}, "no-such-flag"},
		{"missing model", 2, []string{"--in", in, "--out", out}, "--model"},
		{"bad config key", 2, []string{"--config", badCfg, "--in", in, "--out", out}, "batch_sise"},
		{"bad flag value", 2, []string{"--model", smallModel, "--in", in, "--out", out, "--progress", "loud"}, "--progress"},
		{"nonexistent model", 1, []string{"--model", filepath.Join(t.TempDir(), "no-model-here"), "--in", in, "--out", out}, "no-model-here"},
		// An output format score cannot write is a bad flag value, found
		// before the model is loaded.
		{"unsupported output extension", 2, []string{"--model", smallModel, "--in", in, "--out", filepath.Join(filepath.Dir(out), "out.txt")}, "out.txt"},
		{"validate bad key", 2, []string{"validate", badCfg}, "batch_sise"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := wantExit(t, tc.code, tc.args...)
			if !strings.Contains(r.stderr, tc.msg) {
				t.Errorf("message does not mention %q:\n%s", tc.msg, r.stderr)
			}
			noFileAt(t, out)
		})
	}
}

// TestEmptyAndRepeatedInput: a corpus with no rows gives an empty output
// with the full schema; a file named twice is read once.
func TestEmptyAndRepeatedInput(t *testing.T) {
	duckdb.Require(t)
	empty := writeFile(t, "empty.csv", "text,label\n")
	dir := t.TempDir()
	out, rep := filepath.Join(dir, "empty.parquet"), filepath.Join(dir, "report.json")
	mustScore(t, append(smallArgs(), "--in", empty, "--out", out, "--report", rep)...)
	checkAccounting(t, readReport(t, rep), out, 0)
	var cols []string
	for _, row := range duckdb.Query(t, "DESCRIBE SELECT * FROM read_parquet("+duckdb.Literal(out)+")") {
		cols = append(cols, str(row["column_name"]))
	}
	if got := strings.Join(cols, ","); got != "id,source,row,label,head_00,head_01,head_02,head_03,error,warning" {
		t.Errorf("empty output columns %s", got)
	}
	in := writeFile(t, "two.csv", "text\nfirst document\nsecond document\n")
	out2, rep2 := filepath.Join(dir, "twice.parquet"), filepath.Join(dir, "report2.json")
	mustScore(t, append(smallArgs(), "--in", in, "--in", in, "--in", filepath.Dir(in), "--out", out2, "--report", rep2)...)
	checkAccounting(t, readReport(t, rep2), out2, 2)
}

// TestConfigs validates every configs/*.yaml exactly as committed, run
// from the repository root as its comments say. The configs name
// build/demo/model and outputs under build/; tests never write into the
// repository, so SCORE_MODEL, SCORE_OUT and SCORE_REPORT (which beat the
// file) point those at temporary paths, and everything else (inputs,
// columns, tokenizer, outputs) is the file's own. The run then scores the
// config's corpus for real and checks the output's columns.
func TestConfigs(t *testing.T) {
	fixtures.Path(t, "corpora")
	cfgs, err := filepath.Glob(filepath.Join(repoRoot, "configs", "*.yaml"))
	if err != nil || len(cfgs) == 0 {
		t.Fatalf("no configs (%v)", err)
	}
	for _, cfg := range cfgs {
		t.Run(filepath.Base(cfg), func(t *testing.T) {
			dir := t.TempDir()
			out, rep := filepath.Join(dir, "scores.parquet"), filepath.Join(dir, "report.json")
			env := []string{"SCORE_MODEL=" + smallModel, "SCORE_OUT=" + out, "SCORE_REPORT=" + rep, "SCORE_PROGRESS=none"}
			r := scoreIn(t, repoRoot, env, "validate", filepath.Join("configs", filepath.Base(cfg)))
			if r.code != 0 || !strings.HasPrefix(r.stdout, "ok:") {
				t.Fatalf("validate: %v", r)
			}
			noFileAt(t, out)
			if filepath.Base(cfg) == "imdb-dir.yaml" {
				return // 10,000 reviews: validated only; the corpus tests score aclImdb
			}
			r = scoreIn(t, repoRoot, env, "--config", filepath.Join("configs", filepath.Base(cfg)))
			if r.code != 0 {
				t.Fatalf("run: %v", r)
			}
			rr := readReport(t, rep)
			checkAccounting(t, rr, out, rr.Read)
			var cols []string
			for _, row := range duckdb.Query(t, "DESCRIBE SELECT * FROM read_parquet("+duckdb.Literal(out)+")") {
				cols = append(cols, str(row["column_name"]))
			}
			got := strings.Join(cols, ",")
			want := map[string]string{
				"imdb-csv.yaml":     "id,source,row,sentiment,head_00,head_01,head_02,head_03,error,warning",
				"poem-parquet.yaml": "id,source,row,label,head_00,head_01,head_02,error,warning",
			}[filepath.Base(cfg)]
			if want != "" && got != want {
				t.Errorf("columns %s, want %s", got, want)
			}
		})
	}
	// Without the override the model path is the config's own: it must be
	// named in the error when missing (the test never creates build/demo).
	if _, err := os.Stat(filepath.Join(repoRoot, "build", "demo", "model")); os.IsNotExist(err) {
		r := scoreIn(t, repoRoot, []string{"SCORE_OUT=" + filepath.Join(t.TempDir(), "x.parquet")}, "validate", "configs/imdb-csv.yaml")
		if r.code != 1 || !strings.Contains(r.stderr, "build/demo/model") {
			t.Errorf("validate with the model missing: %v", r)
		}
	}
}

// inspectJSON is the part of `score inspect --json` the test checks.
type inspectJSON struct {
	Signatures []struct {
		Key     string
		Inputs  []struct{ Key string }
		Outputs []struct{ Key string }
	}
	Variables []struct {
		Key   string
		Bytes int64
	}
	VariableBytes int64    `json:"variable_bytes"`
	Unsupported   []string `json:"unsupported"`
}

// TestInspectFixtures runs score inspect on every SavedModel fixture.
func TestInspectFixtures(t *testing.T) {
	root := fixtures.Path(t, "fixtures/savedmodels")
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "saved_model.pb" {
			dirs = append(dirs, filepath.Dir(p))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(dirs)
	if len(dirs) < 10 {
		t.Fatalf("found only %d SavedModels under %s", len(dirs), root)
	}
	for _, dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		t.Run(rel, func(t *testing.T) {
			tags := "serve"
			if strings.HasPrefix(rel, "tfx_taxi") {
				tags = "transform" // its only tag set (SOURCE.md)
			}
			text := mustScore(t, "inspect", "--tags", tags, dir).stdout
			for _, part := range []string{"tags:", "signature \"", "variables:", "ops"} {
				if !strings.Contains(text, part) {
					t.Errorf("inspect output lacks %q:\n%s", part, text)
				}
			}
			if strings.Contains(strings.ToLower(text), "unsupported") {
				t.Errorf("unsupported ops reported:\n%s", text)
			}
			var d inspectJSON
			js := mustScore(t, "inspect", "--json", "--tags", tags, dir).stdout
			if err := json.Unmarshal([]byte(js), &d); err != nil {
				t.Fatalf("inspect --json: %v\n%s", err, js)
			}
			if len(d.Signatures) == 0 || len(d.Unsupported) > 0 {
				t.Errorf("%d signatures, unsupported %v", len(d.Signatures), d.Unsupported)
			}
			var sum int64
			for _, v := range d.Variables {
				if v.Key == "" || v.Bytes < 0 {
					t.Errorf("variable %+v", v)
				}
				sum += v.Bytes
			}
			if sum != d.VariableBytes {
				t.Errorf("variable_bytes %d, variables sum to %d", d.VariableBytes, sum)
			}
			if strings.Contains(rel, "sms_spam") {
				// SOURCE.md: embedding [7954,24] float32 among the variables.
				found := false
				for _, v := range d.Variables {
					if v.Key == "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE" && v.Bytes == 7954*24*4 {
						found = true
					}
				}
				if !found {
					t.Errorf("sms_spam: embedding variable of %d bytes not listed", 7954*24*4)
				}
				if !strings.Contains(js, "embedding_input") || !strings.Contains(js, "dense_3") {
					t.Errorf("sms_spam: signature serving_default embedding_input -> dense_3 not listed")
				}
			}
		})
	}
}
