package reader

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/scorekit/score/internal/fixtures"
)

// walkList collects one pass of w.
func walkList(t *testing.T, w *Walk) []Input {
	t.Helper()
	var out []Input
	for in, err := range w.All() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, in)
	}
	return out
}

// TestWalkMatchesExpand: a Walk yields exactly ExpandReport's inputs in its
// order, on every pass, and Scan counts them and its skips, for disjoint
// arguments (no per-file memory), nested and repeated ones (a file named
// twice taken once), globs, hidden files and the IMDb layout.
func TestWalkMatchesExpand(t *testing.T) {
	root := t.TempDir()
	mkfiles(t, root, "b/2.csv", "b/10.csv", "b/1.csv", "a/x.tsv", "a/y.jsonl.gz", "a/z.txt.zst",
		"a/sub/q.txt", "a/.hidden.csv", "a/.git/config", "c.csv", "d.CSV",
		"imdb/aclImdb/README", "imdb/aclImdb/train/pos/10_9.txt", "imdb/aclImdb/train/unsup/5_0.txt", "imdb/aclImdb/test/neg/0_2.txt")
	j := func(p string) string { return filepath.Join(root, p) }
	var gz bytes.Buffer // Scan opens the structured files for their columns
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"text": "a", "lang": "en"}` + "\n"))
	zw.Close()
	if err := os.WriteFile(j("a/y.jsonl.gz"), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args   []string
		nested bool
	}{
		{[]string{j("b/*.csv"), j("a"), j("c.csv"), j("b/1.csv"), j("[cd].*")}, true},
		{[]string{j("a"), j("b"), j("imdb")}, false},
		{[]string{j("imdb/aclImdb/train"), j("imdb/aclImdb/test")}, false},
		{[]string{j("b"), j("b")}, true},
		{[]string{j("b"), j("b") + "/./"}, true},
		{[]string{root}, false},
		{[]string{j("b") + "-x", j("b")}, false},
	} {
		t.Run(fmt.Sprint(len(c.args), filepath.Base(c.args[0])), func(t *testing.T) {
			if c.args[0] == j("b")+"-x" {
				mkfiles(t, root, "b-x/9.csv")
			}
			want, skipped, err := ExpandReport(c.args, Options{})
			if err != nil {
				t.Fatal(err)
			}
			w, err := NewWalk(c.args, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if w.dedupe != c.nested {
				t.Errorf("remembers files named: %v, want %v", w.dedupe, c.nested)
			}
			for pass := range 2 {
				if got := walkList(t, w); !reflect.DeepEqual(got, want) {
					t.Fatalf("pass %d:\n got %s\nwant %s", pass, rels(root, got), rels(root, want))
				}
			}
			st, err := w.Scan()
			if err != nil {
				t.Fatal(err)
			}
			rows := int64(0)
			for _, in := range want {
				if in.EstimatedRows < 0 || rows < 0 {
					rows = -1
				} else {
					rows += in.EstimatedRows
				}
			}
			if st.Inputs != len(want) || st.EstimatedRows != rows || !reflect.DeepEqual(st.Skipped, skipped) {
				t.Fatalf("scan %+v, want %d inputs, %d rows, skipped %v", st, len(want), rows, skipped)
			}
		})
	}
}

// TestWalkErrors: NewWalk gives Expand's errors for a missing file, a glob
// without matches and an unknown format option; a pass reports a file of
// unknown type as Expand does and ends there.
func TestWalkErrors(t *testing.T) {
	root := t.TempDir()
	mkfiles(t, root, "a.csv", "notes.md")
	if _, err := NewWalk([]string{filepath.Join(root, "nope.csv")}, Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := NewWalk([]string{filepath.Join(root, "*.parquet")}, Options{}); !errors.Is(err, ErrNoMatch) {
		t.Errorf("empty glob: %v", err)
	}
	if _, err := NewWalk([]string{root}, Options{Format: "xml"}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("format xml: %v", err)
	}
	w, err := NewWalk([]string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []error
	for _, err := range w.All() {
		got = append(got, err)
	}
	if len(got) != 2 || got[0] != nil || !errors.Is(got[1], ErrUnknownFormat) {
		t.Fatalf("pass: %v", got)
	}
	if _, err := w.Scan(); !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("scan: %v", err)
	}
}

// TestOpenInputsWalk reads the aclImdb slice's test split through a Walk and through
// Expand's list: the same records in the same order, the same columns;
// closing a source part-way stops its pass.
func TestOpenInputsWalk(t *testing.T) {
	root := filepath.Join(fixtures.Corpus(t, "aclimdb/aclImdb"), "test")
	list, err := Expand([]string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWalk([]string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := OpenAll(list, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := OpenInputs(w, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Columns(), b.Columns()) {
		t.Fatalf("columns %v and %v", a.Columns(), b.Columns())
	}
	n := 0
	for ; ; n++ {
		ra, ea := a.Next(context.Background())
		rb, eb := b.Next(context.Background())
		if ea == io.EOF || eb == io.EOF {
			if ea != eb {
				t.Fatalf("record %d: ends %v and %v", n, ea, eb)
			}
			break
		}
		if ea != nil || eb != nil {
			t.Fatal(ea, eb)
		}
		if ra.ID != rb.ID || ra.Text != rb.Text || ra.Source != rb.Source || !reflect.DeepEqual(ra.Fields, rb.Fields) {
			t.Fatalf("record %d: %s and %s", n, ra.ID, rb.ID)
		}
	}
	if n != len(list) {
		t.Fatalf("%d records of %d files", n, len(list))
	}
	b.Close()
	c, err := OpenInputs(w, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.Next(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Next(context.Background()); err != io.EOF {
		t.Fatalf("Next after Close: %v, want EOF", err)
	}
}

// TestExpandLinkedDirectory: a directory argument that is a symbolic link
// (/data/current -> a dated folder) is walked, with the paths under the
// name given, IMDb layout included; links inside it are not followed.
func TestExpandLinkedDirectory(t *testing.T) {
	root := t.TempDir()
	mkfiles(t, root, "real/a.csv", "real/aclImdb/README", "real/aclImdb/train/pos/1_9.txt", "other/b.csv")
	if err := os.Symlink(filepath.Join(root, "real"), filepath.Join(root, "current")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := os.Symlink(filepath.Join(root, "other"), filepath.Join(root, "real", "inner")); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{filepath.Join(root, "current"), filepath.Join(root, "current") + string(filepath.Separator)} {
		ins, skipped, err := ExpandReport([]string{arg}, Options{SkipUnknown: true})
		if err != nil {
			t.Fatal(err)
		}
		want := "current/a.csv=csv current/aclImdb/train/pos/1_9.txt=imdb"
		if got := rels(root, ins); got != want {
			t.Fatalf("%s:\n got %s\nwant %s", arg, got, want)
		}
		var why []string
		for _, s := range skipped {
			why = append(why, filepath.Base(s.Path)+":"+s.Reason)
		}
		if got := fmt.Sprint(why); got != "[README:IMDb dataset file that is not a review inner:unknown file type]" {
			t.Fatalf("%s: skipped %s", arg, got)
		}
		w, err := NewWalk([]string{arg}, Options{SkipUnknown: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := walkList(t, w); !reflect.DeepEqual(got, ins) {
			t.Fatalf("walk %s differs: %s", arg, rels(root, got))
		}
	}
}

// TestWalkScanColumns: after Scan, OpenInputs takes the columns Scan found
// (no third pass) when the options match, walks for them when they do not,
// and gets what OpenAll gets from the list either way; closing a source
// part-way stops the goroutine that finds its inputs.
func TestWalkScanColumns(t *testing.T) {
	root := t.TempDir()
	mkfiles(t, root, "imdb/aclImdb/train/pos/1_9.txt", "imdb/aclImdb/test/neg/2_1.txt")
	for i := range 200 { // more than the goroutine finds ahead of the reading
		mkfiles(t, root, fmt.Sprintf("txt/%03d.txt", i))
	}
	for _, f := range []struct{ name, body string }{
		{"a.csv", "id,text,lang\n1,hello,en\n2,bye,en\n"},
		{"b.jsonl", `{"text": "x", "year": "2020"}` + "\n"},
	} {
		if err := os.WriteFile(filepath.Join(root, f.name), []byte(f.body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w, err := NewWalk([]string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := w.knownColumns(Options{}); ok {
		t.Fatal("columns known before Scan")
	}
	if _, err := w.Scan(); err != nil {
		t.Fatal(err)
	}
	list, err := Expand([]string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, opts := range []Options{{}, {Arena: NewTextArena(ArenaOptions{})}, {LabelColumns: []string{"lang"}}} {
		_, known := w.knownColumns(opts)
		if known != (opts.LabelColumns == nil) {
			t.Errorf("options %+v: columns known %v", opts, known)
		}
		a, err := OpenAll(list, opts)
		if err != nil {
			t.Fatal(err)
		}
		b, err := OpenInputs(w, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Columns(), b.Columns()) || len(a.Columns()) == 0 {
			t.Errorf("options %+v: columns %v from the list, %v from the walk", opts, a.Columns(), b.Columns())
		}
		a.Close()
		b.Close()
	}
	base := runtime.NumGoroutine()
	for range 5 {
		s, err := OpenInputs(w, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Next(context.Background()); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
	for i := 0; runtime.NumGoroutine() > base; i++ {
		if i == 100 {
			t.Fatalf("%d goroutines after closing the sources, %d before", runtime.NumGoroutine(), base)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
