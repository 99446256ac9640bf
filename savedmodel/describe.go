package savedmodel

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/scorekit/score/savedmodel/bundle"
	"github.com/scorekit/score/tensor"
)

// Description is what `score inspect` shows about a model, in the spirit of
// `saved_model_cli show --all`. Unsupported is left empty here: the command
// fills it with the ops the chosen engine lacks.
type Description struct {
	Dir                  string     `json:"dir"`
	Version              int64      `json:"version"`
	Format               string     `json:"format"`
	Tags                 []string   `json:"tags"`
	AvailableTags        [][]string `json:"available_tags"`
	TFVersion            string     `json:"tf_version"`
	TFGitVersion         string     `json:"tf_git_version"`
	GraphProducer        int32      `json:"graph_producer"`
	GraphMinConsumer     int32      `json:"graph_min_consumer"`
	StrippedDefaultAttrs bool       `json:"stripped_default_attrs"`
	GraphNodes           int        `json:"graph_nodes"`
	Functions            int        `json:"functions"`

	Signatures []SignatureDescription `json:"signatures"`

	Variables     []Variable `json:"variables"`
	VariableBytes int64      `json:"variable_bytes"`

	Assets     []Asset  `json:"assets"`
	InitOps    []string `json:"init_ops"`
	InitSource string   `json:"init_source,omitempty"`
	RestoreOp  string   `json:"restore_op,omitempty"`
	// LoadOps are the ops that restore and init run.
	LoadOps []OpCount `json:"load_ops"`

	Unsupported []string `json:"unsupported,omitempty"`
}

// SignatureDescription is a signature plus the ops its outputs need.
type SignatureDescription struct {
	Signature
	// Ops reachable from the outputs (stopping at the inputs), including
	// the bodies of the library functions they call (FunctionsUsed).
	Ops           []OpCount `json:"ops"`
	FunctionsUsed []string  `json:"functions_used"`
}

// Variable is one checkpoint tensor as the bundle index records it.
type Variable struct {
	Key   string       `json:"key"`
	DType tensor.DType `json:"-"`
	Shape []int        `json:"shape"`
	Bytes int64        `json:"bytes"`
}

// MarshalJSON writes the dtype by name.
func (v Variable) MarshalJSON() ([]byte, error) {
	type plain Variable
	return json.Marshal(struct {
		plain
		DType string `json:"dtype"`
	}{plain(v), v.DType.String()})
}

// MarshalJSON writes the dtype by name.
func (t TensorInfo) MarshalJSON() ([]byte, error) {
	type plain TensorInfo
	return json.Marshal(struct {
		plain
		DType string `json:"dtype"`
	}{plain(t), t.DType.String()})
}

// Describe gathers the description of m; variables come from the bundle
// index only (data files are not read).
func Describe(m *Model) (*Description, error) {
	mg := m.MetaGraph
	g := mg.GetGraphDef()
	d := &Description{
		Dir: m.Dir, Version: m.Version, Format: m.Format, Tags: m.Tags, AvailableTags: m.AvailableTags,
		TFVersion: m.TFVersion, TFGitVersion: m.TFGitVersion, GraphProducer: m.GraphProducer,
		GraphMinConsumer:     g.GetVersions().GetMinConsumer(),
		StrippedDefaultAttrs: mg.GetMetaInfoDef().GetStrippedDefaultAttrs(),
		GraphNodes:           len(g.GetNode()), Functions: len(g.GetLibrary().GetFunction()),
		Assets: m.Assets, InitOps: m.InitOps, InitSource: m.InitSource, RestoreOp: m.RestoreOp,
	}
	for _, k := range m.SignatureKeys() {
		s, err := m.Signature(k)
		if err != nil {
			return nil, err
		}
		ops, funcs := signatureOps(g, s)
		d.Signatures = append(d.Signatures, SignatureDescription{Signature: s, Ops: ops, FunctionsUsed: funcs})
	}
	d.LoadOps = loadOps(m)
	if m.VariablesPrefix != "" {
		r, err := bundle.OpenIndex(m.VariablesPrefix)
		if err != nil {
			return nil, fmt.Errorf("describe %s: %w", m.Dir, err)
		}
		for _, k := range r.Keys() {
			e, _ := r.Entry(k)
			dims, _ := ShapeFromProto(e.GetShape())
			if dims == nil {
				dims = []int{}
			}
			d.Variables = append(d.Variables, Variable{Key: k, DType: tensor.DType(e.GetDtype()), Shape: dims, Bytes: e.GetSize()})
			d.VariableBytes += e.GetSize()
		}
		r.Close()
	}
	return d, nil
}

// AllOps is the sorted union of the ops every signature and the load path
// need: what an engine must support to serve the model.
func (d *Description) AllOps() []string {
	set := map[string]bool{}
	for _, s := range d.Signatures {
		for _, o := range s.Ops {
			set[o.Op] = true
		}
	}
	for _, o := range d.LoadOps {
		set[o.Op] = true
	}
	out := make([]string, 0, len(set))
	for op := range set {
		out = append(out, op)
	}
	sort.Strings(out)
	return out
}
