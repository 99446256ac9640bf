package numeric

import (
	"math"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// Legacy and small ops that older (TF1) graphs still contain.

func truncModF[T floating](x, y T) T { return T(math.Mod(float64(x), float64(y))) }
func truncModI[T integer](x, y T) T  { return x % y }

// concatV1 is the old Concat: the axis comes first.
func concatV1(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	args := append(append([]*tensor.Tensor(nil), in[1:]...), in[0])
	return concatV2(c, args)
}

func snapshot(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	return []*tensor.Tensor{in[0]}, nil
}

// checkNumerics passes its input through, failing on NaN or Inf with the
// node's message, as TensorFlow does.
func checkNumerics(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	msg, err := op.String(c, "message")
	if err != nil {
		return nil, err
	}
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	switch x := in[0].Data().(type) {
	case []float32:
		for _, v := range x {
			if bad(float64(v)) {
				return nil, c.Errorf("%s : Tensor had NaN or Inf values", msg)
			}
		}
	case []float64:
		for _, v := range x {
			if bad(v) {
				return nil, c.Errorf("%s : Tensor had NaN or Inf values", msg)
			}
		}
	}
	return []*tensor.Tensor{in[0]}, nil
}

func extraDefs() []op.Def {
	spec := func(name string) string { return name + "(x: T, y: T) -> (z: T); T: type" }
	mod := divKernel(floats(truncModF[float32], truncModF[float64]),
		intsOnly(truncModI[int32], truncModI[int64], truncModI[uint8], truncModI[int8], truncModI[int16], truncModI[uint16], truncModI[uint32], truncModI[uint64]))
	return []op.Def{
		{Spec: spec("TruncateMod"), Kernel: mod},
		{Spec: spec("Mod"), Kernel: mod},
		{Spec: "BiasAddV1(value: T, bias: T) -> (output: T); T: type", Kernel: func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
			return biasAdd(nhwc{c}, in)
		}},
		{Spec: "Concat(concat_dim: int32, values: N * T) -> (output: T); N: int; T: type", Kernel: concatV1},
		{Spec: "MaxPoolV2(input: T, ksize: int32, strides: int32) -> (output: T); T: type = DT_FLOAT; padding: string; data_format: string = 'NHWC'", Kernel: maxPoolV2},
		{Spec: "Snapshot(input: T) -> (output: T); T: type", Kernel: snapshot},
		{Spec: "CheckNumerics(tensor: T) -> (output: T); T: type; message: string", Kernel: checkNumerics},
	}
}

// maxPoolV2 is MaxPool with ksize and strides as inputs.
func maxPoolV2(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	ks, err := ints(c, "ksize", in[1])
	if err != nil {
		return nil, err
	}
	st, err := ints(c, "strides", in[2])
	if err != nil {
		return nil, err
	}
	list := func(v []int64) *tfpb.AttrValue {
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: &tfpb.AttrValue_ListValue{I: v}}}
	}
	oc := overrides{c, map[string]*tfpb.AttrValue{"ksize": list(ks), "strides": list(st)}}
	return pool(true)(oc, in[:1])
}

// overrides supplies attrs that an op version takes as inputs.
type overrides struct {
	op.Context
	m map[string]*tfpb.AttrValue
}

func (o overrides) Attr(name string) (*tfpb.AttrValue, bool) {
	if v, ok := o.m[name]; ok {
		return v, true
	}
	return o.Context.Attr(name)
}

// nhwc supplies BiasAddV1's implicit data_format.
type nhwc struct{ op.Context }

func (n nhwc) Attr(name string) (*tfpb.AttrValue, bool) {
	if name == "data_format" {
		return nhwcAttr, true
	}
	return n.Context.Attr(name)
}

var nhwcAttr = &tfpb.AttrValue{Value: &tfpb.AttrValue_S{S: []byte("NHWC")}}
