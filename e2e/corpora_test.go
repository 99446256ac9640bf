package e2e

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/duckdb"
	"github.com/scorekit/score/internal/fixtures"
)

// scoreCorpus runs the small model on a corpus with a report and returns
// the output path and the report, after checking the accounting against
// wantRows (the corpus' SOURCE.md count).
func scoreCorpus(t *testing.T, wantRows int64, args ...string) (string, runReport) {
	t.Helper()
	duckdb.Require(t)
	dir := t.TempDir()
	out, rep := filepath.Join(dir, "scores.parquet"), filepath.Join(dir, "report.json")
	mustScore(t, append(append(smallArgs(), "--out", out, "--report", rep), args...)...)
	r := readReport(t, rep)
	checkAccounting(t, r, out, wantRows)
	if r.Rejected != 0 {
		t.Errorf("%d rows rejected on a clean corpus: %v", r.Rejected, r.RejectedByReason)
	}
	return out, r
}

// countBy returns column value -> rows of an output file.
func countBy(t *testing.T, out, expr string) map[string]int64 {
	t.Helper()
	m := map[string]int64{}
	for _, r := range duckdb.Query(t, "SELECT CAST("+expr+" AS VARCHAR) AS k, count(*) AS n FROM read_parquet("+duckdb.Literal(out)+") GROUP BY 1") {
		m[str(r["k"])] = num(t, r["n"])
	}
	return m
}

func wantCounts(t *testing.T, what string, got, want map[string]int64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %v, want %v", what, got, want)
		return
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %v, want %v", what, got, want)
			return
		}
	}
}

func TestCorpusAclImdbSubset(t *testing.T) {
	root := filepath.Join(fixtures.Corpus(t, "aclimdb"), "aclImdb")
	// test/pos holds ids 0..4999 (SOURCE.md): 1*_* matches 1, 10-19,
	// 100-199 and 1000-1999, 1,111 files.
	out, _ := scoreCorpus(t, 1111, "--in", filepath.Join(root, "test", "pos", "1*_*.txt"))
	docs := imdbDocs(t, root, func(rel string) bool {
		ok, _ := filepath.Match("test/pos/1*_*.txt", rel)
		return ok
	})
	for i := range docs {
		docs[i].id = "" // file arguments: the id is not part of this check
	}
	checkMetaScores(t, out, smallModel, smallConfig.Heads, docs, 1)
}

// TestCorpusAclImdbFull scores the whole slice: 35,000 reviews.
func TestCorpusAclImdbFull(t *testing.T) {
	if testing.Short() {
		t.Skip("the whole aclImdb slice is scored without -short only")
	}
	root := filepath.Join(fixtures.Corpus(t, "aclimdb"), "aclImdb")
	out, rep := scoreCorpus(t, 35000, "--in", root, "--batch-size", "512")
	// The dataset's README, imdb.vocab and imdbEr.txt are not reviews.
	wantCounts(t, "files skipped", rep.FilesSkipped, map[string]int64{"IMDb dataset file that is not a review": 3})
	wantCounts(t, "split/label", countBy(t, out, "split || '/' || label"),
		map[string]int64{"train/pos": 12500, "train/neg": 12500, "test/pos": 5000, "test/neg": 5000})
	// Train rating counts from SOURCE.md.
	got := countBy(t, out, "CASE WHEN split = 'train' THEN rating END")
	delete(got, "")
	wantCounts(t, "train ratings", got, map[string]int64{"1": 5100, "2": 2284, "3": 2420, "4": 2696, "7": 2496, "8": 3009, "9": 2263, "10": 4732})
	rows := duckdb.Query(t, "SELECT count(*) AS n FROM (SELECT source, lag(source) OVER (ORDER BY file_row_number) AS prev FROM read_parquet("+
		duckdb.Literal(out)+", file_row_number = true)) WHERE prev >= source")
	if n := num(t, rows[0]["n"]); n != 0 {
		t.Errorf("%d rows out of source order", n)
	}
}

