package tensorflow

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unsafe"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/tensor"
)

// maxElements bounds the element count of a tensor TF returns, so a
// misread shape cannot ask for an absurd allocation.
const maxElements = 1 << 40

// newTensor copies t into a tensor allocated by TF_AllocateTensor, which
// TF owns (so TF_DeleteTensor frees it and its strings). Strings are
// written with TF_StringInit on every element first (the memory is not
// zeroed, and TF_DeleteTensor deallocates every element), then
// TF_StringCopy.
func (m *Model) newTensor(t *tensor.Tensor, pin *runtime.Pinner) (uintptr, error) {
	a := m.api
	shape := t.Shape()
	dims := make([]int64, len(shape))
	for i, d := range shape {
		dims[i] = int64(d)
	}
	n := t.NumElements()
	var nbytes int
	var raw []byte
	if t.DType() == tensor.String {
		nbytes = n * tstringSize
	} else {
		var err error
		if raw, err = rawView(t); err != nil {
			return 0, err
		}
		nbytes = len(raw)
	}
	ct := a.allocateTensor(int32(t.DType()), pinned(pin, dims), int32(len(dims)), uintptr(nbytes))
	runtime.KeepAlive(dims)
	if ct == 0 {
		return 0, fmt.Errorf("TF_AllocateTensor(%s%v) failed", t.DType(), shape)
	}
	if got := a.tensorByteSize(ct); got != uintptr(nbytes) {
		a.deleteTensor(ct)
		return 0, fmt.Errorf("TF_AllocateTensor(%s%v): %d bytes, want %d", t.DType(), shape, got, nbytes)
	}
	if nbytes == 0 {
		return ct, nil
	}
	data := a.tensorData(ct)
	if t.DType() != tensor.String {
		copy(unsafe.Slice((*byte)(data), nbytes), raw)
		return ct, nil
	}
	for i := range n {
		a.stringInit(unsafe.Add(data, i*tstringSize))
	}
	for i, s := range t.Data().([]string) {
		if len(s) == 0 {
			continue
		}
		// A direct argument TF copies from and does not keep (the cgo
		// rule for call arguments); t stays alive until the loop ends.
		a.stringCopy(unsafe.Add(data, i*tstringSize), unsafe.Pointer(unsafe.StringData(s)), uintptr(len(s)))
	}
	runtime.KeepAlive(t)
	return ct, nil
}

// rawView returns the bytes of a fixed-size tensor without copying.
func rawView(t *tensor.Tensor) ([]byte, error) {
	size := t.DType().Size()
	if size == 0 {
		return nil, fmt.Errorf("%s tensors cannot be fed", t.DType())
	}
	n := t.NumElements()
	if n == 0 {
		return nil, nil
	}
	var p unsafe.Pointer
	switch v := t.Data().(type) {
	case []float32:
		p = unsafe.Pointer(unsafe.SliceData(v))
	case []float64:
		p = unsafe.Pointer(unsafe.SliceData(v))
	case []int32:
		p = unsafe.Pointer(unsafe.SliceData(v))
	case []int64:
		p = unsafe.Pointer(unsafe.SliceData(v))
	case []uint8:
		p = unsafe.Pointer(unsafe.SliceData(v))
	case []int8:
		p = unsafe.Pointer(unsafe.SliceData(v))
	case []int16:
		p = unsafe.Pointer(unsafe.SliceData(v))
	case []uint16:
		p = unsafe.Pointer(unsafe.SliceData(v))
	case []uint32:
		p = unsafe.Pointer(unsafe.SliceData(v))
	case []uint64:
		p = unsafe.Pointer(unsafe.SliceData(v))
	case []bool:
		p = unsafe.Pointer(unsafe.SliceData(v))
	case []complex64:
		p = unsafe.Pointer(unsafe.SliceData(v))
	case []complex128:
		p = unsafe.Pointer(unsafe.SliceData(v))
	default:
		return nil, fmt.Errorf("%s tensors cannot be fed", t.DType())
	}
	return unsafe.Slice((*byte)(p), n*size), nil
}

