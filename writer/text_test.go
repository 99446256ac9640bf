package writer

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// openBack opens a written text file, through gzip for ".gz".
func openBack(t *testing.T, path string) io.Reader {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if !strings.HasSuffix(path, ".gz") {
		return f
	}
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func TestCSVRoundTrip(t *testing.T) {
	s := testSchema()
	rows := makeRows(s, 0, 400, 9)
	for _, name := range []string{"out.csv", "out.csv.gz"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			writeAll(t, path, s, Options{}, rows, 33)
			recs, err := csv.NewReader(openBack(t, path)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			cols := s.Columns()
			if strings.Join(recs[0], "|") != strings.Join(cols, "|") {
				t.Fatalf("header %v, want %v", recs[0], cols)
			}
			if len(recs)-1 != len(rows) {
				t.Fatalf("%d records, want %d", len(recs)-1, len(rows))
			}
			for i, rec := range recs[1:] {
				for c := range cols {
					if !csvCellMatches(expectedCell(s, &rows[i], c), rec[c]) {
						t.Fatalf("row %d column %s: %q, want %#v", i, cols[c], rec[c], expectedCell(s, &rows[i], c))
					}
				}
			}
		})
	}
}

// csvCellMatches: null is an empty cell; floats parse back bit-exact.
func csvCellMatches(want any, got string) bool {
	switch w := want.(type) {
	case nil:
		return got == ""
	case string:
		return got == w
	case int64:
		return got == strconv.FormatInt(w, 10)
	case float32:
		f, err := strconv.ParseFloat(got, 32)
		return err == nil && sameFloat(float32(f), w)
	}
	return false
}

func TestJSONLRoundTrip(t *testing.T) {
	s := testSchema()
	rows := makeRows(s, 0, 400, 10)
	// Strings that need escaping, invalid UTF-8 and the JS line separators.
	rows[0].ID = "quote\" back\\ nl\n tab\t ctl\x01 \u2028 <&>"
	rows[1].ID = "bad \xff utf-8"
	for _, name := range []string{"out.jsonl", "out.jsonl.gz", "out.ndjson"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			writeAll(t, path, s, Options{}, rows, 64)
			sc := bufio.NewScanner(openBack(t, path))
			sc.Buffer(nil, 1<<20)
			cols := s.Columns()
			i := 0
			for ; sc.Scan(); i++ {
				if !json.Valid(sc.Bytes()) {
					t.Fatalf("line %d is not valid JSON: %s", i+1, sc.Bytes())
				}
				dec := json.NewDecoder(strings.NewReader(sc.Text()))
				dec.UseNumber()
				var obj map[string]any
				if err := dec.Decode(&obj); err != nil {
					t.Fatalf("line %d: %v", i+1, err)
				}
				if len(obj) != len(cols) {
					t.Fatalf("line %d has %d keys, want %d", i+1, len(obj), len(cols))
				}
				// Key order is the column order.
				keys, _, err := decodeObject(sc.Bytes())
				if err != nil || strings.Join(keys, "|") != strings.Join(cols, "|") {
					t.Fatalf("line %d keys %v (%v), want %v", i+1, keys, err, cols)
				}
				for c, name := range cols {
					want := expectedCell(s, &rows[i], c)
					if sw, ok := want.(string); ok {
						want = viaEncodingJSON(t, sw)
					}
					if !jsonCellMatches(want, obj[name]) {
						t.Fatalf("line %d column %s: %#v, want %#v", i+1, name, obj[name], want)
					}
				}
			}
			if err := sc.Err(); err != nil {
				t.Fatal(err)
			}
			if i != len(rows) {
				t.Fatalf("%d lines, want %d", i, len(rows))
			}
		})
	}
}

func jsonCellMatches(want, got any) bool {
	switch w := want.(type) {
	case nil:
		return got == nil
	case string:
		return got == w
	case int64:
		n, ok := got.(json.Number)
		return ok && n.String() == strconv.FormatInt(w, 10)
	case float32:
		switch g := got.(type) {
		case json.Number:
			f, err := strconv.ParseFloat(g.String(), 32)
			return err == nil && sameFloat(float32(f), w)
		case string:
			f := float64(w)
			return g == "NaN" && math.IsNaN(f) || g == "+Inf" && math.IsInf(f, 1) || g == "-Inf" && math.IsInf(f, -1)
		}
	}
	return false
}
