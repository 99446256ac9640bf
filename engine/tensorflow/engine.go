package tensorflow

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"google.golang.org/protobuf/proto"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/tfpb"
)

// Name is the engine's registry name.
const Name = "tensorflow"

// Engine runs SavedModels with libtensorflow, loaded at Load time.
type Engine struct{}

var _ engine.Engine = Engine{}

// New returns the tensorflow engine. It loads nothing until Load.
func New() engine.Engine { return Engine{} }

// Name returns "tensorflow".
func (Engine) Name() string { return Name }

// maxMetaGraphBytes bounds the MetaGraphDef copied out of TF (protobuf's
// own 2 GiB limit).
const maxMetaGraphBytes = 2 << 30

// Load finds libtensorflow (see the package doc), opens a session on the
// SavedModel with TF_LoadSessionFromSavedModel, and binds the signature.
// Errors wrap engine.ErrUnavailable when no usable library is found or a
// GPU was asked for and TensorFlow sees none; *StatusError for TF's own
// errors (a bad model).
func (Engine) Load(ctx context.Context, dir string, opts engine.LoadOptions) (engine.Model, error) {
	st, err := parseSettings(opts)
	if err != nil {
		return nil, err
	}
	modelDir, version, err := savedmodel.Resolve(dir, opts.Version)
	if err != nil {
		return nil, fmt.Errorf("tensorflow engine: %w", err)
	}
	lib, err := openLibrary(ctx, opts.Extra)
	if err != nil {
		if st.device == "gpu" {
			return nil, fmt.Errorf("device gpu needs the GPU build of libtensorflow: %w", err)
		}
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tags := opts.Tags
	if len(tags) == 0 {
		tags = savedmodel.DefaultTags
	}
	key := opts.Signature
	if key == "" {
		key = "serving_default"
	}
	m := &Model{lib: lib, api: &lib.api, dir: modelDir, version: version}
	where := fmt.Sprintf("tensorflow engine (%s, TF %s): load %s", lib.path, lib.version, modelDir)
	mg, err := m.open(modelDir, tags, st.config)
	if err == nil {
		err = m.bind(mg, key)
	}
	if err == nil {
		err = m.checkStrings()
	}
	if err == nil {
		err = m.listDevices(st.device)
	}
	if err != nil {
		m.release()
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	m.info = m.makeInfo(st, mg)
	return m, nil
}

// open creates the status, options, graph and session, and returns the
// MetaGraphDef TF loaded. On error the caller releases what was created.
func (m *Model) open(dir string, tags []string, cfg SessionConfig) (*tfpb.MetaGraphDef, error) {
	a := m.api
	m.status = a.newStatus()
	m.opts = a.newSessionOptions()
	var pin runtime.Pinner
	defer pin.Unpin()
	if b := cfg.Marshal(); len(b) > 0 {
		pin.Pin(&b[0])
		a.setConfig(m.opts, unsafe.Pointer(&b[0]), uintptr(len(b)), m.status)
		runtime.KeepAlive(b)
		if err := a.check("TF_SetConfig", m.status); err != nil {
			return nil, err
		}
	}
	m.graph = a.newGraph()
	buf := a.newBuffer()
	defer a.deleteBuffer(buf)

	// tags is a const char* const*: an array of pointers to NUL-terminated
	// copies, all pinned for the call (TF copies them into std::strings).
	cTags := make([]unsafe.Pointer, len(tags))
	for i, t := range tags {
		b := append([]byte(t), 0)
		pin.Pin(&b[0])
		cTags[i] = unsafe.Pointer(&b[0])
	}
	var tagsPtr unsafe.Pointer
	if len(cTags) > 0 {
		pin.Pin(&cTags[0])
		tagsPtr = unsafe.Pointer(&cTags[0])
	}
	m.session = a.loadSessionFromSavedModel(m.opts, 0, dir, tagsPtr, int32(len(tags)), m.graph, buf, m.status)
	runtime.KeepAlive(cTags)
	if err := a.check("TF_LoadSessionFromSavedModel", m.status); err != nil {
		m.session = 0 // NULL on failure
		return nil, err
	}
	if m.session == 0 {
		return nil, errors.New("TF_LoadSessionFromSavedModel: returned no session")
	}
	raw, err := bufferBytes(buf)
	if err != nil {
		return nil, fmt.Errorf("TF_LoadSessionFromSavedModel: meta graph: %w", err)
	}
	mg := &tfpb.MetaGraphDef{}
	if err := (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(raw, mg); err != nil {
		return nil, fmt.Errorf("parse MetaGraphDef from TF: %w", err)
	}
	return mg, nil
}

// bufferBytes copies a TF_Buffer's {data, length} out of C memory.
func bufferBytes(buf unsafe.Pointer) ([]byte, error) {
	data := *(*unsafe.Pointer)(buf)
	n := *(*uintptr)(unsafe.Add(buf, unsafe.Sizeof(uintptr(0))))
	if n == 0 {
		return nil, nil
	}
	if data == nil || n > maxMetaGraphBytes {
		return nil, fmt.Errorf("bad TF_Buffer (length %d)", n)
	}
	return append([]byte(nil), unsafe.Slice((*byte)(data), n)...), nil
}
