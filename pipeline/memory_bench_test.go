package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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

// BenchmarkMemoryFlat scores the aclImdb slice once and ten times over (the
// same 35,000 files listed ten times) in child processes, with the native
// engine on a small meta model, and reports both peak RSS figures and their
// ratio: bounded channels must keep memory flat however long the input is
// (target: 10x within 10% of 1x).
func BenchmarkMemoryFlat(b *testing.B) {
	root := fixtures.Corpus(b, "aclimdb/aclImdb")
	dir := b.TempDir()
	model := filepath.Join(dir, "model")
	cfg := metamodel.Config{SeqLen: 100, EmbedDim: 16, VocabSize: 5000, Filters: []int{8}, Kernel: 3, Pool: 2, Dense: 8, Heads: 2, Seed: 1}
	if err := metamodel.Write(model, cfg); err != nil {
		b.Fatal(err)
	}
	rss := map[int]int64{}
	for range b.N {
		for _, times := range []int{1, 10} {
			cmd := exec.Command(os.Args[0], "-test.run=^TestMemoryChild$", "-test.v")
			cmd.Env = append(os.Environ(), "SCORE_MEMORY_CHILD="+strconv.Itoa(times),
				"SCORE_MEMORY_MODEL="+model, "SCORE_MEMORY_CORPUS="+root, "SCORE_MEMORY_OUT="+filepath.Join(dir, "out.parquet"))
			t0 := time.Now()
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("child x%d: %v\n%s", times, err, out)
			}
			ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
			rss[times] = ru.Maxrss // KiB on Linux
			b.Logf("x%d: peak RSS %d MiB in %v", times, ru.Maxrss/1024, time.Since(t0).Round(time.Millisecond))
		}
	}
	b.ReportMetric(float64(rss[1])/1024, "MiB-1x")
	b.ReportMetric(float64(rss[10])/1024, "MiB-10x")
	b.ReportMetric(float64(rss[10])/float64(rss[1]), "ratio")
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
	if rep.Read != int64(len(in)) {
		t.Fatalf("read %d of %d documents", rep.Read, len(in))
	}
	fmt.Printf("scored %d documents\n", rep.Scored)
}
