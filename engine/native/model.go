package native

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/native/numeric"
	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// Model is a loaded signature of a SavedModel. Run is safe for concurrent
// use: all runs share the compiled plan and the restored state, and each
// keeps its values to itself.
type Model struct {
	sess    *session
	src     *modelSource
	threads int
	sig     engine.Signature
	inputs  []inputBinding
	// feedNames lists every graph tensor a Run may feed; fetchNames the
	// output tensors in sig.Outputs order; sortedFeeds the canonical,
	// sorted names of a run that feeds every input.
	feedNames, fetchNames, sortedFeeds []string
	closed                             atomic.Bool
	// loadTrace, when set, sees every node the restore and init runs
	// execute (tests).
	loadTrace *tracer
}

var _ engine.Model = (*Model)(nil)

// inputBinding maps one signature input to the graph tensor(s) it feeds.
type inputBinding struct {
	spec engine.TensorSpec
	// tensor is the dense input's tensor; for a sparse input, parts holds
	// the indices, values and dense_shape tensors.
	tensor   string
	parts    []sparsePart
	optional bool // a PlaceholderWithDefault: may be left out
}

type sparsePart struct {
	suffix string // "indices", "values", "dense_shape"
	tensor string
	dtype  tensor.DType
}

func (m *Model) bindSignature(key string) error {
	sd, ok := m.src.meta.GetSignatureDef()[key]
	if !ok {
		have := keys(m.src.meta.GetSignatureDef())
		sort.Strings(have)
		return fmt.Errorf("no signature %q (have %s)", key, strings.Join(have, ", "))
	}
	m.sig = engine.Signature{Key: key, Method: sd.MethodName}
	for _, k := range sortedKeys(sd.Inputs) {
		ti := sd.Inputs[k]
		spec := tensorSpec(k, ti)
		b := inputBinding{}
		switch enc := ti.Encoding.(type) {
		case *tfpb.TensorInfo_Name:
			b.tensor = enc.Name
			spec.Name = enc.Name
			if dt, op, ok := m.graphDType(enc.Name); ok {
				spec.DType = dt
				b.optional = op == "PlaceholderWithDefault"
			}
			m.feedNames = append(m.feedNames, enc.Name)
		case *tfpb.TensorInfo_CooSparse_:
			cs := enc.CooSparse
			spec.Name = cs.ValuesTensorName
			spec.Sparse = true
			if dt, _, ok := m.graphDType(cs.ValuesTensorName); ok {
				spec.DType = dt
			}
			b.parts = []sparsePart{
				{engine.SparseIndices, cs.IndicesTensorName, tensor.Int64},
				{engine.SparseValues, cs.ValuesTensorName, spec.DType},
				{engine.SparseDenseShape, cs.DenseShapeTensorName, tensor.Int64},
			}
			for _, p := range b.parts {
				m.feedNames = append(m.feedNames, p.tensor)
			}
		default:
			return fmt.Errorf("signature %s: input %s: composite tensor inputs are not supported", key, k)
		}
		b.spec = spec
		m.inputs = append(m.inputs, b)
		m.sig.Inputs = append(m.sig.Inputs, spec)
	}
	for _, k := range sortedKeys(sd.Outputs) {
		ti := sd.Outputs[k]
		name, ok := ti.Encoding.(*tfpb.TensorInfo_Name)
		if !ok {
			return fmt.Errorf("signature %s: output %s: only dense outputs are supported", key, k)
		}
		spec := tensorSpec(k, ti)
		spec.Name = name.Name
		m.sig.Outputs = append(m.sig.Outputs, spec)
		m.fetchNames = append(m.fetchNames, name.Name)
	}
	for _, n := range m.feedNames {
		c, err := canonicalTensor(n)
		if err != nil {
			return fmt.Errorf("signature %s: %w", key, err)
		}
		m.sortedFeeds = append(m.sortedFeeds, c)
	}
	sort.Strings(m.sortedFeeds)
	return nil
}

func tensorSpec(key string, ti *tfpb.TensorInfo) engine.TensorSpec {
	spec := engine.TensorSpec{Key: key, DType: tensor.DType(ti.Dtype).Base()}
	dims, known := savedmodel.ShapeFromProto(ti.TensorShape)
	spec.Shape, spec.UnknownRank = dims, !known
	return spec
}

// graphDType returns the dtype of the Placeholder (or
// PlaceholderWithDefault) that produces a tensor. Signatures sometimes
// record a wrong dtype; the graph's is what a feed must match.
func (m *Model) graphDType(name string) (tensor.DType, string, bool) {
	ref, err := parseGraphRef(name)
	if err != nil {
		return 0, "", false
	}
	i, ok := m.sess.graph.index[ref.node]
	if !ok {
		return 0, "", false
	}
	n := m.sess.graph.nodes[i]
	if n.Op != "Placeholder" && n.Op != "PlaceholderWithDefault" {
		return 0, "", false
	}
	v, ok := n.Attr["dtype"].GetValue().(*tfpb.AttrValue_Type)
	if !ok {
		return 0, "", false
	}
	return tensor.DType(v.Type).Base(), n.Op, true
}

