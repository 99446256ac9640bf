package native

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// plan is a compiled execution order for one set of feeds, fetches and
// targets (or one function body), immutable but for its scheduling tuners
// (which lock). Runs share a plan and keep their values in their own slot
// slice.
type plan struct {
	body   *body
	nslots int
	nfeeds int // slots [0, nfeeds) hold the feeds (function args)
	// ninputs is the total number of data inputs of all steps.
	ninputs int
	steps   []step
	fetch   []int // slot per fetch
	// readers counts each slot's data reads (parallel exec frees a slot
	// when its count drops to zero); keep marks fetched slots.
	readers []int32
	keep    []bool
	// parallel: independent steps may be worth running concurrently;
	// tuners then pick the faster policy per batch-size class.
	parallel bool
	tuners   [batchClasses]schedTuner

	// memo: the steps computing model constants (memo.go), run once and
	// kept while no variable is assigned; memoVals holds their values.
	memo       []step
	memoInputs int
	memoVals   atomic.Pointer[memoValues]
	// recycle: kernels may borrow dirty buffers from the run's arena.
	recycle bool
}

// step runs one node.
type step struct {
	name     string // display name for errors ("fn/node" in functions)
	node     *tfpb.NodeDef
	def      *op.OpDef // builtin op, or nil for a direct function call
	fn       string    // direct call of this library function
	attrs    map[string]*tfpb.AttrValue
	in       []int          // data input slots
	out      int            // first output slot
	nout     int            // number of outputs
	constant *tensor.Tensor // pre-decoded Const value
	free     []int          // slots no later step reads (sequential exec)

	// Set by finish: where this step's inputs start in a run's input
	// buffer, and the scheduling graph (successor steps, with the number
	// of distinct predecessors) for parallel exec.
	inOff int
	succ  []int
	npred int
	// after lists the steps this one has a control edge from (positions
	// in plan.steps); fused replaces the one-output node by a group.
	after []int
	fused *fusedGroup
	// chain replaces a Relu by BiasAdd+Relu in one pass (biasrelu.go).
	chain *biasRelu
	// constIn: bit i set when data input i is a model constant (constin.go).
	constIn uint64
	// epi folds the steps after a Conv2D into it (convchain.go); their
	// other inputs follow the conv's two in in.
	epi *convChain
}

// compileRequest says what a plan must compute.
type compileRequest struct {
	feeds   []string // graph: canonical tensor names; function: unused
	fetches []string // graph: tensor names; function: ret references
	targets []string // node names that must run
	// stateful: also run every stateful node (function bodies, as TF does).
	stateful bool
}

