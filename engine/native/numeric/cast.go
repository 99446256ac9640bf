package numeric

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

func convert[S, D number](dst []D, src []S) {
	src = src[:len(dst)]
	for i, x := range src {
		dst[i] = D(x)
	}
}

func toBool[S number](dst []bool, src []S) {
	src = src[:len(dst)]
	for i, x := range src {
		dst[i] = x != 0
	}
}

func fromBool[D number](dst []D, src []bool) {
	src = src[:len(dst)]
	for i, x := range src {
		if x {
			dst[i] = 1
		} else {
			dst[i] = 0
		}
	}
}

// castFrom converts src (a numeric slice) into dst, any numeric or bool
// slice. Go's float-to-int conversion truncates toward zero, as C++'s
// static_cast in TensorFlow's Cast does.
func castFrom[S number](dst any, src []S) bool {
	switch d := dst.(type) {
	case []float32:
		convert(d, src)
	case []float64:
		convert(d, src)
	case []int32:
		convert(d, src)
	case []int64:
		convert(d, src)
	case []uint8:
		convert(d, src)
	case []int8:
		convert(d, src)
	case []int16:
		convert(d, src)
	case []uint16:
		convert(d, src)
	case []uint32:
		convert(d, src)
	case []uint64:
		convert(d, src)
	case []bool:
		toBool(d, src)
	default:
		return false
	}
	return true
}

func castBool(dst any, src []bool) bool {
	switch d := dst.(type) {
	case []float32:
		fromBool(d, src)
	case []float64:
		fromBool(d, src)
	case []int32:
		fromBool(d, src)
	case []int64:
		fromBool(d, src)
	case []uint8:
		fromBool(d, src)
	case []int8:
		fromBool(d, src)
	case []int16:
		fromBool(d, src)
	case []uint16:
		fromBool(d, src)
	case []uint32:
		fromBool(d, src)
	case []uint64:
		fromBool(d, src)
	case []bool:
		copy(d, src)
	default:
		return false
	}
	return true
}

// castTensor converts x to dt.
func castTensor(c op.Context, x *tensor.Tensor, dt tensor.DType) (*tensor.Tensor, error) {
	if x.DType() == dt {
		return x, nil
	}
	bad := func(d tensor.DType) bool {
		return d == tensor.Half || d == tensor.BFloat16 || !(isRealNumber(d) || d == tensor.Bool)
	}
	if bad(x.DType()) || bad(dt) {
		return nil, c.Errorf("Cast %s to %s is not supported", x.DType(), dt)
	}
	out, err := allocDirty(c, dt, x.Shape()) // castFrom stores every element
	if err != nil {
		return nil, err
	}
	dst := out.Data()
	switch s := x.Data().(type) {
	case []float32:
		castFrom(dst, s)
	case []float64:
		castFrom(dst, s)
	case []int32:
		castFrom(dst, s)
	case []int64:
		castFrom(dst, s)
	case []uint8:
		castFrom(dst, s)
	case []int8:
		castFrom(dst, s)
	case []int16:
		castFrom(dst, s)
	case []uint16:
		castFrom(dst, s)
	case []uint32:
		castFrom(dst, s)
	case []uint64:
		castFrom(dst, s)
	case []bool:
		castBool(dst, s)
	}
	return out, nil
}

func castK(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	dt, err := op.Type(c, "DstT")
	if err != nil {
		return nil, err
	}
	return one(castTensor(c, in[0], dt))
}

func castDefs() []op.Def {
	return []op.Def{
		{Spec: "Cast(x: SrcT) -> (y: DstT); SrcT: type; DstT: type; Truncate: bool = false", Kernel: castK},
	}
}
