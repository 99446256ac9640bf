package native

import (
	"context"
	"fmt"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scorekit/score/tensor"
)

// execOptions are the executor's plan-time and run-time policies. Tests
// turn them off to compare against the plain graph.
type execOptions struct {
	// fuse merges sibling Conv2D / MatMul nodes that read the same input
	// into one wide op (see fuseSiblings).
	fuse bool
	// sched picks sequential or parallel execution of graph plans.
	sched schedMode
}

type schedMode uint8

const (
	schedAuto       schedMode = iota // parallel where the plan is wide enough
	schedSequential                  // one node after the other
	schedParallel                    // always the parallel scheduler
)

func defaultExecOptions() execOptions { return execOptions{fuse: true, sched: schedAuto} }

// minParallelWidth is the number of independent non-trivial steps at one
// depth of the graph from which the auto policy runs a plan in parallel.
const minParallelWidth = 4

// tunerTrials is how many runs of each policy a tuner times before it
// settles on the faster one.
const tunerTrials = 5

// schedTuner picks sequential or parallel execution for one plan and one
// batch-size class by timing both: the first runs alternate between the
// two, later runs use the one with the lower best time. The best of the
// trials, not their mean: on a shared machine noise only ever adds time,
// and one slow trial must not decide for the whole job.
type schedTuner struct {
	mu   sync.Mutex
	warm bool // the first run (caches filling) is not timed
	runs [2]int
	best [2]time.Duration
}

// pick says whether the next run should be parallel.
func (t *schedTuner) pick() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.runs[0] < tunerTrials || t.runs[1] < tunerTrials {
		return t.runs[1] < t.runs[0]
	}
	// Prefer parallel unless sequential was clearly faster: timings on a
	// shared machine are noisy, and more cores only widen parallel's lead.
	seq, par := t.best[0], t.best[1]
	return seq+seq/10 >= par
}

func (t *schedTuner) record(par bool, d time.Duration) {
	i := 0
	if par {
		i = 1
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.warm {
		t.warm = true
		return
	}
	if t.runs[0] < tunerTrials || t.runs[1] < tunerTrials {
		if t.runs[i] == 0 || d < t.best[i] {
			t.best[i] = d
		}
		t.runs[i]++
	}
}

// batchClasses buckets runs by the log2 of their largest feed's first
// dimension (the batch size).
const batchClasses = 24

func batchClass(feeds []*tensor.Tensor) int {
	n := 0
	for _, f := range feeds {
		if f != nil && f.Rank() > 0 {
			n = max(n, f.Dim(0))
		}
	}
	return min(bits.Len(uint(n)), batchClasses-1)
}

// outSlots returns the slots a step writes.
func (st *step) outSlots() []int {
	if st.fused != nil {
		return st.fused.outs
	}
	s := make([]int, st.nout)
	for i := range s {
		s[i] = st.out + i
	}
	return s
}

// finish computes what exec needs from the final step order: the input
// buffer layout, sequential free lists, slot reader counts and the
// successor graph of the parallel scheduler.
func (p *plan) finish() {
	n := len(p.steps)
	prod := make([]int, p.nslots)
	for i := range prod {
		prod[i] = -1
	}
	lastUse := make([]int, p.nslots)
	for i := range lastUse {
		lastUse[i] = -1
	}
	p.readers = make([]int32, p.nslots)
	p.keep = make([]bool, p.nslots)
	p.ninputs = 0
	for pos := range p.steps {
		st := &p.steps[pos]
		st.free, st.succ, st.npred = nil, nil, 0
		st.inOff = p.ninputs
		p.ninputs += len(st.in)
		for _, sl := range st.outSlots() {
			prod[sl] = pos
		}
		for _, sl := range st.in {
			lastUse[sl] = pos
			p.readers[sl]++
		}
	}
	for _, sl := range p.fetch {
		lastUse[sl] = n
		p.keep[sl] = true
	}
	for sl, pos := range lastUse {
		if pos >= 0 && pos < n {
			p.steps[pos].free = append(p.steps[pos].free, sl)
		}
	}
	for pos := range p.steps {
		st := &p.steps[pos]
		for _, sl := range st.outSlots() {
			if lastUse[sl] < 0 {
				st.free = append(st.free, sl)
			}
		}
	}
	// Successors, deduplicated, and depth levels for the width estimate.
	mark := make([]int, n)
	for i := range mark {
		mark[i] = -1
	}
	level := make([]int, n)
	width := map[int]int{}
	maxWidth := 0
	for pos := range p.steps {
		st := &p.steps[pos]
		addPred := func(q int) {
			if q < 0 || q == pos || mark[q] == pos {
				return
			}
			mark[q] = pos
			p.steps[q].succ = append(p.steps[q].succ, pos)
			st.npred++
			level[pos] = max(level[pos], level[q]+1)
		}
		for _, sl := range st.in {
			addPred(prod[sl])
		}
		for _, q := range st.after {
			addPred(q)
		}
		if st.constant == nil && st.def != nil && !trivialOps[st.def.Name] || st.fn != "" {
			width[level[pos]]++
			maxWidth = max(maxWidth, width[level[pos]])
		}
	}
	p.parallel = maxWidth >= minParallelWidth
}

// trivialOps cost next to nothing; they do not count toward a plan's
// parallel width.
var trivialOps = map[string]bool{
	"Identity": true, "NoOp": true, "ExpandDims": true, "Squeeze": true, "Reshape": true,
	"Placeholder": true, "PlaceholderWithDefault": true, "Shape": true, "StopGradient": true, "IdentityN": true,
}

// tracer reports executed nodes to a callback, one at a time.
type tracer struct {
	mu sync.Mutex
	fn func(node, op string, inputs, outputs []*tensor.Tensor)
}

func (t *tracer) report(node, op string, ins, outs []*tensor.Tensor) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fn(node, op, ins, outs)
}

