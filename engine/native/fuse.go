package native

import (
	"container/heap"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"google.golang.org/protobuf/proto"

	"github.com/scorekit/score/engine/native/numeric"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// fusedGroup is a set of sibling nodes computed as one wide op: Conv2D
// (NHWC) or MatMul nodes with identical attrs reading the same input x,
// each with its own weight w_i. The wide op runs once on x and the weights
// concatenated along their output-channel axis; its output is then split
// along the last axis into the members' outputs. Every output element is
// the same dot product, in the same order, as in the member's own op, so
// the results equal the unfused graph's.
type fusedGroup struct {
	members []*step
	outs    []int // the members' output slots
	// axis of the weights to concatenate (Conv2D filter: 3, MatMul b: 1,
	// or 0 with transpose_b).
	axis  int
	cache atomic.Pointer[fusedWeights]
	// chains, when not nil, holds each member's folded chain (or nil); the
	// step's inputs are x, the member weights, then the chains' inputs.
	chains []*convChain
}

// fusedWeights is a concatenation of member weights, valid while every
// member weight is the same tensor data (variables are replaced, never
// modified in place, so the data pointer identifies the value). It keeps
// the sources alive, so their memory cannot be reused under it.
type fusedWeights struct {
	srcs   []*tensor.Tensor
	w      *tensor.Tensor
	widths []int // output channels per member
}

// fusibleAxis returns the weight axis to concatenate for a step that may
// join a sibling group, or false.
func fusibleAxis(st *step) (int, bool) {
	if st.def == nil || st.fused != nil || st.constant != nil || st.nout != 1 || len(st.in) != 2 || st.in[0] == st.in[1] {
		return 0, false
	}
	switch st.def.Name {
	case "Conv2D":
		if f, ok := st.attrs["data_format"].GetValue().(*tfpb.AttrValue_S); ok && string(f.S) != "NHWC" {
			return 0, false
		}
		return 3, true
	case "MatMul":
		if tb, ok := st.attrs["transpose_b"].GetValue().(*tfpb.AttrValue_B); ok && tb.B {
			return 0, true
		}
		return 1, true
	}
	return 0, false
}

// attrKey is a canonical encoding of a node's attrs, leaving out the
// "_"-prefixed ones (shapes, colocation) that do not affect the result.
func attrKey(attrs map[string]*tfpb.AttrValue) (string, bool) {
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		if !strings.HasPrefix(k, "_") {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var sb strings.Builder
	for _, k := range names {
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(attrs[k])
		if err != nil {
			return "", false
		}
		sb.WriteString(k)
		sb.WriteByte(0)
		sb.WriteString(strconv.Itoa(len(b)))
		sb.WriteByte(0)
		sb.Write(b)
	}
	return sb.String(), true
}

// fuseSiblings replaces each group of fusible sibling steps by one fused
// step and reorders the steps topologically (stable: ready steps run in
// their original order). If the merge would create a cycle (a member's
// weight depending on a sibling's output), the steps are returned as they
// were.
func fuseSiblings(steps []step) []step {
	groups := map[string][]int{}
	var keys []string
	for pos := range steps {
		st := &steps[pos]
		axis, ok := fusibleAxis(st)
		if !ok {
			continue
		}
		ak, ok := attrKey(st.attrs)
		if !ok {
			continue
		}
		k := st.def.Name + "\x00" + strconv.Itoa(st.in[0]) + "\x00" + strconv.Itoa(axis) + "\x00" + ak
		if _, seen := groups[k]; !seen {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], pos)
	}
	groupOf := make([]int, len(steps)) // -1, or index into fused
	for i := range groupOf {
		groupOf[i] = -1
	}
	var fused []step
	for _, k := range keys {
		members := groups[k]
		if len(members) < 2 {
			continue
		}
		first := &steps[members[0]]
		axis, _ := fusibleAxis(first)
		g := &fusedGroup{axis: axis}
		fs := step{
			name: first.name, node: first.node, def: first.def, attrs: first.attrs,
			in: []int{first.in[0]}, fused: g,
		}
		for _, pos := range members {
			m := steps[pos]
			g.members = append(g.members, &m)
			g.outs = append(g.outs, m.out)
			fs.in = append(fs.in, m.in[1])
			fs.after = append(fs.after, m.after...)
			groupOf[pos] = len(fused)
		}
		fused = append(fused, fs)
	}
	if len(fused) == 0 {
		return steps
	}
	// New step list: unfused steps keep their position as priority; a
	// fused step takes its first member's.
	var nodes []step
	var prio []int
	newPos := make([]int, len(steps))
	placed := make([]bool, len(fused))
	for pos := range steps {
		if g := groupOf[pos]; g >= 0 {
			if !placed[g] {
				placed[g] = true
				fused[g].name = fused[g].name + " (fused)"
				nodes = append(nodes, fused[g])
				prio = append(prio, pos)
			}
			newPos[pos] = -1 - g
			continue
		}
		newPos[pos] = len(nodes)
		nodes = append(nodes, steps[pos])
		prio = append(prio, pos)
	}
	fusedAt := make([]int, len(fused))
	for i := range nodes {
		if nodes[i].fused != nil {
			fusedAt[groupOf[prio[i]]] = i
		}
	}
	remap := func(q int) int {
		if p := newPos[q]; p >= 0 {
			return p
		}
		return fusedAt[-1-newPos[q]]
	}
	for i := range nodes {
		after := make([]int, 0, len(nodes[i].after))
		for _, q := range nodes[i].after {
			after = append(after, remap(q))
		}
		nodes[i].after = after
	}
	if out := reorder(nodes, prio); out != nil {
		return out
	}
	return steps
}

// reorder sorts nodes topologically (topoSort, ties by prio) and renumbers
// their control edges, or returns nil on a cycle.
func reorder(nodes []step, prio []int) []step {
	order, ok := topoSort(nodes, prio)
	if !ok {
		return nil
	}
	out := make([]step, len(nodes))
	at := make([]int, len(nodes))
	for i, o := range order {
		at[o] = i
	}
	for i, o := range order {
		out[i] = nodes[o]
		for j, q := range out[i].after {
			out[i].after[j] = at[q]
		}
	}
	return out
}

// topoSort orders nodes by data (slot) and control (after) edges, taking
// among ready nodes the one with the lowest prio. ok is false on a cycle.
func topoSort(nodes []step, prio []int) ([]int, bool) {
	prod := map[int]int{}
	for i := range nodes {
		for _, sl := range nodes[i].outSlots() {
			prod[sl] = i
		}
	}
	succ := make([][]int, len(nodes))
	npred := make([]int, len(nodes))
	for i := range nodes {
		var preds []int
		for _, sl := range nodes[i].in {
			if q, ok := prod[sl]; ok {
				preds = append(preds, q)
			}
		}
		preds = append(preds, nodes[i].after...)
		slices.Sort(preds)
		preds = slices.Compact(preds)
		for _, q := range preds {
			if q == i {
				return nil, false
			}
			succ[q] = append(succ[q], i)
			npred[i]++
		}
	}
	h := &prioHeap{prio: prio}
	for i := range nodes {
		if npred[i] == 0 {
			heap.Push(h, i)
		}
	}
	order := make([]int, 0, len(nodes))
	for h.Len() > 0 {
		i := heap.Pop(h).(int)
		order = append(order, i)
		for _, j := range succ[i] {
			if npred[j]--; npred[j] == 0 {
				heap.Push(h, j)
			}
		}
	}
	return order, len(order) == len(nodes)
}

type prioHeap struct {
	items []int
	prio  []int
}

func (h *prioHeap) Len() int           { return len(h.items) }
func (h *prioHeap) Less(i, j int) bool { return h.prio[h.items[i]] < h.prio[h.items[j]] }
func (h *prioHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *prioHeap) Push(x any)         { h.items = append(h.items, x.(int)) }
func (h *prioHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// runFused runs a fused group: the op once on x and the concatenated
// weights, split into the members' outputs. When the weights cannot be
// concatenated (other dtypes, mismatched shapes) or the wide op fails, the
// members run one by one, so errors name the member node as they would
// unfused.
func (s *session) runFused(kc *kernelContext, st *step, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	g := st.fused
	x, ws := in[0], in[1:1+len(g.members)]
	if g.chains != nil {
		return s.runFusedChains(kc, st, x, g.weights(ws), in)
	}
	if fw := g.weights(ws); fw != nil {
		kc.st = st
		if st.def.Name == "Conv2D" {
			// One wide GEMM written straight into the members' outputs.
			if parts, err := numeric.Conv2DSplit(kc, []*tensor.Tensor{x, fw.w}, fw.widths); err == nil {
				return parts, nil
			}
		}
		out, err := st.def.Kernel(kc, []*tensor.Tensor{x, fw.w})
		if err == nil && len(out) == 1 && out[0] != nil {
			if parts := splitLast(out[0], fw.widths, kc.Threads()); parts != nil {
				return parts, nil
			}
		}
	}
	outs := make([]*tensor.Tensor, len(g.members))
	for i, m := range g.members {
		o, err := runKernel1(kc, m, []*tensor.Tensor{x, ws[i]}, false) // runStep reports the members
		if err != nil {
			return nil, err
		}
		outs[i] = o
	}
	return outs, nil
}

// runKernel1 runs st's kernel on args and returns its one output; errors name
// st. With report, a traced run reports the node.
func runKernel1(kc *kernelContext, st *step, args []*tensor.Tensor, report bool) (*tensor.Tensor, error) {
	kc.st = st
	out, err := st.def.Kernel(kc, args)
	if err != nil {
		return nil, wrapNodeError(st, err)
	}
	if len(out) != 1 || out[0] == nil {
		return nil, &NodeError{Node: st.name, Op: st.node.Op, Err: errOutputCount(len(out))}
	}
	if report && kc.trace != nil {
		kc.trace.report(st.name, st.node.Op, args, out)
	}
	return out[0], nil
}

type errOutputCount int

func (e errOutputCount) Error() string {
	return "kernel returned " + strconv.Itoa(int(e)) + " output(s), want 1"
}

// weights returns the concatenated float32 weights, from the cache when
// every member weight is unchanged, or nil when they cannot be
// concatenated.
func (g *fusedGroup) weights(ws []*tensor.Tensor) *fusedWeights {
	if c := g.cache.Load(); c != nil && sameData(c.srcs, ws) {
		return c
	}
	fw := concatWeights(ws, g.axis)
	if fw != nil {
		g.cache.Store(fw)
	}
	return fw
}

func sameData(a, b []*tensor.Tensor) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] == b[i] {
			continue
		}
		x, ok1 := a[i].Data().([]float32)
		y, ok2 := b[i].Data().([]float32)
		if !ok1 || !ok2 || len(x) != len(y) || unsafe.SliceData(x) != unsafe.SliceData(y) ||
			!slices.Equal(a[i].Shape(), b[i].Shape()) {
			return false
		}
	}
	return true
}

