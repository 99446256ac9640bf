package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestEngineAutoFallsBack runs --engine auto where no libtensorflow can be
// found: score must say why it skipped TensorFlow, choose the native engine,
// and score as usual. --engine tensorflow alone must fail with exit 1 and
// tell the user what to install.
func TestEngineAutoFallsBack(t *testing.T) {
	out := filepath.Join(t.TempDir(), "auto.parquet")
	env := []string{"SCORE_TF_LIBRARY=" + filepath.Join(t.TempDir(), "no-libtensorflow.so.2")}
	args := append(smallArgs(), "--engine", "auto", "--in", filepath.Join(smallDemo, "aclImdb", "test", "pos"), "--out", out)
	r := scoreIn(t, "", env, args...)
	if r.code != 0 {
		t.Fatalf("--engine auto: %v", r)
	}
	if !strings.Contains(r.stderr, "engine auto: skipped tensorflow") || !strings.Contains(r.stderr, "engine native") {
		t.Fatalf("--engine auto should say it skipped tensorflow and chose native:\n%s", r.stderr)
	}
	args = append(smallArgs(), "--engine", "tensorflow", "--in", filepath.Join(smallDemo, "aclImdb", "test", "pos"), "--out", out+"2.parquet")
	r = scoreIn(t, "", env, args...)
	if r.code != 1 || !strings.Contains(strings.ToLower(r.stderr), "libtensorflow") {
		t.Fatalf("--engine tensorflow without the library: want exit 1 naming libtensorflow, got %v", r)
	}
	noFileAt(t, out+"2.parquet")
}
