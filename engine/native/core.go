package native

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// RegisterCore adds the ops the executor itself provides: constants,
// placeholders, identities, NoOp and function calls.
func RegisterCore(s *op.Set) {
	s.Add(
		op.Def{Spec: "Const() -> (output: dtype); value: tensor; dtype: type", Kernel: constKernel},
		op.Def{Spec: "Placeholder() -> (output: dtype); dtype: type; shape: shape = unknown", Kernel: placeholderKernel},
		op.Def{Spec: "PlaceholderWithDefault(input: dtype) -> (output: dtype); dtype: type; shape: shape", Kernel: identityKernel},
		op.Def{Spec: "Identity(input: T) -> (output: T); T: type", Kernel: identityKernel},
		op.Def{Spec: "IdentityN(input: T) -> (output: T); T: list(type)", Kernel: identityNKernel},
		op.Def{Spec: "StopGradient(input: T) -> (output: T); T: type", Kernel: identityKernel},
		op.Def{Spec: "NoOp()", Kernel: noOpKernel},
		op.Def{Spec: "PartitionedCall(args: Tin) -> (output: Tout); Tin: list(type); Tout: list(type); f: func; " +
			"config: string = ''; config_proto: string = ''; executor_type: string = ''", Kernel: callKernel},
		op.Def{Spec: "StatefulPartitionedCall(args: Tin) -> (output: Tout); Tin: list(type); Tout: list(type); f: func; " +
			"config: string = ''; config_proto: string = ''; executor_type: string = ''", Stateful: true, Kernel: callKernel},
	)
}

// constKernel decodes the value attr. The executor normally pre-decodes
// Const nodes when it compiles a plan and never calls this.
func constKernel(c op.Context, _ []*tensor.Tensor) ([]*tensor.Tensor, error) {
	t, err := op.TensorAttr(c, "value")
	if err != nil {
		return nil, err
	}
	return []*tensor.Tensor{t}, nil
}

// placeholderKernel runs only when the placeholder was not fed.
func placeholderKernel(c op.Context, _ []*tensor.Tensor) ([]*tensor.Tensor, error) {
	dt, err := op.Type(c, "dtype")
	if err != nil {
		return nil, err
	}
	return nil, c.Errorf("you must feed a value for placeholder tensor %s:0 with dtype %s", c.Node(), dt)
}

// identityKernel passes its input through. A TF1 reference variable read
// (x/read = Identity(VariableV2)) yields the variable's current value.
func identityKernel(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	t, err := deref(c, in[0], "T")
	if err != nil {
		return nil, err
	}
	return []*tensor.Tensor{t}, nil
}

func identityNKernel(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	out := make([]*tensor.Tensor, len(in))
	copy(out, in)
	return out, nil
}

func noOpKernel(op.Context, []*tensor.Tensor) ([]*tensor.Tensor, error) { return nil, nil }

func callKernel(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	f, err := op.Func(c, "f")
	if err != nil {
		return nil, err
	}
	return c.Call(f, in)
}

// deref reads a variable passed where a value is expected: a DT_RESOURCE
// tensor holding an *op.Variable, flowing into an input whose type attr is
// not resource (TF1 reference semantics).
func deref(c op.Context, t *tensor.Tensor, typeAttr string) (*tensor.Tensor, error) {
	if t.DType() != tensor.Resource || t.NumElements() != 1 {
		return t, nil
	}
	if want, err := op.Type(c, typeAttr); err != nil || want == tensor.Resource {
		return t, nil
	}
	v, ok := tensor.MustValues[any](t)[0].(*op.Variable)
	if !ok {
		return t, nil
	}
	val, err := v.Value()
	if err != nil {
		return nil, c.Errorf("%w", err)
	}
	return val, nil
}
