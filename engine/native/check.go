package native

import (
	"strconv"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/savedmodel/tfpb"
)

// runSpec is one session run the model will make: what it feeds and what it
// fetches or runs.
type runSpec struct {
	feeds   []string
	fetches []string
	targets []string
}

// checkOps walks every node the given runs can reach in the graph (data and
// control edges, stopping at fed tensors) and, transitively, every node of
// every library function those nodes call (through func attrs or as op
// types), and returns one *engine.UnsupportedOpsError naming every op the op
// table lacks, or nil.
func (s *session) checkOps(runs ...runSpec) error {
	missing := map[string][]string{}
	seenFn := map[string]bool{}
	var fnQueue []string
	visitNode := func(where func(string) string, n *tfpb.NodeDef) {
		if _, ok := s.lib[n.Op]; ok {
			if !seenFn[n.Op] {
				seenFn[n.Op] = true
				fnQueue = append(fnQueue, n.Op)
			}
		} else if _, ok := s.ops.Lookup(n.Op); !ok {
			missing[n.Op] = append(missing[n.Op], where(n.Name))
		}
		for _, v := range n.Attr {
			for _, f := range funcRefs(v) {
				if !seenFn[f] {
					seenFn[f] = true
					fnQueue = append(fnQueue, f)
				}
			}
		}
	}

	g := s.graph
	seen := make([]bool, len(g.nodes))
	for _, r := range runs {
		fed := map[string]bool{}
		for _, f := range r.feeds {
			if c, err := canonicalTensor(f); err == nil {
				fed[c] = true
			}
		}
		var stack []int
		push := func(name string) {
			if i, ok := g.index[name]; ok && !seen[i] {
				seen[i] = true
				stack = append(stack, i)
			}
		}
		for _, f := range r.fetches {
			if ref, err := parseGraphRef(f); err == nil && !fed[ref.node+":"+strconv.Itoa(ref.index)] {
				push(ref.node)
			}
		}
		for _, t := range r.targets {
			if ref, err := parseGraphRef(t); err == nil {
				push(ref.node)
			}
		}
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			n := g.nodes[i]
			visitNode(g.display, n)
			for _, in := range n.Input {
				ref, err := parseGraphRef(in)
				if err != nil || (!ref.control && fed[ref.node+":"+strconv.Itoa(ref.index)]) {
					continue
				}
				push(ref.node)
			}
		}
	}
	for len(fnQueue) > 0 {
		name := fnQueue[0]
		fnQueue = fnQueue[1:]
		f, ok := s.lib[name]
		if !ok {
			missing["function "+name] = append(missing["function "+name], "(referenced, not in the library)")
			continue
		}
		where := func(node string) string { return name + "/" + node }
		for _, n := range f.GetNodeDef() {
			visitNode(where, n)
		}
	}
	if len(missing) > 0 {
		return &engine.UnsupportedOpsError{Engine: "native", Ops: sortedOps(missing)}
	}
	return nil
}