// readTensor copies a TF tensor into a tensor.Tensor. The caller still
// deletes ct.
func (m *Model) readTensor(ct uintptr) (*tensor.Tensor, error) {
	a := m.api
	if ct == 0 {
		return nil, errors.New("TF_SessionRun returned no tensor")
	}
	dt := tensor.DType(a.tensorType(ct))
	nd := int(a.numDims(ct))
	if nd < 0 || nd > 64 {
		return nil, fmt.Errorf("TF_NumDims: %d", nd)
	}
	shape := make([]int, nd)
	n := int64(1)
	for i := range shape {
		d := a.dim(ct, int32(i))
		if d < 0 || (d > 0 && n > maxElements/d) {
			return nil, fmt.Errorf("TF_Dim: bad shape dimension %d", d)
		}
		shape[i], n = int(d), n*d
	}
	nbytes := a.tensorByteSize(ct)
	data := a.tensorData(ct)
	if nbytes > 0 && data == nil {
		return nil, errors.New("TF_TensorData: nil data")
	}
	if dt != tensor.String {
		if dt.Size() == 0 {
			return nil, fmt.Errorf("output dtype %s cannot be read", dt)
		}
		if uint64(nbytes) != uint64(n)*uint64(dt.Size()) {
			return nil, fmt.Errorf("%s%v tensor has %d bytes", dt, shape, nbytes)
		}
		var raw []byte
		if nbytes > 0 {
			raw = unsafe.Slice((*byte)(data), nbytes)
		}
		return tensor.FromRaw(dt, shape, raw)
	}
	if uint64(nbytes) != uint64(n)*tstringSize {
		return nil, fmt.Errorf("string%v tensor has %d bytes, want %d TF_TStrings", shape, nbytes, n)
	}
	vals := make([]string, n)
	for i := range vals {
		elem := unsafe.Add(data, i*tstringSize)
		if m.goStrings {
			s, err := readTString(elem, data, nbytes)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
			vals[i] = s
			continue
		}
		vals[i] = m.cString(elem)
	}
	return tensor.New(tensor.String, shape, vals)
}

// cString reads one TF_TString through the C API.
func (m *Model) cString(elem unsafe.Pointer) string {
	n := m.api.stringGetSize(elem)
	if n == 0 {
		return ""
	}
	return string(unsafe.Slice((*byte)(m.api.stringGetDataPointer(elem)), n))
}

// checkStrings verifies the TF_TString layout this package decodes against
// the library itself: it writes a short (SMALL) and a long (LARGE) string
// with TF_StringCopy and compares the Go decoding with TF_StringGetSize /
// TF_StringGetDataPointer. On a mismatch string outputs are read through
// the C API; a library that cannot read back its own strings is an error.
func (m *Model) checkStrings() error {
	probe := []string{"score", strings.Repeat("tstring-layout-check-", 3)}
	var pin runtime.Pinner
	defer pin.Unpin()
	ct, err := m.newTensor(tensor.Must(tensor.String, []int{len(probe)}, probe), &pin)
	if err != nil {
		return fmt.Errorf("string layout check: %w", err)
	}
	defer m.api.deleteTensor(ct)
	data := m.api.tensorData(ct)
	m.goStrings = true
	for i, want := range probe {
		elem := unsafe.Add(data, i*tstringSize)
		if got := m.cString(elem); got != want {
			return fmt.Errorf("string layout check: TF_StringCopy/TF_StringGetDataPointer round trip gave %q, want %q", got, want)
		}
		if got, err := readTString(elem, data, uintptr(len(probe)*tstringSize)); err != nil || got != want {
			m.goStrings = false
		}
	}
	return nil
}

// listDevices records the session's devices ("CPU:0", "GPU:0") when the
// library exports TF_SessionListDevices. With device "gpu", a session
// that sees no GPU is ErrUnavailable-wrapped.
func (m *Model) listDevices(device string) error {
	a := m.api
	if !a.hasDeviceList() {
		return nil
	}
	list := a.sessionListDevices(m.session, m.status)
	if err := a.check("TF_SessionListDevices", m.status); err != nil {
		if list != 0 {
			a.deleteDeviceList(list)
		}
		return err
	}
	defer a.deleteDeviceList(list)
	m.devices = []string{}
	gpu := false
	for i := range a.deviceListCount(list) {
		name := a.deviceListName(list, i, m.status)
		typ := a.deviceListType(list, i, m.status)
		if err := a.check("TF_DeviceListName", m.status); err != nil {
			return err
		}
		short := name
		if j := strings.LastIndex(name, "device:"); j >= 0 {
			short = name[j+len("device:"):]
		}
		m.devices = append(m.devices, short)
		gpu = gpu || typ == "GPU"
	}
	if device == "gpu" && !gpu {
		return &noGPUError{devices: m.devices}
	}
	return nil
}

// noGPUError: device gpu was asked for but the session has no GPU.
type noGPUError struct{ devices []string }

func (e *noGPUError) Error() string {
	return fmt.Sprintf("device gpu: TensorFlow sees no GPU (devices: %s); use the GPU build of libtensorflow "+
		"with matching CUDA/cuDNN libraries on the library path, and check nvidia-smi and CUDA_VISIBLE_DEVICES",
		strings.Join(e.devices, ", "))
}

func (e *noGPUError) Unwrap() error { return engine.ErrUnavailable }
