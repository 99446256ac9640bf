package flowops

import (
	"fmt"
	"strings"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

func controlDefs() []op.Def {
	const while = "(input: T) -> (output: T); T: list(type); cond: func; body: func; output_shapes: list(shape) = []; parallel_iterations: int = 10"
	const ifs = "(cond: Tcond, input: Tin) -> (output: Tout); Tcond: type; Tin: list(type); Tout: list(type); then_branch: func; else_branch: func; output_shapes: list(shape) = []"
	const cases = "(branch_index: int32, input: Tin) -> (output: Tout); Tin: list(type); Tout: list(type); branches: list(func); output_shapes: list(shape) = []"
	return []op.Def{
		{Spec: "While" + while, Stateful: true, Kernel: whileLoop},
		{Spec: "StatelessWhile" + while, Kernel: whileLoop},
		{Spec: "If" + ifs, Stateful: true, Kernel: ifKernel},
		{Spec: "StatelessIf" + ifs, Kernel: ifKernel},
		{Spec: "Case" + cases, Stateful: true, Kernel: caseKernel},
		{Spec: "StatelessCase" + cases, Kernel: caseKernel},
		{Spec: "Assert(condition: bool, data: T); T: list(type); summarize: int = 3", Stateful: true, Kernel: assertKernel},
	}
}

// Truthy converts a condition tensor to a bool as TensorFlow's If and While
// do: a scalar bool as is; a non-bool scalar is true when non-zero (strings:
// non-empty); a non-scalar is true when it has at least one element.
func Truthy(t *tensor.Tensor) (bool, error) {
	if t.Rank() != 0 {
		return t.NumElements() > 0, nil
	}
	switch v := t.Data().(type) {
	case []bool:
		return v[0], nil
	case []string:
		return v[0] != "", nil
	case []float32:
		return v[0] != 0, nil
	case []float64:
		return v[0] != 0, nil
	case []int32:
		return v[0] != 0, nil
	case []int64:
		return v[0] != 0, nil
	case []int8:
		return v[0] != 0, nil
	case []int16:
		return v[0] != 0, nil
	case []uint8:
		return v[0] != 0, nil
	case []uint16:
		return v[0] != 0, nil
	case []uint32:
		return v[0] != 0, nil
	case []uint64:
		return v[0] != 0, nil
	case []complex64:
		return v[0] != 0, nil
	case []complex128:
		return v[0] != 0, nil
	}
	return false, fmt.Errorf("cannot use a %s as a condition", t)
}

func whileLoop(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	cond, err := op.Func(c, "cond")
	if err != nil {
		return nil, err
	}
	body, err := op.Func(c, "body")
	if err != nil {
		return nil, err
	}
	vars := append([]*tensor.Tensor(nil), in...)
	for iter := 0; ; iter++ {
		if err := c.Ctx().Err(); err != nil {
			return nil, wrapf(c, err, "while loop stopped at iteration %d", iter)
		}
		out, err := c.Call(cond, vars)
		if err != nil {
			return nil, wrapf(c, err, "cond %s at iteration %d", cond.GetName(), iter)
		}
		if len(out) != 1 {
			return nil, c.Errorf("cond %s returned %d values, want 1", cond.GetName(), len(out))
		}
		ok, err := Truthy(out[0])
		if err != nil {
			return nil, c.Errorf("cond %s: %v", cond.GetName(), err)
		}
		if !ok {
			return vars, nil
		}
		next, err := c.Call(body, vars)
		if err != nil {
			return nil, wrapf(c, err, "body %s at iteration %d", body.GetName(), iter)
		}
		if len(next) != len(vars) {
			return nil, c.Errorf("body %s returned %d values for %d loop variables", body.GetName(), len(next), len(vars))
		}
		vars = next
	}
}

func ifKernel(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	ok, err := Truthy(in[0])
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	name := "else_branch"
	if ok {
		name = "then_branch"
	}
	fn, err := op.Func(c, name)
	if err != nil {
		return nil, err
	}
	return callChecked(c, fn, in[1:])
}

// callChecked calls fn and checks the result count against Tout.
func callChecked(c op.Context, fn *tfpb.NameAttrList, args []*tensor.Tensor) ([]*tensor.Tensor, error) {
	out, err := c.Call(fn, args)
	if err != nil {
		return nil, wrapf(c, err, "branch %s", fn.GetName())
	}
	if tout, err := op.Types(c, "Tout"); err == nil && len(tout) != len(out) {
		return nil, c.Errorf("branch %s returned %d values, Tout has %d", fn.GetName(), len(out), len(tout))
	}
	return out, nil
}

// caseKernel runs branches[i]; an out-of-range index runs the last branch
// (TensorFlow's default-branch rule).
func caseKernel(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	v, ok := c.Attr("branches")
	if !ok {
		return nil, c.Errorf("missing attr \"branches\"")
	}
	l, ok := v.Value.(*tfpb.AttrValue_List)
	if !ok || l.List == nil || len(l.List.Func) == 0 {
		return nil, c.Errorf("attr \"branches\" is not a non-empty list of functions")
	}
	idx, ok := in[0].Data().([]int32)
	if !ok || len(idx) != 1 {
		return nil, c.Errorf("branch_index must be an int32 scalar, got %s", in[0])
	}
	fns := l.List.Func
	i := int(idx[0])
	if i < 0 || i >= len(fns) {
		i = len(fns) - 1
	}
	return callChecked(c, fns[i], in[1:])
}

// assertKernel fails when condition is false, rendering up to summarize
// entries of each data tensor as TensorFlow's message does.
func assertKernel(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	cond, ok := in[0].Data().([]bool)
	if !ok || len(cond) != 1 {
		return nil, c.Errorf("condition must be a bool scalar, got %s", in[0])
	}
	if cond[0] {
		return nil, nil
	}
	summarize, err := op.Int(c, "summarize")
	if err != nil {
		return nil, err
	}
	parts := make([]string, len(in)-1)
	for i, t := range in[1:] {
		parts[i] = Render(t, int(summarize))
	}
	return nil, c.Errorf("assertion failed: %s", strings.Join(parts, " "))
}

// Render formats a tensor for an Assert message: a string scalar as its
// text, anything else as [v1 v2 ...] with at most n values (n < 0: all).
func Render(t *tensor.Tensor, n int) string {
	if s, ok := t.Data().([]string); ok && t.Rank() == 0 {
		return "[" + s[0] + "]"
	}
	total := t.NumElements()
	if n < 0 || n > total {
		n = total
	}
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprint(&b, elem(t.Data(), i))
	}
	if n < total {
		b.WriteString("...")
	}
	b.WriteByte(']')
	return b.String()
}

func elem(data any, i int) any {
	switch v := data.(type) {
	case []float32:
		return v[i]
	case []float64:
		return v[i]
	case []int32:
		return v[i]
	case []int64:
		return v[i]
	case []bool:
		return v[i]
	case []string:
		return fmt.Sprintf("%q", v[i])
	case []uint8:
		return v[i]
	case []int8:
		return v[i]
	case []int16:
		return v[i]
	case []uint16:
		return v[i]
	case []uint32:
		return v[i]
	case []uint64:
		return v[i]
	case []any:
		return fmt.Sprintf("<%T>", v[i])
	}
	return "?"
}

// wrapf names the node like c.Errorf and keeps err in the chain (so a
// cancelled context stays errors.Is-detectable through nested loops).
func wrapf(c op.Context, err error, format string, args ...any) error {
	return fmt.Errorf("node %s (%s): %s: %w", c.Node(), c.Op(), fmt.Sprintf(format, args...), err)
}
