package native

import (
	"context"
	"slices"
	"testing"

	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// TestMemoFollowsAssignments runs a TF1-style graph whose MatMul reads a
// variable through Identity: the variable read is memoized, and assigning
// the variable a new value between runs must show in the next run; a
// traced run reports the memoized nodes too.
func TestMemoFollowsAssignments(t *testing.T) {
	s, err := newSession(assignGraph(t), New().ops, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	x := map[string]*tensor.Tensor{"x": tensor.Must(tensor.Float, []int{1, 2}, []float32{3, 4})}
	product := func() []float32 {
		t.Helper()
		out, err := s.run(context.Background(), x, []string{"mm"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return floats(t, out[0])
	}
	assign := func(target string) {
		t.Helper()
		if _, err := s.run(context.Background(), nil, nil, []string{target}); err != nil {
			t.Fatal(err)
		}
	}
	assign("assign_one")
	for range 3 {
		if got := product(); !slices.Equal(got, []float32{3, 4}) {
			t.Fatalf("x·one = %v, want [3 4]", got)
		}
	}
	p, err := s.graphPlan([]string{"x:0"}, []string{"mm"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var memo []string
	for _, st := range p.memo {
		memo = append(memo, st.name)
	}
	if !slices.Equal(memo, []string{"v", "v/read"}) || len(p.steps) != 1 {
		t.Fatalf("memo steps %v and %d plan steps, want [v v/read] and 1 (the MatMul)", memo, len(p.steps))
	}
	assign("assign_two")
	if got := product(); !slices.Equal(got, []float32{6, 8}) {
		t.Fatalf("after assigning two: x·v = %v, want [6 8]", got)
	}
	traced := map[string]bool{}
	tr := &tracer{fn: func(node, _ string, _, _ []*tensor.Tensor) { traced[node] = true }}
	if _, err := s.runTrace(context.Background(), x, []string{"mm"}, nil, tr); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"v", "v/read", "mm"} {
		if !traced[n] {
			t.Errorf("traced run did not report %s", n)
		}
	}
}

// assignGraph: a TF1 variable v read through Identity by a MatMul of the
// feed x, with two Assign targets giving it the identity and twice it.
func assignGraph(t *testing.T) *tfpb.GraphDef {
	f := aType(tensor.Float)
	shape := savedmodel.ShapeToProto([]int{2, 2})
	return &tfpb.GraphDef{Node: []*tfpb.NodeDef{
		placeholder("x", tensor.Float),
		withAttr(node("v", "VariableV2"), "dtype", f, "shape", &tfpb.AttrValue{Value: &tfpb.AttrValue_Shape{Shape: shape}}),
		constNode(t, "one", tensor.Must(tensor.Float, []int{2, 2}, []float32{1, 0, 0, 1})),
		constNode(t, "two", tensor.Must(tensor.Float, []int{2, 2}, []float32{2, 0, 0, 2})),
		withAttr(node("assign_one", "Assign", "v", "one"), "T", f),
		withAttr(node("assign_two", "Assign", "v", "two"), "T", f),
		withAttr(node("v/read", "Identity", "v"), "T", f),
		withAttr(node("mm", "MatMul", "x", "v/read"), "T", f),
	}}
}
