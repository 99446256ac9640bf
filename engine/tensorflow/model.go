package tensorflow

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// tfOutput is TF_Output: {TF_Operation* oper; int index;} padded to 16
// bytes on 64-bit hosts.
type tfOutput struct {
	oper  uintptr
	index int32
	_     int32
}

// Model is a session on one SavedModel signature. Run is safe for
// concurrent use (TF sessions are); Close waits for Runs in flight.
type Model struct {
	lib     *library
	api     *api
	dir     string
	version int64

	status, opts, graph, session uintptr

	sig     engine.Signature
	inputs  []inputBinding
	outputs []tfOutput
	// goStrings: the TF_TString layout was checked against the library
	// at load, so string outputs are decoded in Go (else via the C API).
	goStrings bool
	devices   []string
	info      map[string]string

	mu     sync.RWMutex
	closed bool
}

var _ engine.Model = (*Model)(nil)

// inputBinding is one signature input: one part for a dense tensor, three
// (indices, values, dense_shape) for a SparseTensor.
type inputBinding struct {
	spec  engine.TensorSpec
	parts []inputPart
}

type inputPart struct {
	key   string // the Run map key
	dtype tensor.DType
	out   tfOutput
	// optional: a PlaceholderWithDefault, which may be left out.
	optional bool
}

// Sparse input key suffixes, as in the engine contract.
const (
	sparseIndices    = "/indices"
	sparseValues     = "/values"
	sparseDenseShape = "/dense_shape"
)

var errClosed = errors.New("tensorflow engine: model is closed")

// bind resolves the signature's tensors to TF_Outputs of the graph.
func (m *Model) bind(mg *tfpb.MetaGraphDef, key string) error {
	sm := &savedmodel.Model{Dir: m.dir, MetaGraph: mg}
	sig, err := sm.Signature(key)
	if err != nil {
		return err
	}
	m.sig = engine.Signature{Key: sig.Key, Method: sig.Method}
	nodes := map[string]*tfpb.NodeDef{}
	for _, n := range mg.GetGraphDef().GetNode() {
		nodes[n.GetName()] = n
	}
	for _, in := range sig.Inputs {
		spec := specOf(in)
		b := inputBinding{}
		switch {
		case in.Sparse != nil:
			spec.Name, spec.Sparse = in.Sparse.Values, true
			spec.DType, _ = placeholderDType(nodes, in.Sparse.Values, spec.DType)
			for _, p := range []struct {
				suffix, name string
				dt           tensor.DType
			}{
				{sparseIndices, in.Sparse.Indices, tensor.Int64},
				{sparseValues, in.Sparse.Values, spec.DType},
				{sparseDenseShape, in.Sparse.DenseShape, tensor.Int64},
			} {
				out, err := m.operation(p.name)
				if err != nil {
					return fmt.Errorf("signature %s: input %s: %w", key, in.Key, err)
				}
				b.parts = append(b.parts, inputPart{key: in.Key + p.suffix, dtype: p.dt, out: out})
			}
		case in.Name != "":
			var op string
			spec.DType, op = placeholderDType(nodes, in.Name, spec.DType)
			out, err := m.operation(in.Name)
			if err != nil {
				return fmt.Errorf("signature %s: input %s: %w", key, in.Key, err)
			}
			b.parts = []inputPart{{key: in.Key, dtype: spec.DType, out: out, optional: op == "PlaceholderWithDefault"}}
		default:
			return fmt.Errorf("signature %s: input %s: composite tensor inputs are not supported", key, in.Key)
		}
		b.spec = spec
		m.inputs = append(m.inputs, b)
		m.sig.Inputs = append(m.sig.Inputs, spec)
	}
	for _, o := range sig.Outputs {
		if o.Name == "" {
			return fmt.Errorf("signature %s: output %s: only dense outputs are supported", key, o.Key)
		}
		out, err := m.operation(o.Name)
		if err != nil {
			return fmt.Errorf("signature %s: output %s: %w", key, o.Key, err)
		}
		m.outputs = append(m.outputs, out)
		m.sig.Outputs = append(m.sig.Outputs, specOf(o))
	}
	return nil
}

