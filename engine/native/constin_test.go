package native

import (
	"context"
	"slices"
	"testing"

	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// TestConstInputs checks which kernel inputs the executor vouches for as
// model constants: a Const seen through a Reshape is one, a feed is not,
// and a fused group's concatenated weights are only when every member's
// weight is.
func TestConstInputs(t *testing.T) {
	f := aType(tensor.Float)
	g := &tfpb.GraphDef{Node: []*tfpb.NodeDef{
		placeholder("x", tensor.Float), placeholder("z", tensor.Float),
		constNode(t, "w", tensor.Must(tensor.Float, []int{4}, []float32{1, 2, 3, 4})),
		constNode(t, "shape", tensor.Must(tensor.Int32, []int{2}, []int32{2, 2})),
		withAttr(node("r", "Reshape", "w", "shape"), "T", f, "Tshape", aType(tensor.Int32)),
		withAttr(node("ma", "MatMul", "x", "r"), "T", f),
		withAttr(node("mb", "MatMul", "x", "z"), "T", f),
		withAttr(node("mc", "MatMul", "z", "r"), "T", f),
	}}
	for _, fuse := range []bool{false, true} {
		s, err := newSession(g, New().ops, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.opt = execOptions{fuse: fuse, sched: schedSequential}
		fetches := []string{"ma", "mb", "mc"}
		x := tensor.Must(tensor.Float, []int{1, 2}, []float32{1, 1})
		z := tensor.Must(tensor.Float, []int{2, 2}, []float32{1, 0, 0, 1})
		out, err := s.run(context.Background(), map[string]*tensor.Tensor{"x": x, "z": z}, fetches, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range [][]float32{{4, 6}, {1, 1}, {1, 2, 3, 4}} {
			if got := floats(t, out[i]); len(got) != len(want) || got[0] != want[0] || got[len(got)-1] != want[len(want)-1] {
				t.Errorf("fuse=%v: %s = %v, want %v", fuse, fetches[i], got, want)
			}
		}
		p, err := s.graphPlan([]string{"x:0", "z:0"}, fetches, nil)
		if err != nil {
			t.Fatal(err)
		}
		masks := map[string]uint64{}
		for _, st := range append(slices.Clone(p.memo), p.steps...) {
			masks[st.name] = st.constIn
			if st.fused != nil {
				for _, m := range st.fused.members {
					masks["member "+m.name] = m.constIn
				}
			}
		}
		want := map[string]uint64{"mc": 1 << 1, "r": 1<<0 /* w; shape too */ | 1<<1}
		if fuse {
			want["ma (fused)"] = 0 // z is a member weight: the concatenation is not constant
			want["member ma"], want["member mb"] = 1<<1, 0
		} else {
			want["ma"], want["mb"] = 1<<1, 0
		}
		for name, w := range want {
			if got, ok := masks[name]; !ok || got != w {
				t.Errorf("fuse=%v: step %q const mask %b (present %v), want %b", fuse, name, got, ok, w)
			}
		}
	}
}
