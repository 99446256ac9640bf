package tensor

import (
	"encoding/binary"
	"fmt"
	"unsafe"
)

// FromRaw decodes TensorFlow's raw little-endian, row-major buffer layout (as in
// TensorProto.tensor_content, checkpoint data files and TF_TensorData) for a
// fixed-size dtype. The bytes are copied.
func FromRaw(dt DType, shape []int, raw []byte) (*Tensor, error) {
	n, err := checkShape(shape)
	if err != nil {
		return nil, err
	}
	size := dt.Size()
	if size == 0 {
		return nil, fmt.Errorf("tensor: %s has no raw layout", dt)
	}
	if len(raw) != n*size {
		return nil, fmt.Errorf("%w: %s%v needs %d bytes, got %d", ErrShape, dt, shape, n*size, len(raw))
	}
	data, err := MakeSlice(dt, n)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		copy(unsafe.Slice((*byte)(slicePtr(data)), n*size), raw)
	}
	return &Tensor{dtype: dt.Base(), shape: append([]int(nil), shape...), data: data}, nil
}

// FromRawView is FromRaw without the copy: the tensor aliases raw, which must
// stay valid and unmodified for the tensor's life (e.g. a read-only mmap). It
// falls back to a copy when raw is not aligned for the element type.
func FromRawView(dt DType, shape []int, raw []byte) (*Tensor, error) {
	size := dt.Size()
	if size == 0 || len(raw) == 0 || uintptr(unsafe.Pointer(&raw[0]))%uintptr(size) != 0 {
		return FromRaw(dt, shape, raw)
	}
	n, err := checkShape(shape)
	if err != nil {
		return nil, err
	}
	if len(raw) != n*size {
		return nil, fmt.Errorf("%w: %s%v needs %d bytes, got %d", ErrShape, dt, shape, n*size, len(raw))
	}
	p := unsafe.Pointer(&raw[0])
	var data any
	switch dt.Base() {
	case Float:
		data = unsafe.Slice((*float32)(p), n)
	case Double:
		data = unsafe.Slice((*float64)(p), n)
	case Int32, Qint32:
		data = unsafe.Slice((*int32)(p), n)
	case Int64:
		data = unsafe.Slice((*int64)(p), n)
	default:
		return FromRaw(dt, shape, raw)
	}
	return &Tensor{dtype: dt.Base(), shape: append([]int(nil), shape...), data: data}, nil
}

// Raw returns the little-endian raw bytes of a fixed-size tensor (a copy).
func (t *Tensor) Raw() ([]byte, error) {
	size := t.dtype.Size()
	if size == 0 {
		return nil, fmt.Errorf("tensor: %s has no raw layout", t.dtype)
	}
	n := t.NumElements()
	out := make([]byte, n*size)
	if n > 0 {
		copy(out, unsafe.Slice((*byte)(slicePtr(t.data)), n*size))
	}
	return out, nil
}

func init() {
	// The unsafe copies above assume a little-endian host, as TensorFlow's
	// files do. Every platform Go supports for score (amd64, arm64) is.
	var x uint16 = 1
	if binary.LittleEndian.Uint16(unsafe.Slice((*byte)(unsafe.Pointer(&x)), 2)) != 1 {
		panic("tensor: big-endian hosts are not supported")
	}
}

func slicePtr(data any) unsafe.Pointer {
	switch v := data.(type) {
	case []float32:
		return unsafe.Pointer(unsafe.SliceData(v))
	case []float64:
		return unsafe.Pointer(unsafe.SliceData(v))
	case []int32:
		return unsafe.Pointer(unsafe.SliceData(v))
	case []uint8:
		return unsafe.Pointer(unsafe.SliceData(v))
	case []int16:
		return unsafe.Pointer(unsafe.SliceData(v))
	case []int8:
		return unsafe.Pointer(unsafe.SliceData(v))
	case []complex64:
		return unsafe.Pointer(unsafe.SliceData(v))
	case []complex128:
		return unsafe.Pointer(unsafe.SliceData(v))
	case []int64:
		return unsafe.Pointer(unsafe.SliceData(v))
	case []bool:
		return unsafe.Pointer(unsafe.SliceData(v))
	case []uint16:
		return unsafe.Pointer(unsafe.SliceData(v))
	case []uint32:
		return unsafe.Pointer(unsafe.SliceData(v))
	case []uint64:
		return unsafe.Pointer(unsafe.SliceData(v))
	}
	panic(fmt.Sprintf("tensor: no raw layout for %T", data))
}

// DataAddr is the address of the first element of t's data, for executors
// that recycle buffers and must know which buffer a tensor (or a view of
// it) lives in; 0 for empty tensors and for types without a raw layout
// (strings, resources, variants).
func DataAddr(t *Tensor) uintptr {
	if t == nil || t.dtype.Size() == 0 || t.NumElements() <= 0 {
		return 0
	}
	return uintptr(slicePtr(t.data))
}

// SliceAddr is DataAddr for a non-empty flat slice of a fixed-size element
// type, as MakeSlice makes them (it panics for other types).
func SliceAddr(data any) uintptr { return uintptr(slicePtr(data)) }