// concatWeights concatenates float32 tensors of equal rank along axis;
// all other dimensions must agree. The widths are the sizes along axis.
func concatWeights(ws []*tensor.Tensor, axis int) *fusedWeights {
	r := ws[0].Rank()
	if axis >= r {
		return nil
	}
	shape := slices.Clone(ws[0].Shape())
	fw := &fusedWeights{srcs: slices.Clone(ws)}
	total := 0
	for _, w := range ws {
		if w.DType() != tensor.Float || w.Rank() != r {
			return nil
		}
		for d := range r {
			if d != axis && w.Dim(d) != shape[d] {
				return nil
			}
		}
		fw.widths = append(fw.widths, w.Dim(axis))
		total += w.Dim(axis)
	}
	shape[axis] = total
	outer := tensor.NumElements(shape[:axis])
	inner := tensor.NumElements(shape[axis+1:])
	dst := make([]float32, outer*total*inner)
	off := 0
	for i, w := range ws {
		src := w.Data().([]float32)
		n := fw.widths[i] * inner
		for o := range outer {
			copy(dst[o*total*inner+off:], src[o*n:(o+1)*n])
		}
		off += n
	}
	t, err := tensor.New(tensor.Float, shape, dst)
	if err != nil {
		return nil
	}
	fw.w = t
	return fw
}

