package reader

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mkfiles(t *testing.T, root string, names ...string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(root, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("text\nx\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func rels(root string, ins []Input) string {
	var out []string
	for _, in := range ins {
		r, _ := filepath.Rel(root, in.Path)
		out = append(out, filepath.ToSlash(r)+"="+in.Format+in.Compression)
	}
	return strings.Join(out, " ")
}

func TestExpandOrder(t *testing.T) {
	root := t.TempDir()
	mkfiles(t, root, "b/2.csv", "b/10.csv", "b/1.csv", "a/x.tsv", "a/y.jsonl.gz", "a/z.txt.zst",
		"a/sub/q.txt", "a/.hidden.csv", "a/.git/config", "c.csv", "d.CSV")
	j := func(p string) string { return filepath.Join(root, p) }
	args := []string{j("b/*.csv"), j("a"), j("c.csv"), j("b/1.csv"), j("[cd].*")}
	ins, skipped, err := ExpandReport(args, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "b/1.csv=csv b/10.csv=csv b/2.csv=csv a/sub/q.txt=txt a/x.tsv=tsv a/y.jsonl.gz=jsonlgzip a/z.txt.zst=txtzstd c.csv=csv d.CSV=csv"
	if got := rels(root, ins); got != want {
		t.Fatalf("order\n got %s\nwant %s", got, want)
	}
	var why []string
	for _, s := range skipped {
		why = append(why, filepath.Base(s.Path)+":"+s.Reason)
	}
	if got := strings.Join(why, ","); got != ".git:hidden directory,.hidden.csv:hidden file,1.csv:named more than once,c.csv:named more than once" {
		t.Fatalf("skipped %s", got)
	}
	// Deterministic: the same arguments give the same list.
	again, _, _ := ExpandReport(args, Options{})
	if rels(root, again) != want {
		t.Fatal("second expansion differs")
	}
	if ins[3].Name != "sub/q.txt" || ins[3].EstimatedRows != 1 || ins[0].EstimatedRows != -1 {
		t.Fatalf("txt input %+v / csv %+v", ins[3], ins[0])
	}
}

func TestExpandUnknownAndMissing(t *testing.T) {
	root := t.TempDir()
	mkfiles(t, root, "a.csv", "notes.md")
	_, err := Expand([]string{root}, Options{})
	if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), "notes.md") {
		t.Fatalf("unknown: %v", err)
	}
	ins, skipped, err := ExpandReport([]string{root}, Options{SkipUnknown: true})
	if err != nil || len(ins) != 1 || len(skipped) != 1 || filepath.Base(skipped[0].Path) != "notes.md" {
		t.Fatalf("skip unknown: %v %v %v", ins, skipped, err)
	}
	if _, err := Expand([]string{filepath.Join(root, "nope.csv")}, Options{}); err == nil {
		t.Fatal("missing file: no error")
	}
	if _, err := Expand([]string{filepath.Join(root, "*.parquet")}, Options{}); err == nil || !strings.Contains(err.Error(), "no files match") {
		t.Fatalf("empty glob: %v", err)
	}
}

func TestExpandIMDbLayout(t *testing.T) {
	root := t.TempDir()
	mkfiles(t, root, "aclImdb/README", "aclImdb/imdb.vocab", "aclImdb/train/labeledBow.feat", "aclImdb/train/urls_pos.txt",
		"aclImdb/train/pos/10_9.txt", "aclImdb/train/pos/2_7.txt", "aclImdb/train/unsup/5_0.txt", "aclImdb/test/neg/0_2.txt",
		"other/3_4.txt")
	ins, skipped, err := ExpandReport([]string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "aclImdb/test/neg/0_2.txt=imdb aclImdb/train/pos/10_9.txt=imdb aclImdb/train/pos/2_7.txt=imdb aclImdb/train/unsup/5_0.txt=imdb other/3_4.txt=txt"
	if got := rels(root, ins); got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
	if len(skipped) != 4 {
		t.Fatalf("skipped %v", skipped)
	}
	// A split folder or a single review named directly is still IMDb.
	ins, _, err = ExpandReport([]string{filepath.Join(root, "aclImdb/train/pos/2_7.txt"), filepath.Join(root, "aclImdb/test")}, Options{})
	if err != nil || rels(root, ins) != "aclImdb/train/pos/2_7.txt=imdb aclImdb/test/neg/0_2.txt=imdb" {
		t.Fatalf("%s %v", rels(root, ins), err)
	}
	s, err := OpenAll(ins, Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, s)
	if recs[0].ID != "train/pos/2_7" || recs[0].Fields["rating"] != "7" || recs[1].ID != "test/neg/0_2" || recs[1].Fields["label"] != "neg" {
		t.Fatalf("%+v", recs)
	}
}

// TestIMDbParts parses review paths: clean ones from their last three
// elements, unclean ones after cleaning, and refuses everything else.
func TestIMDbParts(t *testing.T) {
	sep := string(filepath.Separator)
	for _, c := range []struct {
		path string
		want string // split/label/stem/rating, "" = not a review path
	}{
		{"aclImdb/train/pos/10_9.txt", "train/pos/10_9/9"},
		{"/data/aclImdb/test/unsup/0_0.txt", "test/unsup/0_0/0"},
		{"train/neg/3_1.txt", "train/neg/3_1/1"},
		{"x/train/./neg/3_1.txt", "train/neg/3_1/1"},
		{"x/train/other/../neg/3_1.txt", "train/neg/3_1/1"},
		{"x/train//neg/3_1.txt", "train/neg/3_1/1"},
		{"neg/3_1.txt", ""},
		{"x/train/neg/3_1.md", ""},
		{"x/train/neg/3-1.txt", ""},
		{"x/train/neg/a_1.txt", ""},
		{"x/train/neg/3_.txt", ""},
		{"x/dev/neg/3_1.txt", ""},
		{"x/train/meh/3_1.txt", ""},
		{"3_1.txt", ""},
	} {
		p := strings.ReplaceAll(c.path, "/", sep)
		split, label, stem, rating, ok := imdbParts(p)
		got := ""
		if ok {
			got = split + "/" + label + "/" + stem + "/" + rating
		}
		if got != c.want {
			t.Errorf("imdbParts(%q) = %q, want %q", p, got, c.want)
		}
	}
}
