package native

import (
	"slices"

	"github.com/scorekit/score/engine/native/numeric"
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// convChain is the tail of a Keras Conv1D block folded into its Conv2D:
// the single-reader steps after it, in order, of which some compute
// (BiasAdd, then Relu, then MaxPool or a Max reduction over the width,
// each at most once, in that order) and
// the others only view the data under another shape (Identity, Snapshot,
// Squeeze, ExpandDims). numeric.Conv2DEpilogue computes it on each output
// row while the row is in cache; the intermediate tensors never exist.
// Where the fast path does not apply at run time (other shapes, dtypes or
// attrs, a traced run), the steps run one by one after the convolution,
// as they would unfused, so results and errors are the graph's own.
type convChain struct {
	// pre are views that make the conv's input from the step's input 0
	// (the ExpandDims of a Keras Conv1D), run before the convolution.
	pre   []chainLink
	links []chainLink
}

// chainLink is one folded step: a copy of it, and the positions in the
// owning step's inputs of its inputs other than the chained value (which
// is always its input 0).
type chainLink struct {
	st    *step
	extra []int
	// The attrs the fast path reads, parsed once (parseAttrs); ok false
	// when they could not be, so the chain always runs step by step.
	ok                   bool
	dims, ksize, strides []int64
	padding              string
	keep                 bool
}

// parseAttrs reads the link's attrs for the fast path.
func (l *chainLink) parseAttrs() {
	kc := &kernelContext{st: l.st}
	var err error
	switch l.st.def.Name {
	case "Squeeze":
		l.dims, err = op.Ints(kc, "squeeze_dims")
	case "MaxPool":
		if l.ksize, err = op.Ints(kc, "ksize"); err == nil {
			if l.strides, err = op.Ints(kc, "strides"); err == nil {
				l.padding, err = op.String(kc, "padding")
			}
		}
	case "Max":
		l.keep, err = op.Bool(kc, "keep_dims")
	}
	l.ok = err == nil
}

// chainOps are the ops a chain may hold, with the stage each computing op
// moves the chain to (views keep it): a chain computes in the order
// BiasAdd, Relu, MaxPool.
var chainOps = map[string]int{
	"Identity": 0, "Snapshot": 0, "Squeeze": 0, "ExpandDims": 0,
	"BiasAdd": 1, "Relu": 2, "MaxPool": 3, "Max": 3,
}

// chainConvs folds into each Conv2D step (and each member of a fused
// Conv2D group) the chain of steps that follows it. Steps must be in
// topological order; the result is too.
func chainConvs(orig []step, fetch []int, nslots int) []step {
	steps := slices.Clone(orig)
	prod := make([]int, nslots)
	reader := make([]int, nslots) // the one reading step, when readers == 1
	readers := make([]int, nslots)
	keep := make([]bool, nslots)
	controlled := make([]bool, len(steps))
	for i := range prod {
		prod[i] = -1
	}
	for pos := range steps {
		for _, sl := range steps[pos].outSlots() {
			prod[sl] = pos
		}
		for _, sl := range steps[pos].in {
			readers[sl]++
			reader[sl] = pos
		}
		for _, q := range steps[pos].after {
			controlled[q] = true
		}
	}
	for _, sl := range fetch {
		keep[sl] = true
	}
	drop := make([]bool, len(steps))
	// walk follows the chain from slot sl and returns its links (positions)
	// and final slot; no links when nothing computing follows.
	walk := func(sl int) ([]int, int) {
		var links []int
		stage, last := 0, 0
		for readers[sl] == 1 && !keep[sl] {
			q := reader[sl]
			r := &steps[q]
			want, ok := 0, false
			if r.def != nil {
				want, ok = chainOps[r.def.Name]
			}
			if !ok || drop[q] || r.constant != nil || r.fused != nil || r.chain != nil || r.epi != nil || r.fn != "" ||
				r.nout != 1 || len(r.in) == 0 || r.in[0] != sl || len(r.after) > 0 || controlled[q] || (want > 0 && want <= stage) {
				break
			}
			if f, ok := r.attrs["data_format"].GetValue().(*tfpb.AttrValue_S); ok && string(f.S) != "NHWC" {
				break
			}
			links = append(links, q)
			sl = r.out
			if want > 0 {
				stage, last = want, len(links)
			}
		}
		if last == 0 {
			return nil, sl
		}
		return links, sl // trailing views included: they only reshape
	}
	// fold moves the links' steps into a chain owned by a step whose inputs
	// are *in, appending their other inputs there.
	fold := func(links []int, in *[]int) *convChain {
		ch := &convChain{}
		for _, q := range links {
			c := steps[q]
			l := chainLink{st: &c}
			l.parseAttrs()
			for _, sl := range c.in[1:] {
				l.extra = append(l.extra, len(*in))
				*in = append(*in, sl)
			}
			ch.links = append(ch.links, l)
			drop[q] = true
		}
		return ch
	}
	changed := false
	for pos := range steps {
		st := &steps[pos]
		if st.def == nil || st.def.Name != "Conv2D" || st.constant != nil || drop[pos] {
			continue
		}
		if st.fused != nil {
			g := st.fused.cloneForChains()
			st.fused = g
			for i, m := range g.members {
				links, end := walk(g.outs[i])
				if len(links) == 0 {
					continue
				}
				if g.chains == nil {
					g.chains = make([]*convChain, len(g.members))
				}
				st.in = slices.Clip(st.in)
				g.chains[i] = fold(links, &st.in)
				g.outs[i] = end
				m.out = end
				changed = true
			}
			continue
		}
		if st.nout != 1 || st.fn != "" || len(st.in) != 2 {
			continue
		}
		links, end := walk(st.out)
		if len(links) == 0 {
			continue
		}
		st.in = slices.Clip(st.in)
		st.epi = fold(links, &st.in)
		st.out = end
		// The conv's input view (Keras' ExpandDims before Conv2D) joins too
		// when the conv is its only reader.
		if x := st.in[0]; readers[x] == 1 && !keep[x] && prod[x] >= 0 {
			q := prod[x]
			v := &steps[q]
			if v.def != nil && constViewOps[v.def.Name] && !drop[q] && v.constant == nil && v.fused == nil && v.chain == nil &&
				v.epi == nil && v.nout == 1 && len(v.in) > 0 && len(v.after) == 0 && !controlled[q] {
				pre := fold([]int{q}, &st.in)
				st.epi.pre = pre.links
				st.in[0] = v.in[0]
			}
		}
		changed = true
	}
	if !changed {
		return steps
	}
	newPos := make([]int, len(steps))
	var nodes []step
	var prio []int
	for pos := range steps {
		newPos[pos] = -1
		if !drop[pos] {
			newPos[pos] = len(nodes)
			nodes = append(nodes, steps[pos])
			prio = append(prio, pos)
		}
	}
	for i := range nodes {
		after := make([]int, 0, len(nodes[i].after))
		for _, q := range nodes[i].after {
			after = append(after, newPos[q]) // dropped steps are never control sources
		}
		nodes[i].after = after
	}
	// A folded input cannot depend on the conv (its output has one reader,
	// the chain), so there is no cycle; if there were, keep the graph as it
	// was (the folding worked on copies).
	if out := reorder(nodes, prio); out != nil {
		return out
	}
	return orig
}

// epilogue works out, from the convolution's output shape [n, h, w, co]
// (co: this part's channels) and the chain's attrs and inputs, the
// numeric.Epilogue that computes the chain and the shape of its result;
// ok is false when the fast path does not apply.
func (ch *convChain) epilogue(in []*tensor.Tensor, shape []int) (numeric.Epilogue, []int, bool) {
	var epi numeric.Epilogue
	co := shape[3]
	rows, ow := shape[0]*shape[1], shape[2]
	s := slices.Clone(shape)
	for _, l := range ch.links {
		if !l.ok {
			return epi, nil, false
		}
		switch l.st.def.Name {
		case "Identity", "Snapshot":
		case "Squeeze":
			dims := l.dims
			if len(dims) == 0 {
				return epi, nil, false
			}
			drop := make([]bool, len(s))
			for _, d := range dims {
				if d < 0 {
					d += int64(len(s))
				}
				if d < 0 || d >= int64(len(s)) || s[d] != 1 {
					return epi, nil, false
				}
				drop[d] = true
			}
			var t []int
			for i, v := range s {
				if !drop[i] {
					t = append(t, v)
				}
			}
			s = t
		case "ExpandDims":
			dt := in[l.extra[0]]
			if dt.NumElements() != 1 {
				return epi, nil, false
			}
			var d int
			switch v := dt.Data().(type) {
			case []int32:
				d = int(v[0])
			case []int64:
				d = int(v[0])
			default:
				return epi, nil, false
			}
			if d < 0 {
				d += len(s) + 1
			}
			if d < 0 || d > len(s) {
				return epi, nil, false
			}
			s = slices.Insert(s, d, 1)
		case "BiasAdd":
			b, ok := in[l.extra[0]].Data().([]float32)
			if !ok || in[l.extra[0]].Rank() != 1 || len(s) < 2 || s[len(s)-1] != co || len(b) != co {
				return epi, nil, false
			}
			epi.Bias = b
		case "Relu":
			epi.Relu = true
		case "MaxPool":
			k, st := l.ksize, l.strides
			if l.padding != "VALID" || len(k) != 4 || len(st) != 4 || len(s) != 4 ||
				k[0] != 1 || k[3] != 1 || st[0] != 1 || st[3] != 1 || s[3] != co {
				return epi, nil, false
			}
			// The rows of w pixels must be the pooled axis of the view.
			axis := -1
			switch {
			case s[0] == rows && s[1] == ow && s[2] == 1 && k[2] == 1 && st[2] == 1:
				axis = 1
			case s[0]*s[1] == rows && s[2] == ow && k[1] == 1 && st[1] == 1:
				axis = 2
			}
			if axis < 0 || k[axis] < 1 || st[axis] < 1 || int(k[axis]) > ow {
				return epi, nil, false
			}
			epi.PoolK, epi.PoolS = int(k[axis]), int(st[axis])
			s[axis] = (ow-epi.PoolK)/epi.PoolS + 1
		case "Max": // over the width axis only: GlobalMaxPooling1D
			keep := l.keep
			at := in[l.extra[0]]
			if at.Rank() > 1 || len(s) < 2 || s[len(s)-1] != co || s[len(s)-2] != ow || tensor.NumElements(s[:len(s)-2]) != rows {
				return epi, nil, false
			}
			a := len(s) - 2
			var axes []int
			switch v := at.Data().(type) {
			case []int32:
				for _, x := range v {
					axes = append(axes, int(x))
				}
			case []int64:
				for _, x := range v {
					axes = append(axes, int(x))
				}
			default:
				return epi, nil, false
			}
			if len(axes) == 0 {
				return epi, nil, false
			}
			for _, x := range axes {
				if x != a && x != a-len(s) {
					return epi, nil, false
				}
			}
			epi.Reduce = true
			if keep {
				s[a] = 1
			} else {
				s = slices.Delete(s, a, a+1)
			}
		default:
			return epi, nil, false
		}
	}
	return epi, s, true
}

// run runs the chain's steps one by one on x (the convolution's output),
// reporting each to a tracer, and returns the last result.
func (ch *convChain) run(kc *kernelContext, x *tensor.Tensor, in []*tensor.Tensor) (*tensor.Tensor, error) {
	return runLinks(kc, ch.links, x, in)
}

// runLinks runs links one after the other from x, their other inputs taken
// from in, reporting each to a tracer.
func runLinks(kc *kernelContext, links []chainLink, x *tensor.Tensor, in []*tensor.Tensor) (*tensor.Tensor, error) {
	for _, l := range links {
		args := make([]*tensor.Tensor, 0, 1+len(l.extra))
		args = append(args, x)
		for _, e := range l.extra {
			args = append(args, in[e])
		}
		var err error
		if x, err = runKernel1(kc, l.st, args, true); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// runConvChain computes a Conv2D step with a folded chain: in one pass
// when the chain maps onto a numeric.Epilogue, else the convolution and
// then the chain's steps.
func (s *session) runConvChain(kc *kernelContext, st *step, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	x, f := in[0], in[1]
	if len(st.epi.pre) > 0 {
		v, err := runLinks(kc, st.epi.pre, x, in)
		if err != nil {
			return nil, err
		}
		x = v
	}
	kc.st = st
	if kc.trace == nil {
		if shape, err := numeric.Conv2DOutShape(kc, x, f); err == nil {
			if epi, final, ok := st.epi.epilogue(in, shape); ok {
				kc.st = st
				// Any error (Conv2D's own included) falls back to the
				// steps, which report it as the graph would.
				if out, err := numeric.Conv2DEpilogue(kc, []*tensor.Tensor{x, f}, nil, epi); err == nil {
					if t, err := tensor.New(tensor.Float, final, out[0].Data()); err == nil {
						s.epilogues.Add(1)
						return []*tensor.Tensor{t}, nil
					}
				}
			}
		}
	}
	c, err := runKernel1(kc, st, []*tensor.Tensor{x, f}, true)
	if err != nil {
		return nil, err
	}
	r, err := st.epi.run(kc, c, in)
	if err != nil {
		return nil, err
	}
	return []*tensor.Tensor{r}, nil
}

// runFusedChains is runFused's path for a fused Conv2D group with folded
// chains: one Conv2DEpilogue over the concatenated filters when every
// member's chain maps onto the same epilogue (biases concatenated), else
// the wide convolution split into the members' outputs and each chain run
// step by step.
func (s *session) runFusedChains(kc *kernelContext, st *step, x *tensor.Tensor, fw *fusedWeights, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	g := st.fused
	if kc.trace == nil && fw != nil {
		if parts, ok := s.fusedEpilogue(kc, st, x, fw, in); ok {
			return parts, nil
		}
	}
	var conv []*tensor.Tensor
	if fw != nil && kc.trace == nil {
		kc.st = st
		if parts, err := numeric.Conv2DSplit(kc, []*tensor.Tensor{x, fw.w}, fw.widths); err == nil {
			conv = parts
		}
	}
	outs := make([]*tensor.Tensor, len(g.members))
	for i, m := range g.members {
		var c *tensor.Tensor
		if conv != nil {
			c = conv[i]
		} else {
			o, err := runKernel1(kc, m, []*tensor.Tensor{x, in[1+i]}, false) // reported below, as the split parts are
			if err != nil {
				return nil, err
			}
			c = o
		}
		if kc.trace != nil {
			kc.trace.report(m.name, m.node.Op, []*tensor.Tensor{x, in[1+i]}, []*tensor.Tensor{c})
		}
		if ch := g.chains[i]; ch != nil {
			r, err := ch.run(kc, c, in)
			if err != nil {
				return nil, err
			}
			c = r
		}
		outs[i] = c
	}
	return outs, nil
}

// fusedEpilogue tries the one-pass path of runFusedChains; ok is false
// when it does not apply.
func (s *session) fusedEpilogue(kc *kernelContext, st *step, x *tensor.Tensor, fw *fusedWeights, in []*tensor.Tensor) ([]*tensor.Tensor, bool) {
	g := st.fused
	kc.st = st
	shape, err := numeric.Conv2DOutShape(kc, x, fw.w)
	if err != nil {
		return nil, false
	}
	var epi numeric.Epilogue
	finals := make([][]int, len(g.members))
	var bias []float32
	for i, ch := range g.chains {
		if ch == nil {
			return nil, false
		}
		ps := slices.Clone(shape)
		ps[3] = fw.widths[i]
		e, final, ok := ch.epilogue(in, ps)
		if !ok {
			return nil, false
		}
		if i == 0 {
			epi = e
		} else if e.Relu != epi.Relu || e.PoolK != epi.PoolK || e.PoolS != epi.PoolS || (e.Bias == nil) != (epi.Bias == nil) {
			return nil, false
		}
		if e.Bias != nil {
			bias = append(bias, e.Bias...)
		}
		finals[i] = final
	}
	epi.Bias = bias
	kc.st = st
	parts, err := numeric.Conv2DEpilogue(kc, []*tensor.Tensor{x, fw.w}, fw.widths, epi)
	if err != nil { // the members' own path reports Conv2D's errors
		return nil, false
	}
	for i, p := range parts {
		t, err := tensor.New(tensor.Float, finals[i], p.Data())
		if err != nil {
			return nil, false
		}
		parts[i] = t
	}
	s.epilogues.Add(1)
	return parts, true
}

// cloneForChains copies g's parts that chainConvs changes (outputs,
// members, chains), so the original group stays as it was.
func (g *fusedGroup) cloneForChains() *fusedGroup {
	c := &fusedGroup{axis: g.axis, outs: slices.Clone(g.outs), chains: slices.Clone(g.chains)}
	for _, m := range g.members {
		mc := *m
		c.members = append(c.members, &mc)
	}
	return c
}
