package reader

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/scorekit/score/internal/fixtures"
)

// realSeed returns the first n bytes of a shared corpus file, or nil.
func realSeed(rel string, n int) []byte {
	root := fixtures.Root()
	if root == "" {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(root, "corpora", filepath.FromSlash(rel)))
	if err != nil {
		return nil
	}
	if len(b) > n {
		b = b[:n]
	}
	return b
}

func csvSeeds(f *testing.F) {
	for _, s := range [][]byte{
		realSeed("imdb-dataset-csv/IMDB Dataset.csv", 3000),
		realSeed("sentiment-labelled-sentences/imdb_labelled.txt", 2000),
		[]byte("text,label\n\"a\nb\",1\r\n\"x\"\"y\",2\rz,3"),
		[]byte("\"unterminated,1\nrow,2\n"),
		[]byte("\"abc\"def,1\n"),
		[]byte("\xef\xbb\xbfid,text\n1,caf\xe9\n"),
	} {
		if s != nil {
			f.Add(s, uint16(0), true, false)
			f.Add(s, uint16(17), false, true)
		}
	}
}

// FuzzCSVScanner checks the streaming scanner against the reference under
// several read patterns and limits, and against encoding/csv on input both
// accept.
func FuzzCSVScanner(f *testing.F) {
	csvSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, max uint16, quoting, tab bool) {
		if len(data) > 2048 {
			return
		}
		delim := byte(',')
		if tab {
			delim = '\t'
		}
		checkAgainstRef(t, data, delim, quoting, int(max%300)+1)
		if !quoting || tab || bytes.IndexByte(data, '\r') >= 0 {
			return
		}
		ref, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			return
		}
		got, err := scanRaw(bytes.NewReader(data), ',', true, 1<<20, 5)
		if err != nil || len(got) != len(ref) {
			t.Fatalf("%q: %d records (err %v), encoding/csv %d", data, len(got), err, len(ref))
		}
		for i := range ref {
			if got[i].err != "" || len(got[i].fields) != len(ref[i]) {
				t.Fatalf("%q record %d: %v vs %q", data, i, got[i], ref[i])
			}
			for k := range ref[i] {
				if got[i].fields[k] != ref[i][k] {
					t.Fatalf("%q record %d field %d: %q vs %q", data, i, k, got[i].fields[k], ref[i][k])
				}
			}
		}
	})
}

// FuzzCSVSource runs the whole CSV source (header detection, columns,
// UTF-8 policy) and checks its invariants.
func FuzzCSVSource(f *testing.F) {
	csvSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, max uint16, reject, tab bool) {
		opts := Options{MaxRecordBytes: int(max%500) + 1}
		if reject {
			opts.InvalidUTF8 = "reject"
		}
		delim := byte(',')
		if tab {
			delim = '\t'
		}
		s, err := openCSV("fuzz.csv", io.NopCloser(bytes.NewReader(data)), delim, opts)
		if err != nil {
			return
		}
		defer s.Close()
		checkSource(t, s)
	})
}

func checkSource(t *testing.T, s Source) {
	n := int64(0)
	for {
		r, err := s.Next(context.Background())
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if r.Row != n {
			t.Fatalf("row %d, want %d", r.Row, n)
		}
		if r.Err != nil {
			if r.Text != "" {
				t.Fatal("error record with text")
			}
			continue
		}
		if !utf8.ValidString(r.Text) || r.ID == "" {
			t.Fatalf("record %+v", r)
		}
		for _, v := range r.Fields {
			if !utf8.ValidString(v) {
				t.Fatalf("field %q", v)
			}
		}
	}
	if st := s.Stats(); st.Records != n {
		t.Fatalf("stats %+v, %d records", st, n)
	}
}

// FuzzJSONL checks that every non-blank line is one record and that the
// source's invariants hold.
func FuzzJSONL(f *testing.F) {
	f.Add([]byte("{\"text\": \"a\", \"label\": 1}\n{\"text\": null}\n\nbad\n"))
	f.Add([]byte("{\"id\": 1, \"text\": \"caf\xe9\", \"x\": {\"y\": [1]}}\r\n{\"text\": 2}"))
	f.Add([]byte("\xef\xbb\xbf{\"review\": \"\\ud800 lone\"}\n   \n{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := openJSONL("fuzz.jsonl", io.NopCloser(bytes.NewReader(data)), Options{})
		if err != nil {
			return
		}
		defer s.Close()
		want := int64(0)
		body := data
		if bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
			body = body[3:]
		}
		for _, l := range bytes.Split(body, []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				want++
			}
		}
		checkSource(t, s)
		if got := s.Stats().Records; got != want {
			t.Fatalf("%q: %d records, want %d", data, got, want)
		}
	})
}

// FuzzParquet feeds corrupted Parquet files to Open and Next: errors are
// fine, panics and hangs are not.
func FuzzParquet(f *testing.F) {
	if b := realSeed("poem-sentiment-parquet/test-00000-of-00001.parquet", 1<<20); b != nil {
		f.Add(b, uint16(0), byte(0))
		f.Add(b, uint16(len(b)/2), byte(0x55))
		f.Add(b, uint16(len(b)-20), byte(0xff))
	}
	f.Fuzz(func(t *testing.T, data []byte, at uint16, x byte) {
		if len(data) > 0 {
			data = append([]byte(nil), data...)
			data[int(at)%len(data)] ^= x
		}
		p := filepath.Join(t.TempDir(), "f.parquet")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Open(Input{Path: p, Format: "parquet"}, Options{})
		if err != nil {
			return
		}
		defer s.Close()
		for i := 0; i < 100000; i++ {
			if _, err := s.Next(context.Background()); err != nil {
				return
			}
		}
		t.Fatal("no end after 100000 records")
	})
}
