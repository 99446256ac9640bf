package writer

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
)

// seedOutput writes a small output in format ext and returns its bytes.
func seedOutput(f *testing.F, ext string) []byte {
	f.Helper()
	s := testSchema()
	path := filepath.Join(f.TempDir(), "seed"+ext)
	writeAll(f, path, s, Options{Metadata: testMeta, RowGroupRows: 4}, makeRows(s, 0, 10, 15), 10)
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// seedShared adds the first limit bytes of a shared corpus file, if present.
func seedShared(f *testing.F, rel string, limit int) {
	root := fixtures.Root()
	if root == "" {
		return
	}
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		return
	}
	f.Add(b[:min(len(b), limit)])
}

// fuzzHead runs Head on data saved as name; our own readers must never
// panic (Head would turn it into ErrPanic).
func fuzzHead(t *testing.T, name string, data []byte, allowPanic bool) {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := Head(path, 4, &out)
	if errors.Is(err, ErrPanic) && !allowPanic {
		t.Fatalf("Head panicked: %v", err)
	}
	if err == nil && !strings.Contains(out.String(), " rows") {
		t.Fatalf("Head succeeded without a footer: %q", out.String())
	}
}

func FuzzHeadCSV(f *testing.F) {
	f.Add(seedOutput(f, ".csv"))
	f.Add([]byte("id,row,p\na,1,0.5\nb,2,\n"))
	seedShared(f, "corpora/imdb-dataset-csv/IMDB Dataset.csv", 4096)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzHead(t, "f.csv", data, false) })
}

func FuzzHeadJSONL(f *testing.F) {
	f.Add(seedOutput(f, ".jsonl"))
	f.Add([]byte("{\"id\":\"a\",\"row\":1,\"p\":0.5}\n{\"p\":\"NaN\",\"x\":[1,{\"y\":null}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzHead(t, "f.jsonl", data, false) })
}

// Parquet input is parsed by arrow-go; Head turns its panics into errors,
// which is what this checks (plus that nothing hangs or crashes).
func FuzzHeadParquet(f *testing.F) {
	f.Add(seedOutput(f, ".parquet"))
	seedShared(f, "corpora/poem-sentiment-parquet/test-00000-of-00001.parquet", 1<<20)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzHead(t, "f.parquet", data, true) })
}

// appendJSONString writes valid JSON that decodes to the string, with
// invalid UTF-8 replaced as encoding/json does (each bad byte).
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "q\"b\\n\n\t\x00\x1f", "\xff\xfe", "\u2028\u2029", "ü€𝄞", "<&>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q -> %s: %v", s, b, err)
		}
		if want := viaEncodingJSON(t, s); back != want {
			t.Fatalf("%q -> %s -> %q, want %q", s, b, back, want)
		}
	})
}

// viaEncodingJSON is s after a trip through encoding/json, which replaces
// each invalid UTF-8 byte with U+FFFD.
func viaEncodingJSON(t *testing.T, s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back string
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	return back
}

// Any field and id text survives a CSV output, read back by encoding/csv.
func FuzzCSVFields(f *testing.F) {
	f.Add("doc-1", "a,b", "line\nbreak", "\"quoted\"")
	f.Add("", " lead", "trail ", "\r\n")
	f.Fuzz(func(t *testing.T, id, a, b, c string) {
		s := Schema{Fields: []string{"a", "b", "c"}, Outputs: []Column{{Name: "p", Width: 1}}}
		path := filepath.Join(t.TempDir(), "f.csv")
		rows := []Row{{ID: id, Fields: []string{a, b, c}, Scores: []float32{0.25}}}
		writeAll(t, path, s, Options{}, rows, 1)
		fh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		recs, err := csv.NewReader(fh).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		// encoding/csv reads \r\n inside quotes as \n.
		norm := func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
		if len(recs) != 2 || recs[1][0] != norm(id) || recs[1][3] != norm(a) || recs[1][4] != norm(b) || recs[1][5] != norm(c) {
			t.Fatalf("read back %q", recs)
		}
	})
}
