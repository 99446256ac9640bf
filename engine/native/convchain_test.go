package native

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

func aStr(v string) *tfpb.AttrValue { return &tfpb.AttrValue{Value: &tfpb.AttrValue_S{S: []byte(v)}} }

func aList(v ...int64) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: &tfpb.AttrValue_ListValue{I: v}}}
}

// TestConvChainFolds runs Conv2D + BiasAdd + Relu + MaxPool graphs (VALID
// and SAME convolutions, pooling along the width) and checks that the
// folded one-pass path ran and gave exactly the traced run's values
// (traced runs take the step-by-step path).
func TestConvChainFolds(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	rnd := func(shape ...int) *tensor.Tensor {
		v := make([]float32, tensor.NumElements(shape))
		for i := range v {
			v[i] = r.Float32()*2 - 1
		}
		return tensor.Must(tensor.Float, shape, v)
	}
	f := aType(tensor.Float)
	for _, pad := range []string{"VALID", "SAME"} {
		g := &tfpb.GraphDef{Node: []*tfpb.NodeDef{
			placeholder("x", tensor.Float),
			constNode(t, "w", rnd(1, 3, 5, 7)),
			constNode(t, "b", rnd(7)),
			withAttr(node("conv", "Conv2D", "x", "w"), "T", f, "strides", aList(1, 1, 1, 1), "padding", aStr(pad)),
			withAttr(node("bias", "BiasAdd", "conv", "b"), "T", f),
			withAttr(node("relu", "Relu", "bias"), "T", f),
			withAttr(node("pool", "MaxPool", "relu"), "T", f, "ksize", aList(1, 1, 2, 1), "strides", aList(1, 1, 2, 1), "padding", aStr("VALID")),
		}}
		s, err := newSession(g, New().ops, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		feeds := map[string]*tensor.Tensor{"x": rnd(3, 1, 12, 5)}
		out, err := s.run(context.Background(), feeds, []string{"pool"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if s.epilogues.Load() != 1 {
			t.Errorf("%s: %d one-pass convolutions, want 1", pad, s.epilogues.Load())
		}
		traced, err := s.runTrace(context.Background(), feeds, []string{"pool"}, nil, &tracer{fn: func(_, _ string, _, _ []*tensor.Tensor) {}})
		if err != nil {
			t.Fatal(err)
		}
		a, b := floats(t, out[0]), floats(t, traced[0])
		if len(a) != len(b) || out[0].Dim(2) != map[string]int{"VALID": 5, "SAME": 6}[pad] {
			t.Fatalf("%s: shape %v, traced %v", pad, out[0].Shape(), traced[0].Shape())
		}
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				t.Fatalf("%s: [%d] = %v, step by step %v", pad, i, a[i], b[i])
			}
		}
	}
}
