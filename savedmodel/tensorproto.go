package savedmodel

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// ShapeFromProto converts a TensorShapeProto: dims with -1 for unknown, and
// whether the rank is known. A nil proto is an unknown rank.
func ShapeFromProto(p *tfpb.TensorShapeProto) ([]int, bool) {
	if p == nil || p.UnknownRank {
		return nil, false
	}
	dims := make([]int, len(p.Dim))
	for i, d := range p.Dim {
		if d.Size < 0 {
			dims[i] = -1
		} else {
			dims[i] = int(d.Size)
		}
	}
	return dims, true
}

// ShapeToProto converts dims (-1 for unknown) to a TensorShapeProto.
func ShapeToProto(dims []int) *tfpb.TensorShapeProto {
	p := &tfpb.TensorShapeProto{Dim: make([]*tfpb.TensorShapeProto_Dim, len(dims))}
	for i, d := range dims {
		p.Dim[i] = &tfpb.TensorShapeProto_Dim{Size: int64(d)}
	}
	return p
}

// DecodeTensor converts a TensorProto to a tensor, following TensorFlow's
// rules: tensor_content holds raw little-endian bytes (for strings: varint
// lengths then the bytes); otherwise the typed *_val field is used, and when
// it has fewer values than the shape needs the last one is repeated.
func DecodeTensor(p *tfpb.TensorProto) (*tensor.Tensor, error) {
	if p == nil {
		return nil, fmt.Errorf("decode tensor: nil TensorProto")
	}
	dt := tensor.DType(p.Dtype).Base()
	dims, known := ShapeFromProto(p.TensorShape)
	if !known {
		return nil, fmt.Errorf("decode tensor: %s tensor has unknown rank", dt)
	}
	for _, d := range dims {
		if d < 0 {
			return nil, fmt.Errorf("decode tensor: %s%v has an unknown dimension", dt, dims)
		}
	}
	n, err := numElements(dims)
	if err != nil {
		return nil, fmt.Errorf("decode tensor: %w", err)
	}
	if len(p.TensorContent) > 0 {
		if dt == tensor.String {
			vals, err := decodeStringList(p.TensorContent, n)
			if err != nil {
				return nil, fmt.Errorf("decode tensor: %w", err)
			}
			return tensor.New(dt, dims, vals)
		}
		t, err := tensor.FromRaw(dt, dims, p.TensorContent)
		if err != nil {
			return nil, fmt.Errorf("decode tensor: %w", err)
		}
		return t, nil
	}
	if n > maxFilledElements {
		return nil, fmt.Errorf("decode tensor: %s%v has %d elements, more than the %d a constant may expand to from typed values", dt, dims, n, maxFilledElements)
	}
	data, err := tensor.MakeSlice(dt, n)
	if err != nil {
		return nil, fmt.Errorf("decode tensor: %w", err)
	}
	var have int
	switch out := data.(type) {
	case []float32:
		have = fill(out, p.FloatVal, func(v float32) float32 { return v })
	case []float64:
		have = fill(out, p.DoubleVal, func(v float64) float64 { return v })
	case []int32:
		have = fill(out, p.IntVal, func(v int32) int32 { return v })
	case []int16:
		have = fill(out, p.IntVal, func(v int32) int16 { return int16(v) })
	case []int8:
		have = fill(out, p.IntVal, func(v int32) int8 { return int8(v) })
	case []uint8:
		have = fill(out, p.IntVal, func(v int32) uint8 { return uint8(v) })
	case []uint16:
		if dt == tensor.Half || dt == tensor.BFloat16 {
			have = fill(out, p.HalfVal, func(v int32) uint16 { return uint16(v) })
		} else {
			have = fill(out, p.IntVal, func(v int32) uint16 { return uint16(v) })
		}
	case []int64:
		have = fill(out, p.Int64Val, func(v int64) int64 { return v })
	case []uint32:
		have = fill(out, p.Uint32Val, func(v uint32) uint32 { return v })
	case []uint64:
		have = fill(out, p.Uint64Val, func(v uint64) uint64 { return v })
	case []bool:
		have = fill(out, p.BoolVal, func(v bool) bool { return v })
	case []string:
		have = fill(out, p.StringVal, func(v []byte) string { return string(v) })
	case []complex64:
		pairs := make([]complex64, len(p.ScomplexVal)/2)
		for i := range pairs {
			pairs[i] = complex(p.ScomplexVal[2*i], p.ScomplexVal[2*i+1])
		}
		have = fill(out, pairs, func(v complex64) complex64 { return v })
	case []complex128:
		pairs := make([]complex128, len(p.DcomplexVal)/2)
		for i := range pairs {
			pairs[i] = complex(p.DcomplexVal[2*i], p.DcomplexVal[2*i+1])
		}
		have = fill(out, pairs, func(v complex128) complex128 { return v })
	default:
		return nil, fmt.Errorf("decode tensor: %s constants are not supported", dt)
	}
	if have > n {
		return nil, fmt.Errorf("decode tensor: %s%v has %d values, more than its %d elements", dt, dims, have, n)
	}
	return tensor.New(dt, dims, data)
}

