package savedmodel

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
)

func mustLoad(t *testing.T, dir string, opts LoadOptions) *Model {
	t.Helper()
	m, err := Load(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLoaderFieldsTF2(t *testing.T) {
	dir := fixtures.SavedModel(t, "tfserving_half_plus_two_tf2")
	m := mustLoad(t, dir, LoadOptions{}) // resolves the 00000123 version folder
	if m.Version != 123 || filepath.Base(m.Dir) != "00000123" {
		t.Fatalf("version %d dir %s", m.Version, m.Dir)
	}
	// savedmodel-format.md §1.4 (decoded from this file).
	if m.RestoreOp != "StatefulPartitionedCall_7" || m.FilenameTensor != "saver_filename:0" {
		t.Errorf("saver: %q %q", m.RestoreOp, m.FilenameTensor)
	}
	if !slices.Equal(m.InitOps, []string{"NoOp"}) || m.InitSource != "signature" {
		t.Errorf("init ops %v from %q", m.InitOps, m.InitSource)
	}
	want := Asset{TensorName: "asset_path_initializer:0", Filename: "foo.txt", Path: filepath.Join(m.Dir, "assets", "foo.txt")}
	if len(m.Assets) != 1 || m.Assets[0] != want {
		t.Errorf("assets %+v, want %+v", m.Assets, want)
	}
	if _, err := os.Stat(m.Assets[0].Path); err != nil {
		t.Error(err)
	}
	if m.VariablesPrefix != filepath.Join(m.Dir, "variables", "variables") {
		t.Errorf("variables prefix %q", m.VariablesPrefix)
	}
	s, err := m.Signature("serving_default")
	if err != nil {
		t.Fatal(err)
	}
	if s.Inputs[0].Name != "serving_default_x:0" || s.Outputs[0].Name != "StatefulPartitionedCall_5:0" {
		t.Errorf("serving_default: %+v", s)
	}
	if _, err := m.Signature("nope"); err == nil || !strings.Contains(err.Error(), "serving_default") {
		t.Errorf("missing signature error should list the keys: %v", err)
	}
	d, err := Describe(m)
	if err != nil {
		t.Fatal(err)
	}
	load := map[string]int{}
	for _, o := range d.LoadOps {
		load[o.Op] = o.Count
	}
	for _, op := range []string{"RestoreV2", "AssignVariableOp", "StatefulPartitionedCall", "NoOp"} {
		if load[op] == 0 {
			t.Errorf("load ops %v lack %s", d.LoadOps, op)
		}
	}
	if load["SaveV2"] != 0 {
		t.Errorf("load ops include the save path: %v", d.LoadOps)
	}
	if all := d.AllOps(); !slices.Contains(all, "RestoreV2") || !slices.Contains(all, "PlaceholderWithDefault") || !slices.IsSorted(all) {
		t.Errorf("AllOps %v", all)
	}
	if d.VariableBytes <= 12 || len(d.Variables) != 4 {
		t.Errorf("variables %d, %d bytes", len(d.Variables), d.VariableBytes)
	}
	js, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"dtype":"float32"`, `"key":"serving_default"`, `"tf_version":"2.14.0"`} {
		if !strings.Contains(string(js), s) {
			t.Errorf("JSON lacks %s", s)
		}
	}
}

func TestLoaderFieldsTF1(t *testing.T) {
	for _, c := range []struct{ name, initSrc string }{
		{"tfserving_half_plus_two_tf1", MainOpCollection},
		{"tfserving_half_plus_three_tf1", LegacyInitCollection},
	} {
		m := mustLoad(t, fixtures.SavedModel(t, c.name), LoadOptions{Version: 123})
		if m.RestoreOp != "save/restore_all" || m.FilenameTensor != "save/Const:0" {
			t.Errorf("%s saver: %q %q", c.name, m.RestoreOp, m.FilenameTensor)
		}
		if m.InitSource != c.initSrc || len(m.InitOps) != 1 || m.InitOps[0] != "group_deps" {
			t.Errorf("%s init %v from %q", c.name, m.InitOps, m.InitSource)
		}
		// Assets come from the Any-packed saved_model_assets collection.
		if len(m.Assets) != 1 || m.Assets[0].Filename != "foo.txt" || m.Assets[0].TensorName == "" {
			t.Errorf("%s assets %+v", c.name, m.Assets)
		}
		if _, err := os.Stat(m.Assets[0].Path); err != nil {
			t.Error(err)
		}
	}
}

func TestLoaderFieldsTransform(t *testing.T) {
	dir := fixtures.SavedModel(t, "tfx_taxi_transform_fn_tf1/transform_fn")
	_, err := Load(dir, LoadOptions{})
	if err == nil || !strings.Contains(err.Error(), "{transform}") || !strings.Contains(err.Error(), "saved_model.pb") {
		t.Fatalf("default tags on a transform graph: %v", err)
	}
	m := mustLoad(t, dir, LoadOptions{Tags: []string{"transform"}})
	if m.RestoreOp != "" || m.InitSource != TableInitCollection || len(m.InitOps) != 2 {
		t.Fatalf("restore %q init %v from %q", m.RestoreOp, m.InitOps, m.InitSource)
	}
	nodes := map[string]string{}
	for _, n := range m.MetaGraph.GetGraphDef().GetNode() {
		nodes[n.GetName()] = n.GetOp()
	}
	for _, op := range m.InitOps {
		if nodes[op] != "InitializeTableFromTextFileV2" {
			t.Errorf("init op %s is %q", op, nodes[op])
		}
	}
	var files []string
	for _, a := range m.Assets {
		files = append(files, a.Filename)
		if _, err := os.Stat(a.Path); err != nil {
			t.Error(err)
		}
	}
	slices.Sort(files)
	if !slices.Equal(files, []string{"vocab_compute_and_apply_vocabulary_1_vocabulary", "vocab_compute_and_apply_vocabulary_vocabulary"}) {
		t.Errorf("assets %v", files)
	}
	d, err := Describe(m)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(d.AllOps(), "InitializeTableFromTextFileV2") {
		t.Errorf("load ops %v lack the table initialiser", d.LoadOps)
	}
}

func TestSparseSignature(t *testing.T) {
	m := mustLoad(t, fixtures.SavedModel(t, "tfx_taxi_transform_fn_tf1/transform_fn"), LoadOptions{Tags: []string{"transform"}})
	s, err := m.Signature("transform_signature")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Inputs) != 18 || len(s.Outputs) != 17 {
		t.Fatalf("%d inputs, %d outputs", len(s.Inputs), len(s.Outputs))
	}
	in := s.Inputs[0]
	if in.Key != "company" || in.Sparse == nil || in.Sparse.Values != "transform/inputs/company/company_1:0" || in.Name != "" {
		t.Errorf("company input %+v", in)
	}
}

func TestEveryTFJSModel(t *testing.T) {
	root := fixtures.SavedModel(t, "tfjs_node_test_objects")
	ents, _ := os.ReadDir(root)
	n := 0
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		n++
		m := mustLoad(t, filepath.Join(root, e.Name()), LoadOptions{})
		if !slices.Contains(m.SignatureKeys(), "serving_default") {
			t.Errorf("%s: signatures %v", e.Name(), m.SignatureKeys())
		}
		if m.Version != 0 || m.RestoreOp == "" || m.VariablesPrefix == "" {
			t.Errorf("%s: version %d restore %q vars %q", e.Name(), m.Version, m.RestoreOp, m.VariablesPrefix)
		}
	}
	if n != 7 {
		t.Errorf("%d tfjs models, want 7", n)
	}
	m := mustLoad(t, filepath.Join(root, "module_with_multiple_signatures"), LoadOptions{})
	if !slices.Equal(m.SignatureKeys(), []string{"__saved_model_init_op", "serving_default", "timestwo"}) {
		t.Errorf("signatures %v", m.SignatureKeys())
	}
}

func TestNotSavedModel(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "README"), nil, 0o644)
	_, err := Load(dir, LoadOptions{})
	if !errors.Is(err, ErrNotSavedModel) || !strings.Contains(err.Error(), "README") {
		t.Fatalf("empty dir: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing"), LoadOptions{}); err == nil {
		t.Fatal("missing dir: no error")
	}
}
