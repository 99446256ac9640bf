package native

import (
	"context"
	"math/rand/v2"
	"os"
	"sync"
	"syscall"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/internal/blasref"
	"github.com/scorekit/score/savedmodel/metamodel"
	"github.com/scorekit/score/tensor"
)

// metaFLOPs counts the floating-point operations of one document through
// every head of a meta model: 2·MACs of each conv and dense layer (bias,
// activations and pooling are not counted).
func metaFLOPs(cfg metamodel.Config) float64 {
	var perHead float64
	steps, ch := cfg.SeqLen, cfg.EmbedDim
	for i, f := range cfg.Filters {
		out := steps - cfg.Kernel + 1
		perHead += 2 * float64(out) * float64(cfg.Kernel*ch) * float64(f)
		steps, ch = out, f
		if i < len(cfg.Filters)-1 {
			steps = (steps-cfg.Pool)/cfg.Pool + 1
		}
	}
	perHead += 2*float64(ch)*float64(cfg.Dense) + 2*float64(cfg.Dense)
	return perHead * float64(cfg.Heads)
}

// metaTokens draws rows of SeqLen tokens: mostly vocabulary words, some
// unknown words and a padded tail, like tokenized documents.
func metaTokens(cfg metamodel.Config, n int, seed uint64) *tensor.Tensor {
	vocab := metamodel.Vocabulary(cfg)
	oov := metamodel.OOVWords(cfg, 50)
	r := rand.New(rand.NewPCG(seed, 3))
	v := make([]string, n*cfg.SeqLen)
	for i := range n {
		length := cfg.SeqLen/2 + r.IntN(cfg.SeqLen/2+1)
		for j := range length {
			if r.IntN(10) == 0 {
				v[i*cfg.SeqLen+j] = oov[r.IntN(len(oov))]
			} else {
				v[i*cfg.SeqLen+j] = vocab[r.IntN(len(vocab))]
			}
		}
	}
	return tensor.Must(tensor.String, []int{n, cfg.SeqLen}, v)
}

// cpuTime is the CPU time (user + system, seconds) this process has used:
// on a machine shared with other work it measures cost where wall time
// measures the share the scheduler gave us.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// TestMain removes the meta model the benchmarks wrote.
func TestMain(m *testing.M) {
	code := m.Run()
	if metaModelDir.dir != "" {
		os.RemoveAll(metaModelDir.dir)
	}
	os.Exit(code)
}

var metaModelDir struct {
	once sync.Once
	dir  string
	err  error
}

// writeMetaModel writes the founding-size meta model once per test binary.
func writeMetaModel(b *testing.B) string {
	metaModelDir.once.Do(func() {
		dir, err := os.MkdirTemp("", "score-metamodel-")
		if err != nil {
			metaModelDir.err = err
			return
		}
		metaModelDir.dir = dir
		metaModelDir.err = metamodel.Write(dir, metamodel.Default())
	})
	if metaModelDir.err != nil {
		b.Fatal(metaModelDir.err)
	}
	return metaModelDir.dir
}

func loadMeta(b *testing.B, opts engine.LoadOptions, x execOptions) engine.Model {
	e := New()
	e.opt = x
	m, err := e.Load(context.Background(), writeMetaModel(b), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	return m
}

// BenchmarkMetaModel scores batches of 256 documents with the founding
// meta model (36 heads) and reports documents/s, the achieved GFLOP/s and,
// measured in the same run, OpenBLAS's SGEMM GFLOP/s (2048³) and the ratio
// of the two.
func BenchmarkMetaModel(b *testing.B) {
	for _, c := range benchPolicies {
		b.Run(c.name, func(b *testing.B) { benchMetaModel(b, c.opt) })
	}
}

// benchPolicies are the executor policies the benchmarks compare: the
// default (auto) first.
var benchPolicies = []struct {
	name string
	opt  execOptions
}{
	{"auto", defaultExecOptions()},
	{"fused-seq", execOptions{fuse: true, sched: schedSequential}},
	{"fused-par", execOptions{fuse: true, sched: schedParallel}},
	{"plain-seq", execOptions{fuse: false, sched: schedSequential}},
}

func benchMetaModel(b *testing.B, x execOptions) {
	cfg := metamodel.Default()
	const batch = 256
	m := loadMeta(b, engine.LoadOptions{}, x)
	feeds := map[string]*tensor.Tensor{metamodel.InputKey: metaTokens(cfg, batch, 1)}
	warmUp(b, m, feeds)
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.Run(context.Background(), feeds); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-cpu0)*1e3/float64(batch*b.N), "cpu-ms/doc")
	sec := b.Elapsed().Seconds()
	docs := float64(batch*b.N) / sec
	gflops := docs * metaFLOPs(cfg) / 1e9
	b.ReportMetric(docs, "docs/s")
	b.ReportMetric(gflops, "GFLOP/s")
	b.StopTimer()
	if blas, err := blasref.Load(); err == nil {
		ref := blas.GFLOPS(2048, 3)
		b.ReportMetric(ref, "blasGFLOP/s")
		b.ReportMetric(gflops/ref, "ratio")
	} else {
		b.Logf("no OpenBLAS reference: %v", err)
	}
}

// BenchmarkMetaModelLatency scores one document at a time with all 36
// heads.
func BenchmarkMetaModelLatency(b *testing.B) {
	for _, c := range benchPolicies {
		b.Run(c.name, func(b *testing.B) { benchMetaModelLatency(b, c.opt) })
	}
}

func benchMetaModelLatency(b *testing.B, x execOptions) {
	cfg := metamodel.Default()
	m := loadMeta(b, engine.LoadOptions{}, x)
	feeds := map[string]*tensor.Tensor{metamodel.InputKey: metaTokens(cfg, 1, 2)}
	warmUp(b, m, feeds)
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.Run(context.Background(), feeds); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-cpu0)*1e3/float64(b.N), "cpu-ms/doc")
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/doc")
}

// warmUp runs m until it is in its steady state, as in a long job: the
// plan compiled, caches filled and the auto policy's tuner settled (it
// times tunerTrials runs of each schedule, after one untimed run).
func warmUp(b *testing.B, m engine.Model, feeds map[string]*tensor.Tensor) {
	for range 2*tunerTrials + 1 {
		if _, err := m.Run(context.Background(), feeds); err != nil {
			b.Fatal(err)
		}
	}
}
