package metamodel

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/tensor"
)

// TestSavedModelLoader reads a written model through the project's
// SavedModel loader: the restore, init and asset wiring a session-style
// engine uses, the signature, and the ops an engine must implement.
func TestSavedModelLoader(t *testing.T) {
	cfg := smallConfigs[2]
	dir := t.TempDir()
	if err := Write(dir, cfg); err != nil {
		t.Fatal(err)
	}
	m, err := savedmodel.Load(dir, savedmodel.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.RestoreOp != "save/restore_all" || m.FilenameTensor != "save/Const:0" ||
		m.VariablesPrefix != filepath.Join(dir, "variables", "variables") {
		t.Errorf("restore %q fed %q with %q", m.RestoreOp, m.FilenameTensor, m.VariablesPrefix)
	}
	if !slices.Equal(m.InitOps, []string{mainOpNode}) || m.InitSource != "saved_model_main_op" {
		t.Errorf("init ops %v from %q", m.InitOps, m.InitSource)
	}
	wantAsset := savedmodel.Asset{TensorName: assetNode + ":0", Filename: VocabFile, Path: filepath.Join(dir, "assets", VocabFile)}
	if len(m.Assets) != 1 || m.Assets[0] != wantAsset {
		t.Errorf("assets %+v, want %+v", m.Assets, wantAsset)
	}
	if m.TFVersion != TFVersion || m.GraphProducer != GraphProducer {
		t.Errorf("versions %q %d", m.TFVersion, m.GraphProducer)
	}
	sig, err := m.Signature(SignatureKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(sig.Inputs) != 1 || sig.Inputs[0].Key != InputKey || sig.Inputs[0].DType != tensor.String ||
		!slices.Equal(sig.Inputs[0].Shape, []int{-1, cfg.SeqLen}) {
		t.Errorf("inputs %+v", sig.Inputs)
	}
	for h, o := range sig.Outputs {
		if o.Key != HeadName(h) || o.Name != OutputName(h) || o.DType != tensor.Float || !slices.Equal(o.Shape, []int{-1, 1}) {
			t.Errorf("output %d: %+v", h, o)
		}
	}

	d, err := savedmodel.Describe(m)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := NewParams(cfg)
	vars := p.Variables()
	if len(d.Variables) != len(vars) {
		t.Fatalf("%d checkpoint variables, want %d", len(d.Variables), len(vars))
	}
	for i, v := range d.Variables {
		if v.Key != vars[i].Name || v.DType != tensor.Float || !slices.Equal(v.Shape, vars[i].Shape) {
			t.Errorf("variable %d: %+v, want %s%v", i, v, vars[i].Name, vars[i].Shape)
		}
	}
	// The ops a loader and the signature need are the ones doc.go lists;
	// the save and initializer paths stay out of reach.
	documented := []string{"Placeholder", "Const", "PlaceholderWithDefault", "Identity", "NoOp", "VariableV2",
		"Assign", "RestoreV2", "HashTableV2", "InitializeTableFromTextFileV2", "LookupTableFindV2", "AddV2",
		"Equal", "SelectV2", "GatherV2", "ExpandDims", "Conv2D", "Squeeze", "BiasAdd", "Relu", "MaxPool", "Max",
		"MatMul", "Sigmoid"}
	all := d.AllOps()
	t.Logf("needed ops: %v", all)
	for _, op := range all {
		if !slices.Contains(documented, op) {
			t.Errorf("op %s is needed but not documented", op)
		}
	}
	for _, op := range []string{"Conv2D", "MaxPool", "LookupTableFindV2", "RestoreV2", "InitializeTableFromTextFileV2", "SelectV2"} {
		if !slices.Contains(all, op) {
			t.Errorf("op %s missing from the needed ops %v", op, all)
		}
	}
}
