package tensor

import "fmt"

// DType is a TensorFlow data type. The numbers are TensorFlow's DataType enum
// (types.proto) and TF_DataType of the C API, so they pass through unchanged.
type DType int32

// The data types score knows. Reference types (value+100) are folded to their
// base type by Base.
const (
	Invalid    DType = 0
	Float      DType = 1
	Double     DType = 2
	Int32      DType = 3
	Uint8      DType = 4
	Int16      DType = 5
	Int8       DType = 6
	String     DType = 7
	Complex64  DType = 8
	Int64      DType = 9
	Bool       DType = 10
	Qint8      DType = 11
	Quint8     DType = 12
	Qint32     DType = 13
	BFloat16   DType = 14
	Qint16     DType = 15
	Quint16    DType = 16
	Uint16     DType = 17
	Complex128 DType = 18
	Half       DType = 19
	Resource   DType = 20
	Variant    DType = 21
	Uint32     DType = 22
	Uint64     DType = 23
)

var dtypeNames = map[DType]string{
	Invalid: "invalid", Float: "float32", Double: "float64", Int32: "int32", Uint8: "uint8",
	Int16: "int16", Int8: "int8", String: "string", Complex64: "complex64", Int64: "int64",
	Bool: "bool", Qint8: "qint8", Quint8: "quint8", Qint32: "qint32", BFloat16: "bfloat16",
	Qint16: "qint16", Quint16: "quint16", Uint16: "uint16", Complex128: "complex128",
	Half: "float16", Resource: "resource", Variant: "variant", Uint32: "uint32", Uint64: "uint64",
}

// String returns the numpy-style name of the type (float32, int64, string, ...).
func (d DType) String() string {
	if n, ok := dtypeNames[d.Base()]; ok {
		if d.IsRef() {
			return n + "_ref"
		}
		return n
	}
	return fmt.Sprintf("dtype(%d)", int32(d))
}

// ParseDType accepts the numpy-style names of String and TensorFlow's enum
// names (DT_FLOAT, DT_INT64, ...).
func ParseDType(s string) (DType, error) {
	for d, n := range dtypeNames {
		if s == n || s == tfNames[d] {
			return d, nil
		}
	}
	switch s {
	case "float", "half":
		if s == "half" {
			return Half, nil
		}
		return Float, nil
	case "double":
		return Double, nil
	}
	return Invalid, fmt.Errorf("tensor: unknown dtype %q", s)
}

var tfNames = map[DType]string{
	Invalid: "DT_INVALID", Float: "DT_FLOAT", Double: "DT_DOUBLE", Int32: "DT_INT32", Uint8: "DT_UINT8",
	Int16: "DT_INT16", Int8: "DT_INT8", String: "DT_STRING", Complex64: "DT_COMPLEX64", Int64: "DT_INT64",
	Bool: "DT_BOOL", Qint8: "DT_QINT8", Quint8: "DT_QUINT8", Qint32: "DT_QINT32", BFloat16: "DT_BFLOAT16",
	Qint16: "DT_QINT16", Quint16: "DT_QUINT16", Uint16: "DT_UINT16", Complex128: "DT_COMPLEX128",
	Half: "DT_HALF", Resource: "DT_RESOURCE", Variant: "DT_VARIANT", Uint32: "DT_UINT32", Uint64: "DT_UINT64",
}

// TFName returns TensorFlow's enum name, e.g. DT_FLOAT.
func (d DType) TFName() string {
	if n, ok := tfNames[d]; ok {
		return n
	}
	return fmt.Sprintf("DT_%d", int32(d))
}

// IsRef reports whether d is a TF1 reference type (DT_FLOAT_REF, ...).
func (d DType) IsRef() bool { return d > 100 && d < 200 }

// Base folds a reference type to its value type.
func (d DType) Base() DType {
	if d.IsRef() {
		return d - 100
	}
	return d
}

// Size is the byte size of one element in TensorFlow's raw buffers, or 0 for
// types without a fixed size (string, resource, variant).
func (d DType) Size() int {
	switch d.Base() {
	case Float, Int32, Qint32, Uint32:
		return 4
	case Double, Int64, Complex64, Uint64:
		return 8
	case Uint8, Int8, Bool, Qint8, Quint8:
		return 1
	case Int16, Uint16, Half, BFloat16, Qint16, Quint16:
		return 2
	case Complex128:
		return 16
	}
	return 0
}

// IsNumeric reports whether d holds numbers (integers, floats, complex).
func (d DType) IsNumeric() bool {
	switch d.Base() {
	case String, Bool, Resource, Variant, Invalid:
		return false
	}
	return true
}

// IsFloat reports whether d is a real floating-point type.
func (d DType) IsFloat() bool {
	switch d.Base() {
	case Float, Double, Half, BFloat16:
		return true
	}
	return false
}

// IsInteger reports whether d is a (non-quantized) integer type.
func (d DType) IsInteger() bool {
	switch d.Base() {
	case Int8, Int16, Int32, Int64, Uint8, Uint16, Uint32, Uint64:
		return true
	}
	return false
}
