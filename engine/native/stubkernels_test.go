package native

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// Minimal, test-only kernels (float32 arithmetic with scalar broadcast,
// resource and TF1 variables, RestoreV2) written independently of the
// kernel packages, so the engine's load path (restore, init, assets) is
// tested on the real half_plus_two fixtures without them.
func registerStubKernels(s *op.Set) {
	arith := func(f func(a, b float32) float32) op.Kernel {
		return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			a, err1 := tensor.Values[float32](in[0])
			b, err2 := tensor.Values[float32](in[1])
			if err1 != nil || err2 != nil {
				return nil, c.Errorf("stub kernel takes float32 only, got %s and %s", in[0], in[1])
			}
			x, y, shape, g := a, b, in[0].Shape(), f
			if len(a) == 1 && len(b) != 1 {
				x, y, shape = b, a, in[1].Shape()
				g = func(p, q float32) float32 { return f(q, p) }
			}
			if len(y) != 1 && len(y) != len(x) {
				return nil, c.Errorf("incompatible shapes %v and %v", in[0].Shape(), in[1].Shape())
			}
			out := make([]float32, len(x))
			for i := range x {
				out[i] = g(x[i], y[i%len(y)])
			}
			return []*tensor.Tensor{tensor.Must(tensor.Float, shape, out)}, nil
		}
	}
	add := arith(func(a, b float32) float32 { return a + b })
	mul := arith(func(a, b float32) float32 { return a * b })
	s.Add(
		op.Def{Spec: "Add(x: T, y: T) -> (z: T); T: type", Kernel: add},
		op.Def{Spec: "AddV2(x: T, y: T) -> (z: T); T: type", Kernel: add},
		op.Def{Spec: "Mul(x: T, y: T) -> (z: T); T: type", Kernel: mul},
	)
	registerStubState(s)
}

// registerStubState adds the variable and checkpoint ops only.
func registerStubState(s *op.Set) {
	newVar := func(c op.Context, key string) (*op.Variable, error) {
		dt, err := op.Type(c, "dtype")
		if err != nil {
			return nil, err
		}
		v, err := c.Resources().LookupOrCreate(key, func() (any, error) { return &op.Variable{Name: key, DType: dt}, nil })
		if err != nil {
			return nil, err
		}
		return v.(*op.Variable), nil
	}
	s.Add(
		op.Def{Spec: "VarHandleOp() -> (resource: resource); container: string = ''; shared_name: string = ''; dtype: type; shape: shape; allowed_devices: list(string) = []",
			Stateful: true, Kernel: func(c op.Context, _ []*tensor.Tensor) ([]*tensor.Tensor, error) {
				name, _ := op.String(c, "shared_name")
				if name == "" {
					name = c.Node()
				}
				v, err := newVar(c, "var:"+name)
				if err != nil {
					return nil, err
				}
				return []*tensor.Tensor{op.ResourceTensor(v)}, nil
			}},
		op.Def{Spec: "VariableV2() -> (ref: dtype); shape: shape; dtype: type; container: string = ''; shared_name: string = ''",
			Stateful: true, Kernel: func(c op.Context, _ []*tensor.Tensor) ([]*tensor.Tensor, error) {
				v, err := newVar(c, "ref:"+c.Node())
				if err != nil {
					return nil, err
				}
				return []*tensor.Tensor{op.ResourceTensor(v)}, nil
			}},
		op.Def{Spec: "ReadVariableOp(resource: resource) -> (value: dtype); dtype: type", Stateful: true,
			Kernel: func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
				v, err := op.ResourceArg[*op.Variable](c, in[0])
				if err != nil {
					return nil, err
				}
				t, err := v.Value()
				if err != nil {
					return nil, c.Errorf("%v", err)
				}
				return []*tensor.Tensor{t}, nil
			}},
		op.Def{Spec: "AssignVariableOp(resource: resource, value: dtype); dtype: type; validate_shape: bool = false", Stateful: true,
			Kernel: func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
				v, err := op.ResourceArg[*op.Variable](c, in[0])
				if err != nil {
					return nil, err
				}
				v.Assign(in[1])
				return nil, nil
			}},
		op.Def{Spec: "Assign(ref: T, value: T) -> (output_ref: T); T: type; validate_shape: bool = true; use_locking: bool = true", Stateful: true,
			Kernel: func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
				v, err := op.ResourceArg[*op.Variable](c, in[0])
				if err != nil {
					return nil, err
				}
				v.Assign(in[1])
				return []*tensor.Tensor{in[0]}, nil
			}},
		op.Def{Spec: "RestoreV2(prefix: string, tensor_names: string, shape_and_slices: string) -> (tensors: dtypes); dtypes: list(type)", Stateful: true,
			Kernel: func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
				ck, err := c.Checkpoint(tensor.MustValues[string](in[0])[0])
				if err != nil {
					return nil, err
				}
				names := tensor.MustValues[string](in[1])
				dts, err := op.Types(c, "dtypes")
				if err != nil {
					return nil, err
				}
				if len(dts) != len(names) {
					return nil, c.Errorf("%d names, %d dtypes", len(names), len(dts))
				}
				out := make([]*tensor.Tensor, len(names))
				for i, n := range names {
					t, err := ck.Tensor(n)
					if err != nil {
						return nil, c.Errorf("%v", err)
					}
					if t.DType() != dts[i] {
						return nil, c.Errorf("%s is %s, want %s", n, t.DType(), dts[i])
					}
					out[i] = t
				}
				return out, nil
			}},
	)
}
