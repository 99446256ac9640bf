package native

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// Helpers to build GraphDefs in Go.

func node(name, opName string, inputs ...string) *tfpb.NodeDef {
	return &tfpb.NodeDef{Name: name, Op: opName, Input: inputs, Attr: map[string]*tfpb.AttrValue{}}
}

func withAttr(n *tfpb.NodeDef, kv ...any) *tfpb.NodeDef {
	for i := 0; i < len(kv); i += 2 {
		n.Attr[kv[i].(string)] = kv[i+1].(*tfpb.AttrValue)
	}
	return n
}

func aType(dt tensor.DType) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_Type{Type: tfpb.DataType(dt)}}
}

func aTypes(dts ...tensor.DType) *tfpb.AttrValue {
	l := &tfpb.AttrValue_ListValue{}
	for _, d := range dts {
		l.Type = append(l.Type, tfpb.DataType(d))
	}
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: l}}
}

func aInt(i int64) *tfpb.AttrValue { return &tfpb.AttrValue{Value: &tfpb.AttrValue_I{I: i}} }

func aFunc(name string) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_Func{Func: &tfpb.NameAttrList{Name: name}}}
}

func constNode(t testing.TB, name string, v *tensor.Tensor) *tfpb.NodeDef {
	t.Helper()
	p, err := savedmodel.EncodeTensor(v)
	if err != nil {
		t.Fatal(err)
	}
	return withAttr(node(name, "Const"), "dtype", aType(v.DType()),
		"value", &tfpb.AttrValue{Value: &tfpb.AttrValue_Tensor{Tensor: p}})
}

func placeholder(name string, dt tensor.DType) *tfpb.NodeDef {
	return withAttr(node(name, "Placeholder"), "dtype", aType(dt))
}

func f32(v ...float32) *tensor.Tensor { return tensor.Must(tensor.Float, []int{len(v)}, v) }

// testOps is the core set plus small float32 kernels written here, and
// counters that record how often side-effect and "poison" ops ran.
type testOps struct {
	set      *op.Set
	effects  atomic.Int64
	poisoned atomic.Int64
}

func newTestOps() *testOps {
	to := &testOps{set: op.NewSet()}
	RegisterCore(to.set)
	binary := func(f func(a, b float32) float32) op.Kernel {
		return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			a, err := tensor.Values[float32](in[0])
			if err != nil {
				return nil, c.Errorf("%v", err)
			}
			b := tensor.MustValues[float32](in[1])
			if len(a) != len(b) && len(b) != 1 {
				return nil, c.Errorf("shapes %v and %v differ", in[0].Shape(), in[1].Shape())
			}
			out := make([]float32, len(a))
			for i := range a {
				out[i] = f(a[i], b[i%len(b)])
			}
			return []*tensor.Tensor{tensor.Must(tensor.Float, in[0].Shape(), out)}, nil
		}
	}
	to.set.Add(
		op.Def{Spec: "AddT(x: T, y: T) -> (z: T); T: type", Kernel: binary(func(a, b float32) float32 { return a + b })},
		op.Def{Spec: "MulT(x: T, y: T) -> (z: T); T: type", Kernel: binary(func(a, b float32) float32 { return a * b })},
		// ScaleT multiplies by its attr, whose default 3 is filled in when
		// the node omits it (stripped_default_attrs).
		op.Def{Spec: "ScaleT(x: float) -> (y: float); factor: int = 3", Kernel: func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			f, err := op.Int(c, "factor")
			if err != nil {
				return nil, err
			}
			x := tensor.MustValues[float32](in[0])
			out := make([]float32, len(x))
			for i := range x {
				out[i] = x[i] * float32(f)
			}
			return []*tensor.Tensor{tensor.Must(tensor.Float, in[0].Shape(), out)}, nil
		}},
		// SplitT splits a vector into num_split equal parts: a list output.
		op.Def{Spec: "SplitT(value: T) -> (output: num_split * T); num_split: int; T: type", Kernel: func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			n, _ := op.Int(c, "num_split")
			x := tensor.MustValues[float32](in[0])
			if n <= 0 || len(x)%int(n) != 0 {
				return nil, c.Errorf("cannot split %d values in %d", len(x), n)
			}
			k := len(x) / int(n)
			out := make([]*tensor.Tensor, n)
			for i := range out {
				out[i] = f32(x[i*k : (i+1)*k]...)
			}
			return out, nil
		}},
		// SumN adds a list of N tensors: a list input.
		op.Def{Spec: "SumN(inputs: N * T) -> (sum: T); N: int; T: type", Kernel: func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			out := make([]float32, in[0].NumElements())
			for _, t := range in {
				for i, v := range tensor.MustValues[float32](t) {
					out[i] += v
				}
			}
			return []*tensor.Tensor{tensor.Must(tensor.Float, in[0].Shape(), out)}, nil
		}},
		op.Def{Spec: "Effect()", Stateful: true, Kernel: func(op.Context, []*tensor.Tensor) ([]*tensor.Tensor, error) {
			to.effects.Add(1)
			return nil, nil
		}},
		op.Def{Spec: "Poison() -> (y: float)", Kernel: func(c op.Context, _ []*tensor.Tensor) ([]*tensor.Tensor, error) {
			to.poisoned.Add(1)
			return nil, c.Errorf("poison ran")
		}},
	)
	return to
}

