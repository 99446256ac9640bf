package savedmodel

import (
	"encoding/binary"
	"reflect"
	"testing"

	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

func shapeProto(dims ...int64) *tfpb.TensorShapeProto {
	p := &tfpb.TensorShapeProto{}
	for _, d := range dims {
		p.Dim = append(p.Dim, &tfpb.TensorShapeProto_Dim{Size: d})
	}
	return p
}

// TensorFlow fills a shape from fewer typed values by repeating the last
// one (tensor.cc FromProtoField); Const nodes like float_val: 0 with shape
// [3] rely on it.
func TestDecodeTensorRepeatsLastValue(t *testing.T) {
	cases := []struct {
		p    *tfpb.TensorProto
		want any
	}{
		{&tfpb.TensorProto{Dtype: tfpb.DataType_DT_FLOAT, TensorShape: shapeProto(3), FloatVal: []float32{0}}, []float32{0, 0, 0}},
		{&tfpb.TensorProto{Dtype: tfpb.DataType_DT_FLOAT, TensorShape: shapeProto(2, 2), FloatVal: []float32{1, 2}}, []float32{1, 2, 2, 2}},
		{&tfpb.TensorProto{Dtype: tfpb.DataType_DT_INT64, TensorShape: shapeProto(3), Int64Val: []int64{7}}, []int64{7, 7, 7}},
		{&tfpb.TensorProto{Dtype: tfpb.DataType_DT_INT32, TensorShape: shapeProto(2)}, []int32{0, 0}},
		{&tfpb.TensorProto{Dtype: tfpb.DataType_DT_STRING, TensorShape: shapeProto(3), StringVal: [][]byte{[]byte("a"), []byte("b")}}, []string{"a", "b", "b"}},
		{&tfpb.TensorProto{Dtype: tfpb.DataType_DT_BOOL, TensorShape: shapeProto(2), BoolVal: []bool{true}}, []bool{true, true}},
		{&tfpb.TensorProto{Dtype: tfpb.DataType_DT_UINT8, TensorShape: shapeProto(2), IntVal: []int32{255}}, []uint8{255, 255}},
		{&tfpb.TensorProto{Dtype: tfpb.DataType_DT_HALF, TensorShape: shapeProto(2), HalfVal: []int32{0x3c00}}, []uint16{0x3c00, 0x3c00}},
		{&tfpb.TensorProto{Dtype: tfpb.DataType_DT_DOUBLE, TensorShape: shapeProto(), DoubleVal: []float64{2.5}}, []float64{2.5}},
	}
	for _, c := range cases {
		got, err := DecodeTensor(c.p)
		if err != nil {
			t.Errorf("%v: %v", c.p, err)
			continue
		}
		if !reflect.DeepEqual(got.Data(), c.want) {
			t.Errorf("%v: got %v want %v", c.p, got.Data(), c.want)
		}
	}
	tooMany := &tfpb.TensorProto{Dtype: tfpb.DataType_DT_FLOAT, TensorShape: shapeProto(1), FloatVal: []float32{1, 2}}
	if _, err := DecodeTensor(tooMany); err == nil {
		t.Error("more values than elements: no error")
	}
}

func TestDecodeTensorContent(t *testing.T) {
	raw := make([]byte, 8)
	binary.LittleEndian.PutUint32(raw, 0x3f800000) // 1.0
	binary.LittleEndian.PutUint32(raw[4:], 0xc0000000)
	got, err := DecodeTensor(&tfpb.TensorProto{Dtype: tfpb.DataType_DT_FLOAT, TensorShape: shapeProto(2), TensorContent: raw})
	if err != nil || !reflect.DeepEqual(got.Data(), []float32{1, -2}) {
		t.Fatalf("float content: %v %v", got, err)
	}
	// Strings in tensor_content: varint lengths first, then the bytes
	// (DecodeStringList), built here by hand.
	content := []byte{3, 0, 2}
	content = append(content, "abcxy"...)
	got, err = DecodeTensor(&tfpb.TensorProto{Dtype: tfpb.DataType_DT_STRING, TensorShape: shapeProto(3), TensorContent: content})
	if err != nil || !reflect.DeepEqual(got.Data(), []string{"abc", "", "xy"}) {
		t.Fatalf("string content: %v %v", got, err)
	}
	long := make([]byte, 300)
	content = binary.AppendUvarint(nil, 300)
	content = append(content, long...)
	if got, err = DecodeTensor(&tfpb.TensorProto{Dtype: tfpb.DataType_DT_STRING, TensorShape: shapeProto(), TensorContent: content}); err != nil || len(tensor.MustValues[string](got)[0]) != 300 {
		t.Fatalf("300-byte string: %v", err)
	}
	for _, bad := range [][]byte{{3, 0, 2, 'a'}, {0x80}, {1, 1, 1, 'a', 'b', 'c', 'd'}} {
		if _, err := DecodeTensor(&tfpb.TensorProto{Dtype: tfpb.DataType_DT_STRING, TensorShape: shapeProto(3), TensorContent: bad}); err == nil {
			t.Errorf("bad string content % x: no error", bad)
		}
	}
	if _, err := DecodeTensor(&tfpb.TensorProto{Dtype: tfpb.DataType_DT_FLOAT, TensorShape: shapeProto(3), TensorContent: raw}); err == nil {
		t.Error("8 bytes for float32[3]: no error")
	}
	if _, err := DecodeTensor(&tfpb.TensorProto{Dtype: tfpb.DataType_DT_FLOAT, TensorShape: &tfpb.TensorShapeProto{UnknownRank: true}}); err == nil {
		t.Error("unknown rank: no error")
	}
	if _, err := DecodeTensor(nil); err == nil {
		t.Error("nil: no error")
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, src := range []*tensor.Tensor{
		tensor.Must(tensor.Float, []int{2, 2}, []float32{1, 2, 3, 4}),
		tensor.Must(tensor.String, []int{2}, []string{"x", ""}),
		tensor.Scalar(int64(5)),
	} {
		p, err := EncodeTensor(src)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeTensor(p)
		if err != nil || !reflect.DeepEqual(back.Data(), src.Data()) || !reflect.DeepEqual(back.Shape(), src.Shape()) {
			t.Errorf("%v: round trip gave %v %v", src, back, err)
		}
	}
}
