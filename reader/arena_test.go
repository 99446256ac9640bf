package reader

import (
	"bytes"
	"context"
	"io"
	"maps"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
)

// TestTextArenaBlocks checks the arena's bookkeeping: texts are copies that
// stay intact while their records are held, a block is cut again only once
// every record cut from it is released (and the arena has moved on), long
// texts and records read without an arena hold no block, and releasing a
// record's copy a second time is caught.
func TestTextArenaBlocks(t *testing.T) {
	a := NewTextArena(ArenaOptions{BlockBytes: 64, Poison: true})
	src := []byte("0123456789abcdef")
	var recs []Record
	for i := range 8 { // 8 x 16 bytes: blocks of 64 hold 4 each
		src[0] = byte('A' + i)
		var r Record
		r.Text, r.mem = a.text(src)
		recs = append(recs, r)
	}
	src[5] = '!' // the texts are copies
	for i, r := range recs {
		if want := string(rune('A'+i)) + "123456789abcdef"; r.Text != want {
			t.Fatalf("text %d = %q, want %q", i, r.Text, want)
		}
	}
	if s := a.Stats(); s.Allocated != 2 || s.Reused != 0 {
		t.Fatalf("stats %+v after 8 texts of 16 bytes in blocks of 64", s)
	}
	// Releasing three of the first block's four records gives nothing back.
	for i := range 3 {
		recs[i].Release()
		if recs[i].Text != "" || recs[i].mem != nil {
			t.Fatalf("released record %d still has %q", i, recs[i].Text)
		}
	}
	if len(a.free) != 0 || recs[3].Text != "D123456789abcdef" {
		t.Fatalf("a block came back while record 3 holds it (%q)", recs[3].Text)
	}
	keep := recs[3].Text
	recs[3].Release()
	if len(a.free) != 1 || keep != strings.Repeat("\xff", 16) {
		t.Fatalf("the first block did not come back poisoned: free %d, %q", len(a.free), keep)
	}
	// The second block is the current one: the arena's own reference keeps
	// it even when its records are all released.
	for i := 4; i < 8; i++ {
		recs[i].Release()
	}
	if len(a.free) != 1 {
		t.Fatalf("the current block came back")
	}
	var r Record
	r.Text, r.mem = a.text(bytes.Repeat([]byte("x"), 16)) // the current block is full: the next one is the reused one
	if s := a.Stats(); s.Allocated != 2 || s.Reused != 1 || r.Text != strings.Repeat("x", 16) {
		t.Fatalf("stats %+v, text %q", s, r.Text)
	}
	long, mem := a.text(bytes.Repeat([]byte("y"), 17)) // over a quarter block
	if mem != nil || long != strings.Repeat("y", 17) {
		t.Fatalf("a long text was cut from a block")
	}
	if s, mem := (*TextArena)(nil).text([]byte("z")); s != "z" || mem != nil {
		t.Fatalf("nil arena: %q %v", s, mem)
	}
	r.Release()
	// A record copied and released twice: the second release is caught.
	b := NewTextArena(ArenaOptions{BlockBytes: 64})
	var x Record
	x.Text, x.mem = b.text(src)
	for i := range 4 { // fill the block and start another; release the others: only x holds the first
		var y Record
		y.Text, y.mem = b.text(src)
		if i < 3 {
			y.Release()
		}
	}
	twin := x
	x.Release()
	defer func() {
		if recover() == nil {
			t.Fatal("releasing a copy of a released record went unnoticed")
		}
	}()
	twin.Release()
}