// splitLast splits a float32 tensor along its last axis into parts of the
// given widths, on up to threads goroutines, or returns nil when the sizes
// do not add up.
func splitLast(t *tensor.Tensor, widths []int, threads int) []*tensor.Tensor {
	src, ok := t.Data().([]float32)
	if !ok || t.Rank() < 1 {
		return nil
	}
	total := 0
	for _, w := range widths {
		total += w
	}
	if t.Dim(-1) != total {
		return nil
	}
	outer := 0
	if total > 0 {
		outer = len(src) / total
	}
	parts := make([]*tensor.Tensor, len(widths))
	offs := make([]int, len(widths))
	off := 0
	for i, w := range widths {
		shape := slices.Clone(t.Shape())
		shape[len(shape)-1] = w
		p, err := tensor.New(tensor.Float, shape, make([]float32, outer*w))
		if err != nil {
			return nil
		}
		parts[i], offs[i] = p, off
		off += w
	}
	work := func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			w, off := widths[i], offs[i]
			dst := parts[i].Data().([]float32)
			for o := range outer {
				copy(dst[o*w:(o+1)*w], src[o*total+off:])
			}
		}
	}
	n := len(widths)
	th := max(1, min(threads, n, len(src)>>16))
	if th == 1 {
		work(0, n)
		return parts
	}
	var wg sync.WaitGroup
	step := (n + th - 1) / th
	for i0 := 0; i0 < n; i0 += step {
		wg.Add(1)
		go func(i0, i1 int) {
			defer wg.Done()
			work(i0, i1)
		}(i0, min(n, i0+step))
	}
	wg.Wait()
	return parts
}