func specOf(t savedmodel.TensorInfo) engine.TensorSpec {
	return engine.TensorSpec{Key: t.Key, Name: t.Name, DType: t.DType.Base(), Shape: t.Shape, UnknownRank: t.UnknownRank}
}

// placeholderDType prefers the dtype of the Placeholder behind a tensor
// (some signatures record a wrong one, and TF checks feeds against the
// graph) and returns the op type when it is a placeholder.
func placeholderDType(nodes map[string]*tfpb.NodeDef, name string, dt tensor.DType) (tensor.DType, string) {
	node, _, err := savedmodel.ParseTensorName(name)
	if err != nil {
		return dt, ""
	}
	n := nodes[node]
	if n == nil || (n.GetOp() != "Placeholder" && n.GetOp() != "PlaceholderWithDefault") {
		return dt, ""
	}
	if v, ok := n.GetAttr()["dtype"].GetValue().(*tfpb.AttrValue_Type); ok {
		return tensor.DType(v.Type).Base(), n.GetOp()
	}
	return dt, n.GetOp()
}

// operation resolves "op:index" with TF_GraphOperationByName (which wants
// the bare op name).
func (m *Model) operation(name string) (tfOutput, error) {
	node, index, err := savedmodel.ParseTensorName(name)
	if err != nil || index < 0 {
		return tfOutput{}, fmt.Errorf("bad tensor name %q", name)
	}
	op := m.api.graphOperationByName(m.graph, node)
	if op == 0 {
		return tfOutput{}, fmt.Errorf("TF_GraphOperationByName: no operation %q in the graph", node)
	}
	return tfOutput{oper: op, index: int32(index)}, nil
}

// Signature describes the bound signature; sparse inputs are fed as three
// tensors "<key>/indices", "<key>/values", "<key>/dense_shape".
func (m *Model) Signature() engine.Signature { return m.sig }

