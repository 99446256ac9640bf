package savedmodel

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// Signature is one SignatureDef with its inputs and outputs sorted by key.
type Signature struct {
	Key     string       `json:"key"`
	Method  string       `json:"method,omitempty"`
	Inputs  []TensorInfo `json:"inputs"`
	Outputs []TensorInfo `json:"outputs"`
}

// TensorInfo describes a signature input or output. DType is
// tensor.Invalid and Shape nil with UnknownRank set when the SignatureDef
// leaves them out (some exports do); they are reported, not rejected.
type TensorInfo struct {
	Key         string       `json:"key"`
	Name        string       `json:"name,omitempty"` // "node:index"; empty for sparse and composite tensors
	DType       tensor.DType `json:"dtype"`
	Shape       []int        `json:"shape"` // -1 = unknown dimension
	UnknownRank bool         `json:"unknown_rank,omitempty"`
	Sparse      *SparseInfo  `json:"sparse,omitempty"`
	// Composite lists the component tensor names of a composite tensor
	// (e.g. a RaggedTensor), whose type spec is not interpreted.
	Composite []string `json:"composite,omitempty"`
}

// SparseInfo names the three tensors of a SparseTensor (coo_sparse).
type SparseInfo struct {
	Values     string `json:"values"`
	Indices    string `json:"indices"`
	DenseShape string `json:"dense_shape"`
}

// SignatureKeys returns the signature keys in sorted order, including
// TensorFlow's internal ones (__saved_model_init_op).
func (m *Model) SignatureKeys() []string {
	return sortedKeys(m.MetaGraph.GetSignatureDef())
}

// Signature returns the SignatureDef under key.
func (m *Model) Signature(key string) (Signature, error) {
	sd, ok := m.MetaGraph.GetSignatureDef()[key]
	if !ok {
		return Signature{}, fmt.Errorf("signature %q not found in %s (signatures: %s)", key, m.Dir, listOrNone(m.SignatureKeys()))
	}
	return convertSignature(key, sd), nil
}

func convertSignature(key string, sd *tfpb.SignatureDef) Signature {
	s := Signature{Key: key, Method: sd.GetMethodName()}
	for _, k := range sortedKeys(sd.GetInputs()) {
		s.Inputs = append(s.Inputs, convertTensorInfo(k, sd.GetInputs()[k]))
	}
	for _, k := range sortedKeys(sd.GetOutputs()) {
		s.Outputs = append(s.Outputs, convertTensorInfo(k, sd.GetOutputs()[k]))
	}
	return s
}

func convertTensorInfo(key string, ti *tfpb.TensorInfo) TensorInfo {
	out := TensorInfo{Key: key, Name: ti.GetName(), DType: tensor.DType(ti.GetDtype())}
	if ti.GetTensorShape() == nil {
		out.UnknownRank = true
	} else {
		dims, known := ShapeFromProto(ti.GetTensorShape())
		out.Shape, out.UnknownRank = dims, !known
	}
	if c := ti.GetCooSparse(); c != nil {
		out.Sparse = &SparseInfo{Values: c.GetValuesTensorName(), Indices: c.GetIndicesTensorName(), DenseShape: c.GetDenseShapeTensorName()}
	}
	if c := ti.GetCompositeTensor(); c != nil {
		for _, comp := range c.GetComponents() {
			out.Composite = append(out.Composite, comp.GetName())
		}
	}
	return out
}

// ParseTensorName splits a graph tensor or input name: "name:0" -> (name, 0),
// "name" -> (name, 0), "^name" (a control input) -> (name, -1).
func ParseTensorName(s string) (node string, index int, err error) {
	if strings.HasPrefix(s, "^") {
		node = s[1:]
		if node == "" || strings.Contains(node, ":") {
			return "", 0, fmt.Errorf("bad control input name %q", s)
		}
		return node, -1, nil
	}
	node = s
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		n, perr := strconv.Atoi(s[i+1:])
		if perr != nil || n < 0 || s[i+1:] != strconv.Itoa(n) {
			return "", 0, fmt.Errorf("bad tensor name %q: output index %q", s, s[i+1:])
		}
		node, index = s[:i], n
	}
	if node == "" {
		return "", 0, fmt.Errorf("bad tensor name %q: empty node name", s)
	}
	return node, index, nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