func TestCorpusIMDBCSV(t *testing.T) {
	path := filepath.Join(fixtures.Corpus(t, "imdb-dataset-csv"), "IMDB Dataset.csv")
	out, _ := scoreCorpus(t, 2798, "--in", path, "--text-column", "review", "--label-columns", "sentiment", "--batch-size", "300")
	wantCounts(t, "sentiment", countBy(t, out, "sentiment"), map[string]int64{"positive": 1404, "negative": 1394})
	// Values and order against encoding/csv's reading of the file.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2799 || recs[0][0] != "review" {
		t.Fatalf("encoding/csv reads %d records, header %v", len(recs), recs[0])
	}
	if !strings.HasPrefix(recs[1][0], "One of the other reviewers has mentioned") {
		t.Fatalf("first review %.40q", recs[1][0])
	}
	docs := make([]doc, 0, 2798)
	for i, r := range recs[1:] {
		docs = append(docs, doc{path: path, row: int64(i + 1), text: r[0]})
	}
	checkMetaScores(t, out, smallModel, smallConfig.Heads, docs, 1)
}

func TestCorpusPoemParquet(t *testing.T) {
	dir := fixtures.Corpus(t, "poem-sentiment-parquet")
	glob := filepath.Join(dir, "*.parquet")
	out, _ := scoreCorpus(t, 892+105+104, "--in", glob, "--text-column", "verse_text", "--id-column", "id", "--label-columns", "label")
	wantCounts(t, "rows per file", countBy(t, out, "parse_filename(source)"), map[string]int64{
		"train-00000-of-00001.parquet": 892, "validation-00000-of-00001.parquet": 105, "test-00000-of-00001.parquet": 104})
	wantCounts(t, "train labels", countBy(t, out, "CASE WHEN source LIKE '%train%' THEN label ELSE 'x' END"),
		map[string]int64{"0": 155, "1": 133, "2": 555, "3": 49, "x": 209})
	// Order, ids and values against DuckDB's own reading of the inputs.
	in := duckdb.Query(t, "SELECT filename, file_row_number AS r, CAST(id AS VARCHAR) AS id, verse_text FROM read_parquet("+
		duckdb.Literal(glob)+", filename = true, file_row_number = true) ORDER BY filename, file_row_number")
	docs := make([]doc, len(in))
	for i, r := range in {
		docs[i] = doc{id: str(r["id"]), path: str(r["filename"]), row: num(t, r["r"]) + 1, text: str(r["verse_text"])}
	}
	checkMetaScores(t, out, smallModel, smallConfig.Heads, docs, 1)
}

func TestCorpusSentimentTSV(t *testing.T) {
	dir := fixtures.Corpus(t, "sentiment-labelled-sentences")
	glob := filepath.Join(dir, "*_labelled.txt")
	out, _ := scoreCorpus(t, 3000, "--in", glob, "--format", "tsv")
	wantCounts(t, "rows per file", countBy(t, out, "parse_filename(source)"), map[string]int64{
		"amazon_cells_labelled.txt": 1000, "imdb_labelled.txt": 1000, "yelp_labelled.txt": 1000})
	wantCounts(t, "labels", countBy(t, out, "label"), map[string]int64{"0": 1500, "1": 1500})
	var docs []doc
	for _, name := range []string{"amazon_cells_labelled.txt", "imdb_labelled.txt", "yelp_labelled.txt"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		for i, l := range lines {
			text, _, ok := strings.Cut(l, "\t")
			if !ok {
				t.Fatalf("%s line %d has no tab", name, i+1)
			}
			docs = append(docs, doc{path: filepath.Join(dir, name), row: int64(i + 1), text: text})
		}
	}
	checkMetaScores(t, out, smallModel, smallConfig.Heads, docs, 1)
}
