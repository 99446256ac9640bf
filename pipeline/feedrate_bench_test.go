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

	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/pipeline"
	"github.com/scorekit/score/reader"
	"github.com/scorekit/score/tokenize"
	"github.com/scorekit/score/writer"
)

// BenchmarkFeedRate measures the input and output side of the pipeline:
// read + tokenize + write, with the zero harness in place of an engine, on
// the aclImdb slice as one file per document, and on the same documents as
// one CSV and one Parquet file. For the files it also measures, in the same
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
	csvPath, pqPath := filepath.Join(dir, "docs.csv"), filepath.Join(dir, "docs.parquet")
	if err := flatten(files, csvPath, pqPath); err != nil {
		b.Fatal(err)
	}
	csvIn, err := reader.Expand([]string{csvPath}, reader.Options{})
	if err != nil {
		b.Fatal(err)
	}
	pqIn, err := reader.Expand([]string{pqPath}, reader.Options{})
	if err != nil {
		b.Fatal(err)
	}
	catRate := catBaseline(b, root, len(files))
	for _, mode := range []tokenize.Mode{tokenize.ModeWhitespace, tokenize.ModeKeras, tokenize.ModeSpacy} {
		for _, c := range []struct {
			name string
			in   []reader.Input
		}{{"files", files}, {"csv", csvIn}, {"parquet", pqIn}} {
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
func feed(b *testing.B, in []reader.Input, mode tokenize.Mode, out string) int64 {
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

// flatten writes the documents of files into one CSV (id,text) and one
// Parquet file (id, text columns), in order.
func flatten(files []reader.Input, csvPath, pqPath string) error {
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
	pw, err := writer.Create(pqPath, writer.Schema{Fields: []string{"text"}, Outputs: []writer.Column{{Name: "unused", Width: 1}}}, writer.Options{})
	if err != nil {
		return err
	}
	var rows []writer.Row
	for {
		r, err := src.Next(context.Background())
		if err != nil {
			break
		}
		if err := cw.Write([]string{r.ID, r.Text}); err != nil {
			return err
		}
		rows = append(rows, writer.Row{ID: r.ID, Source: r.Source, Row: r.Row, Fields: []string{r.Text}, Scores: []float32{0}})
		if len(rows) == 4096 {
			if err := pw.Write(rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
	}
	if err := pw.Write(rows); err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return pw.Close()
}
