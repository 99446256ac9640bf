package writer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
)

// arxivExpected is the part of expected_outputs.derived.json the tests use.
type arxivExpected struct {
	Inputs  []string
	Outputs [][]float64
}

func fixturesArxiv(t *testing.T) string {
	t.Helper()
	return fixtures.SavedModel(t, "arxiv_textvec_gap_softmax_tf2")
}

// loadArxiv reads the fixture's expected softmax outputs, its input strings
// and its class names.
func loadArxiv(t *testing.T, dir string) (arxivExpected, []string) {
	t.Helper()
	var raw struct {
		Feeds map[string]struct {
			Values [][]string `json:"values"`
		} `json:"feeds"`
		Outputs map[string][][]float64 `json:"outputs"`
	}
	readJSON(t, filepath.Join(dir, "expected_outputs.derived.json"), &raw)
	var exp arxivExpected
	for _, v := range raw.Feeds["input_9"].Values {
		exp.Inputs = append(exp.Inputs, v[0])
	}
	exp.Outputs = raw.Outputs["activation_8"]
	if len(exp.Inputs) != len(exp.Outputs) || len(exp.Outputs) == 0 {
		t.Fatalf("arxiv fixture: %d inputs, %d outputs", len(exp.Inputs), len(exp.Outputs))
	}
	var cn struct {
		Classes []string `json:"classes"`
	}
	readJSON(t, filepath.Join(dir, "class_names.derived.json"), &cn)
	if len(cn.Classes) != len(exp.Outputs[0]) {
		t.Fatalf("arxiv fixture: %d class names for width %d", len(cn.Classes), len(exp.Outputs[0]))
	}
	return exp, cn.Classes
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