// maxFilledElements bounds tensors built from typed *_val fields, whose
// element count comes from the shape alone (the repeat-last-value rule lets
// a few bytes ask for any size). Tensors from tensor_content are bounded by
// the content's length instead.
const maxFilledElements = 1 << 28

// fill copies src into dst converted, repeating the last value, and returns
// len(src).
func fill[S, D any](dst []D, src []S, conv func(S) D) int {
	if len(src) > len(dst) {
		return len(src)
	}
	for i, v := range src {
		dst[i] = conv(v)
	}
	if len(src) > 0 {
		last := conv(src[len(src)-1])
		for i := len(src); i < len(dst); i++ {
			dst[i] = last
		}
	}
	return len(src)
}

func numElements(dims []int) (int, error) {
	n := 1
	for _, d := range dims {
		if d != 0 && n > math.MaxInt32*64/d {
			return 0, fmt.Errorf("shape %v is too large", dims)
		}
		n *= d
	}
	return n, nil
}

// decodeStringList reads n varint lengths followed by the concatenated
// bytes (TensorFlow's DecodeStringList).
func decodeStringList(b []byte, n int) ([]string, error) {
	if n > len(b) { // every length takes at least one byte
		return nil, fmt.Errorf("string tensor content: %d bytes cannot hold %d lengths", len(b), n)
	}
	lens := make([]uint64, n)
	off := 0
	var total uint64
	for i := range lens {
		v, k := binary.Uvarint(b[off:])
		if k <= 0 {
			return nil, fmt.Errorf("string tensor content: bad length %d of %d", i, n)
		}
		if v > uint64(len(b)) {
			return nil, fmt.Errorf("string tensor content: length %d of element %d exceeds the %d-byte content", v, i, len(b))
		}
		lens[i] = v
		total += v
		off += k
	}
	if total != uint64(len(b)-off) {
		return nil, fmt.Errorf("string tensor content: lengths add to %d, %d bytes remain", total, len(b)-off)
	}
	out := make([]string, n)
	for i, l := range lens {
		out[i] = string(b[off : off+int(l)])
		off += int(l)
	}
	return out, nil
}

// EncodeTensor converts a tensor to a TensorProto: tensor_content for
// fixed-size types, string_val for strings (as TensorFlow's Python writes
// small constants; both forms decode the same).
func EncodeTensor(t *tensor.Tensor) (*tfpb.TensorProto, error) {
	p := &tfpb.TensorProto{Dtype: tfpb.DataType(t.DType()), TensorShape: ShapeToProto(t.Shape())}
	if t.DType() == tensor.String {
		for _, s := range tensor.MustValues[string](t) {
			p.StringVal = append(p.StringVal, []byte(s))
		}
		return p, nil
	}
	raw, err := t.Raw()
	if err != nil {
		return nil, fmt.Errorf("encode tensor: %w", err)
	}
	p.TensorContent = raw
	return p, nil
}
