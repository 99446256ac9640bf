package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/tensor"
)

// zeroModel is a benchmark and test harness, not a model: it accepts string
// tokens [n, L] and returns zeros [n, 1]. It isolates the input and output
// side of the pipeline (read + tokenize + write) from any engine cost.
type zeroModel struct {
	seqLen int
	runs   atomic.Int64
}

func (z *zeroModel) Signature() engine.Signature {
	return engine.Signature{Key: "serving_default",
		Inputs:  []engine.TensorSpec{{Key: "tokens", Name: "tokens:0", DType: tensor.String, Shape: []int{-1, z.seqLen}}},
		Outputs: []engine.TensorSpec{{Key: "score", Name: "score:0", DType: tensor.Float, Shape: []int{-1, 1}}}}
}

func (z *zeroModel) Run(_ context.Context, in map[string]*tensor.Tensor) (map[string]*tensor.Tensor, error) {
	z.runs.Add(1)
	t := in["tokens"]
	n := t.Dim(0)
	return map[string]*tensor.Tensor{"score": tensor.Must(tensor.Float, []int{n, 1}, make([]float32, n))}, nil
}

func (z *zeroModel) Info() map[string]string {
	return map[string]string{"engine": "zero-harness", "device": "none"}
}
func (z *zeroModel) Close() error { return nil }

// poisonModel wraps a real model and fails any batch holding a row with the
// token "poison", the way TensorFlow fails a whole batch for one bad id.
type poisonModel struct {
	engine.Model
	failedRuns atomic.Int64
}

func (p *poisonModel) Run(ctx context.Context, in map[string]*tensor.Tensor) (map[string]*tensor.Tensor, error) {
	for _, t := range in {
		if t.DType() == tensor.String && slices.Contains(tensor.MustValues[string](t), "poison") {
			p.failedRuns.Add(1)
			return nil, fmt.Errorf("node embedding/Gather (GatherV2): %w", errPoison)
		}
	}
	return p.Model.Run(ctx, in)
}

var errPoison = errors.New("indices contain poison")