func newTestSession(t testing.TB, to *testOps, g *tfpb.GraphDef) *session {
	t.Helper()
	s, err := newSession(g, to.set, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func floats(t testing.TB, x *tensor.Tensor) []float32 {
	t.Helper()
	v, err := tensor.Values[float32](x)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func wantFloats(t testing.TB, got *tensor.Tensor, want ...float32) {
	t.Helper()
	g := floats(t, got)
	if fmt.Sprint(g) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", g, want)
	}
}

// y = x*a + b with a, b constants; an unrelated poisoned branch.
func affineGraph(t testing.TB) *tfpb.GraphDef {
	return &tfpb.GraphDef{Node: []*tfpb.NodeDef{
		placeholder("x", tensor.Float),
		constNode(t, "a", f32(0.5)),
		constNode(t, "b", f32(2)),
		withAttr(node("mul", "MulT", "x", "a"), "T", aType(tensor.Float)),
		withAttr(node("y", "AddT", "mul:0", "b"), "T", aType(tensor.Float)),
		node("poison", "Poison"),
		withAttr(node("other", "AddT", "poison", "y"), "T", aType(tensor.Float)),
		node("effect", "Effect"),
		node("init", "NoOp", "^effect"),
	}}
}

func TestRunAffine(t *testing.T) {
	to := newTestOps()
	s := newTestSession(t, to, affineGraph(t))
	out, err := s.run(context.Background(), map[string]*tensor.Tensor{"x": f32(2, 3, 4)}, []string{"y:0"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantFloats(t, out[0], 3, 3.5, 4)
	if to.poisoned.Load() != 0 || to.effects.Load() != 0 {
		t.Fatalf("pruning failed: poison ran %d, effect ran %d times", to.poisoned.Load(), to.effects.Load())
	}
}

func TestFeedOverridesConstAndCutsProducer(t *testing.T) {
	to := newTestOps()
	s := newTestSession(t, to, affineGraph(t))
	// Feeding the Const a and the intermediate mul: x need not be fed.
	out, err := s.run(context.Background(), map[string]*tensor.Tensor{"a:0": f32(10)}, []string{"mul"}, nil)
	if err == nil {
		t.Fatalf("want missing-feed error for x, got %v", floats(t, out[0]))
	}
	out, err = s.run(context.Background(), map[string]*tensor.Tensor{"a:0": f32(10), "x": f32(1, 2)}, []string{"mul"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantFloats(t, out[0], 10, 20)
	// Feeding poison's output means poison never runs.
	out, err = s.run(context.Background(), map[string]*tensor.Tensor{"poison": f32(1), "x": f32(2)}, []string{"other"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantFloats(t, out[0], 4)
	if to.poisoned.Load() != 0 {
		t.Fatal("fed producer ran")
	}
	// A control edge on a fed placeholder does not run it.
	g := affineGraph(t)
	g.Node = append(g.Node, withAttr(node("after_x", "Identity", "b", "^x"), "T", aType(tensor.Float)))
	s2 := newTestSession(t, to, g)
	if out, err := s2.run(context.Background(), map[string]*tensor.Tensor{"x": f32(1)}, []string{"after_x"}, nil); err != nil {
		t.Fatal(err)
	} else {
		wantFloats(t, out[0], 2)
	}
	// Feeds must name existing outputs.
	for _, bad := range []string{"nosuch:0", "x:1"} {
		if _, err := s.run(context.Background(), map[string]*tensor.Tensor{bad: f32(1), "x": f32(2)}, []string{"y"}, nil); err == nil || !strings.Contains(err.Error(), "feed") {
			t.Errorf("feed %s: got %v", bad, err)
		}
	}
	// Fetching a fed tensor returns the feed.
	out, err = s.run(context.Background(), map[string]*tensor.Tensor{"y": f32(7)}, []string{"y:0"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantFloats(t, out[0], 7)
}

func TestMissingFeedNamesPlaceholder(t *testing.T) {
	s := newTestSession(t, newTestOps(), affineGraph(t))
	_, err := s.run(context.Background(), nil, []string{"y"}, nil)
	if err == nil || !strings.Contains(err.Error(), "placeholder tensor x:0") || !strings.Contains(err.Error(), "(Placeholder)") {
		t.Fatalf("want error naming placeholder x, got %v", err)
	}
	var ne *NodeError
	if !errors.As(err, &ne) || ne.Node != "x" {
		t.Fatalf("want NodeError for x, got %#v", err)
	}
}

func TestControlDepsAndTargets(t *testing.T) {
	to := newTestOps()
	s := newTestSession(t, to, affineGraph(t))
	if _, err := s.run(context.Background(), nil, nil, []string{"init"}); err != nil {
		t.Fatal(err)
	}
	if to.effects.Load() != 1 {
		t.Fatalf("effect ran %d times, want 1", to.effects.Load())
	}
	// A control edge pulls in a node whose output nobody reads.
	g := affineGraph(t)
	g.Node = append(g.Node, withAttr(node("z", "Identity", "y", "^poison"), "T", aType(tensor.Float)))
	s = newTestSession(t, to, g)
	_, err := s.run(context.Background(), map[string]*tensor.Tensor{"x": f32(1)}, []string{"z"}, nil)
	if err == nil || !strings.Contains(err.Error(), "node poison (Poison): poison ran") {
		t.Fatalf("want poison error through control edge, got %v", err)
	}
}

func TestDefaultAttrAndListOutputs(t *testing.T) {
	to := newTestOps()
	g := &tfpb.GraphDef{Node: []*tfpb.NodeDef{
		constNode(t, "v", f32(1, 2, 3, 4, 5, 6)),
		withAttr(node("split", "SplitT", "v"), "num_split", aInt(3), "T", aType(tensor.Float)),
		node("scaled", "ScaleT", "split:2"), // factor omitted: default 3
		withAttr(node("sum", "SumN", "split:0", "split:1", "scaled"), "N", aInt(3), "T", aType(tensor.Float)),
	}}
	s := newTestSession(t, to, g)
	out, err := s.run(context.Background(), nil, []string{"sum", "split:1", "scaled"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantFloats(t, out[0], 1+3+15, 2+4+18)
	wantFloats(t, out[1], 3, 4)
	wantFloats(t, out[2], 15, 18)
	if _, err := s.run(context.Background(), nil, []string{"split:3"}, nil); err == nil || !strings.Contains(err.Error(), "has 3 output(s)") {
		t.Fatalf("want output index error, got %v", err)
	}
}

func TestCycleDetected(t *testing.T) {
	g := &tfpb.GraphDef{Node: []*tfpb.NodeDef{
		withAttr(node("a", "Identity", "b"), "T", aType(tensor.Float)),
		withAttr(node("b", "Identity", "a"), "T", aType(tensor.Float)),
	}}
	s := newTestSession(t, newTestOps(), g)
	if _, err := s.run(context.Background(), nil, []string{"a"}, nil); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Fatalf("want cycle error, got %v", err)
	}
	// Feeding b cuts the cycle.
	out, err := s.run(context.Background(), map[string]*tensor.Tensor{"b": f32(1)}, []string{"a"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantFloats(t, out[0], 1)
}

func TestUnsupportedOpsListedTogether(t *testing.T) {
	g := &tfpb.GraphDef{Node: []*tfpb.NodeDef{
		placeholder("x", tensor.Float),
		node("a", "FancyOp", "x"),
		node("b", "OtherOp", "a"),
		node("c", "FancyOp", "b"),
		node("unused", "NeverSeen"),
	}}
	s := newTestSession(t, newTestOps(), g)
	_, err := s.run(context.Background(), map[string]*tensor.Tensor{"x": f32(1)}, []string{"c"}, nil)
	var ue *engine.UnsupportedOpsError
	if !errors.As(err, &ue) || !errors.Is(err, engine.ErrUnsupported) {
		t.Fatalf("want UnsupportedOpsError, got %v", err)
	}
	if len(ue.Ops) != 2 || len(ue.Ops["FancyOp"]) != 2 || len(ue.Ops["OtherOp"]) != 1 {
		t.Fatalf("got %v", ue.Ops)
	}
}

func TestConcurrentRuns(t *testing.T) {
	to := newTestOps()
	s := newTestSession(t, to, affineGraph(t))
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				x := float32(g*100 + i)
				out, err := s.run(context.Background(), map[string]*tensor.Tensor{"x": f32(x, -x)}, []string{"y"}, nil)
				if err != nil {
					errs <- err
					return
				}
				got := tensor.MustValues[float32](out[0])
				if got[0] != x*0.5+2 || got[1] != -x*0.5+2 {
					errs <- fmt.Errorf("x=%v: got %v", x, got)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestCancelledContext(t *testing.T) {
	s := newTestSession(t, newTestOps(), affineGraph(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.run(ctx, map[string]*tensor.Tensor{"x": f32(1)}, []string{"y"}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
}
