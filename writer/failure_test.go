package writer

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// A write error from the file system fails the writer, removes the
// temporary file and leaks no arrow memory; Abort still works.
func TestFileErrorFailsWriter(t *testing.T) {
	s := testSchema()
	rows := makeRows(s, 0, 2000, 7)
	for _, ext := range []string{".parquet", ".csv", ".jsonl"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			w, err := Create(filepath.Join(dir, "out"+ext), s, Options{RowGroupRows: 500, Allocator: mem})
			if err != nil {
				t.Fatal(err)
			}
			fw := w.(*fileWriter)
			fw.tmp.f.Close() // every later write to the file fails
			var werr error
			for i := 0; i < 20 && werr == nil; i++ {
				werr = w.Write(rows)
			}
			if werr == nil {
				werr = w.Close()
			}
			if werr == nil || !strings.Contains(werr.Error(), "out"+ext) {
				t.Fatalf("err = %v, want a write error naming the file", werr)
			}
			if err := w.Write(rows[:1]); !errors.Is(err, ErrFailed) {
				t.Errorf("Write after failure: %v, want ErrFailed", err)
			}
			if err := w.Close(); !errors.Is(err, ErrFailed) {
				t.Errorf("Close after failure: %v, want ErrFailed", err)
			}
			if err := w.Abort(); err != nil {
				t.Errorf("Abort after failure: %v", err)
			}
			if names := dirNames(t, dir); len(names) != 0 {
				t.Errorf("dir after failure: %v, want empty", names)
			}
			mem.AssertSize(t, 0)
		})
	}
}

// panicEncoder stands in for an arrow encoder that panics on a value.
type panicEncoder struct{ released int }

func (e *panicEncoder) write([]Row) error { panic("bad value in column 7") }
func (e *panicEncoder) finish() error     { return nil }
func (e *panicEncoder) release()          { e.released++ }

func TestEncoderPanicBecomesError(t *testing.T) {
	s := testSchema()
	dir := t.TempDir()
	w, err := Create(filepath.Join(dir, "out.parquet"), s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fw := w.(*fileWriter)
	fw.enc.release()
	pe := &panicEncoder{}
	fw.enc = pe
	err = w.Write(makeRows(s, 0, 2, 8))
	if !errors.Is(err, ErrPanic) || !strings.Contains(err.Error(), "bad value in column 7") {
		t.Fatalf("err = %v, want ErrPanic with the panic value", err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if pe.released != 1 {
		t.Errorf("release ran %d times, want once", pe.released)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("dir after panic: %v, want empty", names)
	}
}
