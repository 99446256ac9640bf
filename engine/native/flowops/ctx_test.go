package flowops

import (
	"context"
	"fmt"
	"testing"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

var testSet = func() *op.Set { s := op.NewSet(); Register(s); return s }()

// testCtx is a minimal op.Context: attrs with OpDef defaults, a resource
// store, Go closures standing in for library functions and an optional
// checkpoint.
type testCtx struct {
	ctx   context.Context
	node  string
	opn   string
	def   *op.OpDef
	attrs map[string]*tfpb.AttrValue
	res   *op.Resources
	funcs map[string]func([]*tensor.Tensor) ([]*tensor.Tensor, error)
	ckpt  func(prefix string) (op.Checkpoint, error)
}

// namingCtx adds InputNamer.
type namingCtx struct {
	*testCtx
	inputs []string
}

func (n namingCtx) InputNode(i int) string { return n.inputs[i] }

func newCtx(t testing.TB, opName string, res *op.Resources, attrs map[string]any) *testCtx {
	t.Helper()
	def, ok := testSet.Lookup(opName)
	if !ok {
		t.Fatalf("op %s not registered", opName)
	}
	if res == nil {
		res = op.NewResources()
	}
	c := &testCtx{ctx: context.Background(), node: "n/" + opName, opn: opName, def: def,
		attrs: map[string]*tfpb.AttrValue{}, res: res, funcs: map[string]func([]*tensor.Tensor) ([]*tensor.Tensor, error){}}
	for k, v := range attrs {
		c.attrs[k] = attrValue(t, v)
	}
	return c
}

func attrValue(t testing.TB, v any) *tfpb.AttrValue {
	switch x := v.(type) {
	case string:
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_S{S: []byte(x)}}
	case int:
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_I{I: int64(x)}}
	case bool:
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_B{B: x}}
	case tensor.DType:
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_Type{Type: tfpb.DataType(x)}}
	case []tensor.DType:
		l := &tfpb.AttrValue_ListValue{}
		for _, d := range x {
			l.Type = append(l.Type, tfpb.DataType(d))
		}
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: l}}
	case fn:
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_Func{Func: &tfpb.NameAttrList{Name: string(x)}}}
	case []fn:
		l := &tfpb.AttrValue_ListValue{}
		for _, f := range x {
			l.Func = append(l.Func, &tfpb.NameAttrList{Name: string(f)})
		}
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: l}}
	case []int:
		s := &tfpb.TensorShapeProto{}
		for _, d := range x {
			s.Dim = append(s.Dim, &tfpb.TensorShapeProto_Dim{Size: int64(d)})
		}
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_Shape{Shape: s}}
	}
	t.Fatalf("attr value %T", v)
	return nil
}

// fn names a library function in attrs.
type fn string

func (c *testCtx) Ctx() context.Context     { return c.ctx }
func (c *testCtx) Node() string             { return c.node }
func (c *testCtx) Op() string               { return c.opn }
func (c *testCtx) Resources() *op.Resources { return c.res }
func (c *testCtx) Threads() int             { return 1 }
func (c *testCtx) Attr(name string) (*tfpb.AttrValue, bool) {
	if v, ok := c.attrs[name]; ok {
		return v, true
	}
	return c.def.AttrDefault(name)
}
func (c *testCtx) Call(f *tfpb.NameAttrList, args []*tensor.Tensor) ([]*tensor.Tensor, error) {
	g, ok := c.funcs[f.GetName()]
	if !ok {
		return nil, fmt.Errorf("no function %s", f.GetName())
	}
	return g(args)
}
func (c *testCtx) ReadFile(path string) ([]byte, error) {
	return nil, fmt.Errorf("read %s: refused", path)
}
func (c *testCtx) Checkpoint(prefix string) (op.Checkpoint, error) {
	if c.ckpt == nil {
		return nil, fmt.Errorf("no checkpoint %s", prefix)
	}
	return c.ckpt(prefix)
}
func (c *testCtx) Errorf(format string, args ...any) error {
	return fmt.Errorf("node %s (%s): %s", c.node, c.opn, fmt.Sprintf(format, args...))
}

func run(c op.Context, in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	def, _ := testSet.Lookup(c.Op())
	return def.Kernel(c, in)
}

func mustRun(t testing.TB, c op.Context, in ...*tensor.Tensor) []*tensor.Tensor {
	t.Helper()
	out, err := run(c, in...)
	if err != nil {
		t.Fatalf("%s: %v", c.Op(), err)
	}
	def, _ := testSet.Lookup(c.Op())
	if len(def.Outputs) == 1 && len(out) != 1 && def.Outputs[0].TypeListAttr == "" && def.Outputs[0].NumberAttr == "" {
		t.Fatalf("%s returned %d outputs", c.Op(), len(out))
	}
	return out
}

func f32(shape []int, v ...float32) *tensor.Tensor { return tensor.Must(tensor.Float, shape, v) }
