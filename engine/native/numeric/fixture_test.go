package numeric

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/savedmodel/bundle"
	"github.com/scorekit/score/tensor"
)

// TestSpamMLPWithRealWeights runs the sms_spam fixture's serving chain
// (Cast -> ResourceGather -> Reshape -> 4×(MatMul, BiasAdd) with Relu, then
// Sigmoid) through these kernels on the checkpoint's real weights and
// compares with the fixture's independent numpy forward pass.
func TestSpamMLPWithRealWeights(t *testing.T) {
	dir := fixtures.SavedModel(t, "sms_spam_embedding_mlp_tf2")
	r, err := bundle.Open(filepath.Join(dir, "spam_model", "variables", "variables"))
	if err != nil {
		t.Fatal(err)
	}
	read := func(key string) *tensor.Tensor {
		v, err := r.Tensor(key + "/.ATTRIBUTES/VARIABLE_VALUE")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	raw, err := os.ReadFile(filepath.Join(dir, "expected_outputs.derived.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exp struct {
		Inputs  [][]float32            `json:"inputs"`
		Outputs map[string][][]float64 `json:"outputs"`
		Debug   map[string][][]float64 `json:"debug_not_an_output"`
	}
	if err := json.Unmarshal(raw, &exp); err != nil {
		t.Fatal(err)
	}
	if len(exp.Inputs) == 0 || len(exp.Outputs["dense_3"]) != len(exp.Inputs) || len(exp.Debug["dense_3_pre_sigmoid_logit"]) != len(exp.Inputs) {
		t.Fatalf("expected_outputs.derived.json: %d inputs, %d outputs, %d logits", len(exp.Inputs),
			len(exp.Outputs["dense_3"]), len(exp.Debug["dense_3_pre_sigmoid_logit"]))
	}
	var flat []float32
	for _, row := range exp.Inputs {
		flat = append(flat, row...)
	}
	x := f32([]int{len(exp.Inputs), 8}, flat...)

	emb := &op.Variable{Name: "embeddings", DType: tensor.Float}
	emb.Assign(read("layer_with_weights-0/embeddings"))
	ids := run1(t, "Cast", attrs{"DstT": aT(tensor.Int32)}, x)
	h := run1(t, "ResourceGather", attrs{"dtype": aT(tensor.Float)}, op.ResourceTensor(emb), ids)
	h = run1(t, "Reshape", nil, h, i32([]int{2}, -1, 192))
	for l := 1; l <= 4; l++ {
		h = run1(t, "MatMul", nil, h, read(fmt.Sprintf("layer_with_weights-%d/kernel", l)))
		h = run1(t, "BiasAdd", nil, h, read(fmt.Sprintf("layer_with_weights-%d/bias", l)))
		if l < 4 {
			h = run1(t, "Relu", nil, h)
		}
	}
	logits := tensor.MustValues[float32](h)
	for i, want := range exp.Debug["dense_3_pre_sigmoid_logit"] {
		if math.Abs(float64(logits[i])-want[0]) > 1e-4*(1+math.Abs(want[0])) {
			t.Errorf("row %d: logit %v, numpy %v", i, logits[i], want[0])
		}
	}
	p := tensor.MustValues[float32](run1(t, "Sigmoid", nil, h))
	for i, want := range exp.Outputs["dense_3"] {
		if math.Abs(float64(p[i])-want[0]) > 1e-6+1e-4*math.Abs(want[0]) {
			t.Errorf("row %d: p %v, numpy %v", i, p[i], want[0])
		}
	}
	// An id past the vocabulary is an error naming the node, never a clamp.
	wantErr(t, "is not in [0, 7954)", "ResourceGather", nil, op.ResourceTensor(emb), i32([]int{1, 2}, 3, 7954))
}
