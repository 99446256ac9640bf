package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/duckdb"
	"github.com/scorekit/score/internal/fixtures"
)

// badCSV has a ragged row, a row that is not UTF-8, an empty and a
// whitespace-only text between good rows. Rows are 1-based.
const badCSV = "text,label\n" +
	"a good movie,1\n" +
	"ragged,row,here\n" +
	"\xff\xfe not utf-8,0\n" +
	"\"\",1\n" +
	"   ,0\n" +
	"a great film,1\n"

func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBadRows: rejected rows are written with null scores and an error
// naming file and row; empty texts are scored and flagged; the accounting
// holds; --max-rejected 0 exits 3 but still writes the output.
func TestBadRows(t *testing.T) {
	duckdb.Require(t)
	in := writeFile(t, "bad.csv", badCSV)
	dir := t.TempDir()
	out, rep := filepath.Join(dir, "out.parquet"), filepath.Join(dir, "report.json")
	r := wantExit(t, 3, append(smallArgs(), "--in", in, "--out", out, "--report", rep, "--invalid-utf8", "reject", "--max-rejected", "0")...)
	if !strings.Contains(r.stderr, "rejected") {
		t.Errorf("exit 3 without a message about rejected rows:\n%s", r.stderr)
	}
	rr := readReport(t, rep)
	checkAccounting(t, rr, out, 6)
	if rr.Rejected != 2 || rr.Scored != 4 || rr.Warnings["empty_text"] != 2 {
		t.Errorf("report: %+v, want 4 scored (2 empty_text) and 2 rejected", rr)
	}
	rows := duckdb.Query(t, "SELECT row, head_00, head_03, error, warning FROM read_parquet("+duckdb.Literal(out)+")")
	for i, row := range rows {
		n := int64(i + 1)
		if num(t, row["row"]) != n {
			t.Fatalf("output row %d is input row %v", i, row["row"])
		}
		e, w := str(row["error"]), str(row["warning"])
		switch n {
		case 2, 3:
			if row["head_00"] != nil || row["head_03"] != nil {
				t.Errorf("rejected row %d has scores %v %v", n, row["head_00"], row["head_03"])
			}
			if !strings.Contains(e, filepath.Base(in)) || !strings.Contains(e, "row "+string(rune('0'+n))) {
				t.Errorf("row %d: error %q does not name the file and row", n, e)
			}
			if want := map[int64]string{2: "field", 3: "UTF-8"}[n]; !strings.Contains(e, want) {
				t.Errorf("row %d: error %q does not say %q", n, e, want)
			}
		case 4, 5:
			if row["head_00"] == nil || e != "" || w != "empty_text" {
				t.Errorf("row %d (empty text): score %v error %q warning %q, want scored with empty_text", n, row["head_00"], e, w)
			}
		default:
			if row["head_00"] == nil || e != "" || w != "" {
				t.Errorf("row %d: score %v error %q warning %q", n, row["head_00"], e, w)
			}
		}
	}
	// Without a limit, or with a limit the run stays within, it exits 0.
	for i, limit := range []string{"-1", "2"} {
		out2 := filepath.Join(dir, "limit"+string(rune('0'+i))+".parquet")
		mustScore(t, append(smallArgs(), "--in", in, "--out", out2, "--invalid-utf8", "reject", "--max-rejected", limit)...)
		if _, err := os.Stat(out2); err != nil {
			t.Error(err)
		}
	}
	// repair keeps the non-UTF-8 row: only the ragged row is rejected.
	out3, rep3 := filepath.Join(dir, "out3.parquet"), filepath.Join(dir, "report3.json")
	mustScore(t, append(smallArgs(), "--in", in, "--out", out3, "--report", rep3, "--invalid-utf8", "repair")...)
	if r3 := readReport(t, rep3); r3.Rejected != 1 || r3.Read != 6 {
		t.Errorf("--invalid-utf8 repair: %+v, want 6 read, 1 rejected", r3)
	}
}

func TestFailOnBadRows(t *testing.T) {
	in := writeFile(t, "bad.csv", badCSV)
	out := filepath.Join(t.TempDir(), "out.parquet")
	r := wantExit(t, 1, append(smallArgs(), "--in", in, "--out", out, "--fail-on-bad-rows")...)
	if !strings.Contains(r.stderr, "row 2") || !strings.Contains(r.stderr, filepath.Base(in)) {
		t.Errorf("--fail-on-bad-rows: message does not name the first bad row:\n%s", r.stderr)
	}
	noFileAt(t, out)
}

// TestCorruptParquet: a Parquet file whose pages are damaged stops the run
// with exit 1 naming the file, and leaves no output.
func TestCorruptParquet(t *testing.T) {
	src := filepath.Join(fixtures.Corpus(t, "poem-sentiment-parquet"), "train-00000-of-00001.parquet")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	damaged := append([]byte(nil), data...)
	for i := 200; i < len(damaged)/2; i++ {
		damaged[i] = damaged[i]*7 + 13
	}
	t.Run("damaged pages", func(t *testing.T) {
		in := writeFile(t, "damaged.parquet", string(damaged))
		out := filepath.Join(t.TempDir(), "out.parquet")
		r := wantExit(t, 1, append(smallArgs(), "--in", in, "--text-column", "verse_text", "--out", out)...)
		if !strings.Contains(r.stderr, "damaged.parquet") {
			t.Errorf("message does not name the file:\n%s", r.stderr)
		}
		noFileAt(t, out)
	})
	// A truncated file (footer gone) is broken input, not bad usage: exit 1.
	t.Run("truncated footer", func(t *testing.T) {
		in := writeFile(t, "truncated.parquet", string(data[:len(data)/2]))
		out := filepath.Join(t.TempDir(), "out.parquet")
		r := wantExit(t, 1, append(smallArgs(), "--in", in, "--text-column", "verse_text", "--out", out)...)
		if !strings.Contains(r.stderr, "truncated.parquet") {
			t.Errorf("message does not name the file:\n%s", r.stderr)
		}
		noFileAt(t, out)
	})
}
