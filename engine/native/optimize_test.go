package native

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// optGraph: two MatMuls read x (sibling fusion), each followed by
// BiasAdd+Relu; m2 is also fetched, so its chain must not overwrite it;
// a third BiasAdd+Relu reads the feed y, which must stay untouched.
func optGraph(t *testing.T) *tfpb.GraphDef {
	f := aType(tensor.Float)
	mm := func(name, a, b string) *tfpb.NodeDef { return withAttr(node(name, "MatMul", a, b), "T", f) }
	ba := func(name, x string) *tfpb.NodeDef { return withAttr(node(name, "BiasAdd", x, "b"), "T", f) }
	relu := func(name, x string) *tfpb.NodeDef { return withAttr(node(name, "Relu", x), "T", f) }
	return &tfpb.GraphDef{Node: []*tfpb.NodeDef{
		placeholder("x", tensor.Float), placeholder("y", tensor.Float),
		constNode(t, "w1", tensor.Must(tensor.Float, []int{3, 2}, []float32{1, -2, 0.5, 3, -1, 0.25})),
		constNode(t, "w2", tensor.Must(tensor.Float, []int{3, 3}, []float32{-1, 2, 0, 1, 1, -3, 0.5, -0.5, 2})),
		constNode(t, "b", f32(0.5, -1)),
		constNode(t, "b3", f32(0.5, -1, 2)),
		mm("m1", "x", "w1"), mm("m2", "x", "w2"),
		ba("ba1", "m1"), relu("r1", "ba1"),
		withAttr(node("ba2", "BiasAdd", "m2", "b3"), "T", f), relu("r2", "ba2"),
		ba("ba3", "y"), relu("r3", "ba3"),
	}}
}

func refMatMul(x []float32, m, k int, w []float32, n int) []float32 {
	out := make([]float32, m*n)
	for i := range m {
		for j := range n {
			var s float32
			for p := range k {
				s += x[i*k+p] * w[p*n+j]
			}
			out[i*n+j] = s
		}
	}
	return out
}

func refBiasRelu(x, b []float32) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(math.Max(float64(v+b[i%len(b)]), 0))
	}
	return out
}

// TestPlanOptimizations checks sibling fusion and the BiasAdd+Relu pass on
// a small graph against plain loops, and that neither a fetched tensor nor
// a feed is overwritten by the in-place path.
func TestPlanOptimizations(t *testing.T) {
	xv := []float32{1, -2, 3, 0.5, 4, -1}
	yv := []float32{-1, 2, 0.25, -3}
	for _, opt := range []execOptions{{fuse: true, sched: schedSequential}, {fuse: true, sched: schedParallel}, {sched: schedSequential}} {
		s, err := newSession(optGraph(t), New().ops, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.opt = opt
		x := tensor.Must(tensor.Float, []int{2, 3}, slices.Clone(xv))
		y := tensor.Must(tensor.Float, []int{2, 2}, slices.Clone(yv))
		fetches := []string{"r1", "r2", "m2", "r3"}
		out, err := s.run(context.Background(), map[string]*tensor.Tensor{"x": x, "y": y}, fetches, nil)
		if err != nil {
			t.Fatal(err)
		}
		m1 := refMatMul(xv, 2, 3, []float32{1, -2, 0.5, 3, -1, 0.25}, 2)
		m2 := refMatMul(xv, 2, 3, []float32{-1, 2, 0, 1, 1, -3, 0.5, -0.5, 2}, 3)
		want := [][]float32{refBiasRelu(m1, []float32{0.5, -1}), refBiasRelu(m2, []float32{0.5, -1, 2}), m2,
			refBiasRelu(yv, []float32{0.5, -1})}
		for i, w := range want {
			if got := floats(t, out[i]); !slices.Equal(got, w) {
				t.Errorf("%+v: %s = %v, want %v", opt, fetches[i], got, w)
			}
		}
		if !slices.Equal(floats(t, y), yv) || !slices.Equal(floats(t, x), xv) {
			t.Errorf("%+v: feeds modified: x %v, y %v", opt, floats(t, x), floats(t, y))
		}
		p, err := s.graphPlan([]string{"x:0", "y:0"}, fetches, nil)
		if err != nil {
			t.Fatal(err)
		}
		var fused, chains, inplace int
		for _, st := range p.steps {
			if st.fused != nil {
				fused += len(st.fused.members)
			}
			if st.chain != nil {
				chains++
				if st.chain.inplace {
					inplace++
				}
			}
		}
		wantFused, wantChains, wantInplace := 2, 3, 1 // only r1's input is private
		if !opt.fuse {
			wantFused, wantChains, wantInplace = 0, 0, 0
		}
		if fused != wantFused || chains != wantChains || inplace != wantInplace {
			t.Errorf("%+v: %d fused, %d chains (%d in place), want %d, %d (%d)", opt, fused, chains, inplace,
				wantFused, wantChains, wantInplace)
		}
	}
}

// TestSchedTuner checks that the tuner times both policies, ignoring the
// first (warm-up) run, and then keeps the faster one.
func TestSchedTuner(t *testing.T) {
	for _, parFaster := range []bool{true, false} {
		var tu schedTuner
		tu.record(false, time.Hour) // warm-up: ignored
		seen := [2]int{}
		for range 2 * tunerTrials {
			par := tu.pick()
			d := 10 * time.Millisecond
			if par == parFaster {
				d = 5 * time.Millisecond
			}
			if par {
				seen[1]++
			} else {
				seen[0]++
			}
			tu.record(par, d)
		}
		if seen != [2]int{tunerTrials, tunerTrials} {
			t.Errorf("trials ran %v times (seq, par), want %d each", seen, tunerTrials)
		}
		for range 3 {
			if got := tu.pick(); got != parFaster {
				t.Errorf("parallel faster = %v: tuner picks parallel = %v", parFaster, got)
			}
		}
	}
	// Within the noise margin (sequential 5% faster) the tuner keeps the
	// parallel scheduler.
	var tu schedTuner
	tu.record(false, time.Hour)
	for range 2 * tunerTrials {
		par := tu.pick()
		d := 100 * time.Millisecond
		if !par {
			d = 95 * time.Millisecond
		}
		tu.record(par, d)
	}
	if !tu.pick() {
		t.Error("sequential 5% faster: tuner should stay parallel")
	}
	// One slow parallel trial (a neighbour's burst) must not decide: the
	// best trials do.
	tu = schedTuner{}
	tu.record(false, time.Hour)
	for i := range 2 * tunerTrials {
		par := tu.pick()
		d := 100 * time.Millisecond
		if par {
			d = 60 * time.Millisecond
			if i == 1 {
				d = 2 * time.Second
			}
		}
		tu.record(par, d)
	}
	if !tu.pick() {
		t.Error("parallel faster in 4 of 5 trials, one outlier: tuner should pick parallel")
	}
	if c := batchClass([]*tensor.Tensor{tensor.Must(tensor.String, []int{256, 100}, make([]string, 25600))}); c != 9 {
		t.Errorf("batch 256 in class %d, want 9", c)
	}
}
