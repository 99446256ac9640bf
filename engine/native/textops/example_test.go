package textops

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// encodeExample writes a tf.train.Example; values are []float32 (packed),
// []int64 (unpacked, to exercise both encodings) or []string.
func encodeExample(features map[string]any) []byte {
	var feats []byte
	for k, v := range features {
		var list []byte
		var kind protowire.Number
		switch x := v.(type) {
		case []string:
			kind = 1
			for _, s := range x {
				list = protowire.AppendTag(list, 1, protowire.BytesType)
				list = protowire.AppendString(list, s)
			}
		case []float32:
			kind = 2
			var packed []byte
			for _, f := range x {
				packed = protowire.AppendFixed32(packed, math.Float32bits(f))
			}
			list = protowire.AppendTag(list, 1, protowire.BytesType)
			list = protowire.AppendBytes(list, packed)
		case []int64:
			kind = 3
			for _, n := range x {
				list = protowire.AppendTag(list, 1, protowire.VarintType)
				list = protowire.AppendVarint(list, uint64(n))
			}
		}
		var feature []byte
		feature = protowire.AppendTag(feature, kind, protowire.BytesType)
		feature = protowire.AppendBytes(feature, list)
		var entry []byte
		entry = protowire.AppendTag(entry, 1, protowire.BytesType)
		entry = protowire.AppendString(entry, k)
		entry = protowire.AppendTag(entry, 2, protowire.BytesType)
		entry = protowire.AppendBytes(entry, feature)
		feats = protowire.AppendTag(feats, 1, protowire.BytesType)
		feats = protowire.AppendBytes(feats, entry)
	}
	var ex []byte
	ex = protowire.AppendTag(ex, 1, protowire.BytesType)
	return protowire.AppendBytes(ex, feats)
}

func shapeList(shapes ...[]int) *tfpb.AttrValue {
	l := &tfpb.AttrValue_ListValue{}
	for _, s := range shapes {
		l.Shape = append(l.Shape, savedmodel.ShapeToProto(s))
	}
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: l}}
}

func typeList(ts ...tensor.DType) *tfpb.AttrValue {
	l := &tfpb.AttrValue_ListValue{}
	for _, t := range ts {
		l.Type = append(l.Type, tfpb.DataType(t))
	}
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: l}}
}

