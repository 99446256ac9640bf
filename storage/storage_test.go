package storage

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/scorekit/score/dataset"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/reader"
	"github.com/scorekit/score/shard"
	"github.com/scorekit/score/writer"
)

// fakeS3 starts an S3-compatible server on loopback and returns the URL
// of a location in its bucket "scores".
func fakeS3(t *testing.T, prefix string) string {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("scores"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "us-east-1")
	return "s3://scores/" + prefix + "?endpoint=" + srv.URL + "&use_path_style=true&disable_https=true&region=us-east-1"
}

// committedDataset writes a real two-shard dataset with the dataset
// package and commits it.
func committedDataset(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	id := dataset.Identity{ModelFingerprint: "fp", ConfigHash: "cfg", Shards: 2}
	if err := dataset.Init(dir, id, false); err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 2; k++ {
		p := shard.Part{Shard: shard.Spec{Index: k, Count: 2}, Key: "00000000000" + string(rune('a'+k)),
			Units: []shard.Unit{{Input: reader.Input{Path: "in"}}}}
		w, err := writer.Create(filepath.Join(dir, dataset.PartName(p)), writer.Schema{}, writer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rows := []writer.Row{{ID: "a", Source: "in", Row: 1}, {ID: "b", Source: "in", Row: 2 + int64(k)}}
		if err := w.Write(rows); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := dataset.Record(dir, p, id); err != nil {
			t.Fatal(err)
		}
		if err := dataset.Finish(dir, p.Shard, []shard.Part{p}, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := dataset.Commit(dir, dataset.CommitOptions{}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestPublishAndFetchThroughS3(t *testing.T) {
	ctx := context.Background()
	dir := committedDataset(t)
	loc := fakeS3(t, "nightly/2026-11-26")
	m, err := Publish(ctx, dir, loc)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Parts) != 2 {
		t.Fatalf("published %d parts", len(m.Parts))
	}
	// Republishing is idempotent.
	if _, err := Publish(ctx, dir, loc); err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{dataset.SuccessName, dataset.ManifestName, m.Parts[0].Name, m.Parts[1].Name} {
		got, err := b.ReadAll(ctx, n)
		if err != nil {
			t.Fatalf("object %s: %v", n, err)
		}
		want, _ := os.ReadFile(filepath.Join(dir, n))
		if !bytes.Equal(got, want) {
			t.Fatalf("object %s differs from the local file", n)
		}
	}
	if ok, _ := b.Exists(ctx, "_score/dataset.json"); ok {
		t.Fatal("published the dataset's private state")
	}
	b.Close()
	// Fetch (as for inputs) brings back the visible parts, not _ files.
	back := t.TempDir()
	paths, err := Fetch(ctx, loc, back)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 || filepath.Base(paths[0]) != m.Parts[0].Name || filepath.Base(paths[1]) != m.Parts[1].Name {
		t.Fatalf("fetched %v", paths)
	}
	if _, err := Publish(ctx, t.TempDir(), loc); err == nil {
		t.Fatal("published a directory without _SUCCESS")
	}
}

// TestFetchRealCorpusFromS3 uploads a slice of the real aclImdb corpus and
// fetches it: same files, same bytes, same order as reader.Expand.
func TestFetchRealCorpusFromS3(t *testing.T) {
	ctx := context.Background()
	corpus := filepath.Join(fixtures.Corpus(t, "aclimdb"), "aclImdb", "test", "pos")
	ins, err := reader.Expand([]string{filepath.Join(corpus, "1?_*.txt")}, reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	loc := fakeS3(t, "corpus/test/pos")
	b, err := Open(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range ins {
		data, _ := os.ReadFile(in.Path)
		if err := b.WriteAll(ctx, filepath.Base(in.Path), data, nil); err != nil {
			t.Fatal(err)
		}
	}
	b.WriteAll(ctx, "_hidden", []byte("x"), nil)
	b.Close()
	local := t.TempDir()
	paths, err := Fetch(ctx, loc, local)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(ins) {
		t.Fatalf("fetched %d files, uploaded %d", len(paths), len(ins))
	}
	got, err := reader.Expand([]string{local}, reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range ins {
		a, _ := os.ReadFile(ins[i].Path)
		c, _ := os.ReadFile(got[i].Path)
		if filepath.Base(got[i].Path) != filepath.Base(ins[i].Path) || !bytes.Equal(a, c) {
			t.Fatalf("file %d: %s differs from %s", i, got[i].Path, ins[i].Path)
		}
	}
}
