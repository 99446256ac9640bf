package native

import (
	"context"
	"math"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/tensor"
)

// TestConvChainOnKerasFixtures runs the two Keras Conv1D models written by
// TensorFlow (TF 2.7: Conv1D + GlobalMaxPooling1D; TF 2.3: Conv1D
// padding='same' + MaxPooling1D, three blocks) and checks that their convs
// took the one-pass path and that the results equal, bit for bit, a traced
// run (which runs every node one by one).
func TestConvChainOnKerasFixtures(t *testing.T) {
	ids := make([]float32, 2*100)
	for i := range ids {
		ids[i] = float32((i * 37) % 500)
	}
	for _, c := range []struct {
		dir   string
		feed  *tensor.Tensor
		convs int64
	}{
		{"graph_only_conv1d/scotus_embedding_conv1d_tf27/cnn_model", tensor.Must(tensor.Float, []int{2, 100}, ids), 1},
		{"graph_only_conv1d/anime_review_textvec_conv1d_tf23/cnn", tensor.Must(tensor.String, []int{2, 1},
			[]string{"A great show, the animation is beautiful!", "boring"}), 3},
	} {
		m, err := New().Load(context.Background(), fixtures.SavedModel(t, c.dir), engine.LoadOptions{Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		nm := m.(*Model)
		in := map[string]*tensor.Tensor{m.Signature().Inputs[0].Key: c.feed}
		out, err := m.Run(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if got := nm.sess.epilogues.Load(); got != c.convs {
			t.Errorf("%s: %d convolutions took the one-pass path, want all %d", c.dir, got, c.convs)
		}
		traced, err := nm.RunTrace(context.Background(), in, func(string, string, []*tensor.Tensor) {})
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range out {
			a, b := tensor.MustValues[float32](v), tensor.MustValues[float32](traced[k])
			for i := range a {
				if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
					t.Errorf("%s %s[%d]: %v, step by step %v", c.dir, k, i, a[i], b[i])
				}
			}
		}
		m.Close()
	}
}