// TestTextArenaSources reads real corpora as CSV, TSV, Parquet and text
// files through a poisoned arena with small blocks, keeping a window of
// records unreleased, and compares every record with a read without the
// arena just before releasing it: a block reused while one of its records
// is held would show as 0xFF bytes. Releases happen on another goroutine,
// as in the pipeline.
func TestTextArenaSources(t *testing.T) {
	acl := filepath.Join(fixtures.Corpus(t, "aclimdb"), "aclImdb", "test", "pos")
	cases := []struct {
		name  string
		paths []string
	}{
		{"csv", []string{filepath.Join(fixtures.Corpus(t, "imdb-dataset-csv"), "IMDB Dataset.csv")}},
		{"tsv", []string{filepath.Join(fixtures.Corpus(t, "sentiment-labelled-sentences"), "imdb_labelled.txt")}},
		{"parquet", []string{filepath.Join(fixtures.Corpus(t, "poem-sentiment-parquet"), "train-00000-of-00001.parquet")}},
		{"files", []string{acl}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := Options{BatchRows: 64}
			if c.name == "tsv" {
				opts.Format, opts.CSVDelimiter = "tsv", '\t'
			}
			ins, err := Expand(c.paths, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(ins) > 2000 {
				ins = ins[:2000]
			}
			want := readInputs(t, ins, opts)
			a := NewTextArena(ArenaOptions{BlockBytes: 16 << 10, Poison: true})
			opts.Arena = a
			src, err := OpenAll(ins, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			const window = 40
			held := make(chan Record, window)
			var wg sync.WaitGroup
			var bad []string
			wg.Add(1)
			go func() { // the releasing side
				defer wg.Done()
				i := 0
				for r := range held {
					if !sameRecord(r, want[i]) {
						bad = append(bad, r.ID)
					}
					r.Release()
					i++
				}
			}()
			n := 0
			for ; ; n++ {
				r, err := src.Next(context.Background())
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				held <- r
			}
			close(held)
			wg.Wait()
			if n != len(want) || len(bad) > 0 {
				t.Fatalf("%d records, want %d; changed while held: %v", n, len(want), bad)
			}
			s := a.Stats()
			if s.Reused == 0 || s.Allocated > 64 {
				t.Fatalf("arena stats %+v: blocks should be reused, few made", s)
			}
			t.Logf("%d records, arena %+v", n, s)
		})
	}
}

func readInputs(t *testing.T, ins []Input, opts Options) []Record {
	t.Helper()
	src, err := OpenAll(ins, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	return readAll(t, src)
}

func sameRecord(a, b Record) bool {
	return a.Text == b.Text && a.ID == b.ID && a.Source == b.Source && a.Row == b.Row && a.Null == b.Null &&
		maps.Equal(a.Fields, b.Fields) && (a.Err == nil) == (b.Err == nil)
}

// TestTextArenaOffHeapClose: on Linux the blocks of a default arena live
// outside the Go heap; Close gives back the idle blocks and the current
// one, a record released after Close gives its block back at once, and
// the arena's texts stay intact until then.
func TestTextArenaOffHeapClose(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("blocks live outside the Go heap on Linux only")
	}
	a := NewTextArena(ArenaOptions{})
	text := bytes.Repeat([]byte("z"), 40<<10)
	var recs []Record
	for range 14 { // six texts fill a 256 KiB block: three blocks
		var r Record
		r.Text, r.mem = a.text(text)
		if r.mem == nil || r.mem.raw == nil || cap(r.mem.buf) != 256<<10 {
			t.Fatalf("a text was not cut from an off-heap block of 256 KiB: %+v", r.mem)
		}
		recs = append(recs, r)
	}
	for _, r := range recs[:6] { // the first block's records
		r.Release()
	}
	if len(a.free) != 1 {
		t.Fatalf("%d idle blocks, want the first", len(a.free))
	}
	last := recs[13]
	a.Close()
	if len(a.free) != 0 || a.cur != nil {
		t.Fatalf("Close kept %d idle blocks (current %v)", len(a.free), a.cur != nil)
	}
	if last.Text != string(text) {
		t.Fatal("Close changed a text whose record is held")
	}
	for _, r := range recs[6:] {
		r.Release()
	}
	if len(a.free) != 0 {
		t.Fatal("a block released after Close waits in the arena")
	}
	a.Close() // twice is harmless
}
