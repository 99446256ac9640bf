package pipeline_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/native"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/pipeline"
	"github.com/scorekit/score/reader"
	"github.com/scorekit/score/savedmodel/metamodel"
	"github.com/scorekit/score/tokenize"
	"github.com/scorekit/score/writer"
)

// BenchmarkMemoryFlat scores the aclImdb slice once and ten times over in
// child processes, with the native engine on a small meta model, and
// reports both peak RSS figures and their ratio: bounded channels must keep
// memory flat however long the input is (target: 10x within 10% of 1x);
// the figures are medians of memoryPairs alternating runs of each size.
// "csv" streams the documents from one CSV file (35,000 or 350,000 rows);
// "files" lists the 35,000 files once or ten times, which also measures the
// input list itself (it grows with the number of files: about 200 bytes each).
func BenchmarkMemoryFlat(b *testing.B) {
	root := fixtures.Corpus(b, "aclimdb/aclImdb")
	dir := b.TempDir()
	model := filepath.Join(dir, "model")
	cfg := metamodel.Config{SeqLen: 100, EmbedDim: 16, VocabSize: 5000, Filters: []int{8}, Kernel: 3, Pool: 2, Dense: 8, Heads: 2, Seed: 1}
	if err := metamodel.Write(model, cfg); err != nil {
		b.Fatal(err)
	}
	files, err := reader.Expand([]string{root}, reader.Options{})
	if err != nil {
		b.Fatal(err)
	}
	csv1, csv10 := filepath.Join(dir, "x1.csv"), filepath.Join(dir, "x10.csv")
	if err := repeatCSV(files, csv1, 1); err != nil {
		b.Fatal(err)
	}
	if err := repeatCSV(files, csv10, 10); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name       string
		in1, in10  string
		repeatList bool
	}{{"csv", csv1, csv10, false}, {"files", root, root, true}} {
		b.Run(c.name, func(b *testing.B) {
			// A peak depends on when the collector happens to run, so each
			// size runs several times, alternating, and the medians count.
			var rss1, rss10 []float64
			for range b.N {
				for range memoryPairs {
					for _, times := range []int{1, 10} {
						in, repeat := c.in1, 1
						if times == 10 {
							in = c.in10
							if c.repeatList {
								repeat = 10
							}
						}
						mib := float64(child(b, model, in, repeat, filepath.Join(dir, "out.parquet"))) / 1024
						if times == 1 {
							rss1 = append(rss1, mib)
						} else {
							rss10 = append(rss10, mib)
						}
					}
				}
			}
			m1, m10 := median(rss1), median(rss10)
			worst := 0.0
			for i := range rss1 {
				worst = max(worst, rss10[i]/rss1[i])
			}
			b.ReportMetric(m1, "MiB-1x")
			b.ReportMetric(m10, "MiB-10x")
			b.ReportMetric(m10/m1, "ratio")
			b.ReportMetric(worst, "worst-pair-ratio")
		})
	}
}

// memoryPairs is how many 1x/10x pairs BenchmarkMemoryFlat runs per op.
const memoryPairs = 5

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// child scores in (its input list repeated repeat times) in a child process
// and returns the child's peak RSS in KiB.
func child(b *testing.B, model, in string, repeat int, out string) int64 {
	cmd := exec.Command(os.Args[0], "-test.run=^TestMemoryChild$", "-test.v")
	cmd.Env = append(os.Environ(), "SCORE_MEMORY_CHILD="+strconv.Itoa(repeat),
		"SCORE_MEMORY_MODEL="+model, "SCORE_MEMORY_CORPUS="+in, "SCORE_MEMORY_OUT="+out)
	t0 := time.Now()
	msg, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("child %s x%d: %v\n%s", in, repeat, err, msg)
	}
	// The child reports its own high-water mark: the rusage of a child
	// started with vfork also counts the parent's peak from before the
	// exec, which after the other benchmarks of this process is far higher.
	peak := int64(-1)
	for _, line := range strings.Split(string(msg), "\n") {
		if v, ok := strings.CutPrefix(line, "peak-rss-kib "); ok {
			peak, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	if peak <= 0 {
		peak = cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
	}
	b.Logf("%s (list x%d): peak RSS %d MiB in %v", filepath.Base(in), repeat, peak/1024, time.Since(t0).Round(time.Millisecond))
	return peak
}

// peakRSS is this process's peak resident set in KiB (VmHWM), or -1.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return -1
}

// repeatCSV writes the documents of files times times into one CSV.
func repeatCSV(files []reader.Input, path string, times int) error {
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	w := csv.NewWriter(fh)
	if err := w.Write([]string{"id", "text"}); err != nil {
		return err
	}
	for k := range times {
		src, err := reader.OpenAll(files, reader.Options{})
		if err != nil {
			return err
		}
		for {
			r, err := src.Next(context.Background())
			if err != nil {
				break
			}
			if err := w.Write([]string{fmt.Sprintf("%d/%s", k, r.ID), r.Text}); err != nil {
				src.Close()
				return err
			}
		}
		src.Close()
	}
	w.Flush()
	return w.Error()
}

// TestMemoryChild is the child process of BenchmarkMemoryFlat; it does
// nothing unless that benchmark started it.
func TestMemoryChild(t *testing.T) {
	times, err := strconv.Atoi(os.Getenv("SCORE_MEMORY_CHILD"))
	if err != nil {
		t.Skip("child process of BenchmarkMemoryFlat only")
	}
	files, err := reader.Expand([]string{os.Getenv("SCORE_MEMORY_CORPUS")}, reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var in []reader.Input
	for range times {
		in = append(in, files...)
	}
	writer.UsePooledZstd() // as cmd/score does at start-up
	m, err := native.New().Load(context.Background(), os.Getenv("SCORE_MEMORY_MODEL"), engine.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	rep, err := pipeline.Run(context.Background(), m, pipeline.Options{
		Inputs: in, Feed: pipeline.FeedOptions{Tokenize: tokenize.Options{Mode: tokenize.ModeWhitespace}},
		OpenWriter: func(s writer.Schema) (writer.Writer, error) {
			return writer.Create(os.Getenv("SCORE_MEMORY_OUT"), s, writer.Options{})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Read < int64(len(in)) || rep.Scored+rep.Rejected != rep.Read {
		t.Fatalf("read %d of %d documents", rep.Read, len(in))
	}
	fmt.Printf("scored %d documents\n", rep.Scored)
	fmt.Printf("peak-rss-kib %d\n", peakRSS())
}
