package native_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/enginetest"
	"github.com/scorekit/score/engine/native"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/tensor"
)

func TestConformance(t *testing.T) {
	enginetest.Run(t, native.New())
}

// TestConformancePoisonedLoans runs the fixtures again with every buffer
// the executor lends to a kernel filled with a pattern first (NaN, ...): a
// kernel that borrows an output buffer and leaves any element unset fails
// the expected outputs instead of passing on a zeroed fresh buffer.
func TestConformancePoisonedLoans(t *testing.T) {
	defer native.PoisonLoans()()
	enginetest.Run(t, native.New())
}

// A bad id fails the batch with an error naming the gather node and op;
// the model stays usable.
func TestRunErrorNamesOp(t *testing.T) {
	dir := fixtures.SavedModel(t, "sms_spam_embedding_mlp_tf2/spam_model")
	m, err := native.New().Load(context.Background(), dir, engine.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ids := make([]float32, 16)
	ids[11] = 20000 // the embedding has 7954 rows
	_, err = m.Run(context.Background(), map[string]*tensor.Tensor{"embedding_input": tensor.Must(tensor.Float, []int{2, 8}, ids)})
	var ne *native.NodeError
	if !errors.As(err, &ne) || ne.Op != "ResourceGather" || !strings.Contains(err.Error(), "embedding_lookup (ResourceGather)") {
		t.Fatalf("want a ResourceGather node error, got %v", err)
	}
	ids[11] = 3
	if _, err := m.Run(context.Background(), map[string]*tensor.Tensor{"embedding_input": tensor.Must(tensor.Float, []int{2, 8}, ids)}); err != nil {
		t.Fatalf("model unusable after a failed batch: %v", err)
	}
}

func TestSupportedOps(t *testing.T) {
	ops := native.SupportedOps()
	have := map[string]bool{}
	for _, o := range ops {
		have[o] = true
	}
	// One op from each part of the table.
	for _, o := range []string{"Const", "StatefulPartitionedCall", "MatMul", "StringSplitV2", "LookupTableFindV2", "StatelessWhile", "RestoreV2"} {
		if !have[o] {
			t.Errorf("SupportedOps lacks %s", o)
		}
	}
}

// Sparse (coo_sparse) inputs: the spec says so and all three parts are
// required.
func TestSparseInputSpec(t *testing.T) {
	dir := fixtures.SavedModel(t, "tfx_taxi_transform_fn_tf1/transform_fn")
	m, err := native.New().Load(context.Background(), dir, engine.LoadOptions{Tags: []string{"transform"}, Signature: "transform_signature"})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	in, ok := m.Signature().Input("fare")
	if !ok || !in.Sparse || in.DType != tensor.Float || in.Name != "transform/inputs/fare/fare_1:0" {
		t.Fatalf("fare spec %+v", in)
	}
	_, err = m.Run(context.Background(), map[string]*tensor.Tensor{"fare" + engine.SparseValues: tensor.Must(tensor.Float, []int{1}, []float32{1})})
	if err == nil || !strings.Contains(err.Error(), "missing sparse input") {
		t.Fatalf("got %v", err)
	}
}
