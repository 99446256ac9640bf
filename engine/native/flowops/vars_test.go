package flowops

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

func TestResourceVariables(t *testing.T) {
	res := op.NewResources()
	va := map[string]any{"dtype": tensor.Float, "shape": []int{2}, "shared_name": "w"}
	h := mustRun(t, newCtx(t, "VarHandleOp", res, va))[0]
	read := newCtx(t, "ReadVariableOp", res, map[string]any{"dtype": tensor.Float})
	if _, err := run(read, h); err == nil || !strings.Contains(err.Error(), "uninitialized") {
		t.Errorf("read before assign: err = %v", err)
	}
	isInit := newCtx(t, "VarIsInitializedOp", res, nil)
	if v := tensor.MustValues[bool](mustRun(t, isInit, h)[0]); v[0] {
		t.Error("initialized before assign")
	}
	mustRun(t, newCtx(t, "AssignVariableOp", res, map[string]any{"dtype": tensor.Float}), h, f32([]int{2}, 1, 2))
	// A second handle node with the same shared_name sees the value.
	h2 := mustRun(t, newCtx(t, "VarHandleOp", res, va))[0]
	if got := tensor.MustValues[float32](mustRun(t, read, h2)[0]); !reflect.DeepEqual(got, []float32{1, 2}) {
		t.Errorf("read = %v", got)
	}
	before := mustRun(t, read, h)[0]
	mustRun(t, newCtx(t, "AssignAddVariableOp", res, map[string]any{"dtype": tensor.Float}), h, f32([]int{2}, 10, 20))
	if got := tensor.MustValues[float32](mustRun(t, read, h)[0]); !reflect.DeepEqual(got, []float32{11, 22}) {
		t.Errorf("after add = %v", got)
	}
	if got := tensor.MustValues[float32](before); !reflect.DeepEqual(got, []float32{1, 2}) {
		t.Errorf("an earlier read changed to %v: updates must not be in place", got)
	}
	if v := tensor.MustValues[bool](mustRun(t, isInit, h)[0]); !v[0] {
		t.Error("not initialized after assign")
	}
	// Type errors.
	if _, err := run(newCtx(t, "AssignVariableOp", res, map[string]any{"dtype": tensor.Int32}), h, tensor.Scalar(int32(1))); err == nil {
		t.Error("int32 assigned to a float variable")
	}
	if _, err := run(newCtx(t, "AssignVariableOp", res, map[string]any{"dtype": tensor.Float, "validate_shape": true}), h, f32([]int{3}, 1, 2, 3)); err == nil {
		t.Error("validate_shape accepted a [3] value for a [2] variable")
	}
	if _, err := run(newCtx(t, "VarHandleOp", res, map[string]any{"dtype": tensor.Int64, "shape": []int{}, "shared_name": "w"})); err == nil {
		t.Error("shared variable with another dtype accepted")
	}
	// Empty shared_name: keyed by node name.
	c := newCtx(t, "VarHandleOp", res, map[string]any{"dtype": tensor.Float, "shape": []int{}})
	mustRun(t, c)
	if _, ok := res.Lookup(VarKey("", c.node)); !ok {
		t.Errorf("no resource under %s", VarKey("", c.node))
	}
}

