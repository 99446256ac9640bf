package native

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/savedmodel/metamodel"
	"github.com/scorekit/score/tensor"
)

// smallMeta is a meta model small enough for -race runs, with the founding
// model's structure (three conv blocks, several heads).
func smallMeta() metamodel.Config {
	return metamodel.Config{SeqLen: 24, EmbedDim: 8, VocabSize: 300, Filters: []int{5, 7, 9}, Kernel: 3, Pool: 2,
		Dense: 6, Heads: 5, Seed: 3}
}

// writeSmallMeta writes cfg's meta model to a temporary directory and
// reads its parameters back for metamodel.Reference.
func writeSmallMeta(t *testing.T, cfg metamodel.Config) (string, *metamodel.Params) {
	t.Helper()
	dir := t.TempDir()
	if err := metamodel.Write(dir, cfg); err != nil {
		t.Fatal(err)
	}
	params, err := metamodel.LoadParams(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, params
}

// metaBatch makes rows documents of tokens (seeded) and their expected
// head outputs from metamodel.Reference.
func metaBatch(t *testing.T, cfg metamodel.Config, params *metamodel.Params, rows int, seed uint64) (*tensor.Tensor, [][]float32) {
	t.Helper()
	tok := metaTokens(cfg, rows, seed)
	flat := tensor.MustValues[string](tok)
	var rowsTok [][]string
	for r := range rows {
		rowsTok = append(rowsTok, flat[r*cfg.SeqLen:(r+1)*cfg.SeqLen])
	}
	want, err := metamodel.Reference(params, rowsTok)
	if err != nil {
		t.Fatal(err)
	}
	return tok, want
}

// TestMetaModelExecPolicies runs a meta model under every executor policy
// (sibling fusion on and off, sequential and parallel scheduling) and
// checks each against metamodel.Reference, the independent float64
// forward pass, and the fused runs against the unfused run.
func TestMetaModelExecPolicies(t *testing.T) {
	cfg := smallMeta()
	dir, params := writeSmallMeta(t, cfg)
	const rows = 7
	tok, want := metaBatch(t, cfg, params, rows, 9)
	var plain map[string]*tensor.Tensor
	for _, opt := range []execOptions{
		{fuse: false, sched: schedSequential},
		{fuse: true, sched: schedSequential},
		{fuse: false, sched: schedParallel},
		{fuse: true, sched: schedParallel},
		{fuse: true, sched: schedAuto},
	} {
		t.Run(fmt.Sprintf("fuse=%v/sched=%d", opt.fuse, opt.sched), func(t *testing.T) {
			e := New()
			e.opt = opt
			m, err := e.Load(context.Background(), dir, engine.LoadOptions{Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			nm := m.(*Model)
			p, err := nm.sess.graphPlan(nm.sortedFeeds, nm.fetchNames, nil)
			if err != nil {
				t.Fatal(err)
			}
			fusedMembers, chains, folded := 0, 0, 0
			for _, st := range p.steps {
				if st.fused != nil {
					fusedMembers += len(st.fused.members)
					for _, ch := range st.fused.chains {
						if ch != nil {
							folded++
						}
					}
				}
				if st.epi != nil {
					folded++
				}
				if st.chain != nil && st.chain.inplace {
					chains++
				}
				if st.def != nil && (st.def.Name == "MaxPool" || st.def.Name == "Max") && opt.fuse {
					t.Errorf("step %s (%s) is not folded into its convolution", st.name, st.def.Name)
				}
			}
			// Every conv folds its BiasAdd, Relu (and pooling); the hidden
			// dense layer ends in BiasAdd+Relu on a private buffer.
			if want := len(cfg.Filters) * cfg.Heads; opt.fuse && folded != want {
				t.Errorf("%d convs with folded chains, want %d", folded, want)
			}
			if want := cfg.Heads; opt.fuse && chains != want {
				t.Errorf("%d in-place BiasAdd+Relu steps, want %d", chains, want)
			}
			// The first conv of every head reads the shared embedding.
			if opt.fuse && fusedMembers != cfg.Heads {
				t.Errorf("%d fused conv nodes, want %d (one per head)", fusedMembers, cfg.Heads)
			}
			if !opt.fuse && fusedMembers != 0 {
				t.Errorf("%d fused nodes with fusion off", fusedMembers)
			}
			traced := map[string]bool{}
			out, err := nm.RunTrace(context.Background(), map[string]*tensor.Tensor{metamodel.InputKey: tok},
				func(node, op string, _ []*tensor.Tensor) { traced[node] = true })
			if err != nil {
				t.Fatal(err)
			}
			for h := range cfg.Heads {
				name := metamodel.HeadName(h) + "/conv1d/conv1d"
				if !traced[name] {
					t.Errorf("trace lacks %s", name)
				}
				got := tensor.MustValues[float32](out[metamodel.HeadName(h)])
				for r := range rows {
					if d := math.Abs(float64(got[r] - want[r][h])); d > 2e-5 {
						t.Errorf("row %d head %d: got %g, reference %g", r, h, got[r], want[r][h])
					}
				}
			}
			// Traced runs take the unfused path of BiasAdd+Relu; plain
			// runs take the one-pass path: they must agree exactly.
			before := nm.sess.epilogues.Load()
			fast, err := nm.Run(context.Background(), map[string]*tensor.Tensor{metamodel.InputKey: tok})
			if err != nil {
				t.Fatal(err)
			}
			// One pass per conv layer: the fused first layer once, the others per head.
			if want := int64(1 + (len(cfg.Filters)-1)*cfg.Heads); opt.fuse && nm.sess.epilogues.Load()-before != want {
				t.Errorf("%d convolutions ran with their epilogue, want %d", nm.sess.epilogues.Load()-before, want)
			}
			for k, v := range fast {
				if a, b := tensor.MustValues[float32](v), tensor.MustValues[float32](out[k]); !slices.Equal(a, b) {
					t.Errorf("%s: run %v, traced run %v", k, a, b)
				}
			}
			if plain == nil {
				plain = out
				return
			}
			for k, v := range out {
				a, b := tensor.MustValues[float32](v), tensor.MustValues[float32](plain[k])
				for i := range a {
					if math.Abs(float64(a[i]-b[i])) > 1e-6 {
						t.Errorf("%s[%d]: %g, unfused sequential run %g", k, i, a[i], b[i])
					}
				}
			}
		})
	}
}
