package op

import (
	"context"
	"fmt"
	"sort"

	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// Kernel computes one node. in holds the node's data inputs flattened in
// OpDef order (a list argument contributes its N tensors in place). It
// returns the outputs flattened the same way. Kernels must not modify their
// inputs (they may be shared with other nodes or the caller); they may return
// an input unchanged as an output (Identity).
//
// Errors should come from c.Errorf so they name the node and op, as
// TensorFlow's do.
type Kernel func(c Context, in []*tensor.Tensor) ([]*tensor.Tensor, error)

// Context is what a kernel may use besides its inputs.
type Context interface {
	// Ctx is the Run's context; long kernels (loops) check it.
	Ctx() context.Context
	// Node is the node's name (in a function body: "fn/node").
	Node() string
	// Op is the node's op type.
	Op() string
	// Attr returns the node's attr with the OpDef default filled in.
	Attr(name string) (*tfpb.AttrValue, bool)
	// Resources is the session's resource store (variables, tables).
	Resources() *Resources
	// Call runs a library function (attrs of type func) on args.
	Call(fn *tfpb.NameAttrList, args []*tensor.Tensor) ([]*tensor.Tensor, error)
	// ReadFile reads a file the model may read: its own assets and
	// variables. Any other path is refused.
	ReadFile(path string) ([]byte, error)
	// Checkpoint returns the tensor bundle at prefix (a model's variables
	// prefix, e.g. "<dir>/variables/variables"); other prefixes are refused.
	Checkpoint(prefix string) (Checkpoint, error)
	// Threads is how many goroutines a kernel may use.
	Threads() int
	// Errorf formats an error naming the node and op.
	Errorf(format string, args ...any) error
}

// Checkpoint reads tensors from a tensor bundle (variables/).
type Checkpoint interface {
	// Tensor reads the tensor stored under key; the error names the key
	// when it is missing or corrupt.
	Tensor(key string) (*tensor.Tensor, error)
}

// Def defines an op: Spec is its OpDef in the form
//
//	Name(in1: T, in2: int32, values: N * T, args: Tin) -> (out: T, outs: Tout); T: type; N: int = 2; ...
//
// Argument types are an attr name of type "type" (T), "N * T" for a list of N
// tensors of one type, an attr of type "list(type)" for a heterogeneous list,
// or a fixed type (float, int32, int64, string, bool, resource, variant, ...).
// Attrs are "name: type" or "name: type = default", with type one of int,
// float, bool, string, type, shape, tensor, func, list(int), list(float),
// list(bool), list(string), list(type), list(shape), list(func). Defaults are
// written as in TensorFlow's REGISTER_OP: 1, 1.5, true, 'NHWC', DT_FLOAT or
// float, [1, 1], [] .
type Def struct {
	Spec     string
	Stateful bool
	Kernel   Kernel
}

// Set is a table of ops by name.
type Set struct {
	ops map[string]*OpDef
}

// OpDef is a parsed Def.
type OpDef struct {
	Name     string
	Inputs   []Arg
	Outputs  []Arg
	Attrs    []Attr
	Stateful bool
	Kernel   Kernel
}

// Arg is one input or output argument.
type Arg struct {
	Name         string
	Type         tensor.DType // fixed type, or Invalid
	TypeAttr     string       // type from this attr
	NumberAttr   string       // a list of this many tensors
	TypeListAttr string       // a list with these types
}

// Attr is an attr with its type and optional default.
type Attr struct {
	Name    string
	Type    string
	Default *tfpb.AttrValue // nil when required
}

// NewSet returns an empty op table.
func NewSet() *Set { return &Set{ops: map[string]*OpDef{}} }

// Add parses and adds defs. A malformed spec or a duplicate op panics: both
// are programming errors found by the first test that builds the table.
func (s *Set) Add(defs ...Def) {
	for _, d := range defs {
		od, err := Parse(d.Spec)
		if err != nil {
			panic(fmt.Sprintf("op: %v", err))
		}
		if _, dup := s.ops[od.Name]; dup {
			panic("op: duplicate op " + od.Name)
		}
		od.Stateful, od.Kernel = d.Stateful, d.Kernel
		s.ops[od.Name] = od
	}
}

// Lookup returns the op with the given name.
func (s *Set) Lookup(name string) (*OpDef, bool) {
	od, ok := s.ops[name]
	return od, ok
}

// Names lists the ops, sorted.
func (s *Set) Names() []string {
	names := make([]string, 0, len(s.ops))
	for n := range s.ops {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// AttrDefault returns the default of the named attr, if the op has one.
func (d *OpDef) AttrDefault(name string) (*tfpb.AttrValue, bool) {
	for _, a := range d.Attrs {
		if a.Name == name && a.Default != nil {
			return a.Default, true
		}
	}
	return nil, false
}
