package savedmodel

import (
	"sort"

	"github.com/scorekit/score/savedmodel/tfpb"
)

// OpCount is how many nodes of one op a walk reached.
type OpCount struct {
	Op    string `json:"op"`
	Count int    `json:"count"`
}

// opWalk collects the nodes reachable backwards from some targets, stopping
// at fed tensors' nodes, plus the whole body of every library function the
// reached nodes refer to (func and list(func) attrs, nested NameAttrLists,
// and ops named after a library function), recursively.
type opWalk struct {
	nodes     map[string]*tfpb.NodeDef
	lib       map[string]*tfpb.FunctionDef
	stop      map[string]bool
	seen      map[string]bool
	funcsSeen map[string]bool
	counts    map[string]int
}

func newOpWalk(g *tfpb.GraphDef) *opWalk {
	w := &opWalk{nodes: map[string]*tfpb.NodeDef{}, lib: map[string]*tfpb.FunctionDef{},
		stop: map[string]bool{}, seen: map[string]bool{}, funcsSeen: map[string]bool{}, counts: map[string]int{}}
	for _, n := range g.GetNode() {
		w.nodes[n.GetName()] = n
	}
	for _, f := range g.GetLibrary().GetFunction() {
		w.lib[f.GetSignature().GetName()] = f
	}
	return w
}

// visitTensor walks from a tensor or node name (bad names are ignored: the
// description reports what it can).
func (w *opWalk) visitTensor(name string) {
	node, _, err := ParseTensorName(name)
	if err != nil {
		return
	}
	// An explicit stack: graphs can be deep chains.
	stack := []string{node}
	for len(stack) > 0 {
		name := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if w.seen[name] {
			continue
		}
		w.seen[name] = true
		n, ok := w.nodes[name]
		if !ok {
			continue
		}
		w.counts[n.GetOp()]++
		w.visitNodeFuncs(n)
		if w.stop[name] {
			continue
		}
		for _, in := range n.GetInput() {
			if src, _, err := ParseTensorName(in); err == nil && !w.seen[src] {
				stack = append(stack, src)
			}
		}
	}
}

func (w *opWalk) visitNodeFuncs(n *tfpb.NodeDef) {
	if _, ok := w.lib[n.GetOp()]; ok {
		w.visitFunc(n.GetOp())
	}
	for _, a := range n.GetAttr() {
		w.visitAttr(a)
	}
}

func (w *opWalk) visitAttr(a *tfpb.AttrValue) {
	if f := a.GetFunc(); f != nil {
		w.visitNameAttrList(f)
	}
	for _, f := range a.GetList().GetFunc() {
		w.visitNameAttrList(f)
	}
}

func (w *opWalk) visitNameAttrList(f *tfpb.NameAttrList) {
	w.visitFunc(f.GetName())
	for _, a := range f.GetAttr() {
		w.visitAttr(a)
	}
}

func (w *opWalk) visitFunc(name string) {
	f, ok := w.lib[name]
	if !ok || w.funcsSeen[name] {
		return
	}
	w.funcsSeen[name] = true
	for _, n := range f.GetNodeDef() {
		w.counts[n.GetOp()]++
		w.visitNodeFuncs(n)
	}
	for _, a := range f.GetAttr() {
		w.visitAttr(a)
	}
}

func (w *opWalk) result() []OpCount {
	out := make([]OpCount, 0, len(w.counts))
	for op, c := range w.counts {
		out = append(out, OpCount{op, c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Op < out[j].Op })
	return out
}

// signatureOps walks back from a signature's outputs, stopping at its
// inputs (which are fed).
func signatureOps(g *tfpb.GraphDef, s Signature) ([]OpCount, []string) {
	w := newOpWalk(g)
	for _, in := range s.Inputs {
		for _, name := range tensorNames(in) {
			if node, _, err := ParseTensorName(name); err == nil {
				w.stop[node] = true
			}
		}
	}
	for _, out := range s.Outputs {
		for _, name := range tensorNames(out) {
			w.visitTensor(name)
		}
	}
	return w.result(), sortedKeys(w.funcsSeen)
}

// loadOps walks from the restore op and the init ops, stopping at the fed
// filename and asset tensors.
func loadOps(m *Model) []OpCount {
	w := newOpWalk(m.MetaGraph.GetGraphDef())
	for _, name := range append([]string{m.FilenameTensor}, assetTensors(m)...) {
		if node, _, err := ParseTensorName(name); err == nil {
			w.stop[node] = true
		}
	}
	if m.RestoreOp != "" && m.VariablesPrefix != "" {
		w.visitTensor(m.RestoreOp)
	}
	for _, op := range m.InitOps {
		w.visitTensor(op)
	}
	return w.result()
}

func assetTensors(m *Model) []string {
	var out []string
	for _, a := range m.Assets {
		out = append(out, a.TensorName)
	}
	return out
}

// tensorNames lists the graph tensors behind a TensorInfo.
func tensorNames(t TensorInfo) []string {
	var out []string
	if t.Name != "" {
		out = append(out, t.Name)
	}
	if s := t.Sparse; s != nil {
		out = append(out, s.Values, s.Indices, s.DenseShape)
	}
	return append(out, t.Composite...)
}
