package enginetest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/tensor"
)

// doubler is a fake model: y = 2x, failing like a TF op on negative x.
type doubler struct{ runs int }

func (d *doubler) Signature() engine.Signature {
	return engine.Signature{Key: "s",
		Inputs:  []engine.TensorSpec{{Key: "x", DType: tensor.Float}},
		Outputs: []engine.TensorSpec{{Key: "y", DType: tensor.Float}}}
}
func (d *doubler) Info() map[string]string { return nil }
func (d *doubler) Close() error            { return nil }
func (d *doubler) Run(_ context.Context, in map[string]*tensor.Tensor) (map[string]*tensor.Tensor, error) {
	d.runs++
	x := tensor.MustValues[float32](in["x"])
	y := make([]float32, len(x))
	for i, v := range x {
		if v < 0 {
			return nil, errors.New("node n/Check (Foo): negative input")
		}
		y[i] = 2 * v
	}
	return map[string]*tensor.Tensor{"y": tensor.Must(tensor.Float, in["x"].Shape(), y)}, nil
}

func TestRunEachAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "expected_outputs.json")
	os.WriteFile(path, []byte(`{"signature": "s",
		"feeds": {"x": {"dtype": "float32", "shape": null, "values": [[1], [2.5], [-1]], "note": "each value is fed alone"}},
		"outputs": {"y": [[2], [5], null]},
		"errors": [{"op": "Foo", "message": "negative input"}],
		"tolerance": "abs 1e-6"}`), 0o644)
	exp, err := readExpected(path)
	if err != nil {
		t.Fatal(err)
	}
	m := &doubler{}
	runEachAlone(t, m, exp, parseTolerance(exp.Tolerance))
	if m.runs != 3 {
		t.Fatalf("%d runs, want one per value", m.runs)
	}
	if ops := errorOps(exp.Errors); len(ops) != 1 || ops[0] != "Foo" {
		t.Fatalf("error ops %v", ops)
	}
	if !namesOp("node n/Check (Foo): negative input", []string{"Foo"}) || namesOp("negative input", []string{"Foo"}) || namesOp("bad", nil) {
		t.Fatal("namesOp")
	}
}
