package shard

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/reader"
)

func TestParseAndResolve(t *testing.T) {
	for _, c := range []struct {
		flag   string
		shards int
		index  string
		want   Spec
		bad    bool
	}{
		{want: All},
		{flag: "0/1", want: Spec{0, 1}},
		{flag: " 3/4 ", want: Spec{3, 4}},
		{flag: "4/4", bad: true},
		{flag: "-1/4", bad: true},
		{flag: "1/0", bad: true},
		{flag: "1", bad: true},
		{flag: "a/b", bad: true},
		{shards: 5, index: "2", want: Spec{2, 5}},
		{shards: 5, index: "5", bad: true},
		{shards: 5, bad: true},
		{shards: 5, index: "x", bad: true},
		{flag: "0/2", shards: 2, index: "0", bad: true},
		{shards: -1, bad: true},
	} {
		got, err := Resolve(c.flag, c.shards, c.index)
		if c.bad {
			if !errors.Is(err, ErrSpec) {
				t.Errorf("Resolve(%q, %d, %q) = %v, %v; want ErrSpec", c.flag, c.shards, c.index, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Resolve(%q, %d, %q) = %v, %v; want %v", c.flag, c.shards, c.index, got, err, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"0/1", "3/4", "99998/99999", "1/", "/", "-0/1", "1/2/3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := Parse(s)
		if err != nil {
			return
		}
		if sp.Check() != nil {
			t.Fatalf("Parse(%q) = %v, out of range", s, sp)
		}
		back, err := Parse(sp.String())
		if err != nil || back != sp {
			t.Fatalf("round trip %q -> %v -> %v, %v", s, sp, back, err)
		}
	})
}

func syntheticUnits(rng *rand.Rand, n int) []Unit {
	units := make([]Unit, n)
	for i := range units {
		w := rng.Int64N(1000)
		if rng.IntN(5) == 0 {
			w = rng.Int64N(100000)
		}
		units[i] = Unit{Input: reader.Input{Path: "f" + strconv.Itoa(i)}, Rows: w, Size: w * 10}
	}
	return units
}

// TestAssignPartitions checks, for many unit lists and shard counts, that
// the shards are disjoint contiguous runs covering the input in order, and
// balanced: no shard exceeds total/N by more than the largest unit.
func TestAssignPartitions(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		units := syntheticUnits(rng, rng.IntN(60))
		n := 1 + rng.IntN(9)
		var total, largest int64
		for _, u := range units {
			total += u.Rows
			largest = max(largest, u.Rows)
		}
		var union []Unit
		for k := 0; k < n; k++ {
			got := Assign(units, Spec{k, n})
			var w int64
			for _, u := range got {
				w += u.Rows
			}
			if w*int64(n) > total+largest*int64(n) {
				t.Fatalf("trial %d: shard %d/%d weighs %d of %d (largest unit %d)", trial, k, n, w, total, largest)
			}
			if !reflect.DeepEqual(got, Assign(units, Spec{k, n})) {
				t.Fatalf("trial %d: Assign not deterministic", trial)
			}
			union = append(union, got...)
		}
		if len(union) != len(units) || (len(units) > 0 && !reflect.DeepEqual(union, units)) {
			t.Fatalf("trial %d: %d shards' union has %d units of %d, or another order", trial, n, len(union), len(units))
		}
	}
}

func TestGroupBoundsAndKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	units := syntheticUnits(rng, 100)
	o := Options{PartRows: 5000}
	parts := Group(units, All, o)
	var flat []Unit
	for i, p := range parts {
		if p.Seq != i {
			t.Fatalf("part %d has seq %d", i, p.Seq)
		}
		if p.Rows > o.PartRows && len(p.Units) > 1 {
			t.Fatalf("part %d: %d rows in %d units over the bound", i, p.Rows, len(p.Units))
		}
		flat = append(flat, p.Units...)
	}
	if !reflect.DeepEqual(flat, units) {
		t.Fatal("parts do not concatenate to the units")
	}
	if one := Group(units, All, Options{}); len(one) != 1 {
		t.Fatalf("PartRows 0: %d parts, want 1", len(one))
	}
	changed := append([]Unit(nil), units...)
	changed[0].Size++
	again := Group(changed, All, o)
	if again[0].Key == parts[0].Key || again[1].Key != parts[1].Key {
		t.Fatal("a part's key must change with its inputs and only with them")
	}
}

