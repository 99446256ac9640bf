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
// "files" reads the 35,000 files of the slice, or of ten links to it, as
// score does (a reader.Walk: no list of the files is held).
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
	// Ten copies of the slice as files: ten links to its directory, read
	// as score reads them (a reader.Walk, no list held).
	var copies []string
	for k := range 10 {
		l := filepath.Join(dir, "copies", strconv.Itoa(k))
		if err := os.MkdirAll(filepath.Dir(l), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.Symlink(root, l); err != nil {
			b.Fatal(err)
		}
		copies = append(copies, l)
	}
	for _, c := range []struct {
		name      string
		in1, in10 []string
	}{{"csv", []string{csv1}, []string{csv10}}, {"files", []string{root}, copies}} {
		b.Run(c.name, func(b *testing.B) {
			// A peak depends on when the collector happens to run, so each
			// size runs several times, alternating, and the medians count.
			var rss1, rss10 []float64
			for range b.N {
				for range memoryPairs {
					for _, times := range []int{1, 10} {
						in := c.in1
						if times == 10 {
							in = c.in10
						}
						mib := float64(child(b, model, in, filepath.Join(dir, "out.parquet"))) / 1024
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

// child scores the files, directories and globs in in a child process and
// returns the child's peak RSS in KiB.
func child(b *testing.B, model string, in []string, out string) int64 {
	cmd := exec.Command(os.Args[0], "-test.run=^TestMemoryChild$", "-test.v")
	cmd.Env = append(os.Environ(), "SCORE_MEMORY_CHILD=1", "SCORE_MEMORY_MODEL="+model,
		"SCORE_MEMORY_CORPUS="+strings.Join(in, string(os.PathListSeparator)), "SCORE_MEMORY_OUT="+out)
	t0 := time.Now()
	msg, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("child %v: %v\n%s", in, err, msg)
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
	b.Logf("%s (%d inputs): peak RSS %d MiB in %v", filepath.Base(in[0]), len(in), peak/1024, time.Since(t0).Round(time.Millisecond))
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
	if os.Getenv("SCORE_MEMORY_CHILD") == "" {
		t.Skip("child process of BenchmarkMemoryFlat only")
	}
	in, err := reader.NewWalk(filepath.SplitList(os.Getenv("SCORE_MEMORY_CORPUS")), reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	found, err := in.Scan() // as score does, for the progress total
	if err != nil {
		t.Fatal(err)
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
	if rep.Read < int64(found.Inputs) || rep.Scored+rep.Rejected != rep.Read {
		t.Fatalf("read %d documents of %d inputs", rep.Read, found.Inputs)
	}
	fmt.Printf("scored %d documents\n", rep.Scored)
	fmt.Printf("peak-rss-kib %d\n", peakRSS())
}
