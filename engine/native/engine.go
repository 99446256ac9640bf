package native

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/savedmodel/bundle"
	"github.com/scorekit/score/tensor"
)

// Name is the engine's registry name.
const Name = "native"

// Engine is the pure-Go engine. Its zero value is not usable; use New.
type Engine struct {
	ops *op.Set
}

var _ engine.Engine = (*Engine)(nil)

// NewWithOps returns an engine whose op table holds the core ops plus those
// the given functions register (each is a kernel package's Register).
func NewWithOps(register ...func(*op.Set)) *Engine {
	s := op.NewSet()
	RegisterCore(s)
	for _, r := range register {
		r(s)
	}
	return &Engine{ops: s}
}

// Name returns "native".
func (e *Engine) Name() string { return Name }

// Ops lists the ops this engine's table supports, sorted.
func (e *Engine) Ops() []string { return e.ops.Names() }

// Load reads the SavedModel, checks every op it will run against the op
// table (all missing ops are reported at once), restores the variables by
// running the model's restore op, runs its init op(s), and prepares the
// signature.
func (e *Engine) Load(ctx context.Context, dir string, opts engine.LoadOptions) (engine.Model, error) {
	switch opts.Device {
	case "", "cpu":
	default:
		return nil, fmt.Errorf("native engine: device %q: only cpu is supported", opts.Device)
	}
	tags := opts.Tags
	if len(tags) == 0 {
		tags = []string{"serve"}
	}
	key := opts.Signature
	if key == "" {
		key = "serving_default"
	}
	threads := opts.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	src, err := openSource(dir, tags, opts.Version)
	if err != nil {
		return nil, fmt.Errorf("native engine: %w", err)
	}
	files := newFileAccess(src.variablesPrefix, openCheckpoint,
		filepath.Join(src.dir, "assets"), filepath.Join(src.dir, "variables"))
	sess, err := newSession(src.meta.GetGraphDef(), e.ops, threads, files)
	if err != nil {
		return nil, fmt.Errorf("native engine: load %s: %w", src.dir, err)
	}
	m := &Model{sess: sess, src: src, threads: threads}
	if err := m.bindSignature(key); err != nil {
		return nil, fmt.Errorf("native engine: load %s: %w", src.dir, err)
	}
	if err := m.initialize(ctx); err != nil {
		files.close()
		return nil, fmt.Errorf("native engine: load %s: %w", src.dir, err)
	}
	return m, nil
}

func openCheckpoint(prefix string) (op.Checkpoint, error) {
	r, err := bundle.Open(prefix)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// initialize checks ops, runs restore and init, and compiles the serving
// plan, in that order, so a model that cannot run fails before any work.
func (m *Model) initialize(ctx context.Context) error {
	src := m.src
	assetFeeds := map[string]*tensor.Tensor{}
	for _, a := range src.assets {
		assetFeeds[a.tensor] = tensor.Scalar(a.path)
	}
	assetNames := keys(assetFeeds)
	var runs []runSpec
	restore := src.restoreOp != "" && src.variablesPrefix != ""
	var restoreFeeds map[string]*tensor.Tensor
	if restore {
		restoreFeeds = map[string]*tensor.Tensor{src.filenameTensor: tensor.Scalar(src.variablesPrefix)}
		for k, v := range assetFeeds {
			restoreFeeds[k] = v
		}
		runs = append(runs, runSpec{feeds: keys(restoreFeeds), targets: []string{src.restoreOp}})
	}
	if len(src.initOps) > 0 {
		runs = append(runs, runSpec{feeds: assetNames, targets: src.initOps})
	}
	runs = append(runs, runSpec{feeds: m.feedNames, fetches: m.fetchNames})
	if err := m.sess.checkOps(runs...); err != nil {
		return err
	}
	if restore {
		if _, err := m.sess.run(ctx, restoreFeeds, nil, []string{src.restoreOp}); err != nil {
			return fmt.Errorf("restore variables (%s): %w", src.restoreOp, err)
		}
	}
	if len(src.initOps) > 0 {
		if _, err := m.sess.run(ctx, assetFeeds, nil, src.initOps); err != nil {
			return fmt.Errorf("run init op %v: %w", src.initOps, err)
		}
	}
	if _, err := m.sess.graphPlan(m.sortedFeeds, m.fetchNames, nil); err != nil {
		return fmt.Errorf("signature %s: %w", m.sig.Key, err)
	}
	return nil
}

// SupportedOps lists every op of the full native table (core, numeric,
// text and control-flow kernels), sorted: what `score inspect` compares a
// model against.
func SupportedOps() []string { return New().Ops() }

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

var errClosed = errors.New("native engine: model is closed")
