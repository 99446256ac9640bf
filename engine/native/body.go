package native

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/savedmodel/tfpb"
)

// body is a graph or a function body, indexed by node name.
type body struct {
	name  string            // function name; "" for the main graph
	fn    *tfpb.FunctionDef // nil for the main graph
	nodes []*tfpb.NodeDef
	index map[string]int
	args  map[string]int // function input arg name -> arg position
}

func newBody(name string, fn *tfpb.FunctionDef, nodes []*tfpb.NodeDef) (*body, error) {
	b := &body{name: name, fn: fn, nodes: nodes, index: make(map[string]int, len(nodes))}
	for i, n := range nodes {
		if n == nil || n.Name == "" {
			return nil, fmt.Errorf("%snode %d has no name", b.where(), i)
		}
		if _, dup := b.index[n.Name]; dup {
			return nil, fmt.Errorf("%sduplicate node %q", b.where(), n.Name)
		}
		b.index[n.Name] = i
	}
	if fn != nil {
		b.args = map[string]int{}
		for i, a := range fn.GetSignature().GetInputArg() {
			if a.NumberAttr != "" || a.TypeListAttr != "" {
				return nil, fmt.Errorf("function %s: list argument %s is not supported", name, a.Name)
			}
			b.args[a.Name] = i
		}
	}
	return b, nil
}

func (b *body) where() string {
	if b.name == "" {
		return ""
	}
	return "function " + b.name + ": "
}

// display is a node's name in errors: "fn/node" inside a function.
func (b *body) display(node string) string {
	if b.name == "" {
		return node
	}
	return b.name + "/" + node
}

// nodeInfo is what the compiler knows about one node: its op (or the
// library function it calls), attrs with defaults, and argument layout.
type nodeInfo struct {
	def      *op.OpDef // builtin op, or nil
	fn       string    // direct call of a library function
	attrs    map[string]*tfpb.AttrValue
	inSizes  []int
	outSizes []int
	outNames []string
}

func (ni *nodeInfo) numInputs() int  { return sum(ni.inSizes) }
func (ni *nodeInfo) numOutputs() int { return sum(ni.outSizes) }

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// errUnknownOp marks a node whose op is neither a builtin nor a library
// function; the compiler collects all of them into one UnsupportedOpsError.
type errUnknownOp struct{ op string }

func (e errUnknownOp) Error() string { return "unknown op " + e.op }

// resolveNode builds the nodeInfo of n. Library functions shadow builtins,
// as in TensorFlow.
func (s *session) resolveNode(n *tfpb.NodeDef) (*nodeInfo, error) {
	for k, v := range n.Attr {
		if _, ok := v.GetValue().(*tfpb.AttrValue_Placeholder); ok {
			return nil, fmt.Errorf("attr %s is a placeholder of a generic function; only concrete functions are supported", k)
		}
	}
	if f, ok := s.lib[n.Op]; ok {
		ni := &nodeInfo{fn: n.Op, attrs: n.Attr}
		lookup := func(name string) (*tfpb.AttrValue, bool) { v, ok := n.Attr[name]; return v, ok }
		var err error
		sig := f.GetSignature()
		if ni.inSizes, err = argSizes(fnArgs(sig.GetInputArg()), lookup); err != nil {
			return nil, fmt.Errorf("call of %s: %w", n.Op, err)
		}
		if ni.outSizes, err = argSizes(fnArgs(sig.GetOutputArg()), lookup); err != nil {
			return nil, fmt.Errorf("call of %s: %w", n.Op, err)
		}
		for _, a := range sig.GetOutputArg() {
			ni.outNames = append(ni.outNames, a.Name)
		}
		return ni, nil
	}
	def, ok := s.ops.Lookup(n.Op)
	if !ok {
		return nil, errUnknownOp{n.Op}
	}
	attrs := make(map[string]*tfpb.AttrValue, len(n.Attr)+len(def.Attrs))
	for k, v := range n.Attr {
		attrs[k] = v
	}
	for _, a := range def.Attrs {
		if _, ok := attrs[a.Name]; !ok && a.Default != nil {
			attrs[a.Name] = a.Default
		}
	}
	lookup := func(name string) (*tfpb.AttrValue, bool) { v, ok := attrs[name]; return v, ok }
	ni := &nodeInfo{def: def, attrs: attrs}
	var err error
	if ni.inSizes, err = argSizes(def.Inputs, lookup); err != nil {
		return nil, err
	}
	if ni.outSizes, err = argSizes(def.Outputs, lookup); err != nil {
		return nil, err
	}
	for _, a := range def.Outputs {
		ni.outNames = append(ni.outNames, a.Name)
	}
	return ni, nil
}

