package pipeline_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/native"
	"github.com/scorekit/score/internal/demo"
	"github.com/scorekit/score/pipeline"
	"github.com/scorekit/score/reader"
	"github.com/scorekit/score/savedmodel/metamodel"
	"github.com/scorekit/score/tokenize"
	"github.com/scorekit/score/writer"
)

// BenchmarkEngineFeed runs the demo meta model (founding size, 36 heads) with
// the native engine at batch sizes 64..1024 and 1..4 batches in flight, and
// reports how long the engine waited for input as a share of its time
// (engine_wait) next to documents/s. The input side must keep the engine
// busy: the target is under 5% once 2 batches are in flight.
func BenchmarkEngineFeed(b *testing.B) {
	dir := b.TempDir()
	cfg := metamodel.Default()
	model, corpus := filepath.Join(dir, "model"), filepath.Join(dir, "corpus")
	if err := metamodel.Write(model, cfg); err != nil {
		b.Fatal(err)
	}
	if err := demo.WriteCorpus(corpus, cfg, 4096, 1); err != nil {
		b.Fatal(err)
	}
	in, err := reader.Expand([]string{corpus}, reader.Options{})
	if err != nil {
		b.Fatal(err)
	}
	m, err := native.New().Load(context.Background(), model, engine.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	for _, batch := range []int{64, 256, 1024} {
		for _, inflight := range []int{1, 2, 4} {
			b.Run(fmt.Sprintf("batch=%d/inflight=%d", batch, inflight), func(b *testing.B) {
				var rep *pipeline.Report
				for range b.N {
					rep, err = pipeline.Run(context.Background(), m, pipeline.Options{
						Inputs: reader.List(in), Feed: pipeline.FeedOptions{Tokenize: tokenize.Options{Mode: tokenize.ModeSpacy}},
						BatchSize: batch, InFlight: inflight,
						OpenWriter: func(s writer.Schema) (writer.Writer, error) {
							return writer.Create(filepath.Join(dir, "out.parquet"), s, writer.Options{})
						},
					})
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(rep.DocsPerSecond, "docs/s")
				b.ReportMetric(100*rep.EngineWaitRatio, "%engine_wait")
			})
		}
	}
}