// exec runs p on vals: in parallel when the session's policy and the
// plan's shape call for it (graph plans only; function bodies run
// sequentially inside the node that calls them), else step by step.
//
// ar, when not nil, lends dirty buffers to the kernels of plans that
// cannot keep them past the run (arena.go).
func (s *session) exec(ctx context.Context, p *plan, vals []*tensor.Tensor, depth int, tr *tracer, ar *arena) error {
	if len(p.memo) > 0 {
		if err := s.fillMemo(ctx, p, vals, depth, tr); err != nil {
			return err
		}
	}
	par := depth == 0 && s.threads > 1 && len(p.steps) > 1
	switch s.opt.sched {
	case schedSequential:
		par = false
	case schedAuto:
		if par && p.parallel {
			tu := &p.tuners[batchClass(vals[:p.nfeeds])]
			par = tu.pick()
			start := time.Now()
			var err error
			if par {
				err = s.execParallel(ctx, p, vals, depth, tr, ar)
			} else {
				err = s.execSequential(ctx, p, vals, depth, tr, ar)
			}
			if err == nil {
				tu.record(par, time.Since(start))
			}
			return err
		}
		par = false
	}
	if par {
		return s.execParallel(ctx, p, vals, depth, tr, ar)
	}
	return s.execSequential(ctx, p, vals, depth, tr, ar)
}

// execSequential runs p's steps one after the other.
func (s *session) execSequential(ctx context.Context, p *plan, vals []*tensor.Tensor, depth int, tr *tracer, ar *arena) error {
	kc := &kernelContext{ctx: ctx, s: s, depth: depth, trace: tr, arena: p.arenaFor(ar)}
	buf := make([]*tensor.Tensor, p.ninputs)
	for i := range p.steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.runStep(kc, p, i, vals, buf); err != nil {
			return err
		}
		releaseSlots(vals, p.steps[i].free, kc.arena)
	}
	return nil
}

// runStep computes step i of p: gathers its inputs from vals into its part
// of buf, runs it and stores its outputs in vals.
func (s *session) runStep(kc *kernelContext, p *plan, i int, vals, buf []*tensor.Tensor) error {
	return s.runStepAt(kc, &p.steps[i], vals, buf)
}

