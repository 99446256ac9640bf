package writer

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scorekit/score/internal/duckdb"
	"github.com/scorekit/score/internal/fixtures"
)

func head(t *testing.T, path string, n int) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := Head(path, n, &buf); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
}

func TestHeadParquet(t *testing.T) {
	s := testSchema()
	rows := makeRows(s, 0, 40, 11)
	path := filepath.Join(t.TempDir(), "scores.parquet")
	writeAll(t, path, s, Options{Metadata: testMeta, RowGroupRows: 16}, rows, 9)
	const n = 25 // spans two row groups
	lines := head(t, path, n)
	for i, l := range lines {
		if utf8.RuneCountInString(l) > headWidth {
			t.Errorf("line %d is %d wide: %q", i, utf8.RuneCountInString(l), l)
		}
	}
	hdr := strings.Fields(lines[0])
	wantStart := []string{"id", "row", "label", "rating", "split", "head_00"}
	if strings.Join(hdr[:len(wantStart)], " ") != strings.Join(wantStart, " ") {
		t.Fatalf("header %q, want it to start %v", lines[0], wantStart)
	}
	shown := 0
	for _, h := range hdr {
		if strings.HasPrefix(h, "head_") {
			shown++
		}
	}
	more := fmt.Sprintf("+%d more", s.Width()-shown)
	if shown < 2 || !strings.Contains(lines[0], more) {
		t.Errorf("header %q: want at least 2 score columns and %q", lines[0], more)
	}
	for i := 0; i < n; i++ {
		r := rows[i]
		f := strings.Fields(lines[1+i])
		if f[0] != r.ID || f[1] != strconv.FormatInt(r.Row, 10) {
			t.Fatalf("line %d = %q, want row %s %d", i+1, lines[1+i], r.ID, r.Row)
		}
		if r.Error != "" && !strings.Contains(lines[1+i], r.Error[:20]) {
			t.Errorf("rejected row %s: line %q lacks its error", r.ID, lines[1+i])
		}
		// The score cells, found from the right of the fixed columns by
		// the header's column positions, say the values to 4 digits.
		for j := 0; j < shown; j++ {
			name := fmt.Sprintf("head_%02d", j)
			cell := cellUnder(lines[0], lines[1+i], name)
			if r.Scores == nil {
				if cell != "null" {
					t.Errorf("row %s %s = %q, want null", r.ID, name, cell)
				}
				continue
			}
			if !closeTo4(cell, r.Scores[j]) {
				t.Errorf("row %s %s = %q, want %g to 4 digits", r.ID, name, cell, r.Scores[j])
			}
		}
	}
	footer := strings.Join(lines[n+1:], "\n")
	for _, want := range []string{
		fmt.Sprintf("40 rows (first %d shown), %d score columns", n, s.Width()),
		"model: models/demo36", "engine: native", "score version: 0.1.0-test", "signature: serving_default",
	} {
		if !strings.Contains(footer, want) {
			t.Errorf("footer lacks %q:\n%s", want, footer)
		}
	}
	if strings.Contains(footer, MetaSchema) {
		t.Errorf("footer shows the bulky %s entry", MetaSchema)
	}
}

// cellUnder returns the text of line under the header column name (score
// columns are right-aligned: their text ends where the header name ends).
func cellUnder(header, line, name string) string {
	hr, lr := []rune(header), []rune(line)
	end := strings.Index(header, name)
	end = utf8.RuneCountInString(header[:end]) + len(name)
	if end > len(lr) || end > len(hr) {
		return ""
	}
	start := end
	for start > 0 && lr[start-1] != ' ' {
		start--
	}
	return string(lr[start:end])
}

// closeTo4 reports whether text is v to 4 significant digits.
func closeTo4(text string, v float32) bool {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return false
	}
	w := float64(v)
	if w != w {
		return f != f
	}
	if w == f {
		return true
	}
	d := (f - w) / w
	return d < 5e-4 && d > -5e-4
}

