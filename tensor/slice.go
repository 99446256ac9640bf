package tensor

import (
	"fmt"
	"reflect"
)

// MakeSlice allocates the zero-valued flat slice for n elements of dt.
func MakeSlice(dt DType, n int) (any, error) {
	switch storageClass(dt) {
	case Float:
		return make([]float32, n), nil
	case Double:
		return make([]float64, n), nil
	case Int32:
		return make([]int32, n), nil
	case Uint8:
		return make([]uint8, n), nil
	case Int16:
		return make([]int16, n), nil
	case Int8:
		return make([]int8, n), nil
	case String:
		return make([]string, n), nil
	case Complex64:
		return make([]complex64, n), nil
	case Complex128:
		return make([]complex128, n), nil
	case Int64:
		return make([]int64, n), nil
	case Bool:
		return make([]bool, n), nil
	case Uint16:
		return make([]uint16, n), nil
	case Uint32:
		return make([]uint32, n), nil
	case Uint64:
		return make([]uint64, n), nil
	case Resource:
		return make([]any, n), nil
	}
	return nil, fmt.Errorf("tensor: unsupported dtype %s", dt)
}

// DTypeOf returns the data type whose Go slice type is that of values. Half,
// BFloat16 and the quantized types share slice types with plain integers and
// are never inferred.
func DTypeOf(values any) (DType, bool) {
	switch values.(type) {
	case []float32:
		return Float, true
	case []float64:
		return Double, true
	case []int32:
		return Int32, true
	case []uint8:
		return Uint8, true
	case []int16:
		return Int16, true
	case []int8:
		return Int8, true
	case []string:
		return String, true
	case []complex64:
		return Complex64, true
	case []complex128:
		return Complex128, true
	case []int64:
		return Int64, true
	case []bool:
		return Bool, true
	case []uint16:
		return Uint16, true
	case []uint32:
		return Uint32, true
	case []uint64:
		return Uint64, true
	}
	return Invalid, false
}

// sliceLen returns the length of data and whether its Go type is the one
// dt is stored in.
func sliceLen(dt DType, data any) (int, bool) {
	if a, ok := data.([]any); ok {
		return len(a), storageClass(dt) == Resource
	}
	class, ok := DTypeOf(data)
	if !ok {
		return 0, false
	}
	return reflect.ValueOf(data).Len(), storageClass(dt) == class
}

// storageClass is the dtype whose Go slice type holds dt's values (the
// quantized and 16-bit float types share the plain integers' slices), or
// Invalid.
func storageClass(dt DType) DType {
	switch b := dt.Base(); b {
	case Float, Double, Int32, Uint8, Int16, Int8, String, Complex64, Complex128, Int64, Bool, Uint16, Uint32, Uint64:
		return b
	case Qint32:
		return Int32
	case Quint8:
		return Uint8
	case Qint16:
		return Int16
	case Qint8:
		return Int8
	case Quint16, Half, BFloat16:
		return Uint16
	case Resource, Variant:
		return Resource
	}
	return Invalid
}

func cloneSlice(data any) any {
	switch v := data.(type) {
	case []float32:
		return append([]float32(nil), v...)
	case []float64:
		return append([]float64(nil), v...)
	case []int32:
		return append([]int32(nil), v...)
	case []uint8:
		return append([]uint8(nil), v...)
	case []int16:
		return append([]int16(nil), v...)
	case []int8:
		return append([]int8(nil), v...)
	case []string:
		return append([]string(nil), v...)
	case []complex64:
		return append([]complex64(nil), v...)
	case []complex128:
		return append([]complex128(nil), v...)
	case []int64:
		return append([]int64(nil), v...)
	case []bool:
		return append([]bool(nil), v...)
	case []uint16:
		return append([]uint16(nil), v...)
	case []uint32:
		return append([]uint32(nil), v...)
	case []uint64:
		return append([]uint64(nil), v...)
	case []any:
		return append([]any(nil), v...)
	}
	return data
}