// source is where a node input comes from.
type source struct {
	feed    int // feed or function-arg position, or -1
	node    int // producing node index, or -1
	index   int // flat output index of node
	control bool
}

// parseRef resolves an input reference of a node in b. Graph bodies use
// "n", "n:k", "^n" and may have fed tensors (feeds: canonical name ->
// position); function bodies use "arg", "node:out_arg:i", "^node".
// info resolves the producing node's layout (needed for out_arg names).
func (b *body) parseRef(ref string, feeds map[string]int, info func(int) (*nodeInfo, error)) (source, error) {
	if strings.HasPrefix(ref, "^") {
		name := ref[1:]
		i, ok := b.index[name]
		if !ok {
			return source{}, fmt.Errorf("control input %q: no such node", ref)
		}
		// A fed placeholder is never run, so waiting for it is a no-op.
		if pos, fed := feeds[name+":0"]; fed && strings.HasPrefix(b.nodes[i].Op, "Placeholder") {
			return source{feed: pos, node: -1, control: true}, nil
		}
		return source{feed: -1, node: i, control: true}, nil
	}
	if b.fn == nil {
		r, err := parseGraphRef(ref)
		if err != nil {
			return source{}, err
		}
		if pos, ok := feeds[r.node+":"+strconv.Itoa(r.index)]; ok {
			return source{feed: pos, node: -1}, nil
		}
		i, ok := b.index[r.node]
		if !ok {
			return source{}, fmt.Errorf("input %q: no such node", ref)
		}
		return source{feed: -1, node: i, index: r.index}, nil
	}
	parts := strings.Split(ref, ":")
	switch len(parts) {
	case 1:
		if pos, ok := b.args[ref]; ok {
			return source{feed: pos, node: -1}, nil
		}
		if i, ok := b.index[ref]; ok {
			return source{feed: -1, node: i}, nil
		}
		return source{}, fmt.Errorf("input %q: no such argument or node", ref)
	case 2:
		k, err := strconv.Atoi(parts[1])
		if err != nil || k < 0 {
			return source{}, fmt.Errorf("bad input %q", ref)
		}
		if pos, ok := b.args[parts[0]]; ok && k == 0 {
			return source{feed: pos, node: -1}, nil
		}
		i, ok := b.index[parts[0]]
		if !ok {
			return source{}, fmt.Errorf("input %q: no such node", ref)
		}
		return source{feed: -1, node: i, index: k}, nil
	case 3:
		i, ok := b.index[parts[0]]
		if !ok {
			return source{}, fmt.Errorf("input %q: no such node", ref)
		}
		k, err := strconv.Atoi(parts[2])
		if err != nil || k < 0 {
			return source{}, fmt.Errorf("bad input %q", ref)
		}
		ni, err := info(i)
		if err != nil {
			return source{}, err
		}
		off := 0
		for a, name := range ni.outNames {
			if name == parts[1] {
				if k >= ni.outSizes[a] {
					return source{}, fmt.Errorf("input %q: %s has only %d tensor(s)", ref, name, ni.outSizes[a])
				}
				return source{feed: -1, node: i, index: off + k}, nil
			}
			off += ni.outSizes[a]
		}
		return source{}, fmt.Errorf("input %q: node %s (%s) has no output %q", ref, parts[0], b.nodes[i].Op, parts[1])
	}
	return source{}, fmt.Errorf("bad input %q", ref)
}
