package reader

import (
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/scorekit/score/internal/fixtures"
)

// drain reads a source to the end and returns the record count and text bytes.
func drain(b *testing.B, s Source) (int, int64) {
	n, bytes := 0, int64(0)
	for {
		r, err := s.Next(context.Background())
		if err == io.EOF {
			return n, bytes
		}
		if err != nil {
			b.Fatal(err)
		}
		if r.Err != nil {
			b.Fatal(r.Err)
		}
		n++
		bytes += int64(len(r.Text))
	}
}

// cpuSeconds is the process's user+system CPU time: on a shared machine
// docs per CPU second is steadier than docs per wall second.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func benchRead(b *testing.B, ins []Input) {
	b.ReportAllocs()
	b.ResetTimer()
	docs := 0
	cpu0 := cpuSeconds()
	defer func() {
		if cpu := cpuSeconds() - cpu0; cpu > 0 {
			b.ReportMetric(float64(docs)/cpu, "docs/cpu-s")
		}
	}()
	for i := 0; i < b.N; i++ {
		s, err := OpenAll(ins, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n, nb := drain(b, s)
		s.Close()
		docs += n
		b.SetBytes(nb)
	}
	b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkReadIMDbDir(b *testing.B) {
	root := filepath.Join(fixtures.Corpus(b, "aclimdb"), "aclImdb")
	ins, err := Expand([]string{root}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchRead(b, ins)
}

// testDocs returns the aclImdb test reviews (10,000) and their labels.
func testDocs(b *testing.B) (texts, labels []string) {
	root := filepath.Join(fixtures.Corpus(b, "aclimdb"), "aclImdb", "test")
	ins, err := Expand([]string{root}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	s, err := OpenAll(ins, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for {
		r, err := s.Next(context.Background())
		if err == io.EOF {
			return texts, labels
		}
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, r.Text)
		labels = append(labels, r.Fields["label"])
	}
}

func BenchmarkReadCSV(b *testing.B) {
	texts, labels := testDocs(b)
	p := filepath.Join(b.TempDir(), "test.csv")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"review", "sentiment"})
	for i := range texts {
		w.Write([]string{texts[i], labels[i]})
	}
	w.Flush()
	if err := f.Close(); err != nil || w.Error() != nil {
		b.Fatal(err, w.Error())
	}
	benchRead(b, []Input{{Path: p, Format: "csv"}})
}

func BenchmarkReadParquet(b *testing.B) {
	texts, labels := testDocs(b)
	p := filepath.Join(b.TempDir(), "test.parquet")
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "text", Type: arrow.BinaryTypes.String},
		{Name: "label", Type: arrow.BinaryTypes.String},
	}, nil)
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy), parquet.WithMaxRowGroupLength(4096))
	w, err := pqarrow.NewFileWriter(schema, f, props, pqarrow.DefaultWriterProps())
	if err != nil {
		b.Fatal(err)
	}
	rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	for i := range texts {
		rb.Field(0).(*array.StringBuilder).Append(texts[i])
		rb.Field(1).(*array.StringBuilder).Append(labels[i])
	}
	rec := rb.NewRecordBatch()
	if err := w.Write(rec); err != nil {
		b.Fatal(err)
	}
	rec.Release()
	rb.Release()
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	benchRead(b, []Input{{Path: p, Format: "parquet"}})
}