// writeParquet writes rows "doc i" as a text column in row groups of group
// rows.
func writeParquet(t *testing.T, path string, rows, group int) {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: "text", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewStringBuilder(memory.DefaultAllocator)
	for i := 0; i < rows; i++ {
		b.Append("doc " + strconv.Itoa(i))
	}
	col := b.NewArray()
	defer col.Release()
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, int64(rows))
	defer rec.Release()
	tbl := array.NewTableFromRecords(schema, []arrow.RecordBatch{rec})
	defer tbl.Release()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	props := parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(int64(group)))
	if err := pqarrow.WriteTable(tbl, f, int64(group), props, pqarrow.DefaultWriterProps()); err != nil {
		t.Fatal(err)
	}
}

func readAll(t *testing.T, ins []reader.Input) []reader.Record {
	t.Helper()
	var out []reader.Record
	for _, in := range ins {
		src, err := reader.Open(in, reader.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for {
			r, err := src.Next(context.Background())
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
		src.Close()
	}
	return out
}

// TestParquetSplitByRowGroups splits a 50-row file of 8 row groups and
// reads the pieces back: same records, same row numbers, same order as
// the whole file.
func TestParquetSplitByRowGroups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docs.parquet")
	writeParquet(t, path, 50, 7)
	ins, err := reader.Expand([]string{path}, reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	units, err := Units(ins, Options{PartRows: 15})
	if err != nil {
		t.Fatal(err)
	}
	var groups [][]int
	for _, u := range units {
		groups = append(groups, u.Input.RowGroups)
	}
	if want := [][]int{{0, 1}, {2, 3}, {4, 5}, {6, 7}}; !reflect.DeepEqual(groups, want) {
		t.Fatalf("row groups %v, want %v", groups, want)
	}
	whole := readAll(t, ins)
	for n := 1; n <= 5; n++ {
		var pieces []reader.Input
		for k := 0; k < n; k++ {
			parts, err := Plan(ins, Spec{k, n}, Options{PartRows: 15})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range parts {
				pieces = append(pieces, p.Inputs()...)
			}
		}
		got := readAll(t, pieces)
		if len(got) != 50 || !reflect.DeepEqual(got, whole) {
			t.Fatalf("%d shards: %d records, differ from the whole file's %d", n, len(got), len(whole))
		}
	}
	small, _ := Units(ins, Options{PartRows: 100})
	if len(small) != 1 || small[0].Input.RowGroups != nil {
		t.Fatalf("a file under the bound must stay whole: %+v", small)
	}
}

// TestRealCorpusShards shards the real aclImdb test/pos slice: every file
// in exactly one shard, in Expand's order.
func TestRealCorpusShards(t *testing.T) {
	dir := fixtures.Corpus(t, "aclimdb")
	ins, err := reader.Expand([]string{filepath.Join(dir, "aclImdb", "test", "pos", "1*_*.txt")}, reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []reader.Input
	for k := 0; k < 4; k++ {
		parts, err := Plan(ins, Spec{k, 4}, Options{PartRows: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) == 0 {
			t.Fatalf("shard %d/4 empty over %d files", k, len(ins))
		}
		for _, p := range parts {
			got = append(got, p.Inputs()...)
		}
	}
	if !reflect.DeepEqual(got, ins) {
		t.Fatalf("union of shards: %d inputs, want the %d expanded", len(got), len(ins))
	}
}