// Signature describes the loaded signature. Sparse inputs are fed as three
// tensors, see engine.SparseIndices.
func (m *Model) Signature() engine.Signature { return m.sig }

// Run feeds inputs (keyed by signature input key) and returns the outputs
// keyed by signature output key. Outputs are copies the caller owns.
func (m *Model) Run(ctx context.Context, inputs map[string]*tensor.Tensor) (map[string]*tensor.Tensor, error) {
	return m.run(ctx, inputs, nil)
}

// RunTrace is Run that also reports every node it executes to fn, nodes
// inside called functions included (named "function/node"), with the
// node's op and outputs, in an order consistent with the graph's
// dependencies. Calls to fn never overlap. fn must neither modify nor keep
// the tensors after returning (clone what it needs): they are the run's
// live values. Sibling nodes the executor fused into one op are reported
// one by one under their own names.
func (m *Model) RunTrace(ctx context.Context, inputs map[string]*tensor.Tensor,
	fn func(node, op string, outputs []*tensor.Tensor)) (map[string]*tensor.Tensor, error) {
	if fn == nil {
		return m.run(ctx, inputs, nil)
	}
	return m.run(ctx, inputs, &tracer{fn: func(node, op string, _, out []*tensor.Tensor) { fn(node, op, out) }})
}

func (m *Model) run(ctx context.Context, inputs map[string]*tensor.Tensor, tr *tracer) (map[string]*tensor.Tensor, error) {
	if m.closed.Load() {
		return nil, errClosed
	}
	feeds := make(map[string]*tensor.Tensor, len(m.feedNames))
	used := 0
	for _, b := range m.inputs {
		if b.parts != nil {
			for _, p := range b.parts {
				t, ok := inputs[b.spec.Key+p.suffix]
				if !ok {
					return nil, fmt.Errorf("run %s: missing sparse input %s%s", m.sig.Key, b.spec.Key, p.suffix)
				}
				if t == nil || t.DType() != p.dtype {
					return nil, fmt.Errorf("run %s: input %s%s is %s, want %s", m.sig.Key, b.spec.Key, p.suffix, t, p.dtype)
				}
				feeds[p.tensor] = t
				used++
			}
			continue
		}
		t, ok := inputs[b.spec.Key]
		if !ok {
			if b.optional {
				continue
			}
			return nil, fmt.Errorf("run %s: missing input %s", m.sig.Key, b.spec.Key)
		}
		if t == nil || t.DType() != b.spec.DType {
			return nil, fmt.Errorf("run %s: input %s is %s, want %s", m.sig.Key, b.spec.Key, t, b.spec.DType)
		}
		feeds[b.tensor] = t
		used++
	}
	if used != len(inputs) {
		return nil, fmt.Errorf("run %s: unknown input(s) %v (signature inputs: %v)", m.sig.Key, engine.UnknownInputs(m.inputKeys(), inputs), m.inputKeys())
	}
	ar := m.sess.newArena()
	defer ar.release() // after the outputs are copied out of its buffers
	outs, err := m.sess.runArena(ctx, feeds, m.fetchNames, nil, tr, ar)
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", m.sig.Key, err)
	}
	res := make(map[string]*tensor.Tensor, len(outs))
	for i, o := range m.sig.Outputs {
		res[o.Key] = outs[i].Clone()
	}
	return res, nil
}

func (m *Model) inputKeys() []string {
	var ks []string
	for _, b := range m.inputs {
		if b.parts == nil {
			ks = append(ks, b.spec.Key)
			continue
		}
		for _, p := range b.parts {
			ks = append(ks, b.spec.Key+p.suffix)
		}
	}
	return ks
}

// Info describes the engine and model.
func (m *Model) Info() map[string]string {
	info := map[string]string{
		"engine":     Name,
		"device":     "cpu",
		"threads":    itoa(m.threads),
		"tf_version": m.src.tfVersion,
		"model_dir":  m.src.dir,
		"signature":  m.sig.Key,
	}
	if m.src.version > 0 {
		info["model_version"] = fmt.Sprint(m.src.version)
	}
	return info
}

// Close releases the checkpoint. No Run may be in flight or follow.
func (m *Model) Close() error {
	if m.closed.Swap(true) {
		return nil
	}
	// Packed weights cached by address must not outlive mapped memory.
	numeric.ForgetTrustedWeights()
	m.sess.bufs.drain()
	return m.sess.files.close()
}

func sortedKeys[V any](m map[string]V) []string {
	ks := keys(m)
	sort.Strings(ks)
	return ks
}
