package reader

import (
	"context"
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/parquet"
)

// TestParquetPrefetchLifecycle checks the text decoder goroutine: it
// starts on the first Next, Close stops it mid-file (and is idempotent),
// and a cancelled context ends a wait for the next chunk.
func TestParquetPrefetchLifecycle(t *testing.T) {
	t.Parallel()
	rows := synthRows(3000)
	path := writeFile(t, "prefetch.parquet", nil)
	writeParquet(t, path, rows, 500, parquet.WithDataPageSize(1024))

	p, err := openParquet(Input{Path: path, Format: "parquet"}, Options{BatchRows: 7})
	if err != nil {
		t.Fatal(err)
	}
	if p.text == nil {
		t.Fatal("text column not read directly")
	}
	if p.text.ch != nil {
		t.Fatal("decoder started before the first Next")
	}
	for i := 0; i < 600; i++ { // into the second row group
		r, err := p.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if w := rows[i].text; (w == nil) != r.Null || (w != nil && *w != r.Text) {
			t.Fatalf("row %d: %q", i, r.Text)
		}
	}
	done := p.text.done
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	default:
		t.Fatal("Close returned with the decoder still running")
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}

	// A consumer waiting for a chunk that does not come.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := &directText{ch: make(chan textChunk)}
	if err := d.next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("next with a cancelled context: %v", err)
	}
}
