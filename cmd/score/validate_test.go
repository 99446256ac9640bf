package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateDatasetOutput validates configs whose output is a dataset
// directory: one that does not exist yet is fine when its parent is
// writable; one under a missing parent is a usage error (exit 2).
func TestValidateDatasetOutput(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		out  string
		code int
	}{
		{filepath.Join(dir, "scores") + "/", 0},
		{filepath.Join(dir, "missing", "parent", "scores") + "/", 2},
	} {
		cfg := filepath.Join(dir, "job.yaml")
		data := fmt.Sprintf("model: %s\nin: [%s]\nout: %s\n", filepath.Join(demoDir, "model"), filepath.Join(demoDir, "corpus"), c.out)
		if err := os.WriteFile(cfg, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runScore(t, nil, "validate", cfg)
		if r.code != c.code {
			t.Fatalf("validate with out %s: exit %d, want %d\n%s", c.out, r.code, c.code, r.stderr)
		}
		if c.code == 0 && !strings.Contains(r.stdout, "ok: ") {
			t.Fatalf("validate: no ok line:\n%s", r.stdout)
		}
		if _, err := os.Stat(c.out); err == nil {
			t.Fatalf("validate created %s: it must read and write nothing", c.out)
		}
	}
}

// TestValidateChecksColumns: validate opens each input's header, so a text
// column a CSV does not have is a usage error (exit 2) naming the file and
// the columns it has; the right one validates, counting the inputs.
func TestValidateChecksColumns(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "docs.csv")
	if err := os.WriteFile(csv, []byte("id,review\n1,a fine film\n2,dull\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		column string
		code   int
	}{{"nope", 2}, {"review", 0}} {
		cfg := filepath.Join(dir, "job.yaml")
		data := fmt.Sprintf("model: %s\nin: [%s]\nout: %s\ntext_column: %s\n", filepath.Join(demoDir, "model"), csv, filepath.Join(dir, "out.parquet"), c.column)
		if err := os.WriteFile(cfg, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runScore(t, nil, "validate", cfg)
		if r.code != c.code {
			t.Fatalf("validate with text column %s: exit %d, want %d\n%s", c.column, r.code, c.code, r.stderr)
		}
		if c.code == 2 && (!strings.Contains(r.stderr, "docs.csv") || !strings.Contains(r.stderr, `"review"`)) {
			t.Fatalf("the error does not name the file and its columns:\n%s", r.stderr)
		}
		if c.code == 0 && !strings.Contains(r.stdout, "1 inputs") {
			t.Fatalf("validate: %s", r.stdout)
		}
	}
}
