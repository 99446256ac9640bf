package pipeline

import (
	"strings"
	"testing"

	"github.com/scorekit/score/reader"
)

func TestBatcherFlushesByCountAndBytes(t *testing.T) {
	b := Batcher{MaxCount: 3, MaxBytes: 10}
	if b.Add(reader.Record{Text: "ab"}) || b.Add(reader.Record{Text: "cd"}) {
		t.Fatal("batch full too early")
	}
	if !b.Add(reader.Record{Text: "ef"}) {
		t.Fatal("3 records should fill a MaxCount 3 batch")
	}
	if got := b.Flush(); len(got) != 3 || b.Len() != 0 {
		t.Fatalf("flush returned %d, %d left", len(got), b.Len())
	}
	if !b.Add(reader.Record{Text: strings.Repeat("x", 10)}) {
		t.Fatal("10 bytes should fill a MaxBytes 10 batch")
	}
	b.Flush()
	if b.Flush() != nil {
		t.Fatal("empty flush should return nil")
	}
}