// Run feeds inputs (keyed by signature input key) to TF_SessionRun and
// returns copies of the outputs. Every TF tensor it creates or receives is
// deleted before it returns, on every path.
func (m *Model) Run(ctx context.Context, inputs map[string]*tensor.Tensor) (map[string]*tensor.Tensor, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, errClosed
	}
	a := m.api
	var feedOuts []tfOutput
	var feedVals []*tensor.Tensor
	var feedKeys []string
	for _, b := range m.inputs {
		for _, p := range b.parts {
			t, ok := inputs[p.key]
			if !ok && p.optional {
				continue
			}
			if !ok {
				return nil, fmt.Errorf("run %s: missing input %s", m.sig.Key, p.key)
			}
			if t == nil || t.DType() != p.dtype {
				return nil, fmt.Errorf("run %s: input %s is %v, want %s", m.sig.Key, p.key, t, p.dtype)
			}
			feedOuts = append(feedOuts, p.out)
			feedVals = append(feedVals, t)
			feedKeys = append(feedKeys, p.key)
		}
	}
	if len(feedVals) != len(inputs) {
		return nil, fmt.Errorf("run %s: unknown input(s) %v (signature inputs: %v)", m.sig.Key, engine.UnknownInputs(m.inputKeys(), inputs), m.inputKeys())
	}
	var pin runtime.Pinner
	defer pin.Unpin()
	inTensors := make([]uintptr, len(feedVals))
	defer deleteTensors(a, inTensors)
	for i, t := range feedVals {
		ct, err := m.newTensor(t, &pin)
		if err != nil {
			return nil, fmt.Errorf("run %s: input %s: %w", m.sig.Key, feedKeys[i], err)
		}
		inTensors[i] = ct
	}
	outs := append([]tfOutput(nil), m.outputs...)
	outVals := make([]uintptr, len(outs))
	defer deleteTensors(a, outVals)
	status := a.newStatus()
	defer a.deleteStatus(status)
	a.sessionRun(m.session, 0,
		pinned(&pin, feedOuts), pinned(&pin, inTensors), int32(len(inTensors)),
		pinned(&pin, outs), pinned(&pin, outVals), int32(len(outVals)),
		nil, 0, 0, status)
	runtime.KeepAlive(feedOuts)
	runtime.KeepAlive(outs)
	if err := a.check("TF_SessionRun", status); err != nil {
		return nil, fmt.Errorf("run %s: %w", m.sig.Key, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := make(map[string]*tensor.Tensor, len(outVals))
	for i, o := range m.sig.Outputs {
		t, err := m.readTensor(outVals[i])
		if err != nil {
			return nil, fmt.Errorf("run %s: output %s: %w", m.sig.Key, o.Key, err)
		}
		res[o.Key] = t
	}
	return res, nil
}

// pinned pins a slice's backing array for the C call and returns its
// address, or nil for an empty slice. The arrays hold no Go pointers
// (C handles as uintptr), and TF reads or fills them during the call only.
func pinned[T any](pin *runtime.Pinner, s []T) unsafe.Pointer {
	if len(s) == 0 {
		return nil
	}
	pin.Pin(&s[0])
	return unsafe.Pointer(&s[0])
}

func deleteTensors(a *api, ts []uintptr) {
	for _, t := range ts {
		if t != 0 {
			a.deleteTensor(t)
		}
	}
}

func (m *Model) inputKeys() []string {
	var ks []string
	for _, b := range m.inputs {
		for _, p := range b.parts {
			ks = append(ks, p.key)
		}
	}
	return ks
}

// Info reports engine=tensorflow, tf_version, library, device, devices,
// model_dir, model_version, signature and the session settings.
func (m *Model) Info() map[string]string {
	out := make(map[string]string, len(m.info))
	for k, v := range m.info {
		out[k] = v
	}
	return out
}

func (m *Model) makeInfo(st settings, mg *tfpb.MetaGraphDef) map[string]string {
	info := map[string]string{
		"engine":       Name,
		"tf_version":   m.lib.version,
		"tf_library":   m.lib.path,
		"model_dir":    m.dir,
		"signature":    m.sig.Key,
		"device":       "cpu",
		"tstring":      "c_api",
		"allow_growth": strconv.FormatBool(st.config.AllowGrowth),
	}
	if m.goStrings {
		info["tstring"] = "go"
	}
	if m.lib.framework != "" {
		info["tf_framework_library"] = m.lib.framework
	}
	if v := mg.GetMetaInfoDef().GetTensorflowVersion(); v != "" {
		info["model_tf_version"] = v
	}
	if m.version > 0 {
		info["model_version"] = strconv.FormatInt(m.version, 10)
	}
	if st.config.IntraOpThreads > 0 {
		info["threads"] = strconv.Itoa(int(st.config.IntraOpThreads))
	}
	if st.config.JIT != JITDefault {
		info["xla_jit_level"] = strconv.Itoa(int(st.config.JIT))
	}
	if m.devices == nil {
		info["devices"] = "unknown (TF_SessionListDevices not exported)"
		if st.device == "gpu" {
			info["device"] = "gpu (unverified)"
		}
		return info
	}
	info["devices"] = strings.Join(m.devices, ",")
	for _, d := range m.devices {
		if strings.HasPrefix(d, "GPU:") {
			info["device"] = "gpu"
		}
	}
	return info
}

// Close closes and deletes the session, then the graph, options and
// status (reverse order of creation). It waits for Runs in flight and is
// idempotent.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	return m.release()
}

// release frees every handle that exists, in reverse order, and reports
// the first error of TF_CloseSession / TF_DeleteSession.
func (m *Model) release() error {
	a := m.api
	var err error
	if m.session != 0 {
		a.closeSession(m.session, m.status)
		err = a.check("TF_CloseSession", m.status)
		a.deleteSession(m.session, m.status)
		if e := a.check("TF_DeleteSession", m.status); err == nil {
			err = e
		}
		m.session = 0
	}
	if m.graph != 0 {
		a.deleteGraph(m.graph)
		m.graph = 0
	}
	if m.opts != 0 {
		a.deleteSessionOptions(m.opts)
		m.opts = 0
	}
	if m.status != 0 {
		a.deleteStatus(m.status)
		m.status = 0
	}
	if err != nil {
		return fmt.Errorf("tensorflow engine: close %s: %w", m.dir, err)
	}
	return nil
}
