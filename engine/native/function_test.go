package native

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

func fnSig(name string, in, out []string) *tfpb.OpDef {
	sig := &tfpb.OpDef{Name: name}
	for _, a := range in {
		sig.InputArg = append(sig.InputArg, &tfpb.OpDef_ArgDef{Name: a, Type: tfpb.DataType_DT_FLOAT})
	}
	for _, a := range out {
		sig.OutputArg = append(sig.OutputArg, &tfpb.OpDef_ArgDef{Name: a, Type: tfpb.DataType_DT_FLOAT})
	}
	return sig
}

// scaleSplit(x, k) = (first half of x*k, second half of x*k); it also runs a
// stateful Effect that no result depends on, and a control_ret NoOp.
func scaleSplit() *tfpb.FunctionDef {
	return &tfpb.FunctionDef{
		Signature: fnSig("scale_split", []string{"x", "k"}, []string{"lo", "hi"}),
		NodeDef: []*tfpb.NodeDef{
			withAttr(node("mul", "MulT", "x", "k"), "T", aType(tensor.Float)),
			withAttr(node("split", "SplitT", "mul:z:0"), "num_split", aInt(2), "T", aType(tensor.Float)),
			withAttr(node("idn", "IdentityN", "split:output:1", "x"), "T", aTypes(tensor.Float, tensor.Float)),
			node("eff", "Effect"),
		},
		Ret: map[string]string{"lo": "split:output:0", "hi": "idn:output:0"},
	}
}

// outer(x) = scale_split(x, 2) called through StatefulPartitionedCall.
func outer() *tfpb.FunctionDef {
	return &tfpb.FunctionDef{
		Signature: fnSig("outer", []string{"x"}, []string{"y"}),
		NodeDef: []*tfpb.NodeDef{
			{Name: "two", Op: "Const", Attr: map[string]*tfpb.AttrValue{"dtype": aType(tensor.Float),
				"value": {Value: &tfpb.AttrValue_Tensor{Tensor: &tfpb.TensorProto{Dtype: tfpb.DataType_DT_FLOAT, TensorShape: &tfpb.TensorShapeProto{}, FloatVal: []float32{2}}}}}},
			withAttr(node("call", "StatefulPartitionedCall", "x", "two:output:0"),
				"Tin", aTypes(tensor.Float, tensor.Float), "Tout", aTypes(tensor.Float, tensor.Float), "f", aFunc("scale_split")),
			withAttr(node("sum", "AddT", "call:output:0", "call:output:1"), "T", aType(tensor.Float)),
			node("done", "NoOp", "^call"),
		},
		Ret:        map[string]string{"y": "sum:z:0"},
		ControlRet: map[string]string{"done": "done"},
	}
}

func functionGraph(t testing.TB) *tfpb.GraphDef {
	return &tfpb.GraphDef{
		Node: []*tfpb.NodeDef{
			placeholder("x", tensor.Float),
			constNode(t, "k", f32(10)),
			withAttr(node("pcall", "PartitionedCall", "x", "k"),
				"Tin", aTypes(tensor.Float, tensor.Float), "Tout", aTypes(tensor.Float, tensor.Float), "f", aFunc("scale_split")),
			node("direct", "scale_split", "x", "k"),
			withAttr(node("nested", "StatefulPartitionedCall", "x"),
				"Tin", aTypes(tensor.Float), "Tout", aTypes(tensor.Float), "f", aFunc("outer")),
		},
		Library: &tfpb.FunctionDefLibrary{Function: []*tfpb.FunctionDef{scaleSplit(), outer()}},
	}
}

