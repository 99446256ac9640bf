package reader

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scorekit/score/internal/fixtures"
)

// readAll drains a source, failing the test on a fatal error.
func readAll(t testing.TB, s Source) []Record {
	t.Helper()
	var out []Record
	for {
		r, err := s.Next(context.Background())
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("next: %v", err)
		}
		out = append(out, r)
	}
}

func openPath(t testing.TB, path string, opts Options) Source {
	t.Helper()
	ins, err := Expand([]string{path}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 1 {
		t.Fatalf("expand %s: %d inputs", path, len(ins))
	}
	s, err := Open(ins[0], opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestIMDBDatasetCSV(t *testing.T) {
	path := filepath.Join(fixtures.Corpus(t, "imdb-dataset-csv"), "IMDB Dataset.csv")
	s := openPath(t, path, Options{})
	if got := s.Columns(); len(got) != 1 || got[0] != "sentiment" {
		t.Fatalf("columns %v, want [sentiment]", got)
	}
	recs := readAll(t, s)
	if len(recs) != 2798 {
		t.Fatalf("%d rows, want 2798", len(recs))
	}
	// Independent reference: encoding/csv (the file has no bare CR and no
	// line breaks inside fields, so its CRLF handling cannot differ).
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ref = ref[1:]
	counts := map[string]int{}
	for i, r := range recs {
		if r.Err != nil {
			t.Fatalf("row %d: %v", i+1, r.Err)
		}
		if r.Text != ref[i][0] || r.Fields["sentiment"] != ref[i][1] {
			t.Fatalf("row %d differs from encoding/csv: %.60q %q", i+1, r.Text, r.Fields["sentiment"])
		}
		if r.Row != int64(i+1) || r.ID != "IMDB Dataset.csv:"+itoa(i+1) {
			t.Fatalf("row %d: Row %d ID %q", i+1, r.Row, r.ID)
		}
		counts[r.Fields["sentiment"]]++
	}
	if counts["positive"] != 1404 || counts["negative"] != 1394 {
		t.Fatalf("sentiment counts %v, want 1404 positive, 1394 negative", counts)
	}
	if !strings.HasPrefix(recs[0].Text, "One of the other reviewers has mentioned that after watching just 1 Oz episode") {
		t.Fatalf("first review %.80q", recs[0].Text)
	}
	if st := s.Stats(); st.Records != 2798 || st.Errors != 0 || st.Repaired != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func itoa(i int) string { return baseID("", int64(i))[1:] }

func TestPoemSentimentParquet(t *testing.T) {
	dir := fixtures.Corpus(t, "poem-sentiment-parquet")
	cases := []struct {
		file   string
		rows   int
		labels map[string]int
	}{
		{"train-00000-of-00001.parquet", 892, map[string]int{"0": 155, "1": 133, "2": 555, "3": 49}},
		{"validation-00000-of-00001.parquet", 105, map[string]int{"0": 19, "1": 17, "2": 69}},
		{"test-00000-of-00001.parquet", 104, map[string]int{"0": 19, "1": 16, "2": 69}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			ins, err := Expand([]string{path}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if ins[0].Format != "parquet" || ins[0].EstimatedRows != int64(c.rows) {
				t.Fatalf("input %+v", ins[0])
			}
			// Small batches exercise batch boundaries inside the row group.
			s := openPath(t, path, Options{BatchRows: 100})
			if got := s.Columns(); len(got) != 1 || got[0] != "label" {
				t.Fatalf("columns %v", got)
			}
			recs := readAll(t, s)
			if len(recs) != c.rows {
				t.Fatalf("%d rows, want %d", len(recs), c.rows)
			}
			labels := map[string]int{}
			ids := map[string]bool{}
			nonASCII := 0
			for i, r := range recs {
				if r.Err != nil || r.Null {
					t.Fatalf("row %d: %v null=%v", i+1, r.Err, r.Null)
				}
				if r.Row != int64(i+1) || r.Text == "" || len(r.Text) > 109 || strings.ContainsAny(r.Text, "\n") {
					t.Fatalf("row %d: %+v", i+1, r)
				}
				if ids[r.ID] || r.ID == "" {
					t.Fatalf("row %d: id %q repeated or empty", i+1, r.ID)
				}
				ids[r.ID] = true
				labels[r.Fields["label"]]++
				for _, b := range []byte(r.Text) {
					if b >= 0x80 {
						nonASCII++
						break
					}
				}
			}
			for k, v := range c.labels {
				if labels[k] != v {
					t.Fatalf("labels %v, want %v", labels, c.labels)
				}
			}
			if c.rows == 892 && nonASCII != 30 {
				t.Fatalf("%d non-ASCII rows, want 30", nonASCII)
			}
		})
	}
}

func TestSentimentLabelledTSV(t *testing.T) {
	dir := fixtures.Corpus(t, "sentiment-labelled-sentences")
	for _, name := range []string{"amazon_cells_labelled.txt", "imdb_labelled.txt", "yelp_labelled.txt"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			s := openPath(t, path, Options{Format: "tsv"})
			if got := s.Columns(); len(got) != 1 || got[0] != "label" {
				t.Fatalf("columns %v", got)
			}
			recs := readAll(t, s)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
			if len(recs) != 1000 || len(lines) != 1000 {
				t.Fatalf("%d records, %d lines, want 1000", len(recs), len(lines))
			}
			counts := map[string]int{}
			for i, r := range recs {
				k := strings.LastIndexByte(lines[i], '\t')
				if r.Err != nil || r.Text != lines[i][:k] || r.Fields["label"] != lines[i][k+1:] {
					t.Fatalf("line %d: got %q %v %v, want %q", i+1, r.Text, r.Fields, r.Err, lines[i])
				}
				counts[r.Fields["label"]]++
			}
			if counts["0"] != 500 || counts["1"] != 500 {
				t.Fatalf("labels %v", counts)
			}
		})
	}
}

func TestGloveAsSpaceDelimited(t *testing.T) {
	path := filepath.Join(fixtures.Corpus(t, "glove-6b-50d-10k"), "glove.6B.50d.10k.txt")
	opts := Options{Format: "tsv", CSVDelimiter: ' ', TextColumn: "0", CSVHeader: "no"}
	s := openPath(t, path, opts)
	if cols := s.Columns(); len(cols) != 50 || cols[0] != "col_1" || cols[49] != "col_50" {
		t.Fatalf("columns %v", cols)
	}
	recs := readAll(t, s)
	if len(recs) != 10000 || recs[0].Text != "the" || recs[0].Fields["col_1"] != "0.418" || recs[9999].Text != "quinn" {
		t.Fatalf("%d records, first %q", len(recs), recs[0].Text)
	}
	// Without a text column the 51 columns are ambiguous: a clear error.
	ins, _ := Expand([]string{path}, Options{Format: "tsv", CSVDelimiter: ' '})
	_, err := Open(ins[0], Options{CSVDelimiter: ' '})
	if !errors.Is(err, ErrNoTextColumn) || !strings.Contains(err.Error(), "col_50") {
		t.Fatalf("error %v", err)
	}
	// As a plain text file it is one document.
	s = openPath(t, path, Options{})
	recs = readAll(t, s)
	if len(recs) != 1 || len(recs[0].Text) != 4278545 || recs[0].ID != "glove.6B.50d.10k.txt" {
		t.Fatalf("%d records", len(recs))
	}
}

func TestACLIMDbDirectory(t *testing.T) {
	t.Parallel()
	root := filepath.Join(fixtures.Corpus(t, "aclimdb"), "aclImdb")
	ins, skipped, err := ExpandReport([]string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 35000 {
		t.Fatalf("%d inputs, want 35000", len(ins))
	}
	var skippedNames []string
	for _, s := range skipped {
		skippedNames = append(skippedNames, filepath.Base(s.Path))
	}
	if strings.Join(skippedNames, ",") != "README,imdb.vocab,imdbEr.txt" {
		t.Fatalf("skipped %v", skipped)
	}
	s, err := OpenAll(ins, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if cols := s.Columns(); strings.Join(cols, ",") != "split,label,rating" {
		t.Fatalf("columns %v", cols)
	}
	perDir := map[string]int{}
	ratings := map[string]int{}
	var textBytes int
	ids := make(map[string]bool, 35000)
	n := 0
	for {
		r, err := s.Next(context.Background())
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if r.Err != nil || r.Row != 1 || !utf8.ValidString(r.Text) || strings.ContainsAny(r.Text, "\r\n") {
			t.Fatalf("%s: %+v", r.Source, r.Err)
		}
		f := r.Fields
		want := f["split"] + "/" + f["label"] + "/" + strings.TrimSuffix(filepath.Base(r.Source), ".txt")
		if r.ID != want || ids[r.ID] {
			t.Fatalf("id %q, want unique %q", r.ID, want)
		}
		ids[r.ID] = true
		perDir[f["split"]+"/"+f["label"]]++
		if f["split"] == "train" {
			ratings[f["label"]+f["rating"]]++
		}
		rating := f["rating"]
		if (f["label"] == "pos") != (rating == "7" || rating == "8" || rating == "9" || rating == "10") {
			t.Fatalf("%s: label %s rating %s", r.Source, f["label"], rating)
		}
		textBytes += len(r.Text)
	}
	if n != 35000 || textBytes != 46111597 {
		t.Fatalf("%d docs, %d bytes; want 35000, 46111597", n, textBytes)
	}
	if perDir["train/pos"] != 12500 || perDir["train/neg"] != 12500 || perDir["test/pos"] != 5000 || perDir["test/neg"] != 5000 {
		t.Fatalf("per dir %v", perDir)
	}
	want := map[string]int{"neg1": 5100, "neg2": 2284, "neg3": 2420, "neg4": 2696, "pos7": 2496, "pos8": 3009, "pos9": 2263, "pos10": 4732}
	for k, v := range want {
		if ratings[k] != v {
			t.Fatalf("train ratings %v, want %v", ratings, want)
		}
	}
	if st := s.Stats(); st.Records != 35000 || st.Errors != 0 {
		t.Fatalf("stats %+v", st)
	}
}
