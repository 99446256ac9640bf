// Package optest holds checks shared by the native engine's kernel packages'
// tests: an op table's specs against the OpDefs TensorFlow wrote into the real
// fixtures. It is imported by tests only.
package optest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/savedmodel/tfpb"
)

// FixtureModels lists every saved_model.pb under the fixtures.
func FixtureModels(t *testing.T) []string {
	root := fixtures.Path(t, "fixtures/savedmodels")
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "saved_model.pb" {
			out = append(out, p)
		}
		return err
	})
	if err != nil || len(out) == 0 {
		t.Fatalf("no saved_model.pb under %s: %v", root, err)
	}
	return out
}

// CheckSpecs checks each spec of set against the OpDefs TensorFlow wrote
// into the fixtures' stripped_op_list (argument names and typing, attr names
// and defaults), and checks that every node of these ops in the graphs and
// function bodies uses only declared attrs, sets every attr without default,
// and is referenced only through declared output argument names.
func CheckSpecs(t *testing.T, set *op.Set) {
	seen, used := map[string]bool{}, map[string]int{}
	for _, path := range FixtureModels(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var sm tfpb.SavedModel
		if err := proto.Unmarshal(data, &sm); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		rel := strings.TrimPrefix(path, fixtures.Path(t, "fixtures/savedmodels"))
		for _, mg := range sm.GetMetaGraphs() {
			for _, od := range mg.GetMetaInfoDef().GetStrippedOpList().GetOp() {
				if mine, ok := set.Lookup(od.GetName()); ok {
					seen[od.GetName()] = true
					compareOpDef(t, rel, mine, od)
				}
			}
			g := mg.GetGraphDef()
			checkNodes(t, rel, set, g.GetNode(), nil, used)
			for _, f := range g.GetLibrary().GetFunction() {
				checkNodes(t, rel+":"+f.GetSignature().GetName(), set, f.GetNodeDef(), f, used)
			}
		}
	}
	t.Logf("compared against TF OpDefs: %v", keys(seen))
	t.Logf("nodes checked: %v", used)
	if len(used) == 0 {
		t.Error("no fixture node uses these ops")
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func compareOpDef(t *testing.T, where string, mine *op.OpDef, tf *tfpb.OpDef) {
	t.Helper()
	cmpArgs := func(kind string, a []op.Arg, b []*tfpb.OpDef_ArgDef) {
		if len(a) != len(b) {
			t.Errorf("%s %s: %d %s args, TF has %d", where, mine.Name, len(a), kind, len(b))
			return
		}
		for i, x := range b {
			y := a[i]
			if y.Name != x.GetName() || y.TypeAttr != x.GetTypeAttr() || y.NumberAttr != x.GetNumberAttr() ||
				y.TypeListAttr != x.GetTypeListAttr() || int32(y.Type) != int32(x.GetType()) {
				t.Errorf("%s %s %s arg %d: mine %+v, TF %v", where, mine.Name, kind, i, y, x)
			}
		}
	}
	cmpArgs("input", mine.Inputs, tf.GetInputArg())
	cmpArgs("output", mine.Outputs, tf.GetOutputArg())
	myAttrs := map[string]op.Attr{}
	for _, a := range mine.Attrs {
		myAttrs[a.Name] = a
	}
	for _, a := range tf.GetAttr() {
		m, ok := myAttrs[a.GetName()]
		if !ok {
			t.Errorf("%s %s: TF attr %s missing from the spec", where, mine.Name, a.GetName())
			continue
		}
		if m.Type != a.GetType() {
			t.Errorf("%s %s attr %s: type %s, TF %s", where, mine.Name, a.GetName(), m.Type, a.GetType())
		}
		if (m.Default == nil) != (a.GetDefaultValue() == nil) {
			t.Errorf("%s %s attr %s: default %v, TF %v", where, mine.Name, a.GetName(), m.Default, a.GetDefaultValue())
		} else if m.Default != nil && !sameDefault(m.Default, a.GetDefaultValue()) {
			t.Errorf("%s %s attr %s: default %v, TF %v", where, mine.Name, a.GetName(), m.Default, a.GetDefaultValue())
		}
		delete(myAttrs, a.GetName())
	}
	for name, a := range myAttrs {
		if a.Default == nil {
			t.Errorf("%s %s: spec attr %s (no default) is not in TF's OpDef", where, mine.Name, name)
		}
	}
}

// sameDefault compares attr defaults; an empty list equals a list message
// with no entries.
func sameDefault(a, b *tfpb.AttrValue) bool {
	if proto.Equal(a, b) {
		return true
	}
	la, aok := a.Value.(*tfpb.AttrValue_List)
	lb, bok := b.Value.(*tfpb.AttrValue_List)
	if aok && bok {
		return proto.Equal(orEmpty(la.List), orEmpty(lb.List))
	}
	return false
}

func orEmpty(l *tfpb.AttrValue_ListValue) *tfpb.AttrValue_ListValue {
	if l == nil {
		return &tfpb.AttrValue_ListValue{}
	}
	return l
}

func checkNodes(t *testing.T, where string, set *op.Set, nodes []*tfpb.NodeDef, f *tfpb.FunctionDef, used map[string]int) {
	t.Helper()
	opOf := map[string]*op.OpDef{}
	for _, n := range nodes {
		d, ok := set.Lookup(n.GetOp())
		if !ok {
			continue
		}
		opOf[n.GetName()] = d
		used[d.Name]++
		declared := map[string]bool{}
		for _, a := range d.Attrs {
			declared[a.Name] = true
			if _, ok := n.GetAttr()[a.Name]; !ok && a.Default == nil {
				t.Errorf("%s node %s (%s): required attr %s missing", where, n.GetName(), d.Name, a.Name)
			}
		}
		for name := range n.GetAttr() {
			if !strings.HasPrefix(name, "_") && !declared[name] {
				t.Errorf("%s node %s (%s): attr %s not in the spec", where, n.GetName(), d.Name, name)
			}
		}
	}
	if f == nil {
		return
	}
	check := func(ref string) {
		parts := strings.Split(strings.TrimPrefix(ref, "^"), ":")
		if strings.HasPrefix(ref, "^") || len(parts) != 3 {
			return
		}
		d, ok := opOf[parts[0]]
		if !ok {
			return
		}
		for _, o := range d.Outputs {
			if o.Name == parts[1] {
				return
			}
		}
		t.Errorf("%s: %s references output %q that %s does not declare", where, ref, parts[1], d.Name)
	}
	for _, n := range nodes {
		for _, in := range n.GetInput() {
			check(in)
		}
	}
	for _, r := range f.GetRet() {
		check(r)
	}
}
