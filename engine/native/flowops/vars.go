package flowops

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

func varDefs() []op.Def {
	return []op.Def{
		{Spec: "VarHandleOp() -> (resource: resource); container: string = ''; shared_name: string = ''; debug_name: string = ''; dtype: type; shape: shape; allowed_devices: list(string) = []",
			Stateful: true, Kernel: varHandle},
		{Spec: "ReadVariableOp(resource: resource) -> (value: dtype); dtype: type", Stateful: true, Kernel: readVariable},
		{Spec: "AssignVariableOp(resource: resource, value: dtype); dtype: type; validate_shape: bool = false", Stateful: true, Kernel: assignVariable},
		{Spec: "AssignAddVariableOp(resource: resource, value: dtype); dtype: type", Stateful: true, Kernel: assignArith(false)},
		{Spec: "AssignSubVariableOp(resource: resource, value: dtype); dtype: type", Stateful: true, Kernel: assignArith(true)},
		{Spec: "VarIsInitializedOp(resource: resource) -> (is_initialized: bool)", Stateful: true, Kernel: varIsInitialized},
		{Spec: "DestroyResourceOp(resource: resource); ignore_lookup_error: bool = true", Stateful: true, Kernel: destroyResource},
		{Spec: "VariableV2() -> (ref: dtype); shape: shape; dtype: type; container: string = ''; shared_name: string = ''", Stateful: true, Kernel: refVariable},
		{Spec: "Variable() -> (ref: dtype); shape: shape; dtype: type; container: string = ''; shared_name: string = ''", Stateful: true, Kernel: refVariable},
		{Spec: "Assign(ref: T, value: T) -> (output_ref: T); T: type; validate_shape: bool = true; use_locking: bool = true", Stateful: true, Kernel: assignRef},
	}
}

// VarKey is the c.Resources() key of a variable: its container and shared
// name (the node name when shared_name is empty, as TensorFlow does).
// Engines that pre-populate variables use the same key.
func VarKey(container, sharedName string) string {
	return "var:" + container + "/" + sharedName
}

// RefKey is the extra key under which VariableV2 node `node` registers its
// variable, for Assign's lookup by input node name.
func RefKey(node string) string { return "varref:" + node }

// InputNamer is an optional interface of op.Context: InputNode(i) names the
// node producing the kernel's i-th data input (without ":k"). Assign uses it
// to find an initialised TF1 variable.
type InputNamer interface {
	InputNode(i int) string
}

// lookupVar returns the variable under key, creating it with the node's
// dtype and shape; an existing variable of another dtype is an error.
func lookupVar(c op.Context, key string) (*op.Variable, error) {
	dt, err := op.Type(c, "dtype")
	if err != nil {
		return nil, err
	}
	shape, known, err := op.Shape(c, "shape")
	if err != nil {
		return nil, err
	}
	if !known {
		shape = nil
	}
	r, err := c.Resources().LookupOrCreate(key, func() (any, error) {
		return &op.Variable{Name: key, DType: dt, Shape: shape}, nil
	})
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	v, ok := r.(*op.Variable)
	if !ok {
		return nil, c.Errorf("resource %s is %T, not a variable", key, r)
	}
	if v.DType != dt {
		return nil, c.Errorf("trying to share variable %s with dtype %s as %s", key, v.DType, dt)
	}
	return v, nil
}

func nameOf(c op.Context) (container, name string, err error) {
	if container, err = op.String(c, "container"); err != nil {
		return "", "", err
	}
	if name, err = op.String(c, "shared_name"); err != nil {
		return "", "", err
	}
	if name == "" {
		name = c.Node()
	}
	return container, name, nil
}

func varHandle(c op.Context, _ []*tensor.Tensor) ([]*tensor.Tensor, error) {
	container, name, err := nameOf(c)
	if err != nil {
		return nil, err
	}
	v, err := lookupVar(c, VarKey(container, name))
	if err != nil {
		return nil, err
	}
	return []*tensor.Tensor{op.ResourceTensor(v)}, nil
}

func readVariable(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	v, err := op.ResourceArg[*op.Variable](c, in[0])
	if err != nil {
		return nil, err
	}
	dt, err := op.Type(c, "dtype")
	if err != nil {
		return nil, err
	}
	if v.DType != dt {
		return nil, c.Errorf("read variable %s of dtype %s as %s", v.Name, v.DType, dt)
	}
	val, err := v.Value()
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	return []*tensor.Tensor{val}, nil
}

