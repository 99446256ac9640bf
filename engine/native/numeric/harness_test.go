package numeric

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/engine/native/op/optest"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// fakeCtx is a test-only op.Context: attrs from a map, defaults from the
// registered OpDef, errors prefixed with the node name.
type fakeCtx struct {
	node    string
	def     *op.OpDef
	attrs   map[string]*tfpb.AttrValue
	res     *op.Resources
	threads int
}

func (f *fakeCtx) Ctx() context.Context     { return context.Background() }
func (f *fakeCtx) Node() string             { return f.node }
func (f *fakeCtx) Op() string               { return f.def.Name }
func (f *fakeCtx) Resources() *op.Resources { return f.res }
func (f *fakeCtx) Threads() int             { return f.threads }
func (f *fakeCtx) Attr(name string) (*tfpb.AttrValue, bool) {
	if v, ok := f.attrs[name]; ok {
		return v, true
	}
	return f.def.AttrDefault(name)
}
func (f *fakeCtx) Call(*tfpb.NameAttrList, []*tensor.Tensor) ([]*tensor.Tensor, error) {
	return nil, errors.New("no functions in tests")
}
func (f *fakeCtx) ReadFile(string) ([]byte, error)          { return nil, errors.New("no files") }
func (f *fakeCtx) Checkpoint(string) (op.Checkpoint, error) { return nil, errors.New("no checkpoint") }

// Lend hands every kernel that asks a freshly made buffer filled with
// op.Poison's pattern, as an executor's recycled buffers hold stale values:
// an output element a kernel forgets to store fails the test's comparison.
func (f *fakeCtx) Lend(dt tensor.DType, n int) any { return optest.Lend(dt, n) }

var _ op.Lender = (*fakeCtx)(nil)

func (f *fakeCtx) Errorf(format string, args ...any) error {
	return fmt.Errorf("node %s (%s): %s", f.node, f.def.Name, fmt.Sprintf(format, args...))
}

var testSet = func() *op.Set { s := op.NewSet(); Register(s); return s }()

// attr builders
func aI(i int64) *tfpb.AttrValue   { return &tfpb.AttrValue{Value: &tfpb.AttrValue_I{I: i}} }
func aB(b bool) *tfpb.AttrValue    { return &tfpb.AttrValue{Value: &tfpb.AttrValue_B{B: b}} }
func aF(f float32) *tfpb.AttrValue { return &tfpb.AttrValue{Value: &tfpb.AttrValue_F{F: f}} }
func aS(s string) *tfpb.AttrValue  { return &tfpb.AttrValue{Value: &tfpb.AttrValue_S{S: []byte(s)}} }
func aT(d tensor.DType) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_Type{Type: tfpb.DataType(d)}}
}
func aIs(v ...int64) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: &tfpb.AttrValue_ListValue{I: v}}}
}

type attrs = map[string]*tfpb.AttrValue

// run executes op name on inputs with attrs.
func run(t testing.TB, name string, at attrs, in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	t.Helper()
	def, ok := testSet.Lookup(name)
	if !ok {
		t.Fatalf("op %s not registered", name)
	}
	c := &fakeCtx{node: "n_" + name, def: def, attrs: at, res: op.NewResources(), threads: 3}
	return def.Kernel(c, in)
}

// run1 expects success and one output.
func run1(t testing.TB, name string, at attrs, in ...*tensor.Tensor) *tensor.Tensor {
	t.Helper()
	out, err := run(t, name, at, in...)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(out) != 1 {
		t.Fatalf("%s: %d outputs", name, len(out))
	}
	return out[0]
}

// wantErr expects an error naming the node and containing substr.
func wantErr(t testing.TB, substr, name string, at attrs, in ...*tensor.Tensor) {
	t.Helper()
	_, err := run(t, name, at, in...)
	if err == nil {
		t.Fatalf("%s: want error containing %q, got none", name, substr)
	}
	if !strings.Contains(err.Error(), "n_"+name) || !strings.Contains(err.Error(), substr) {
		t.Fatalf("%s: error %q should name the node and contain %q", name, err, substr)
	}
}

func f32(shape []int, v ...float32) *tensor.Tensor { return tensor.Must(tensor.Float, shape, v) }
func i32(shape []int, v ...int32) *tensor.Tensor   { return tensor.Must(tensor.Int32, shape, v) }
func i64(shape []int, v ...int64) *tensor.Tensor   { return tensor.Must(tensor.Int64, shape, v) }
func sc32(v int32) *tensor.Tensor                  { return tensor.Scalar(v) }

func randF32(r *rand.Rand, shape ...int) *tensor.Tensor {
	return tensor.Must(tensor.Float, shape, randSlice(r, prod(shape)))
}

func checkShape(t testing.TB, got *tensor.Tensor, shape ...int) {
	t.Helper()
	if !sameShape(got.Shape(), shape) {
		t.Fatalf("shape %v, want %v", got.Shape(), shape)
	}
}

func checkF32(t testing.TB, got *tensor.Tensor, want []float32, tol float64) {
	t.Helper()
	g := tensor.MustValues[float32](got)
	if len(g) != len(want) {
		t.Fatalf("len %d, want %d", len(g), len(want))
	}
	for i := range g {
		if math.IsNaN(float64(want[i])) && math.IsNaN(float64(g[i])) {
			continue
		}
		if math.Abs(float64(g[i]-want[i])) > tol*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("element %d: got %v want %v", i, g[i], want[i])
		}
	}
}

func checkEq[T comparable](t testing.TB, got *tensor.Tensor, want ...T) {
	t.Helper()
	g, err := tensor.Values[T](got)
	if err != nil {
		t.Fatal(err)
	}
	if len(g) != len(want) {
		t.Fatalf("got %v, want %v", g, want)
	}
	for i := range g {
		if g[i] != want[i] {
			t.Fatalf("got %v, want %v", g, want)
		}
	}
}
