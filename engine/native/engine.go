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
	opt execOptions
	// loadTrace, when set, sees the nodes Load's restore and init runs
	// execute (tests).
	loadTrace *tracer
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
	return &Engine{ops: s, opt: defaultExecOptions()}
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
	m, err := e.prepare(dir, tags, key, opts.Version, threads)
	if err != nil {
		return nil, err
	}
	if err := m.initialize(ctx); err != nil {
		m.sess.files.close()
		return nil, fmt.Errorf("native engine: load %s: %w", m.src.dir, err)
	}
	return m, nil
}

// Check reports whether the engine can run the signature opts names: it
// reads the model and checks every op the restore, init and serving paths
// reach, as Load does, without running anything. The error is an
// *engine.UnsupportedOpsError naming every missing op, or a load error.
func (e *Engine) Check(dir string, opts engine.LoadOptions) error {
	tags, key := opts.Tags, opts.Signature
	if len(tags) == 0 {
		tags = []string{"serve"}
	}
	if key == "" {
		key = "serving_default"
	}
	m, err := e.prepare(dir, tags, key, opts.Version, 1)
	if err != nil {
		return err
	}
	if err := m.sess.checkOps(m.runSpecs()...); err != nil {
		return fmt.Errorf("native engine: %s: %w", m.src.dir, err)
	}
	return nil
}

// prepare reads the model and binds the signature; nothing runs yet.
func (e *Engine) prepare(dir string, tags []string, key string, version int64, threads int) (*Model, error) {
	src, err := openSource(dir, tags, version)
	if err != nil {
		return nil, fmt.Errorf("native engine: %w", err)
	}
	files := newFileAccess(src.variablesPrefix, openCheckpoint,
		filepath.Join(src.dir, "assets"), filepath.Join(src.dir, "variables"))
	sess, err := newSession(src.meta.GetGraphDef(), e.ops, threads, files)
	if err != nil {
		return nil, fmt.Errorf("native engine: load %s: %w", src.dir, err)
	}
	sess.opt = e.opt
	m := &Model{sess: sess, src: src, threads: threads, loadTrace: e.loadTrace}
	if err := m.bindSignature(key); err != nil {
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

// assetFeeds maps each asset tensor to its file's path.
func (m *Model) assetFeeds() map[string]*tensor.Tensor {
	feeds := map[string]*tensor.Tensor{}
	for _, a := range m.src.assets {
		feeds[a.tensor] = tensor.Scalar(a.path)
	}
	return feeds
}

// restoreFeeds returns the restore run's feeds (variables prefix and
// assets), or nil when there is nothing to restore.
func (m *Model) restoreFeeds() (map[string]*tensor.Tensor, error) {
	src := m.src
	if src.restoreOp == "" || src.variablesPrefix == "" {
		return nil, nil
	}
	if src.filenameTensor == "" {
		return nil, fmt.Errorf("saver_def has restore op %s but no filename tensor", src.restoreOp)
	}
	feeds := m.assetFeeds()
	feeds[src.filenameTensor] = tensor.Scalar(src.variablesPrefix)
	return feeds, nil
}

// runSpecs lists the session runs Load makes: restore, init, serving.
func (m *Model) runSpecs() []runSpec {
	var runs []runSpec
	if rf, err := m.restoreFeeds(); err == nil && rf != nil {
		runs = append(runs, runSpec{feeds: keys(rf), targets: []string{m.src.restoreOp}})
	}
	if len(m.src.initOps) > 0 {
		runs = append(runs, runSpec{feeds: keys(m.assetFeeds()), targets: m.src.initOps})
	}
	return append(runs, runSpec{feeds: m.feedNames, fetches: m.fetchNames})
}

// initialize checks ops, runs restore and init, and compiles the serving
// plan, in that order, so a model that cannot run fails before any work.
func (m *Model) initialize(ctx context.Context) error {
	src := m.src
	restoreFeeds, err := m.restoreFeeds()
	if err != nil {
		return err
	}
	if err := m.sess.checkOps(m.runSpecs()...); err != nil {
		return err
	}
	if restoreFeeds != nil {
		if _, err := m.sess.runTrace(ctx, restoreFeeds, nil, []string{src.restoreOp}, m.loadTrace); err != nil {
			return fmt.Errorf("restore variables (%s): %w", src.restoreOp, err)
		}
	}
	if len(src.initOps) > 0 {
		if _, err := m.sess.runTrace(ctx, m.assetFeeds(), nil, src.initOps, m.loadTrace); err != nil {
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
