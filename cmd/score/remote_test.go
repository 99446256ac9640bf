package main

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/scorekit/score/internal/duckdb"
	"github.com/scorekit/score/storage"
)

// TestRemoteInputsAndPublish reads the corpus from an S3-compatible server
// on loopback, scores it into a dataset, publishes it back and compares
// the published parts with a local run, row for row.
func TestRemoteInputsAndPublish(t *testing.T) {
	duckdb.Require(t)
	backend := s3mem.New()
	if err := backend.CreateBucket("corpora"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer srv.Close()
	env := []string{"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1"}
	for _, e := range env {
		k, v, _ := cut(e)
		t.Setenv(k, v)
	}
	q := "?endpoint=" + srv.URL + "&use_path_style=true&disable_https=true&region=us-east-1"
	ctx := context.Background()
	in := "s3://corpora/imdb" + q
	b, err := storage.Open(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	local, _ := filepath.Glob(filepath.Join(demoDir, "corpus", "aclImdb", "test", "pos", "1?_*.txt"))
	for _, p := range local {
		data, _ := os.ReadFile(p)
		if err := b.WriteAll(ctx, "aclImdb/test/pos/"+filepath.Base(p), data, nil); err != nil {
			t.Fatal(err)
		}
	}
	b.Close()

	tmp := t.TempDir()
	out := filepath.Join(tmp, "ds") + "/"
	pub := "s3://corpora/scores/night1" + q
	r := runScore(t, env, args(modelArgs(), []string{"--in", in, "--out", out, "--part-rows", "4", "--stage-dir", filepath.Join(tmp, "stage"), "--publish", pub})...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	m := readManifest(t, out)
	back := t.TempDir()
	paths, err := storage.Fetch(ctx, pub, back)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(m.Parts) {
		t.Fatalf("published %d parts, manifest has %d", len(paths), len(m.Parts))
	}
	got := duckdb.Query(t, "SELECT * EXCLUDE (source) FROM read_parquet("+duckdb.Literal(filepath.Join(back, "*.parquet"))+") ORDER BY id")
	if len(got) != len(local) {
		t.Fatalf("published %d rows for %d documents", len(got), len(local))
	}
	single := filepath.Join(tmp, "single.parquet")
	mustScore(t, args(modelArgs(), []string{"--in", filepath.Join(demoDir, "corpus", "aclImdb", "test", "pos", "1?_*.txt"), "--out", single})...)
	want := duckdb.Query(t, "SELECT * EXCLUDE (source) FROM read_parquet("+duckdb.Literal(single)+") ORDER BY id")
	sameRows(t, got, want)
}

func cut(e string) (string, string, bool) {
	for i := range e {
		if e[i] == '=' {
			return e[:i], e[i+1:], true
		}
	}
	return e, "", false
}
