package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/scorekit/score/tensor"
)

// Engine loads SavedModels. An Engine value is cheap; all expensive state
// (libraries, weights, sessions) lives in the Models it returns.
type Engine interface {
	// Name is the name the engine is registered and selected under
	// ("native", "tensorflow").
	Name() string
	// Load opens the SavedModel at dir (a model directory or a TF Serving
	// style folder of numbered versions, see LoadOptions.Version) and
	// prepares the signature opts.Signature for Run. It restores variables
	// and runs the model's init ops. ctx bounds the load only.
	//
	// Errors: ErrUnsupported (wrapped, with every unsupported op named) when
	// the engine cannot run the graph; ErrUnavailable when the engine itself
	// cannot run on this machine (e.g. libtensorflow is not installed);
	// anything else is a bad or unreadable model.
	Load(ctx context.Context, dir string, opts LoadOptions) (Model, error)
}

// LoadOptions select what to load and how to run it.
type LoadOptions struct {
	// Tags selects the MetaGraphDef whose tag set equals these tags; empty
	// means {"serve"}.
	Tags []string
	// Signature is the SignatureDef key to run; empty means
	// "serving_default".
	Signature string
	// Version pins a numbered version folder; 0 means the highest.
	Version int64
	// Threads caps the engine's compute threads; 0 means one per CPU.
	Threads int
	// Device is "", "cpu" or "gpu" (engines that have no choice ignore it;
	// asking an engine for a device it cannot use is an error).
	Device string
	// Extra holds engine-specific settings (e.g. the tensorflow engine's
	// library path), keyed by setting name.
	Extra map[string]string
}

// Model is a loaded signature, ready to run.
//
// Run may be called from several goroutines at once; each call is an
// independent batch. The inputs are read, never kept or modified, and the
// outputs belong to the caller. Batches of any size (the first dimension of
// the inputs) are accepted, including 1; all inputs of one call share it.
// ctx cancellation makes Run return ctx.Err() as soon as the engine can.
//
// Run errors are about the batch (e.g. an out-of-range vocabulary id) and
// name the failing op; the model stays usable, so callers may split a batch
// to isolate bad rows. Close releases everything (native handles included);
// no Run may be in flight or follow it.
type Model interface {
	Signature() Signature
	Run(ctx context.Context, inputs map[string]*tensor.Tensor) (map[string]*tensor.Tensor, error)
	// Info describes the loaded model and engine for reports and output
	// metadata: "engine", "device", "tf_version", "model_version", ...
	Info() map[string]string
	Close() error
}

// Signature describes a SignatureDef as the engine will run it: inputs and
// outputs sorted by key.
type Signature struct {
	Key     string
	Method  string
	Inputs  []TensorSpec
	Outputs []TensorSpec
}

// TensorSpec is one input or output of a signature.
type TensorSpec struct {
	// Key is the signature's name for it (what Run's maps are keyed by).
	Key string
	// Name is the graph tensor it is bound to, e.g. "serving_default_x:0".
	Name  string
	DType tensor.DType
	// Shape has -1 for unknown dimensions; nil with UnknownRank set means
	// nothing is known.
	Shape       []int
	UnknownRank bool
	// Sparse marks a SparseTensor (coo_sparse) input: Run takes it as three
	// tensors keyed "<Key>/indices" (int64 [n, rank]), "<Key>/values"
	// ([n], of DType) and "<Key>/dense_shape" (int64 [rank]); Name is the
	// values tensor and Shape the dense shape.
	Sparse bool
}

// Key suffixes of the three tensors that feed a Sparse input.
const (
	SparseIndices    = "/indices"
	SparseValues     = "/values"
	SparseDenseShape = "/dense_shape"
)

// Input returns the input spec with the given key.
func (s Signature) Input(key string) (TensorSpec, bool) { return find(s.Inputs, key) }

// Output returns the output spec with the given key.
func (s Signature) Output(key string) (TensorSpec, bool) { return find(s.Outputs, key) }

func find(specs []TensorSpec, key string) (TensorSpec, bool) {
	for _, s := range specs {
		if s.Key == key {
			return s, true
		}
	}
	return TensorSpec{}, false
}

// String formats a spec like saved_model_cli: "x: float32[?,1] (x:0)".
func (t TensorSpec) String() string {
	shape := "<unknown rank>"
	if !t.UnknownRank {
		shape = tensor.ShapeString(t.Shape)
	}
	return fmt.Sprintf("%s: %s%s (%s)", t.Key, t.DType, shape, t.Name)
}

var (
	// ErrUnsupported means the engine cannot execute the model (for the
	// native engine: ops it does not implement).
	ErrUnsupported = errors.New("unsupported by engine")
	// ErrUnavailable means the engine cannot run on this machine.
	ErrUnavailable = errors.New("engine unavailable")
)

// UnsupportedOpsError lists every op of a model an engine cannot run.
type UnsupportedOpsError struct {
	Engine string
	// Ops maps op type to the nodes (or functions/nodes) that use it.
	Ops map[string][]string
}

func (e *UnsupportedOpsError) Error() string {
	names := make([]string, 0, len(e.Ops))
	for op := range e.Ops {
		names = append(names, op)
	}
	sortStrings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "%s engine: %d unsupported op(s): ", e.Engine, len(names))
	for i, op := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		nodes := e.Ops[op]
		fmt.Fprintf(&b, "%s (%d node(s), e.g. %s)", op, len(nodes), nodes[0])
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrUnsupported) hold.
func (e *UnsupportedOpsError) Unwrap() error { return ErrUnsupported }

// UnknownInputs returns, sorted, the keys of inputs that are not in known:
// engines name them in the error when Run gets a feed the signature lacks.
func UnknownInputs(known []string, inputs map[string]*tensor.Tensor) []string {
	var bad []string
	for k := range inputs {
		if !slices.Contains(known, k) {
			bad = append(bad, k)
		}
	}
	slices.Sort(bad)
	return bad
}
