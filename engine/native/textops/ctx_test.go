package textops

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/engine/native/op/optest"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// testCtx is a minimal op.Context: attrs with the OpDef's defaults, a shared
// resource store and a ReadFile confined to one directory.
type testCtx struct {
	node, op string
	def      *op.OpDef
	attrs    map[string]*tfpb.AttrValue
	res      *op.Resources
	dir      string
}

var testSet = func() *op.Set { s := op.NewSet(); Register(s); return s }()

func newCtx(t testing.TB, opName string, res *op.Resources, attrs map[string]any) *testCtx {
	t.Helper()
	def, ok := testSet.Lookup(opName)
	if !ok {
		t.Fatalf("op %s not registered", opName)
	}
	if res == nil {
		res = op.NewResources()
	}
	c := &testCtx{node: "test/" + opName, op: opName, def: def, attrs: map[string]*tfpb.AttrValue{}, res: res}
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
	case []string:
		l := &tfpb.AttrValue_ListValue{}
		for _, s := range x {
			l.S = append(l.S, []byte(s))
		}
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: l}}
	case []int64:
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: &tfpb.AttrValue_ListValue{I: x}}}
	}
	t.Fatalf("attr value %T", v)
	return nil
}

func (c *testCtx) Ctx() context.Context     { return context.Background() }
func (c *testCtx) Node() string             { return c.node }
func (c *testCtx) Op() string               { return c.op }
func (c *testCtx) Resources() *op.Resources { return c.res }
func (c *testCtx) Threads() int             { return 1 }
func (c *testCtx) Attr(name string) (*tfpb.AttrValue, bool) {
	if v, ok := c.attrs[name]; ok {
		return v, true
	}
	return c.def.AttrDefault(name)
}
func (c *testCtx) Call(*tfpb.NameAttrList, []*tensor.Tensor) ([]*tensor.Tensor, error) {
	return nil, fmt.Errorf("no functions")
}
func (c *testCtx) ReadFile(path string) ([]byte, error) {
	if c.dir == "" || !strings.HasPrefix(filepath.Clean(path), c.dir+string(filepath.Separator)) {
		return nil, fmt.Errorf("read %s: not a model file", path)
	}
	return os.ReadFile(path)
}
func (c *testCtx) Checkpoint(string) (op.Checkpoint, error) { return nil, fmt.Errorf("no checkpoint") }

// Lend hands out poisoned buffers (op.Poison), as an executor's recycled
// ones hold stale values: an element a kernel forgets to store shows.
func (c *testCtx) Lend(dt tensor.DType, n int) any { return optest.Lend(dt, n) }

var _ op.Lender = (*testCtx)(nil)

func (c *testCtx) Errorf(format string, args ...any) error {
	return fmt.Errorf("node %s (%s): %s", c.node, c.op, fmt.Sprintf(format, args...))
}

// run runs the op's kernel.
func (c *testCtx) run(in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	return c.def.Kernel(c, in)
}

func mustRun(t testing.TB, c *testCtx, in ...*tensor.Tensor) []*tensor.Tensor {
	t.Helper()
	out, err := c.run(in...)
	if err != nil {
		t.Fatalf("%s: %v", c.op, err)
	}
	lists := false
	for _, a := range c.def.Outputs {
		lists = lists || a.NumberAttr != "" || a.TypeListAttr != ""
	}
	if !lists && len(out) != len(c.def.Outputs) {
		t.Fatalf("%s returned %d outputs, OpDef has %d", c.op, len(out), len(c.def.Outputs))
	}
	return out
}

func strs(shape []int, v ...string) *tensor.Tensor { return tensor.Must(tensor.String, shape, v) }