// compile prunes b to what req needs, orders it and assigns value slots.
// Unknown ops anywhere in the pruned graph are reported together in one
// *engine.UnsupportedOpsError.
func (s *session) compile(b *body, req compileRequest) (*plan, error) {
	feeds := map[string]int{}
	nfeeds := len(req.feeds)
	if b.fn != nil {
		nfeeds = len(b.args)
	}
	for i, f := range req.feeds {
		feeds[f] = i
		// A feed must name an existing output, as in TensorFlow.
		r, err := parseGraphRef(f)
		if err != nil {
			return nil, fmt.Errorf("feed %q: %w", f, err)
		}
		n, ok := b.index[r.node]
		if !ok {
			return nil, fmt.Errorf("feed %q: no such node", f)
		}
		if ni, err := s.resolveNode(b.nodes[n]); err == nil && r.index >= ni.numOutputs() {
			return nil, fmt.Errorf("feed %q: %s (%s) has %d output(s)", f, r.node, b.nodes[n].Op, ni.numOutputs())
		}
	}
	infos := make([]*nodeInfo, len(b.nodes))
	infoErr := make([]error, len(b.nodes))
	info := func(i int) (*nodeInfo, error) {
		if infos[i] == nil && infoErr[i] == nil {
			infos[i], infoErr[i] = s.resolveNode(b.nodes[i])
		}
		return infos[i], infoErr[i]
	}

	var roots []int
	fetchSrc := make([]source, len(req.fetches))
	for i, f := range req.fetches {
		src, err := b.parseRef(f, feeds, info)
		var unk errUnknownOp
		if errors.As(err, &unk) {
			// Let order report it with every other unknown op.
			if n, ok := b.index[strings.SplitN(f, ":", 2)[0]]; ok {
				roots = append(roots, n)
				continue
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%sfetch %q: %w", b.where(), f, err)
		}
		if src.control {
			return nil, fmt.Errorf("%sfetch %q is a control reference", b.where(), f)
		}
		fetchSrc[i] = src
		if src.node >= 0 {
			roots = append(roots, src.node)
		}
	}
	for _, t := range req.targets {
		name := strings.TrimPrefix(t, "^")
		if r, err := parseGraphRef(name); err == nil {
			name = r.node
		}
		i, ok := b.index[name]
		if !ok {
			return nil, fmt.Errorf("%starget %q: no such node", b.where(), t)
		}
		roots = append(roots, i)
	}
	if req.stateful {
		for i, n := range b.nodes {
			if def, ok := s.ops.Lookup(n.Op); ok && def.Stateful {
				if _, isFn := s.lib[n.Op]; !isFn {
					roots = append(roots, i)
				}
			}
		}
	}

	order, srcs, err := s.order(b, roots, feeds, info)
	if err != nil {
		return nil, err
	}

	p := &plan{body: b, nfeeds: nfeeds, nslots: nfeeds}
	first := make(map[int]int, len(order)) // node -> first output slot
	for _, i := range order {
		ni := infos[i]
		first[i] = p.nslots
		p.nslots += ni.numOutputs()
	}
	slotOf := func(src source, i int) (int, error) {
		if src.feed >= 0 {
			return src.feed, nil
		}
		n := infos[src.node].numOutputs()
		if src.index >= n {
			return 0, fmt.Errorf("%snode %s: input from %s:%d, but %s (%s) has %d output(s)", b.where(),
				b.nodes[i].Name, b.nodes[src.node].Name, src.index, b.nodes[src.node].Name, b.nodes[src.node].Op, n)
		}
		return first[src.node] + src.index, nil
	}
	posOf := make(map[int]int, len(order))
	for pos, i := range order {
		posOf[i] = pos
	}
	for _, i := range order {
		n, ni := b.nodes[i], infos[i]
		st := step{
			name: b.display(n.Name), node: n, def: ni.def, fn: ni.fn, attrs: ni.attrs,
			out: first[i], nout: ni.numOutputs(),
		}
		for _, src := range srcs[i] {
			if src.control {
				if src.node >= 0 {
					st.after = append(st.after, posOf[src.node])
				}
				continue
			}
			sl, err := slotOf(src, i)
			if err != nil {
				return nil, err
			}
			st.in = append(st.in, sl)
		}
		if want := ni.numInputs(); len(st.in) != want {
			return nil, fmt.Errorf("%snode %s (%s): has %d data input(s), its op takes %d", b.where(), n.Name, n.Op, len(st.in), want)
		}
		if ni.def != nil && ni.def.Name == "Const" {
			if v, ok := ni.attrs["value"]; ok {
				if x, ok := v.Value.(*tfpb.AttrValue_Tensor); ok {
					t, err := savedmodel.DecodeTensor(x.Tensor)
					if err != nil {
						return nil, fmt.Errorf("%snode %s (Const): %w", b.where(), n.Name, err)
					}
					st.constant = t
				}
			}
		}
		p.steps = append(p.steps, st)
	}
	for i, src := range fetchSrc {
		sl := src.feed
		if src.node >= 0 {
			sl, err = slotOf(src, src.node)
			if err != nil {
				return nil, fmt.Errorf("%sfetch %q: %w", b.where(), req.fetches[i], err)
			}
		}
		p.fetch = append(p.fetch, sl)
	}
	if s.opt.fuse {
		p.steps = eliminateCommon(p.steps, p.fetch)
		p.steps = fuseSiblings(p.steps)
		p.steps = chainConvs(p.steps, p.fetch, p.nslots)
		p.steps = fuseBiasRelu(p.steps, p.fetch, p.nfeeds, p.nslots)
	}
	p.splitMemo()
	p.finish()
	p.markConstInputs()
	p.markRecyclable()
	return p, nil
}

// order walks back from roots along data and control edges (stopping at
// feeds) and returns the reached nodes in a topological order, with each
// node's parsed inputs. It reports every unknown op at once and names a
// node on a cycle.
func (s *session) order(b *body, roots []int, feeds map[string]int, info func(int) (*nodeInfo, error)) ([]int, map[int][]source, error) {
	const (
		unseen = iota
		active
		done
	)
	state := make([]uint8, len(b.nodes))
	srcs := map[int][]source{}
	var order []int
	missing := map[string][]string{}
	var firstErr error

	type frame struct {
		node int
		next int // next input to visit
	}
	for _, r := range roots {
		if state[r] != unseen {
			continue
		}
		stack := []frame{{node: r}}
		state[r] = active
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			i := top.node
			if top.next == 0 && srcs[i] == nil {
				n := b.nodes[i]
				if _, err := info(i); err != nil {
					var unk errUnknownOp
					if errors.As(err, &unk) {
						missing[unk.op] = append(missing[unk.op], b.display(n.Name))
					} else if firstErr == nil {
						firstErr = fmt.Errorf("%snode %s (%s): %w", b.where(), n.Name, n.Op, err)
					}
				}
				list := make([]source, 0, len(n.Input))
				for _, in := range n.Input {
					src, err := b.parseRef(in, feeds, info)
					if err != nil {
						var unk errUnknownOp
						if !errors.As(err, &unk) && firstErr == nil {
							firstErr = fmt.Errorf("%snode %s (%s): %w", b.where(), n.Name, n.Op, err)
						}
						continue
					}
					list = append(list, src)
				}
				srcs[i] = list
			}
			list := srcs[i]
			if top.next < len(list) {
				src := list[top.next]
				top.next++
				if src.node < 0 {
					continue
				}
				switch state[src.node] {
				case unseen:
					state[src.node] = active
					stack = append(stack, frame{node: src.node})
				case active:
					return nil, nil, fmt.Errorf("%sgraph has a cycle through node %s", b.where(), b.nodes[src.node].Name)
				}
				continue
			}
			state[i] = done
			order = append(order, i)
			stack = stack[:len(stack)-1]
		}
	}
	if len(missing) > 0 {
		return nil, nil, &engine.UnsupportedOpsError{Engine: "native", Ops: sortedOps(missing)}
	}
	if firstErr != nil {
		return nil, nil, firstErr
	}
	return order, srcs, nil
}

func sortedOps(m map[string][]string) map[string][]string {
	for k := range m {
		sort.Strings(m[k])
	}
	return m
}
