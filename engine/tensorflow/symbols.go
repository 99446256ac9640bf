package tensorflow

import (
	"fmt"
	"strings"
	"unsafe"
)

// api holds the C functions score calls, bound with purego at load time.
// Pointers to TensorFlow objects are uintptr (opaque handles C owns);
// pointers into memory Go reads (tensor data, buffers) are unsafe.Pointer.
// Go memory passed in (arrays, dims) is pinned for the call only, see
// pins.go. Field names are the C names without "TF_", which
// TestSymbolTableComplete checks.
type api struct {
	version func() string

	newStatus    func() uintptr
	deleteStatus func(s uintptr)
	getCode      func(s uintptr) int32
	message      func(s uintptr) string

	newGraph    func() uintptr
	deleteGraph func(g uintptr)

	newSessionOptions    func() uintptr
	setConfig            func(o uintptr, proto unsafe.Pointer, n uintptr, s uintptr)
	deleteSessionOptions func(o uintptr)

	newBuffer    func() unsafe.Pointer
	deleteBuffer func(b unsafe.Pointer)

	// TF_LoadSessionFromSavedModel(opts, run_options, export_dir, tags,
	// tags_len, graph, meta_graph_def, status).
	loadSessionFromSavedModel func(opts, runOpts uintptr, dir string, tags unsafe.Pointer, ntags int32, g uintptr, mg unsafe.Pointer, s uintptr) uintptr
	graphOperationByName      func(g uintptr, name string) uintptr
	// TF_SessionRun(session, run_options, inputs, input_values, ninputs,
	// outputs, output_values, noutputs, target_opers, ntargets,
	// run_metadata, status): argument order exactly as c_api.h.
	sessionRun    func(sess, runOpts uintptr, in, inVals unsafe.Pointer, nin int32, out, outVals unsafe.Pointer, nout int32, targets unsafe.Pointer, ntargets int32, runMeta, s uintptr)
	closeSession  func(sess, s uintptr)
	deleteSession func(sess, s uintptr)

	allocateTensor func(dt int32, dims unsafe.Pointer, ndims int32, n uintptr) uintptr
	deleteTensor   func(t uintptr)
	tensorData     func(t uintptr) unsafe.Pointer
	tensorByteSize func(t uintptr) uintptr
	tensorType     func(t uintptr) int32
	numDims        func(t uintptr) int32
	dim            func(t uintptr, i int32) int64

	stringInit           func(ts unsafe.Pointer)
	stringCopy           func(ts unsafe.Pointer, src unsafe.Pointer, n uintptr)
	stringGetDataPointer func(ts unsafe.Pointer) unsafe.Pointer
	stringGetSize        func(ts unsafe.Pointer) uintptr

	// Optional: the device report (TF_SessionListDevices and friends).
	sessionListDevices func(sess, s uintptr) uintptr
	deviceListCount    func(l uintptr) int32
	deviceListName     func(l uintptr, i int32, s uintptr) string
	deviceListType     func(l uintptr, i int32, s uintptr) string
	deleteDeviceList   func(l uintptr)
}

// symbol is one row of the symbol table: the C name, a pointer to the
// api field it binds, and whether a library without it is still usable.
type symbol struct {
	name     string
	fn       any
	optional bool
}

// symbols is the table of every C function score calls. Required symbols
// missing from a library fail the load, all named at once; optional ones
// leave their field nil and the feature that needs them off.
func (a *api) symbols() []symbol {
	return []symbol{
		{"TF_Version", &a.version, false},
		{"TF_NewStatus", &a.newStatus, false},
		{"TF_DeleteStatus", &a.deleteStatus, false},
		{"TF_GetCode", &a.getCode, false},
		{"TF_Message", &a.message, false},
		{"TF_NewGraph", &a.newGraph, false},
		{"TF_DeleteGraph", &a.deleteGraph, false},
		{"TF_NewSessionOptions", &a.newSessionOptions, false},
		{"TF_SetConfig", &a.setConfig, false},
		{"TF_DeleteSessionOptions", &a.deleteSessionOptions, false},
		{"TF_NewBuffer", &a.newBuffer, false},
		{"TF_DeleteBuffer", &a.deleteBuffer, false},
		{"TF_LoadSessionFromSavedModel", &a.loadSessionFromSavedModel, false},
		{"TF_GraphOperationByName", &a.graphOperationByName, false},
		{"TF_SessionRun", &a.sessionRun, false},
		{"TF_CloseSession", &a.closeSession, false},
		{"TF_DeleteSession", &a.deleteSession, false},
		{"TF_AllocateTensor", &a.allocateTensor, false},
		{"TF_DeleteTensor", &a.deleteTensor, false},
		{"TF_TensorData", &a.tensorData, false},
		{"TF_TensorByteSize", &a.tensorByteSize, false},
		{"TF_TensorType", &a.tensorType, false},
		{"TF_NumDims", &a.numDims, false},
		{"TF_Dim", &a.dim, false},
		{"TF_StringInit", &a.stringInit, false},
		{"TF_StringCopy", &a.stringCopy, false},
		{"TF_StringGetDataPointer", &a.stringGetDataPointer, false},
		{"TF_StringGetSize", &a.stringGetSize, false},
		{"TF_SessionListDevices", &a.sessionListDevices, true},
		{"TF_DeviceListCount", &a.deviceListCount, true},
		{"TF_DeviceListName", &a.deviceListName, true},
		{"TF_DeviceListType", &a.deviceListType, true},
		{"TF_DeleteDeviceList", &a.deleteDeviceList, true},
	}
}

// MissingSymbolsError lists the required C API functions a library lacks.
type MissingSymbolsError struct {
	Library string
	Symbols []string
}

func (e *MissingSymbolsError) Error() string {
	return fmt.Sprintf("%s: missing symbols: %s (not a TensorFlow C API library, or one older than TF 2.5)",
		e.Library, strings.Join(e.Symbols, ", "))
}

// bind resolves every symbol with resolve and installs it with register
// (purego.RegisterFunc in production). It reports all missing required
// symbols at once; optional groups are bound only when complete, so a
// non-nil sessionListDevices implies the rest of the device functions.
func (a *api) bind(lib string, resolve func(name string) (uintptr, error), register func(fptr any, addr uintptr)) error {
	var missing []string
	addrs := map[string]uintptr{}
	optionalOK := true
	for _, s := range a.symbols() {
		addr, err := resolve(s.name)
		if err != nil || addr == 0 {
			if s.optional {
				optionalOK = false
			} else {
				missing = append(missing, s.name)
			}
			continue
		}
		addrs[s.name] = addr
	}
	if len(missing) > 0 {
		return &MissingSymbolsError{Library: lib, Symbols: missing}
	}
	for _, s := range a.symbols() {
		if s.optional && !optionalOK {
			continue
		}
		register(s.fn, addrs[s.name])
	}
	return nil
}

// hasDeviceList reports whether the optional device functions are bound.
func (a *api) hasDeviceList() bool { return a.sessionListDevices != nil }