// runStepAt is runStep for any step (memo steps too).
func (s *session) runStepAt(kc *kernelContext, st *step, vals, buf []*tensor.Tensor) error {
	in := buf[st.inOff : st.inOff+len(st.in) : st.inOff+len(st.in)]
	for j, sl := range st.in {
		if vals[sl] == nil {
			return &NodeError{Node: st.name, Op: st.node.Op, Err: fmt.Errorf("input %d (%s) has no value", j, st.node.Input[j])}
		}
		in[j] = vals[sl]
	}
	var out []*tensor.Tensor
	var err error
	switch {
	case st.constant != nil:
		out = []*tensor.Tensor{st.constant}
	case st.fused != nil:
		out, err = s.runFused(kc, st, in)
	case st.chain != nil:
		out, err = s.runBiasRelu(kc, st, in)
	case st.epi != nil:
		out, err = s.runConvChain(kc, st, in)
	case st.fn != "":
		out, err = s.call(kc.ctx, st.fn, in, kc.depth+1, kc.trace)
	default:
		kc.st = st
		out, err = st.def.Kernel(kc, in)
	}
	if err != nil {
		clear(in)
		return wrapNodeError(st, err)
	}
	slots := st.outSlots()
	if len(out) != len(slots) {
		return &NodeError{Node: st.name, Op: st.node.Op, Err: fmt.Errorf("kernel returned %d output(s), want %d", len(out), len(slots))}
	}
	for j, t := range out {
		if t == nil {
			return &NodeError{Node: st.name, Op: st.node.Op, Err: fmt.Errorf("kernel returned no tensor for output %d", j)}
		}
		vals[slots[j]] = t
		kc.arena.track(t)
	}
	if kc.trace != nil && st.chain == nil && st.epi == nil && (st.fused == nil || st.fused.chains == nil) { // those report their nodes
		if st.fused != nil {
			for j, m := range st.fused.members {
				kc.trace.report(m.name, m.node.Op, []*tensor.Tensor{in[0], in[1+j]}, out[j:j+1])
			}
		} else {
			kc.trace.report(st.name, st.node.Op, in, out)
		}
	}
	clear(in)
	return nil
}

// execParallel runs p's steps on up to s.threads goroutines, each step as
// soon as its data and control predecessors are done. A slot is released
// when its last reader is done. Kernels get the session's threads shared
// among the steps running at the moment they start.
func (s *session) execParallel(ctx context.Context, p *plan, vals []*tensor.Tensor, depth int, tr *tracer, ar *arena) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := len(p.steps)
	pending := make([]atomic.Int32, n)
	refs := make([]atomic.Int32, p.nslots)
	for sl, r := range p.readers {
		refs[sl].Store(r)
	}
	ready := make(chan int, n)
	for i := range p.steps {
		pending[i].Store(int32(p.steps[i].npred))
		if p.steps[i].npred == 0 {
			ready <- i
		}
	}
	buf := make([]*tensor.Tensor, p.ninputs)
	var (
		remaining atomic.Int32
		active    atomic.Int32
		doneOnce  sync.Once
		firstErr  error
		wg        sync.WaitGroup
	)
	remaining.Store(int32(n))
	done := make(chan struct{})
	stop := func(err error) {
		doneOnce.Do(func() {
			firstErr = err
			close(done)
		})
	}
	worker := func() {
		defer wg.Done()
		kc := &kernelContext{ctx: ctx, s: s, depth: depth, trace: tr, arena: p.arenaFor(ar)}
		next := -1 // a successor this worker readied and keeps for itself
		for {
			var i int
			if next >= 0 {
				i, next = next, -1
				if ctx.Err() != nil {
					stop(ctx.Err())
					return
				}
			} else {
				select {
				case <-done:
					return
				case <-ctx.Done():
					stop(ctx.Err())
					return
				case i = <-ready:
				}
			}
			a := int(active.Add(1))
			kc.threads = max(1, s.threads/a)
			err := s.runStep(kc, p, i, vals, buf)
			active.Add(-1)
			if err != nil {
				stop(err)
				return
			}
			st := &p.steps[i]
			for _, sl := range st.in {
				if refs[sl].Add(-1) == 0 && !p.keep[sl] {
					kc.arena.drop(vals[sl])
					vals[sl] = nil
				}
			}
			for _, sl := range st.outSlots() {
				if p.readers[sl] == 0 && !p.keep[sl] {
					kc.arena.drop(vals[sl])
					vals[sl] = nil
				}
			}
			// The first successor made ready runs next on this worker,
			// without a hand-over through the channel (a chain of steps
			// stays on one goroutine); the others go to the channel.
			for _, j := range st.succ {
				if pending[j].Add(-1) == 0 {
					if next < 0 {
						next = j
					} else {
						ready <- j
					}
				}
			}
			if remaining.Add(-1) == 0 {
				stop(nil)
				return
			}
		}
	}
	workers := min(s.threads, n)
	wg.Add(workers)
	for range workers {
		go worker()
	}
	wg.Wait()
	return firstErr
}
