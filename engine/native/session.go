package native

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// maxCallDepth bounds nested function calls, so a model whose functions
// call each other without end fails instead of exhausting the stack.
const maxCallDepth = 64

// session executes one GraphDef and its function library against one
// resource store, like a TensorFlow session. Compiled plans and functions
// are cached; run is safe for concurrent use.
type session struct {
	graph   *body
	lib     map[string]*tfpb.FunctionDef
	ops     *op.Set
	res     *op.Resources
	threads int
	files   *fileAccess
	opt     execOptions

	mu    sync.Mutex
	plans map[string]*cached
	fns   map[string]*cached

	// bufs recycles the buffers runs lend to kernels (arena.go).
	bufs bufPool

	// epilogues counts convolutions computed with their folded chain in
	// one pass (convchain.go), for tests and diagnostics.
	epilogues atomic.Int64
}

type cached struct {
	once sync.Once
	p    *plan
	err  error
}

func newSession(g *tfpb.GraphDef, ops *op.Set, threads int, files *fileAccess) (*session, error) {
	gb, err := newBody("", nil, g.GetNode())
	if err != nil {
		return nil, fmt.Errorf("graph: %w", err)
	}
	s := &session{
		graph: gb, lib: map[string]*tfpb.FunctionDef{}, ops: ops, res: op.NewResources(),
		threads: max(threads, 1), files: files, opt: defaultExecOptions(),
		plans: map[string]*cached{}, fns: map[string]*cached{},
	}
	for _, f := range g.GetLibrary().GetFunction() {
		name := f.GetSignature().GetName()
		if name == "" {
			return nil, fmt.Errorf("graph library: function without a name")
		}
		if _, dup := s.lib[name]; dup {
			return nil, fmt.Errorf("graph library: duplicate function %s", name)
		}
		s.lib[name] = f
	}
	return s, nil
}

// run feeds tensors by name ("n:k" or "n"), computes fetches (tensor names)
// and runs targets (node names). Feeds override any tensor of the graph.
func (s *session) run(ctx context.Context, feeds map[string]*tensor.Tensor, fetches, targets []string) ([]*tensor.Tensor, error) {
	return s.runTrace(ctx, feeds, fetches, targets, nil)
}

// runTrace is run, reporting every executed node to tr (when not nil).
func (s *session) runTrace(ctx context.Context, feeds map[string]*tensor.Tensor, fetches, targets []string, tr *tracer) ([]*tensor.Tensor, error) {
	return s.runArena(ctx, feeds, fetches, targets, tr, nil)
}

// runArena is runTrace with an arena lending buffers to the kernels: the
// outputs may then live in its buffers, so the caller copies them before
// it releases the arena.
func (s *session) runArena(ctx context.Context, feeds map[string]*tensor.Tensor, fetches, targets []string, tr *tracer, ar *arena) ([]*tensor.Tensor, error) {
	names := make([]string, 0, len(feeds))
	byName := make(map[string]*tensor.Tensor, len(feeds))
	for k, v := range feeds {
		c, err := canonicalTensor(k)
		if err != nil {
			return nil, fmt.Errorf("feed %q: %w", k, err)
		}
		if v == nil {
			return nil, fmt.Errorf("feed %q: nil tensor", k)
		}
		if _, dup := byName[c]; dup {
			return nil, fmt.Errorf("feed %q: tensor %s fed twice", k, c)
		}
		byName[c] = v
		names = append(names, c)
	}
	sort.Strings(names)
	p, err := s.graphPlan(names, fetches, targets)
	if err != nil {
		return nil, err
	}
	vals := make([]*tensor.Tensor, p.nslots)
	for i, n := range names {
		vals[i] = byName[n]
	}
	if err := s.exec(ctx, p, vals, 0, tr, ar); err != nil {
		return nil, err
	}
	out := make([]*tensor.Tensor, len(p.fetch))
	for i, sl := range p.fetch {
		out[i] = vals[sl]
	}
	return out, nil
}

func (s *session) graphPlan(feeds, fetches, targets []string) (*plan, error) {
	key := strings.Join(feeds, "\x00") + "\x01" + strings.Join(fetches, "\x00") + "\x01" + strings.Join(targets, "\x00")
	s.mu.Lock()
	c, ok := s.plans[key]
	if !ok {
		c = &cached{}
		s.plans[key] = c
	}
	s.mu.Unlock()
	c.once.Do(func() {
		c.p, c.err = s.compile(s.graph, compileRequest{feeds: feeds, fetches: fetches, targets: targets})
	})
	return c.p, c.err
}

// function returns the compiled plan of a library function.
func (s *session) function(name string) (*plan, error) {
	s.mu.Lock()
	c, ok := s.fns[name]
	if !ok {
		c = &cached{}
		s.fns[name] = c
	}
	s.mu.Unlock()
	c.once.Do(func() { c.p, c.err = s.compileFunction(name) })
	return c.p, c.err
}

func (s *session) compileFunction(name string) (*plan, error) {
	f, ok := s.lib[name]
	if !ok {
		return nil, fmt.Errorf("no function %q in the graph library", name)
	}
	b, err := newBody(name, f, f.GetNodeDef())
	if err != nil {
		return nil, err
	}
	var fetches []string
	for _, a := range f.GetSignature().GetOutputArg() {
		if a.NumberAttr != "" || a.TypeListAttr != "" {
			return nil, fmt.Errorf("function %s: list result %s is not supported", name, a.Name)
		}
		r, ok := f.Ret[a.Name]
		if !ok {
			return nil, fmt.Errorf("function %s: result %s has no ret entry", name, a.Name)
		}
		fetches = append(fetches, r)
	}
	targets := make([]string, 0, len(f.ControlRet))
	for _, n := range f.ControlRet {
		targets = append(targets, n)
	}
	sort.Strings(targets)
	return s.compile(b, compileRequest{fetches: fetches, targets: targets, stateful: true})
}

// call runs a library function.
func (s *session) call(ctx context.Context, name string, args []*tensor.Tensor, depth int, tr *tracer) ([]*tensor.Tensor, error) {
	if depth > maxCallDepth {
		return nil, fmt.Errorf("call of %s: functions nested deeper than %d", name, maxCallDepth)
	}
	p, err := s.function(name)
	if err != nil {
		return nil, err
	}
	if len(args) != p.nfeeds {
		return nil, fmt.Errorf("call of %s: %d argument(s), function takes %d", name, len(args), p.nfeeds)
	}
	vals := make([]*tensor.Tensor, p.nslots)
	copy(vals, args)
	if err := s.exec(ctx, p, vals, depth, tr, nil); err != nil {
		return nil, err
	}
	out := make([]*tensor.Tensor, len(p.fetch))
	for i, sl := range p.fetch {
		out[i] = vals[sl]
	}
	return out, nil
}

func releaseSlots(vals []*tensor.Tensor, free []int, ar *arena) {
	for _, sl := range free {
		ar.drop(vals[sl])
		vals[sl] = nil
	}
}
