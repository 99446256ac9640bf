package writer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/duckdb"
)

// testSchema is the demo model's shape: 36 single-value heads and one
// [batch,3] head with class names, plus three input fields.
func testSchema() Schema {
	s := Schema{Fields: []string{"label", "rating", "split"}}
	for i := 0; i < 36; i++ {
		s.Outputs = append(s.Outputs, Column{Name: fmt.Sprintf("head_%02d", i), Width: 1})
	}
	s.Outputs = append(s.Outputs, Column{Name: "sentiment", Width: 3, Names: []string{"neg", "neu", "pos"}})
	return s
}

// makeRows builds n rows of s starting at row first: scores are random bit
// patterns (NaNs with payloads, subnormals, ±0, ±Inf all occur), every 7th
// row is rejected, some fields are null and some "", some rows warn.
func makeRows(s Schema, first, n int, seed uint64) []Row {
	rng := rand.New(rand.NewPCG(seed, uint64(first)))
	width := s.Width()
	rows := make([]Row, n)
	specials := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		math.MaxFloat32, math.SmallestNonzeroFloat32, 1, 0.5}
	for k := range rows {
		i := first + k
		r := Row{
			ID:     fmt.Sprintf("doc-%06d", i),
			Source: fmt.Sprintf("corpus/part-%d.csv", i/100),
			Row:    int64(i % 100),
		}
		if i%11 != 3 {
			r.Fields = make([]string, len(s.Fields))
			r.FieldNull = make([]bool, len(s.Fields))
			for f := range r.Fields {
				switch rng.IntN(6) {
				case 0:
					r.FieldNull[f] = true
				case 1:
					r.Fields[f] = ""
				default:
					r.Fields[f] = fmt.Sprintf("%s-%d,\"ü\"", s.Fields[f], rng.IntN(5))
				}
			}
		}
		if i%7 == 2 {
			r.Error = fmt.Sprintf("corpus/part-%d.csv: row %d: invalid UTF-8 in text", i/100, i%100)
		} else {
			r.Scores = make([]float32, width)
			for j := range r.Scores {
				if rng.IntN(10) == 0 {
					r.Scores[j] = specials[rng.IntN(len(specials))]
				} else if rng.IntN(2) == 0 {
					r.Scores[j] = rng.Float32()
				} else {
					r.Scores[j] = math.Float32frombits(rng.Uint32())
				}
			}
		}
		if i%5 == 1 {
			r.Warning = "empty_text"
		}
		rows[k] = r
	}
	return rows
}

// sameFloat is bit equality, except that any NaN equals any NaN: NaN
// payloads do not survive readers that go through double and text.
func sameFloat(a, b float32) bool {
	if a != a && b != b {
		return true
	}
	return math.Float32bits(a) == math.Float32bits(b)
}

// writeAll writes rows in batches of batch and closes.
func writeAll(t testing.TB, path string, s Schema, opts Options, rows []Row, batch int) {
	t.Helper()
	w, err := Create(path, s, opts)
	if err != nil {
		t.Fatal(err)
	}
	for len(rows) > 0 {
		n := min(batch, len(rows))
		if err := w.Write(rows[:n]); err != nil {
			w.Abort()
			t.Fatal(err)
		}
		rows = rows[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// dirNames lists dir's entries.
func dirNames(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// tempFiles lists the hidden temporary files of final in its directory.
func tempFiles(t testing.TB, final string) []string {
	t.Helper()
	prefix := "." + filepath.Base(final) + ".tmp-"
	var out []string
	for _, n := range dirNames(t, filepath.Dir(final)) {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}

// q quotes a path for SQL.
func q(p string) string { return duckdb.Literal(p) }

// expectedCell is what a reader should see for column c of r: nil for
// null, a string, an int64 or a float32.
func expectedCell(s Schema, r *Row, c int) any {
	nf, width := len(s.Fields), s.Width()
	switch {
	case c == 0:
		return r.ID
	case c == 1:
		return r.Source
	case c == 2:
		return r.Row
	case c < 3+nf:
		if r.fieldNull(c - 3) {
			return nil
		}
		return r.Fields[c-3]
	case c < 3+nf+width:
		if r.Scores == nil {
			return nil
		}
		return r.Scores[c-3-nf]
	}
	v := r.Error
	if c == 3+nf+width+1 {
		v = r.Warning
	}
	if v == "" {
		return nil
	}
	return v
}
