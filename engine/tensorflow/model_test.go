package tensorflow

import (
	"testing"

	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// The graph's placeholder wins over a wrong signature dtype (half_plus_three's
// regress signature declares float32 for a string tf.Example placeholder),
// and PlaceholderWithDefault inputs are recognised as optional.
func TestPlaceholderDType(t *testing.T) {
	cases := []struct {
		fixture, sig, key string
		wantDT            tensor.DType
		wantOp            string
	}{
		{"tfserving_half_plus_three_tf1", "tensorflow/serving/regress", "inputs", tensor.String, "Placeholder"},
		{"tfserving_half_plus_two_tf2", "serving_default", "x", tensor.Float, "PlaceholderWithDefault"},
	}
	for _, c := range cases {
		m, err := savedmodel.Load(fixtures.SavedModel(t, c.fixture), savedmodel.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sig, err := m.Signature(c.sig)
		if err != nil {
			t.Fatal(err)
		}
		in := sig.Inputs[0]
		if in.Key != c.key {
			t.Fatalf("%s: input %q", c.fixture, in.Key)
		}
		nodes := map[string]*tfpb.NodeDef{}
		for _, n := range m.MetaGraph.GetGraphDef().GetNode() {
			nodes[n.GetName()] = n
		}
		dt, op := placeholderDType(nodes, in.Name, in.DType)
		if dt != c.wantDT || op != c.wantOp {
			t.Errorf("%s %s: got %s %q, want %s %q (signature says %s)", c.fixture, in.Name, dt, op, c.wantDT, c.wantOp, in.DType)
		}
	}
}

func TestRawView(t *testing.T) {
	x := tensor.Must(tensor.Int32, []int{2}, []int32{1, -2})
	b, err := rawView(x)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff}
	if string(b) != string(want) {
		t.Errorf("raw % x, want % x", b, want)
	}
	if _, err := rawView(tensor.Must(tensor.String, []int{1}, []string{"a"})); err == nil {
		t.Error("string tensor has a raw view")
	}
}

func TestStatusError(t *testing.T) {
	err := &StatusError{Call: "TF_SessionRun", Code: 3, Message: "indices[0] = 99 is not in [0, 10)"}
	if got := err.Error(); got != "TF_SessionRun: INVALID_ARGUMENT: indices[0] = 99 is not in [0, 10)" {
		t.Errorf("got %q", got)
	}
	if codeName(16) != "UNAUTHENTICATED" || codeName(99) != "CODE_99" {
		t.Error("code names")
	}
}
