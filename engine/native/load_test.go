package native

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/tensor"
)

func loadStub(t *testing.T, fixture, sig string) *Model {
	t.Helper()
	dir := fixtures.SavedModel(t, fixture)
	m, err := NewWithOps(registerStubKernels).Load(context.Background(), dir, engine.LoadOptions{Signature: sig, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m.(*Model)
}

func runOne(t *testing.T, m *Model, key string, in *tensor.Tensor, outKey string) []float32 {
	t.Helper()
	feeds := map[string]*tensor.Tensor{}
	if in != nil {
		feeds[key] = in
	}
	out, err := m.Run(context.Background(), feeds)
	if err != nil {
		t.Fatal(err)
	}
	return floats(t, out[outKey])
}

// TF Serving's own assertions on these directories (see their SOURCE.md).
func TestLoadHalfPlusTwoTF1(t *testing.T) {
	m := loadStub(t, "tfserving_half_plus_two_tf1", "")
	got := runOne(t, m, "x", tensor.Must(tensor.Float, []int{3, 1}, []float32{2, 3, 4}), "y")
	if want := []float32{3, 3.5, 4}; !equalF(got, want) {
		t.Fatalf("y = %v, want %v", got, want)
	}
	info := m.Info()
	if info["engine"] != "native" || info["model_version"] != "123" || info["tf_version"] != "1.14.0" {
		t.Fatalf("info %v", info)
	}
	m2 := loadStub(t, "tfserving_half_plus_two_tf1", "regress_x2_to_y3")
	got = runOne(t, m2, "inputs", tensor.Must(tensor.Float, []int{2, 1}, []float32{2, 10}), "outputs")
	if want := []float32{4, 8}; !equalF(got, want) {
		t.Fatalf("y3 = %v, want %v", got, want)
	}
}

func TestLoadHalfPlusThreeWrongSignatureDType(t *testing.T) {
	m := loadStub(t, "tfserving_half_plus_three_tf1", "")
	got := runOne(t, m, "x", f32(1, 2, 5), "y")
	if want := []float32{3.5, 4, 5.5}; !equalF(got, want) {
		t.Fatalf("y = %v, want %v", got, want)
	}
	// The regress signature records float32 for a DT_STRING placeholder:
	// the spec reports the graph's dtype.
	// (Only the binding is checked: running it needs ParseExample.)
	src, err := openSource(fixtures.SavedModel(t, "tfserving_half_plus_three_tf1"), []string{"serve"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := newSession(src.meta.GetGraphDef(), NewWithOps().ops, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	m2 := &Model{sess: sess, src: src}
	if err := m2.bindSignature("tensorflow/serving/regress"); err != nil {
		t.Fatal(err)
	}
	in, ok := m2.Signature().Input("inputs")
	if !ok || in.DType != tensor.String {
		t.Fatalf("inputs spec %v, want string", in)
	}
}

func TestLoadHalfPlusTwoTF2(t *testing.T) {
	m := loadStub(t, "tfserving_half_plus_two_tf2", "")
	if got := runOne(t, m, "x", f32(2), "y"); !equalF(got, []float32{3}) {
		t.Fatalf("y = %v, want [3]", got)
	}
	// x is a PlaceholderWithDefault ([0]): it may be left out.
	if got := runOne(t, m, "x", nil, "y"); !equalF(got, []float32{2}) {
		t.Fatalf("default y = %v, want [2]", got)
	}
	m2 := loadStub(t, "tfserving_half_plus_two_tf2", "regress_x2_to_y3")
	if got := runOne(t, m2, "inputs", f32(4), "outputs"); !equalF(got, []float32{5}) {
		t.Fatalf("y3 = %v, want [5]", got)
	}
	// Run after Close fails.
	m.Close()
	if _, err := m.Run(context.Background(), map[string]*tensor.Tensor{"x": f32(1)}); err == nil {
		t.Fatal("run after close succeeded")
	}
}

func TestLoadReportsAllUnsupportedOps(t *testing.T) {
	dir := fixtures.SavedModel(t, "tfserving_half_plus_two_tf2")
	_, err := NewWithOps().Load(context.Background(), dir, engine.LoadOptions{})
	var ue *engine.UnsupportedOpsError
	if !errors.As(err, &ue) {
		t.Fatalf("want UnsupportedOpsError, got %v", err)
	}
	// Serving path (Mul, AddV2, ReadVariableOp), restore path (RestoreV2,
	// AssignVariableOp) and variables (VarHandleOp), all in one error.
	for _, op := range []string{"Mul", "AddV2", "ReadVariableOp", "RestoreV2", "AssignVariableOp", "VarHandleOp"} {
		if _, ok := ue.Ops[op]; !ok {
			t.Errorf("%s not listed: %v", op, err)
		}
	}
	// Check reports the same without running anything; with the stub
	// kernels the serving signature is fine, the regress one needs
	// ParseExampleV2 and Reshape.
	var ue2 *engine.UnsupportedOpsError
	if err := NewWithOps().Check(dir, engine.LoadOptions{}); !errors.As(err, &ue2) || len(ue2.Ops) != 6 {
		t.Errorf("Check: %v", err)
	}
	if err := NewWithOps(registerStubKernels).Check(dir, engine.LoadOptions{}); err != nil {
		t.Errorf("Check with stubs: %v", err)
	}
	err2 := NewWithOps(registerStubKernels).Check(dir, engine.LoadOptions{Signature: "regress_x_to_y"})
	if !errors.As(err2, &ue2) || ue2.Ops["ParseExampleV2"] == nil {
		t.Errorf("Check regress_x_to_y: %v", err2)
	}
	// ParseExampleV2 is only on other signatures' paths; the save path
	// (SaveV2, StringJoin, ...) never runs.
	for _, op := range []string{"ParseExampleV2", "SaveV2", "StringJoin", "MergeV2Checkpoints"} {
		if _, ok := ue.Ops[op]; ok {
			t.Errorf("%s listed but not needed: %v", op, err)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := fixtures.SavedModel(t, "tfserving_half_plus_two_tf2")
	e := NewWithOps(registerStubKernels)
	ctx := context.Background()
	if _, err := e.Load(ctx, dir, engine.LoadOptions{Signature: "nope"}); err == nil || !strings.Contains(err.Error(), `no signature "nope"`) {
		t.Fatalf("got %v", err)
	}
	if _, err := e.Load(ctx, dir, engine.LoadOptions{Tags: []string{"train"}}); err == nil || !strings.Contains(err.Error(), "no MetaGraphDef") {
		t.Fatalf("got %v", err)
	}
	if _, err := e.Load(ctx, dir, engine.LoadOptions{Version: 7}); err == nil || !strings.Contains(err.Error(), "version 7 not found") {
		t.Fatalf("got %v", err)
	}
	if _, err := e.Load(ctx, dir, engine.LoadOptions{Device: "gpu"}); err == nil {
		t.Fatal("gpu accepted")
	}
	m, err := e.Load(ctx, dir, engine.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for name, feeds := range map[string]map[string]*tensor.Tensor{
		"wrong dtype": {"x": tensor.Must(tensor.Int32, []int{1}, []int32{2})},
		"unknown key": {"x": f32(1), "z": f32(1)},
	} {
		if _, err := m.Run(ctx, feeds); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestFileAccess(t *testing.T) {
	dir := t.TempDir()
	assets := filepath.Join(dir, "assets")
	if err := os.MkdirAll(assets, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(assets, "vocab.txt"), []byte("a\nb\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "secret"), []byte("no"), 0o644)
	os.Symlink(filepath.Join(dir, "secret"), filepath.Join(assets, "link"))
	fa := newFileAccess(filepath.Join(dir, "variables", "variables"), nil, assets)
	if b, err := fa.readFile(filepath.Join(assets, "vocab.txt")); err != nil || string(b) != "a\nb\n" {
		t.Fatalf("asset read: %q %v", b, err)
	}
	for _, p := range []string{filepath.Join(dir, "secret"), filepath.Join(assets, "..", "secret"), filepath.Join(assets, "link"), "/etc/passwd", assets} {
		if _, err := fa.readFile(p); err == nil {
			t.Errorf("read of %s allowed", p)
		}
	}
	if _, err := fa.checkpoint(filepath.Join(dir, "other")); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("foreign checkpoint: %v", err)
	}
}

func equalF(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
