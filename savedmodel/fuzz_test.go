package savedmodel

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/savedmodel/tfpb"
)

func seedModels(f *testing.F) [][]byte {
	var out [][]byte
	for _, name := range []string{
		"tfjs_node_test_objects/times_two_int/saved_model.pb",
		"tfserving_half_plus_two_tf1/00000123/saved_model.pb",
		"tfserving_half_plus_three_tf1/00000123/saved_model.pb",
	} {
		if b, err := os.ReadFile(filepath.Join(fixtures.Root(), "fixtures/savedmodels", name)); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// FuzzParse: binary SavedModels, seeded with real ones. Whatever parses
// must survive Describe-style walks without panicking.
func FuzzParse(f *testing.F) {
	for _, b := range seedModels(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sm, err := Parse(b, false)
		if err != nil {
			return
		}
		exercise(sm)
	})
}

// FuzzParseText: the text format, seeded with real models converted to
// text and with TensorFlow-style text.
func FuzzParseText(f *testing.F) {
	for _, b := range seedModels(f) {
		if sm, err := Parse(b, false); err == nil {
			if txt, err := prototext.Marshal(sm); err == nil {
				f.Add(txt)
			}
		}
	}
	f.Add([]byte(tfStyleText))
	f.Fuzz(func(t *testing.T, b []byte) {
		sm, err := Parse(b, true)
		if err != nil {
			return
		}
		exercise(sm)
	})
}

// exercise runs the loader's derivations on every MetaGraphDef.
func exercise(sm *tfpb.SavedModel) {
	for _, mg := range sm.MetaGraphs {
		m := &Model{Dir: "/nonexistent", MetaGraph: mg}
		assets(mg, m.Dir)
		initOps(mg)
		for _, k := range m.SignatureKeys() {
			s, _ := m.Signature(k)
			signatureOps(mg.GetGraphDef(), s)
		}
		loadOps(m)
	}
}

// FuzzDecodeTensor decodes arbitrary TensorProto bytes.
func FuzzDecodeTensor(f *testing.F) {
	for _, p := range []*tfpb.TensorProto{
		{Dtype: tfpb.DataType_DT_FLOAT, TensorShape: shapeProto(3), FloatVal: []float32{1}},
		{Dtype: tfpb.DataType_DT_STRING, TensorShape: shapeProto(2), TensorContent: []byte{1, 2, 'a', 'b', 'c'}},
		{Dtype: tfpb.DataType_DT_INT64, TensorShape: shapeProto(2, 1), TensorContent: make([]byte, 16)},
	} {
		b, _ := proto.Marshal(p)
		f.Add(b)
	}
	// Real Const values from a graph.
	if bs := seedModels(f); len(bs) > 0 {
		if sm, err := Parse(bs[len(bs)-1], false); err == nil {
			for _, n := range sm.MetaGraphs[0].GetGraphDef().GetNode() {
				if v := n.GetAttr()["value"].GetTensor(); v != nil {
					b, _ := proto.Marshal(v)
					f.Add(b)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p := &tfpb.TensorProto{}
		if proto.Unmarshal(b, p) != nil {
			return
		}
		if dims, ok := ShapeFromProto(p.TensorShape); ok {
			n := 1
			for _, d := range dims {
				if d > 0 {
					n *= min(d, 1<<20)
				}
			}
			if n > 1<<20 && len(p.TensorContent) == 0 {
				return // large repeat-filled constants are legal, just slow to fuzz
			}
		}
		tt, err := DecodeTensor(p)
		if err != nil {
			return
		}
		if n := reflect.ValueOf(tt.Data()).Len(); n != tt.NumElements() {
			t.Fatalf("%v holds %d values", tt, n)
		}
	})
}

// FuzzParseTensorName: accepted names re-form to the same node and index.
func FuzzParseTensorName(f *testing.F) {
	for _, s := range []string{"x:0", "x", "^x", "a/b:12", ":0", "x:01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		node, idx, err := ParseTensorName(s)
		if err != nil {
			return
		}
		if node == "" || idx < -1 {
			t.Fatalf("%q -> %q %d", s, node, idx)
		}
		if idx == -1 && s != "^"+node {
			t.Fatalf("%q -> control %q", s, node)
		}
	})
}