func TestParseExampleV2DenseAndSparse(t *testing.T) {
	ex := []string{
		string(encodeExample(map[string]any{"x": []float32{2}, "tags": []string{"a", "b"}, "ids": []int64{7, -1, 9}})),
		string(encodeExample(map[string]any{"tags": []string{"c"}})),
	}
	c := newCtx(t, "ParseExampleV2", nil, map[string]any{"num_sparse": 1})
	c.attrs["Tdense"] = typeList(tensor.Float, tensor.Int64)
	c.attrs["sparse_types"] = typeList(tensor.String)
	c.attrs["ragged_value_types"] = typeList()
	c.attrs["ragged_split_types"] = typeList()
	c.attrs["dense_shapes"] = shapeList([]int{1}, []int{-1})
	out := mustRun(t, c, strs([]int{2}, ex...), strs([]int{0}), strs([]int{1}, "tags"), strs([]int{2}, "x", "ids"), strs([]int{0}),
		tensor.Must(tensor.Float, []int{1}, []float32{-5}), tensor.Scalar(int64(0)))
	if len(out) != 5 {
		t.Fatalf("%d outputs", len(out))
	}
	if got := tensor.MustValues[int64](out[0]); !reflect.DeepEqual(got, []int64{0, 0, 0, 1, 1, 0}) {
		t.Errorf("sparse indices = %v", got)
	}
	if got := tensor.MustValues[string](out[1]); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("sparse values = %v", got)
	}
	if got := tensor.MustValues[int64](out[2]); !reflect.DeepEqual(got, []int64{2, 2}) {
		t.Errorf("sparse shape = %v", got)
	}
	if got := tensor.MustValues[float32](out[3]); !reflect.DeepEqual(out[3].Shape(), []int{2, 1}) || !reflect.DeepEqual(got, []float32{2, -5}) {
		t.Errorf("dense x = %v %v", out[3].Shape(), got)
	}
	if got := tensor.MustValues[int64](out[4]); !reflect.DeepEqual(out[4].Shape(), []int{2, 3}) || !reflect.DeepEqual(got, []int64{7, -1, 9, 0, 0, 0}) {
		t.Errorf("dense ids = %v %v", out[4].Shape(), got)
	}
	// Errors: wrong type, wrong count, missing required, garbage bytes.
	bad := map[string][]string{
		"type":     {string(encodeExample(map[string]any{"x": []int64{2}}))},
		"count":    {string(encodeExample(map[string]any{"x": []float32{1, 2}}))},
		"required": {string(encodeExample(map[string]any{}))},
		"garbage":  {"\x0a\xff\xff"},
	}
	for name, in := range bad {
		_, err := c.run(strs([]int{1}, in...), strs([]int{0}), strs([]int{1}, "tags"), strs([]int{2}, "x", "ids"), strs([]int{0}),
			tensor.Must(tensor.Float, []int{0}, []float32{}), tensor.Scalar(int64(0)))
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestParseExampleFixtureNodes runs the real ParseExample / ParseExampleV2
// nodes of the TF Serving half_plus_two models (their attrs and dense_keys
// Consts) on Examples carrying x and x2, as the classify/regress signatures
// receive them.
func TestParseExampleFixtureNodes(t *testing.T) {
	for _, model := range []string{"tfserving_half_plus_two_tf1", "tfserving_half_plus_two_tf2"} {
		dir := fixtures.SavedModel(t, model)
		data, err := os.ReadFile(filepath.Join(dir, "00000123", "saved_model.pb"))
		if err != nil {
			t.Fatal(err)
		}
		var sm tfpb.SavedModel
		if err := proto.Unmarshal(data, &sm); err != nil {
			t.Fatal(err)
		}
		opName := "ParseExample"
		if strings.HasSuffix(model, "tf2") {
			opName = "ParseExampleV2"
		}
		n := graphNode(t, &sm, opName)
		consts := map[string]*tensor.Tensor{}
		collect := func(nodes []*tfpb.NodeDef) {
			for _, cn := range nodes {
				if cn.GetOp() == "Const" {
					if v, err := savedmodel.DecodeTensor(cn.GetAttr()["value"].GetTensor()); err == nil {
						consts[cn.GetName()] = v
					}
				}
			}
		}
		collect(sm.GetMetaGraphs()[0].GetGraphDef().GetNode())
		for _, f := range sm.GetMetaGraphs()[0].GetGraphDef().GetLibrary().GetFunction() {
			collect(f.GetNodeDef())
		}
		var keys []*tensor.Tensor
		var names []string
		for _, ref := range n.GetInput()[2:] {
			k := consts[strings.Split(ref, ":")[0]]
			if k != nil && k.DType() == tensor.String {
				keys = append(keys, k)
				names = append(names, tensor.MustValues[string](k)...)
			}
		}
		if !reflect.DeepEqual(names, []string{"x", "x2"}) {
			t.Fatalf("%s: dense keys %q", model, names)
		}
		ex := strs([]int{3},
			string(encodeExample(map[string]any{"x": []float32{2}, "x2": []float32{10}})),
			string(encodeExample(map[string]any{"x": []float32{3}})),
			string(encodeExample(map[string]any{"x": []float32{4}, "x2": []float32{-1}})))
		in := []*tensor.Tensor{ex, strs([]int{0})}
		if opName == "ParseExampleV2" {
			in = append(in, strs([]int{0}), strs([]int{2}, "x", "x2"), strs([]int{0}))
		} else {
			in = append(in, keys...)
		}
		defaults := []*tensor.Tensor{tensor.Must(tensor.Float, []int{0}, []float32{}), tensor.Must(tensor.Float, []int{1}, []float32{0})}
		out := mustRun(t, nodeCtx(t, n, nil), append(in, defaults...)...)
		if got := tensor.MustValues[float32](out[0]); !reflect.DeepEqual(got, []float32{2, 3, 4}) {
			t.Errorf("%s: x = %v", model, got)
		}
		if got := tensor.MustValues[float32](out[1]); !reflect.DeepEqual(got, []float32{10, 0, -1}) || !reflect.DeepEqual(out[1].Shape(), []int{3, 1}) {
			t.Errorf("%s: x2 = %v %v", model, out[1].Shape(), got)
		}
	}
}

func FuzzParseExample(f *testing.F) {
	f.Add(encodeExample(map[string]any{"x": []float32{2}, "tags": []string{"a"}, "ids": []int64{7, -1}}))
	f.Add([]byte{})
	f.Add([]byte("\x0a\x02\x0a\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseExample(b, nil)
		if err != nil {
			return
		}
		for k, feat := range m {
			if feat.Kind < 0 || feat.Kind > 3 {
				t.Fatalf("feature %q kind %d", k, feat.Kind)
			}
		}
	})
}
