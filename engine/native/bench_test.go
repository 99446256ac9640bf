package native

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// BenchmarkExecOverhead measures the executor alone: a chain of 1000
// Identity nodes, so nearly all time is per-node dispatch.
func BenchmarkExecOverhead(b *testing.B) {
	g := &tfpb.GraphDef{Node: []*tfpb.NodeDef{placeholder("n0", tensor.Float)}}
	for i := 1; i <= 1000; i++ {
		g.Node = append(g.Node, withAttr(node(fmt.Sprintf("n%d", i), "Identity", fmt.Sprintf("n%d", i-1)), "T", aType(tensor.Float)))
	}
	s := newTestSession(b, newTestOps(), g)
	feeds := map[string]*tensor.Tensor{"n0": f32(1)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.run(context.Background(), feeds, []string{"n1000"}, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/node")
}

// BenchmarkModels runs real fixtures on batches of 64 rows with the full op
// table.
func BenchmarkModels(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	ids := func(n, width, vocab int) *tensor.Tensor {
		v := make([]float32, n*width)
		for i := range v {
			v[i] = float32(rng.IntN(vocab))
		}
		return tensor.Must(tensor.Float, []int{n, width}, v)
	}
	words := strings.Fields("the quantum field theory of magnetic systems shows new results for phase transitions in lattice gauge models and galaxies")
	text := func(n int) *tensor.Tensor {
		v := make([]string, n)
		for i := range v {
			var sb strings.Builder
			for j := 0; j < 40; j++ {
				sb.WriteString(words[rng.IntN(len(words))] + " ")
			}
			v[i] = sb.String()
		}
		return tensor.Must(tensor.String, []int{n, 1}, v)
	}
	const batch = 64
	for _, c := range []struct {
		name, dir, input string
		feed             *tensor.Tensor
	}{
		{"sms_spam_mlp", "sms_spam_embedding_mlp_tf2/spam_model", "embedding_input", ids(batch, 8, 7954)},
		{"scotus_conv1d", "graph_only_conv1d/scotus_embedding_conv1d_tf27/cnn_model", "embedding_input", ids(batch, 100, 19415)},
		{"arxiv_textvec", "arxiv_textvec_gap_softmax_tf2/cnn_model", "input_9", text(batch)},
		{"anime_textvec_conv1d", "graph_only_conv1d/anime_review_textvec_conv1d_tf23/cnn", "input_4", text(batch)},
		{"imdb_bilstm", "imdb_bilstm_tf2/model", "embedding_input", ids(batch, 200, 10000)},
	} {
		b.Run(c.name, func(b *testing.B) {
			m, err := New().Load(context.Background(), fixtures.SavedModel(b, c.dir), engine.LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			feeds := map[string]*tensor.Tensor{c.input: c.feed}
			for b.Loop() {
				if _, err := m.Run(context.Background(), feeds); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
