package pipeline_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
	"github.com/scorekit/score/pipeline"
	"github.com/scorekit/score/reader"
	"github.com/scorekit/score/tokenize"
	"github.com/scorekit/score/writer"
)

// BenchmarkFeedRate measures the input and output side of the pipeline:
// read + tokenize + write, with the zero harness in place of an engine, on
// the aclImdb slice as one file per document, and on the same documents as
// one CSV and one Parquet file (zstd, as score writes, and Snappy, as
// pyarrow and Hugging Face write). For the files it also measures, in the same
// run, how fast `find | xargs cat >/dev/null` reads them (the system-call
// bound) and reports our rate as a fraction of it.
func BenchmarkFeedRate(b *testing.B) {
	writer.UsePooledZstd() // as cmd/score does, before any Parquet file is touched
	root := fixtures.Corpus(b, "aclimdb/aclImdb")
	dir := b.TempDir()
	files, err := reader.Expand([]string{root}, reader.Options{})
	if err != nil {
		b.Fatal(err)
	}
	csvPath, pqPath, snPath := filepath.Join(dir, "docs.csv"), filepath.Join(dir, "docs.parquet"), filepath.Join(dir, "docs-snappy.parquet")
	if err := flatten(files, csvPath, pqPath, "zstd"); err != nil {
		b.Fatal(err)
	}
	// pyarrow, pandas and Hugging Face write Snappy by default (the Parquet
	// corpus in ../shared is Snappy); score's own writer, zstd.
	if err := flatten(files, filepath.Join(dir, "unused.csv"), snPath, "snappy"); err != nil {
		b.Fatal(err)
	}
	// Every input is read as score reads it: a reader.Walk, counted once
	// before the run (the progress total), then walked again for the
	// columns and for reading.
	var ins [4]*reader.Walk
	for i, p := range []string{root, csvPath, pqPath, snPath} {
		if ins[i], err = reader.NewWalk([]string{p}, reader.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	filesIn, csvIn, pqIn, snIn := ins[0], ins[1], ins[2], ins[3]
	catRate := catBaseline(b, root, len(files))
	for _, mode := range []tokenize.Mode{tokenize.ModeWhitespace, tokenize.ModeKeras, tokenize.ModeSpacy} {
		for _, c := range []struct {
			name string
			in   *reader.Walk
		}{{"files", filesIn}, {"csv", csvIn}, {"parquet", pqIn}, {"parquet-snappy", snIn}} {
			b.Run(fmt.Sprintf("%s/%s", c.name, mode), func(b *testing.B) {
				var docs int64
				start, cpu0 := time.Now(), cpuSeconds()
				for range b.N {
					docs += feed(b, c.in, mode, filepath.Join(dir, "out.parquet"))
				}
				rate := float64(docs) / time.Since(start).Seconds()
				b.ReportMetric(rate, "docs/s")
				// CPU seconds of the whole process: on a shared machine the
				// wall-clock rate varies with the neighbours' load, this less.
				if cpu := cpuSeconds() - cpu0; cpu > 0 {
					b.ReportMetric(float64(docs)/cpu, "docs/cpu-s")
				}
				if c.name == "files" {
					b.ReportMetric(rate/catRate, "of-cat")
				}
			})
		}
	}
}

// cpuSeconds is the process's user+system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// feed runs the pipeline with the zero harness and returns the rows written.
func feed(b *testing.B, in *reader.Walk, mode tokenize.Mode, out string) int64 {
	if _, err := in.Scan(); err != nil { // as score does, for the progress total
		b.Fatal(err)
	}
	rep, err := pipeline.Run(context.Background(), &zeroModel{seqLen: 100}, pipeline.Options{
		Inputs: in, Feed: pipeline.FeedOptions{Tokenize: tokenize.Options{Mode: mode}},
		OpenWriter: func(s writer.Schema) (writer.Writer, error) { return writer.Create(out, s, writer.Options{}) },
	})
	if err != nil {
		b.Fatal(err)
	}
	return rep.Scored + rep.Rejected
}

// catBaseline times `find ROOT -type f -name '*.txt' -print0 | xargs -0 cat
// >/dev/null` and returns files/s (warm cache: it runs twice, timing the
// second run).
func catBaseline(b *testing.B, root string, n int) float64 {
	cmd := fmt.Sprintf("find %s -type f -name '*.txt' -print0 | xargs -0 cat >/dev/null", strconv.Quote(root))
	var d time.Duration
	for range 2 {
		t0 := time.Now()
		if out, err := exec.Command("sh", "-c", cmd).CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", cmd, err, out)
		}
		d = time.Since(t0)
	}
	rate := float64(n) / d.Seconds()
	b.Logf("find | xargs cat: %d files in %v = %.0f files/s", n, d, rate)
	return rate
}

// flatten writes the documents of files into one CSV and one Parquet file
// (compressed with codec: "zstd" or "snappy"), both with the columns id
// and text, in order; the Parquet file in row groups of 16,384 rows.
func flatten(files []reader.Input, csvPath, pqPath, codec string) error {
	src, err := reader.OpenAll(files, reader.Options{})
	if err != nil {
		return err
	}
	defer src.Close()
	fh, err := os.Create(csvPath)
	if err != nil {
		return err
	}
	defer fh.Close()
	cw := csv.NewWriter(fh)
	if err := cw.Write([]string{"id", "text"}); err != nil {
		return err
	}
	var ids, texts []string
	for {
		r, err := src.Next(context.Background())
		if err != nil {
			break
		}
		if err := cw.Write([]string{r.ID, r.Text}); err != nil {
			return err
		}
		ids, texts = append(ids, r.ID), append(texts, r.Text)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return writeIDText(pqPath, codec, ids, texts)
}

// writeIDText writes a Parquet file of two string columns, id and text.
func writeIDText(path, codec string, ids, texts []string) error {
	c := compress.Codecs.Zstd
	if codec == "snappy" {
		c = compress.Codecs.Snappy
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.BinaryTypes.String}, {Name: "text", Type: arrow.BinaryTypes.String}}, nil)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	props := parquet.NewWriterProperties(parquet.WithCompression(c), parquet.WithMaxRowGroupLength(16384))
	w, err := pqarrow.NewFileWriter(schema, f, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return err
	}
	rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer rb.Release()
	for i := range ids {
		rb.Field(0).(*array.StringBuilder).Append(ids[i])
		rb.Field(1).(*array.StringBuilder).Append(texts[i])
	}
	rec := rb.NewRecordBatch()
	defer rec.Release()
	if err := w.Write(rec); err != nil {
		return err
	}
	return w.Close()
}
