package native

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/savedmodel/tfpb"
)

func FuzzParseGraphRef(f *testing.F) {
	for _, s := range []string{"x", "x:0", "x:12", "^init", "a/b:3", ":1", "x:", "x:-1", "x:1:2", "", "^"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parseGraphRef(s)
		if err != nil || r.control {
			return
		}
		c, err := canonicalTensor(s)
		if err != nil {
			t.Fatalf("%q parsed but does not canonicalize: %v", s, err)
		}
		r2, err := parseGraphRef(c)
		if err != nil || r2 != r {
			t.Fatalf("%q -> %q -> %+v, want %+v", s, c, r2, r)
		}
	})
}

// FuzzGraph compiles and runs arbitrary GraphDefs (core ops plus the test
// kernels): errors are fine, panics and hangs are not.
func FuzzGraph(f *testing.F) {
	seed := func(g *tfpb.GraphDef) {
		b, err := proto.Marshal(g)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	seed(affineGraph(f))
	seed(&tfpb.GraphDef{Node: functionGraph(f).Node, Library: functionGraph(f).Library})
	if root := fixtures.Root(); root != "" {
		for _, name := range []string{"tfjs_node_test_objects/times_three_float", "tfserving_half_plus_two_tf2/00000123"} {
			raw, err := os.ReadFile(filepath.Join(root, "fixtures", "savedmodels", name, "saved_model.pb"))
			if err != nil {
				continue
			}
			var sm tfpb.SavedModel
			if proto.Unmarshal(raw, &sm) == nil && len(sm.MetaGraphs) > 0 {
				seed(sm.MetaGraphs[0].GetGraphDef())
			}
		}
	}
	to := newTestOps()
	f.Fuzz(func(t *testing.T, b []byte) {
		var g tfpb.GraphDef
		if proto.Unmarshal(b, &g) != nil {
			return
		}
		s, err := newSession(&g, to.set, 1, nil)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		var names []string
		for i, n := range g.Node {
			if i == 20 {
				break
			}
			names = append(names, n.Name)
			s.run(ctx, nil, []string{n.Name}, nil)
		}
		s.checkOps(runSpec{targets: names})
	})
}