// TestTF1RefVariable follows the TF1 restore then serve path: VariableV2
// (uninitialised) -> save/Assign(var, RestoreV2) -> VariableV2 -> x/read.
func TestTF1RefVariable(t *testing.T) {
	res := op.NewResources()
	attrs := map[string]any{"dtype": tensor.Float, "shape": []int{}}
	v := newCtx(t, "VariableV2", res, attrs)
	v.node = "a"
	ref := mustRun(t, v)[0]
	if ref.DType() != tensor.Resource {
		t.Fatalf("uninitialised VariableV2 output %s, want a resource ref", ref)
	}
	asg := newCtx(t, "Assign", res, map[string]any{"T": tensor.Float})
	out := mustRun(t, asg, ref, tensor.Scalar(float32(0.5)))[0]
	if tensor.MustValues[float32](out)[0] != 0.5 {
		t.Errorf("Assign output %v", out.Data())
	}
	val := mustRun(t, v)[0]
	if val.DType() != tensor.Float || tensor.MustValues[float32](val)[0] != 0.5 {
		t.Fatalf("VariableV2 after assign = %s %v", val, val.Data())
	}
	// Re-assigning an initialised variable needs the input's node name.
	if _, err := run(asg, val, tensor.Scalar(float32(2))); err == nil {
		t.Error("assign through a value without InputNamer accepted")
	}
	named := namingCtx{testCtx: asg, inputs: []string{"a", "a/initial_value"}}
	mustRun(t, named, val, tensor.Scalar(float32(2)))
	if got := tensor.MustValues[float32](mustRun(t, v)[0])[0]; got != 2 {
		t.Errorf("after re-assign = %v", got)
	}
	if _, err := run(namingCtx{testCtx: asg, inputs: []string{"nope", "x"}}, val, tensor.Scalar(float32(2))); err == nil {
		t.Error("assign to a non-variable input accepted")
	}
	if _, err := run(asg, mustRun(t, newCtx(t, "VariableV2", res, map[string]any{"dtype": tensor.Float, "shape": []int{2}}))[0], tensor.Scalar(float32(1))); err == nil {
		t.Error("validate_shape accepted a scalar for a [2] variable")
	}
}

// mapCheckpoint is an in-memory op.Checkpoint.
type mapCheckpoint map[string]*tensor.Tensor

func (m mapCheckpoint) Tensor(key string) (*tensor.Tensor, error) {
	t, ok := m[key]
	if !ok {
		return nil, fmt.Errorf("key %q not found", key)
	}
	return t, nil
}

func TestRestoreV2Checks(t *testing.T) {
	ck := mapCheckpoint{"a": tensor.Scalar(float32(3)), "b": tensor.Must(tensor.Int64, []int{2}, []int64{1, 2})}
	c := newCtx(t, "RestoreV2", nil, map[string]any{"dtypes": []tensor.DType{tensor.Int64, tensor.Float}})
	c.ckpt = func(prefix string) (op.Checkpoint, error) {
		if prefix != "/m/variables/variables" {
			return nil, fmt.Errorf("prefix %s refused", prefix)
		}
		return ck, nil
	}
	names := tensor.Must(tensor.String, []int{2}, []string{"b", "a"})
	slices := tensor.Must(tensor.String, []int{2}, []string{"", ""})
	out := mustRun(t, c, tensor.Scalar("/m/variables/variables"), names, slices)
	if len(out) != 2 || tensor.MustValues[int64](out[0])[1] != 2 || tensor.MustValues[float32](out[1])[0] != 3 {
		t.Fatalf("restore = %v", out)
	}
	bad := newCtx(t, "RestoreV2", nil, map[string]any{"dtypes": []tensor.DType{tensor.Float, tensor.Float}})
	bad.ckpt = c.ckpt
	if _, err := run(bad, tensor.Scalar("/m/variables/variables"), names, slices); err == nil {
		t.Error("dtype mismatch accepted")
	}
	if _, err := run(c, tensor.Scalar("/m/variables/variables"), names, tensor.Must(tensor.String, []int{2}, []string{"2 0,1", ""})); err == nil {
		t.Error("slice spec accepted")
	}
	if _, err := run(c, tensor.Scalar("/etc/x"), names, slices); err == nil {
		t.Error("foreign prefix accepted")
	}
	if _, err := run(c, tensor.Scalar("/m/variables/variables"), tensor.Must(tensor.String, []int{2}, []string{"b", "zz"}), slices); err == nil || !strings.Contains(err.Error(), "zz") {
		t.Errorf("missing key: err = %v", err)
	}
}