// Head prints the same table for the same rows in every format, up to the
// metadata (CSV and JSONL have none) when no field is "" (which CSV shows
// as null).
func TestHeadFormatsAgree(t *testing.T) {
	s := testSchema()
	rows := makeRows(s, 0, 30, 12)
	for i := range rows {
		for f := range rows[i].Fields {
			if rows[i].Fields[f] == "" && !rows[i].FieldNull[f] {
				rows[i].Fields[f] = "x"
			}
		}
	}
	dir := t.TempDir()
	var outs []string
	for _, ext := range []string{".parquet", ".csv", ".jsonl.gz"} {
		path := filepath.Join(dir, "out"+ext)
		writeAll(t, path, s, Options{Metadata: testMeta}, rows, 30)
		lines := head(t, path, 12)
		outs = append(outs, strings.Join(lines[:14], "\n"))
	}
	for i := 1; i < len(outs); i++ {
		if outs[i] != outs[0] {
			t.Errorf("format %d differs from Parquet:\n%s\n---\n%s", i, outs[i], outs[0])
		}
	}
}

// A Parquet file score did not write: the poem-sentiment corpus, counted
// and read by DuckDB as the reference.
func TestHeadForeignParquet(t *testing.T) {
	path := filepath.Join(fixtures.Corpus(t, "poem-sentiment-parquet"), "train-00000-of-00001.parquet")
	ref := duckdb.QueryAll(t, "SELECT count(*) AS n FROM read_parquet("+q(path)+")",
		"SELECT id, label FROM read_parquet("+q(path)+", file_row_number=true) ORDER BY file_row_number LIMIT 3")
	lines := head(t, path, 3)
	if !strings.HasPrefix(lines[0], "id") || !strings.Contains(lines[0], "verse_text") {
		t.Errorf("header %q", lines[0])
	}
	for i, r := range ref[1] {
		f := strings.Fields(lines[1+i])
		if f[0] != fmt.Sprint(r["id"]) || f[len(f)-1] != fmt.Sprint(r["label"]) {
			t.Errorf("line %d = %q, want id %v ... label %v", i+1, lines[1+i], r["id"], r["label"])
		}
	}
	want := fmt.Sprintf("%v rows (first 3 shown), 0 score columns", ref[0][0]["n"])
	if lines[5] != want {
		t.Errorf("footer %q, want %q", lines[5], want)
	}
}

func TestHeadZeroRows(t *testing.T) {
	s := Schema{Outputs: []Column{{Name: "p", Width: 1}}}
	dir := t.TempDir()
	for _, ext := range []string{".parquet", ".csv", ".jsonl"} {
		path := filepath.Join(dir, "out"+ext)
		writeAll(t, path, s, Options{}, makeRows(s, 0, 5, 13), 5)
		lines := head(t, path, 0)
		want := []string{"id  row  p", "", "5 rows (first 0 shown), 1 score columns"}
		if strings.Join(lines, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: %q, want %q", ext, lines, want)
		}
	}
}

func TestHeadErrors(t *testing.T) {
	dir := t.TempDir()
	s := testSchema()
	good := filepath.Join(dir, "good.parquet")
	writeAll(t, good, s, Options{}, makeRows(s, 0, 100, 14), 100)
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.parquet")
	os.WriteFile(cut, b[:len(b)/2], 0o644)
	junk := filepath.Join(dir, "junk.parquet")
	os.WriteFile(junk, bytes.Repeat([]byte("PAR1"), 50), 0o644)
	badCSV := filepath.Join(dir, "bad.csv")
	os.WriteFile(badCSV, []byte("id,row\n\"unterminated,1\n"), 0o644)
	badJSON := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(badJSON, []byte("{\"id\":\"a\"}\n[1,2]\n"), 0o644)
	notGz := filepath.Join(dir, "plain.csv.gz")
	os.WriteFile(notGz, []byte("id,row\n"), 0o644)
	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, nil, 0o644)
	for _, p := range []string{cut, junk, badCSV, badJSON, notGz, empty, filepath.Join(dir, "missing.parquet"), filepath.Join(dir, "x.txt")} {
		err := Head(p, 5, &bytes.Buffer{})
		if err == nil {
			t.Errorf("%s: no error", filepath.Base(p))
			continue
		}
		if !strings.Contains(err.Error(), filepath.Base(p)) {
			t.Errorf("%s: error %q does not name the file", filepath.Base(p), err)
		}
	}
	if err := Head(good, -1, &bytes.Buffer{}); err == nil {
		t.Error("negative n accepted")
	}
}
