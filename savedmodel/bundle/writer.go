package bundle

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"google.golang.org/protobuf/proto"

	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// Table-building parameters of TensorFlow's BundleWriter (LevelDB defaults).
const (
	targetBlockSize      = 256 << 10
	dataRestartInterval  = 16
	indexRestartInterval = 1
)

// Writer writes a single-shard bundle. Add streams each tensor's bytes to a
// temporary data file; Finish writes the index and renames both files into
// place. A Writer is not safe for concurrent use. If Finish is never called
// the temporary data file is left behind.
type Writer struct {
	prefix  string
	tmp     *os.File
	buf     *bufio.Writer
	offset  int64
	entries map[string]*tfpb.BundleEntryProto
	err     error
	done    bool
}

// Create starts a bundle at prefix (e.g. dir/variables/variables), creating
// the parent directory if needed.
func Create(prefix string) (*Writer, error) {
	dir := filepath.Dir(prefix)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create bundle %s: %w", prefix, err)
	}
	f, err := os.CreateTemp(dir, filepath.Base(DataFile(prefix, 0, 1))+".tempstate*")
	if err != nil {
		return nil, fmt.Errorf("create bundle %s: %w", prefix, err)
	}
	return &Writer{prefix: prefix, tmp: f, buf: bufio.NewWriterSize(f, 1<<20), entries: map[string]*tfpb.BundleEntryProto{}}, nil
}

// Add writes t under key. Keys must be unique and non-empty (the empty key
// holds the header); they may come in any order.
func (w *Writer) Add(key string, t *tensor.Tensor) error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return fmt.Errorf("bundle add %q: writer is finished", key)
	}
	if key == "" {
		return fmt.Errorf("bundle add: the empty key is reserved for the header")
	}
	if _, dup := w.entries[key]; dup {
		return fmt.Errorf("bundle add %q: duplicate key", key)
	}
	var b []byte
	var crc uint32
	switch dt := t.DType(); {
	case dt == tensor.String:
		vals, err := tensor.Values[string](t)
		if err != nil {
			return fmt.Errorf("bundle add %q: %w", key, err)
		}
		b, crc = appendStrings(nil, vals)
	case dt.Size() > 0:
		raw, err := t.Raw()
		if err != nil {
			return fmt.Errorf("bundle add %q: %w", key, err)
		}
		b, crc = raw, crcExtend(0, raw)
	default:
		return fmt.Errorf("bundle add %q: dtype %s cannot be stored", key, dt)
	}
	if _, err := w.buf.Write(b); err != nil {
		w.err = fmt.Errorf("bundle add %q: write %s: %w", key, w.tmp.Name(), err)
		return w.err
	}
	shape := &tfpb.TensorShapeProto{}
	for _, d := range t.Shape() {
		shape.Dim = append(shape.Dim, &tfpb.TensorShapeProto_Dim{Size: int64(d)})
	}
	w.entries[key] = &tfpb.BundleEntryProto{
		Dtype: tfpb.DataType(t.DType()), Shape: shape,
		Offset: w.offset, Size: int64(len(b)), Crc32C: maskCRC(crc),
	}
	w.offset += int64(len(b))
	return nil
}

// Finish writes the index and moves the data file into place. The Writer
// cannot be used afterwards.
func (w *Writer) Finish() error {
	if w.done {
		return fmt.Errorf("bundle finish %s: already finished", w.prefix)
	}
	w.done = true
	fail := func(err error) error {
		w.tmp.Close()
		os.Remove(w.tmp.Name())
		return fmt.Errorf("bundle finish %s: %w", w.prefix, err)
	}
	if w.err != nil {
		return fail(w.err)
	}
	if err := w.buf.Flush(); err != nil {
		return fail(err)
	}
	if err := w.tmp.Close(); err != nil {
		return fail(err)
	}
	index, err := buildIndex(&tfpb.BundleHeaderProto{NumShards: 1, Version: &tfpb.VersionDef{Producer: 1}}, w.entries)
	if err != nil {
		return fail(err)
	}
	if err := os.Chmod(w.tmp.Name(), 0o644); err != nil {
		return fail(err)
	}
	if err := os.Rename(w.tmp.Name(), DataFile(w.prefix, 0, 1)); err != nil {
		return fail(err)
	}
	if err := writeFileAtomic(IndexFile(w.prefix), index); err != nil {
		return fmt.Errorf("bundle finish %s: %w", w.prefix, err)
	}
	return nil
}

// buildIndex lays out the index table as TensorFlow's TableBuilder does.
func buildIndex(h *tfpb.BundleHeaderProto, entries map[string]*tfpb.BundleEntryProto) ([]byte, error) {
	header, err := proto.Marshal(h)
	if err != nil {
		return nil, err
	}
	var out []byte
	data := newBlockBuilder(dataRestartInterval)
	index := newBlockBuilder(indexRestartInterval)
	var pending *blockHandle
	var lastKey string
	add := func(key string, value []byte) {
		if pending != nil {
			index.add(shortestSeparator(lastKey, key), pending.append(nil))
			pending = nil
		}
		data.add(key, value)
		lastKey = key
		if data.sizeEstimate() >= targetBlockSize {
			var h blockHandle
			out, h = appendBlock(out, data.finish())
			data.reset()
			pending = &h
		}
	}
	add("", header)
	opts := proto.MarshalOptions{Deterministic: true}
	for _, k := range sortedKeys(entries) {
		v, err := opts.Marshal(entries[k])
		if err != nil {
			return nil, fmt.Errorf("entry %q: %w", k, err)
		}
		add(k, v)
	}
	if data.entries > 0 {
		var h blockHandle
		out, h = appendBlock(out, data.finish())
		pending = &h
	}
	if pending != nil {
		index.add(shortSuccessor(lastKey), pending.append(nil))
	}
	var metaH, indexH blockHandle
	out, metaH = appendBlock(out, newBlockBuilder(dataRestartInterval).finish())
	out, indexH = appendBlock(out, index.finish())
	return appendFooter(out, metaH, indexH), nil
}

// shortestSeparator is LevelDB's bytewise FindShortestSeparator: a short key
// >= a and < b.
func shortestSeparator(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	if i < len(a) && i < len(b) {
		if c := a[i]; c < 0xff && c+1 < b[i] {
			return a[:i] + string([]byte{c + 1})
		}
	}
	return a
}

// shortSuccessor is LevelDB's bytewise FindShortSuccessor: a short key >= a.
func shortSuccessor(a string) string {
	for i := 0; i < len(a); i++ {
		if a[i] != 0xff {
			return a[:i] + string([]byte{a[i] + 1})
		}
	}
	return a
}

func writeFileAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), filepath.Base(name)+".tempstate*")
	if err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), name); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