func TestFunctionCalls(t *testing.T) {
	to := newTestOps()
	s := newTestSession(t, to, functionGraph(t))
	feeds := map[string]*tensor.Tensor{"x": f32(1, 2, 3, 4)}
	out, err := s.run(context.Background(), feeds, []string{"pcall:0", "pcall:1", "direct:1", "nested"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantFloats(t, out[0], 10, 20)
	wantFloats(t, out[1], 30, 40)
	wantFloats(t, out[2], 30, 40)
	wantFloats(t, out[3], 2+6, 4+8)
	// Each of the three calls of scale_split ran its stateful Effect.
	if got := to.effects.Load(); got != 3 {
		t.Fatalf("Effect ran %d times, want 3", got)
	}
}

func TestFunctionErrorNamesInnerNode(t *testing.T) {
	g := functionGraph(t)
	// An odd-length input cannot be split in two.
	s := newTestSession(t, newTestOps(), g)
	_, err := s.run(context.Background(), map[string]*tensor.Tensor{"x": f32(1, 2, 3)}, []string{"nested"}, nil)
	var ne *NodeError
	if !errors.As(err, &ne) || ne.Node != "scale_split/split" || ne.Op != "SplitT" {
		t.Fatalf("want error from scale_split/split (SplitT), got %v", err)
	}
	if !strings.Contains(err.Error(), "node scale_split/split (SplitT): cannot split 3 values in 2") {
		t.Fatalf("message: %v", err)
	}
}

func TestFunctionUnsupportedOps(t *testing.T) {
	g := functionGraph(t)
	g.Library.Function[0].NodeDef = append(g.Library.Function[0].NodeDef, node("weird", "WeirdStatefulOp"))
	s := newTestSession(t, newTestOps(), g)
	_, err := s.run(context.Background(), map[string]*tensor.Tensor{"x": f32(1, 2)}, []string{"pcall"}, nil)
	// WeirdStatefulOp is unknown, so it is not known to be stateful and is
	// pruned; the body still runs.
	if err != nil {
		t.Fatal(err)
	}
	g.Library.Function[0].Ret["lo"] = "weird:y:0"
	s = newTestSession(t, newTestOps(), g)
	_, err = s.run(context.Background(), map[string]*tensor.Tensor{"x": f32(1, 2)}, []string{"pcall"}, nil)
	var ue *engine.UnsupportedOpsError
	if !errors.As(err, &ue) || len(ue.Ops["WeirdStatefulOp"]) != 1 || ue.Ops["WeirdStatefulOp"][0] != "scale_split/weird" {
		t.Fatalf("want unsupported WeirdStatefulOp at scale_split/weird, got %v", err)
	}
}

func TestRecursionBounded(t *testing.T) {
	loop := &tfpb.FunctionDef{
		Signature: fnSig("loop", []string{"x"}, []string{"y"}),
		NodeDef:   []*tfpb.NodeDef{node("again", "loop", "x")},
		Ret:       map[string]string{"y": "again:y:0"},
	}
	g := &tfpb.GraphDef{
		Node:    []*tfpb.NodeDef{placeholder("x", tensor.Float), node("call", "loop", "x")},
		Library: &tfpb.FunctionDefLibrary{Function: []*tfpb.FunctionDef{loop}},
	}
	s := newTestSession(t, newTestOps(), g)
	_, err := s.run(context.Background(), map[string]*tensor.Tensor{"x": f32(1)}, []string{"call"}, nil)
	if err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Fatalf("want depth error, got %v", err)
	}
}

// checkOps follows func attrs (If/While branches) and direct calls into
// the library, stops at fed tensors, and names unknown functions.
func TestCheckOpsFollowsFunctions(t *testing.T) {
	branch := &tfpb.FunctionDef{
		Signature: fnSig("branch", []string{"x"}, []string{"y"}),
		NodeDef:   []*tfpb.NodeDef{node("deep", "DeepOp", "x")},
		Ret:       map[string]string{"y": "deep:y:0"},
	}
	g := &tfpb.GraphDef{
		Node: []*tfpb.NodeDef{
			placeholder("x", tensor.Float),
			node("parse", "ParseOp", "x"),
			withAttr(node("cond", "CondOp", "parse"), "then_branch", aFunc("branch"), "else_branch", aFunc("missing_fn")),
			node("out", "Identity", "cond"),
		},
		Library: &tfpb.FunctionDefLibrary{Function: []*tfpb.FunctionDef{branch}},
	}
	s := newTestSession(t, newTestOps(), g)
	err := s.checkOps(runSpec{fetches: []string{"out"}})
	var ue *engine.UnsupportedOpsError
	if !errors.As(err, &ue) {
		t.Fatalf("got %v", err)
	}
	for _, want := range []string{"ParseOp", "CondOp", "DeepOp", "function missing_fn"} {
		if _, ok := ue.Ops[want]; !ok {
			t.Errorf("%s not listed: %v", want, ue.Ops)
		}
	}
	if got := ue.Ops["DeepOp"]; len(got) != 1 || got[0] != "branch/deep" {
		t.Errorf("DeepOp at %v, want branch/deep", got)
	}
	// Feeding parse's output cuts ParseOp (as feeding x:0 cuts ParseExample
	// in the TF1 half_plus_two serving signature).
	err = s.checkOps(runSpec{feeds: []string{"parse:0"}, fetches: []string{"out"}})
	if !errors.As(err, &ue) {
		t.Fatalf("got %v", err)
	}
	if _, ok := ue.Ops["ParseOp"]; ok {
		t.Errorf("fed ParseOp listed: %v", ue.Ops)
	}
}