// shapeFits reports whether shape matches the declared dims (nil: unknown
// rank; -1: unknown dim).
func shapeFits(declared, shape []int) bool {
	if declared == nil {
		return true
	}
	if len(declared) != len(shape) {
		return false
	}
	for i, d := range declared {
		if d >= 0 && d != shape[i] {
			return false
		}
	}
	return true
}

// assign replaces v's value with t after the dtype (and, when validate is
// set, shape) checks. The tensor is kept, not copied: tensors are never
// modified in place.
func assign(c op.Context, v *op.Variable, t *tensor.Tensor, validate bool) error {
	if t.DType() != v.DType {
		return c.Errorf("assign %s to variable %s of dtype %s", t, v.Name, v.DType)
	}
	if validate && !shapeFits(v.Shape, t.Shape()) {
		return c.Errorf("assign %s to variable %s of shape %s", t, v.Name, tensor.ShapeString(v.Shape))
	}
	v.Assign(t)
	return nil
}

func assignVariable(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	v, err := op.ResourceArg[*op.Variable](c, in[0])
	if err != nil {
		return nil, err
	}
	validate, err := op.Bool(c, "validate_shape")
	if err != nil {
		return nil, err
	}
	return nil, assign(c, v, in[1], validate)
}

func assignArith(sub bool) op.Kernel {
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		v, err := op.ResourceArg[*op.Variable](c, in[0])
		if err != nil {
			return nil, err
		}
		old, err := v.Value()
		if err != nil {
			return nil, c.Errorf("%v", err)
		}
		d := in[1]
		if d.DType() != old.DType() || !sameShape(d.Shape(), old.Shape()) {
			return nil, c.Errorf("update %s does not match variable %s %s", d, v.Name, old)
		}
		sum := old.Clone()
		switch s := sum.Data().(type) {
		case []float32:
			addInto(s, d.Data().([]float32), sub)
		case []float64:
			addInto(s, d.Data().([]float64), sub)
		case []int32:
			addInto(s, d.Data().([]int32), sub)
		case []int64:
			addInto(s, d.Data().([]int64), sub)
		default:
			return nil, c.Errorf("unsupported variable dtype %s", old.DType())
		}
		v.Assign(sum)
		return nil, nil
	}
}

func addInto[T float32 | float64 | int32 | int64](dst, src []T, sub bool) {
	for i, x := range src {
		if sub {
			dst[i] -= x
		} else {
			dst[i] += x
		}
	}
}

func sameShape(a, b []int) bool {
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

func varIsInitialized(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	v, err := op.ResourceArg[*op.Variable](c, in[0])
	if err != nil {
		return nil, err
	}
	_, err = v.Value()
	return []*tensor.Tensor{tensor.Scalar(err == nil)}, nil
}

// destroyResource is a no-op: a session's resources live as long as the
// session (op.Resources has no removal), which only matters to training code.
func destroyResource(op.Context, []*tensor.Tensor) ([]*tensor.Tensor, error) { return nil, nil }

// refVariable is VariableV2 / Variable (see the package doc).
func refVariable(c op.Context, _ []*tensor.Tensor) ([]*tensor.Tensor, error) {
	container, name, err := nameOf(c)
	if err != nil {
		return nil, err
	}
	v, err := lookupVar(c, VarKey(container, name))
	if err != nil {
		return nil, err
	}
	if _, err := c.Resources().LookupOrCreate(RefKey(c.Node()), func() (any, error) { return v, nil }); err != nil {
		return nil, c.Errorf("%v", err)
	}
	if val, err := v.Value(); err == nil {
		return []*tensor.Tensor{val}, nil
	}
	return []*tensor.Tensor{op.ResourceTensor(v)}, nil
}

func assignRef(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	var v *op.Variable
	if in[0].DType() == tensor.Resource {
		var err error
		if v, err = op.ResourceArg[*op.Variable](c, in[0]); err != nil {
			return nil, err
		}
	} else {
		namer, ok := c.(InputNamer)
		if !ok {
			return nil, c.Errorf("assign to an initialised TF1 variable needs the executor to name the ref input (InputNamer)")
		}
		node := namer.InputNode(0)
		r, ok := c.Resources().Lookup(RefKey(node))
		if !ok {
			return nil, c.Errorf("input %s is not a variable", node)
		}
		if v, ok = r.(*op.Variable); !ok {
			return nil, c.Errorf("input %s holds %T, not a variable", node, r)
		}
	}
	validate, err := op.Bool(c, "validate_shape")
	if err != nil {
		return nil, err
	}
	if err := assign(c, v, in[1], validate); err != nil {
		return nil, err
	}
	return []*tensor.Tensor{in[1]}, nil
}
