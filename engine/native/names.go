package native

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/savedmodel/tfpb"
)

// tensorRef is a parsed GraphDef input or tensor name: "n", "n:k", "^n".
type tensorRef struct {
	node    string
	index   int
	control bool
}

// parseGraphRef parses a GraphDef-style reference ("n", "n:k", "^n").
func parseGraphRef(s string) (tensorRef, error) {
	if s == "" {
		return tensorRef{}, fmt.Errorf("empty tensor name")
	}
	if strings.HasPrefix(s, "^") {
		return tensorRef{node: s[1:], control: true}, nil
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return tensorRef{node: s}, nil
	}
	k, err := strconv.Atoi(s[i+1:])
	if err != nil || k < 0 || i == 0 {
		return tensorRef{}, fmt.Errorf("bad tensor name %q", s)
	}
	return tensorRef{node: s[:i], index: k}, nil
}

// canonicalTensor returns "n:k" for a GraphDef tensor name ("n" means "n:0").
func canonicalTensor(s string) (string, error) {
	r, err := parseGraphRef(s)
	if err != nil {
		return "", err
	}
	if r.control {
		return "", fmt.Errorf("tensor name %q is a control reference", s)
	}
	return r.node + ":" + strconv.Itoa(r.index), nil
}

// attrLookup returns the node's attr or the op default.
type attrLookup func(name string) (*tfpb.AttrValue, bool)

// argSizes returns how many tensors each argument expands to: 1, N for
// "N * T", or len(list(type)) for a type-list argument.
func argSizes(args []op.Arg, attr attrLookup) ([]int, error) {
	sizes := make([]int, len(args))
	for i, a := range args {
		n, err := argSize(a.NumberAttr, a.TypeListAttr, attr)
		if err != nil {
			return nil, fmt.Errorf("arg %s: %w", a.Name, err)
		}
		sizes[i] = n
	}
	return sizes, nil
}

// maxListArg bounds list arguments so a corrupt attr cannot ask for a huge
// slot table.
const maxListArg = 1 << 20

func argSize(numberAttr, typeListAttr string, attr attrLookup) (int, error) {
	switch {
	case numberAttr != "":
		v, ok := attr(numberAttr)
		if !ok {
			return 0, fmt.Errorf("missing attr %q", numberAttr)
		}
		x, ok := v.Value.(*tfpb.AttrValue_I)
		if !ok || x.I < 0 || x.I > maxListArg {
			return 0, fmt.Errorf("attr %q is not a valid list length", numberAttr)
		}
		return int(x.I), nil
	case typeListAttr != "":
		v, ok := attr(typeListAttr)
		if !ok {
			return 0, fmt.Errorf("missing attr %q", typeListAttr)
		}
		x, ok := v.Value.(*tfpb.AttrValue_List)
		if !ok {
			return 0, fmt.Errorf("attr %q is not a list(type)", typeListAttr)
		}
		if x.List == nil {
			return 0, nil
		}
		return len(x.List.Type), nil
	}
	return 1, nil
}

// fnArgs converts a FunctionDef signature's ArgDefs to op.Args.
func fnArgs(defs []*tfpb.OpDef_ArgDef) []op.Arg {
	args := make([]op.Arg, len(defs))
	for i, d := range defs {
		args[i] = op.Arg{
			Name: d.Name, Type: 0, TypeAttr: d.TypeAttr,
			NumberAttr: d.NumberAttr, TypeListAttr: d.TypeListAttr,
		}
	}
	return args
}

// funcRefs returns the names of the functions an attr refers to (func and
// list(func) attrs).
func funcRefs(v *tfpb.AttrValue) []string {
	switch x := v.Value.(type) {
	case *tfpb.AttrValue_Func:
		if x.Func != nil && x.Func.Name != "" {
			return []string{x.Func.Name}
		}
	case *tfpb.AttrValue_List:
		if x.List == nil {
			return nil
		}
		var names []string
		for _, f := range x.List.Func {
			if f != nil && f.Name != "" {
				names = append(names, f.Name)
			}
		}
		return names
	}
	return nil
}
