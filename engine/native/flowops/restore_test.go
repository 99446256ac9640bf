package flowops

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/engine/native/op/optest"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/bundle"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// TestTF1RestorePath replays a real TF1 saver's restore: the graph's
// save/RestoreV2 node (its own tensor_names / shape_and_slices Consts and
// dtypes attr) reads the real bundle, then each save/Assign_i assigns
// RestoreV2:i to its VariableV2 node, and the VariableV2 nodes then yield
// the values TF Serving's tests imply (y = 0.5x + 2, resp. 0.5x + 3).
func TestTF1RestorePath(t *testing.T) {
	for _, cs := range []struct {
		dir  string
		want map[string]float32
	}{
		{"tfserving_half_plus_two_tf1", map[string]float32{"a": 0.5, "b": 2}},
		{"tfserving_half_plus_three_tf1", map[string]float32{"a": 0.5, "b": 3}},
	} {
		t.Run(cs.dir, func(t *testing.T) {
			dir := filepath.Join(fixtures.SavedModel(t, cs.dir), "00000123")
			data, err := os.ReadFile(filepath.Join(dir, "saved_model.pb"))
			if err != nil {
				t.Fatal(err)
			}
			var sm tfpb.SavedModel
			if err := proto.Unmarshal(data, &sm); err != nil {
				t.Fatal(err)
			}
			nodes := map[string]*tfpb.NodeDef{}
			for _, n := range sm.GetMetaGraphs()[0].GetGraphDef().GetNode() {
				nodes[n.GetName()] = n
			}
			constOf := func(ref string) *tensor.Tensor {
				n := nodes[strings.Split(ref, ":")[0]]
				if n == nil || n.GetOp() != "Const" {
					t.Fatalf("input %s is not a Const", ref)
				}
				v, err := savedmodel.DecodeTensor(n.GetAttr()["value"].GetTensor())
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			prefix := filepath.Join(dir, "variables", "variables")
			res := op.NewResources()
			// TF 1.14 restores all variables with one RestoreV2, TF 1.0 with
			// one RestoreV2 per variable (save/RestoreV2_k).
			outputs := map[string][]*tensor.Tensor{}
			restore := func(name string) []*tensor.Tensor {
				if out, ok := outputs[name]; ok {
					return out
				}
				rn := nodes[name]
				if rn == nil || rn.GetOp() != "RestoreV2" {
					t.Fatalf("%s is not a RestoreV2 node", name)
				}
				rc := nodeCtx(t, rn, res)
				rc.ckpt = func(p string) (op.Checkpoint, error) {
					if p != prefix {
						t.Errorf("checkpoint prefix %q, want %q", p, prefix)
					}
					return bundle.Open(p)
				}
				out := mustRun(t, rc, tensor.Scalar(prefix), constOf(rn.GetInput()[1]), constOf(rn.GetInput()[2]))
				outputs[name] = out
				return out
			}
			assigned := 0
			for _, n := range nodes {
				if n.GetOp() != "Assign" || !strings.HasPrefix(n.GetName(), "save/") {
					continue
				}
				src, idx, _ := strings.Cut(n.GetInput()[1], ":")
				i, _ := strconv.Atoi(idx)
				restored := restore(src)
				if i >= len(restored) {
					t.Fatalf("%s assigns from %s", n.GetName(), n.GetInput()[1])
				}
				vn := nodes[n.GetInput()[0]]
				ref := mustRun(t, nodeCtx(t, vn, res))[0]
				mustRun(t, nodeCtx(t, n, res), ref, restored[i])
				assigned++
			}
			if assigned < len(cs.want) {
				t.Errorf("only %d assigns", assigned)
			}
			for name, want := range cs.want {
				v := mustRun(t, nodeCtx(t, nodes[name], res))[0]
				if v.DType() != tensor.Float || tensor.MustValues[float32](v)[0] != want {
					t.Errorf("variable %s = %s %v, want %v", name, v, v.Data(), want)
				}
			}
		})
	}
}

// nodeCtx is a test context carrying a real NodeDef's name and attrs.
func nodeCtx(t *testing.T, n *tfpb.NodeDef, res *op.Resources) *testCtx {
	t.Helper()
	c := newCtx(t, n.GetOp(), res, nil)
	c.node = n.GetName()
	for k, v := range n.GetAttr() {
		c.attrs[k] = v
	}
	return c
}

// TestTF2RestoreFunctions runs the RestoreV2 node of every TF2 fixture's
// restore function (tensor_names and shape_and_slices from its own Consts,
// dtypes from its attr) against the fixture's real bundle: every variable
// of every model must restore with the dtype the graph declares.
func TestTF2RestoreFunctions(t *testing.T) {
	total := 0
	for _, path := range optest.FixtureModels(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var sm tfpb.SavedModel
		if err := proto.Unmarshal(data, &sm); err != nil {
			t.Fatal(err)
		}
		prefix := filepath.Join(filepath.Dir(path), "variables", "variables")
		for _, f := range sm.GetMetaGraphs()[0].GetGraphDef().GetLibrary().GetFunction() {
			body := map[string]*tfpb.NodeDef{}
			for _, n := range f.GetNodeDef() {
				body[n.GetName()] = n
			}
			for _, n := range f.GetNodeDef() {
				if n.GetOp() != "RestoreV2" {
					continue
				}
				in := []*tensor.Tensor{tensor.Scalar(prefix)}
				for _, ref := range n.GetInput()[1:3] {
					cn := body[strings.Split(ref, ":")[0]]
					if cn == nil || cn.GetOp() != "Const" {
						t.Fatalf("%s: %s input %s is not a Const", path, n.GetName(), ref)
					}
					v, err := savedmodel.DecodeTensor(cn.GetAttr()["value"].GetTensor())
					if err != nil {
						t.Fatal(err)
					}
					in = append(in, v)
				}
				c := nodeCtx(t, n, op.NewResources())
				var opened []*bundle.Reader
				c.ckpt = func(p string) (op.Checkpoint, error) {
					r, err := bundle.Open(p)
					if err == nil {
						opened = append(opened, r)
					}
					return r, err
				}
				out, err := run(c, in...)
				if err != nil {
					t.Errorf("%s: %v", path, err)
				}
				total += len(out)
				for _, r := range opened {
					r.Close()
				}
			}
		}
	}
	if total == 0 {
		t.Fatal("no RestoreV2 ran")
	}
	t.Logf("restored %d tensors", total)
}
