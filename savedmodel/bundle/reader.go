package bundle

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"

	"google.golang.org/protobuf/proto"

	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// Versions of the bundle format this package reads and writes
// (TensorFlow's kTensorBundleVersion and kTensorBundleMinProducer).
const (
	formatVersion     = 1
	formatMinProducer = 0
	maxShards         = 1 << 16
)

// ErrSliced is returned by Tensor for partitioned (sliced) entries, which
// this package does not assemble.
var ErrSliced = errors.New("sliced (partitioned) tensors are not supported")

// Reader gives access to the tensors of one bundle. Its methods may be called
// concurrently. Tensors it returns may alias its memory mapping: do not use
// them after Close.
type Reader struct {
	prefix  string
	header  *tfpb.BundleHeaderProto
	entries map[string]*tfpb.BundleEntryProto
	keys    []string
	shards  []*mapping
	names   []string
	closed  bool
	// indexOnly marks a Reader from OpenIndex, without data shards.
	indexOnly bool
}

// IndexFile and DataFile name a bundle's files, e.g.
// DataFile("v/variables", 0, 1) = "v/variables.data-00000-of-00001".
func IndexFile(prefix string) string { return prefix + ".index" }

// DataFile names data shard id of n.
func DataFile(prefix string, id, n int) string {
	return fmt.Sprintf("%s.data-%05d-of-%05d", prefix, id, n)
}

// Open reads and checks the index of the bundle at prefix (e.g.
// "model/variables/variables") and maps its data shards.
func Open(prefix string) (*Reader, error) {
	r, err := OpenIndex(prefix)
	if err != nil {
		return nil, err
	}
	r.indexOnly = false
	n := int(r.header.NumShards)
	for i := 0; i < n; i++ {
		dn := DataFile(prefix, i, n)
		m, err := mapFile(dn)
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("open %s: %w", filepath.Base(dn), err)
		}
		r.shards = append(r.shards, m)
		r.names = append(r.names, filepath.Base(dn))
	}
	return r, nil
}

// OpenIndex reads and checks only the index: Keys and Entry work, Tensor
// fails. For describing a model whose data files are absent or huge.
func OpenIndex(prefix string) (*Reader, error) {
	name := IndexFile(prefix)
	base := filepath.Base(name)
	file, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", base, err)
	}
	r, err := parseIndex(file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", base, err)
	}
	r.prefix = prefix
	r.indexOnly = true
	return r, nil
}

// parseIndex decodes an index file's table, header and entries.
func parseIndex(file []byte) (*Reader, error) {
	t, err := parseTable(file)
	if err != nil {
		return nil, err
	}
	r := &Reader{entries: map[string]*tfpb.BundleEntryProto{}}
	for _, blk := range t.blocks {
		for _, e := range blk {
			if e.key == "" {
				h := &tfpb.BundleHeaderProto{}
				if err := proto.Unmarshal(e.value, h); err != nil {
					return nil, fmt.Errorf("header entry: %w", err)
				}
				r.header = h
				continue
			}
			ent := &tfpb.BundleEntryProto{}
			if err := proto.Unmarshal(e.value, ent); err != nil {
				return nil, fmt.Errorf("entry %q: %w", e.key, err)
			}
			r.entries[e.key] = ent
			r.keys = append(r.keys, e.key)
		}
	}
	if r.header == nil {
		return nil, fmt.Errorf("no header entry (empty key)")
	}
	if err := checkHeader(r.header); err != nil {
		return nil, fmt.Errorf("header entry: %w", err)
	}
	for _, k := range r.keys {
		if id := r.entries[k].ShardId; id < 0 || id >= r.header.NumShards {
			return nil, fmt.Errorf("entry %q: shard %d of %d", k, id, r.header.NumShards)
		}
	}
	return r, nil
}

func checkHeader(h *tfpb.BundleHeaderProto) error {
	if h.NumShards < 1 || h.NumShards > maxShards {
		return fmt.Errorf("num_shards %d out of range", h.NumShards)
	}
	if h.Endianness != tfpb.BundleHeaderProto_LITTLE {
		return fmt.Errorf("big-endian bundles are not supported")
	}
	v := h.Version
	if v == nil {
		v = &tfpb.VersionDef{}
	}
	if v.Producer < formatMinProducer {
		return fmt.Errorf("producer version %d is older than %d", v.Producer, formatMinProducer)
	}
	if v.MinConsumer > formatVersion {
		return fmt.Errorf("needs reader version %d, this reader is version %d", v.MinConsumer, formatVersion)
	}
	for _, b := range v.BadConsumers {
		if b == formatVersion {
			return fmt.Errorf("reader version %d is marked bad for this bundle", formatVersion)
		}
	}
	return nil
}

// Keys returns the tensor keys in sorted order (the header entry excluded).
func (r *Reader) Keys() []string { return append([]string(nil), r.keys...) }

// NumShards is the number of data files.
func (r *Reader) NumShards() int { return int(r.header.NumShards) }

// Entry returns the index entry of key. The caller must not modify it.
func (r *Reader) Entry(key string) (*tfpb.BundleEntryProto, bool) {
	e, ok := r.entries[key]
	return e, ok
}

// ShardSizes returns the byte size of each data shard (none after OpenIndex).
func (r *Reader) ShardSizes() []int64 {
	out := make([]int64, len(r.shards))
	for i, m := range r.shards {
		out[i] = int64(len(m.data))
	}
	return out
}

// Tensor reads the tensor stored under key and checks its CRC32C. Numeric
// tensors whose bytes are suitably aligned alias the mapped data file.
func (r *Reader) Tensor(key string) (*tensor.Tensor, error) {
	if r.closed {
		return nil, fmt.Errorf("read tensor %q: reader is closed", key)
	}
	if r.indexOnly {
		return nil, fmt.Errorf("read tensor %q: reader was opened with OpenIndex (no data files)", key)
	}
	e, ok := r.entries[key]
	if !ok {
		return nil, fmt.Errorf("read tensor %q: no such key in %s", key, filepath.Base(IndexFile(r.prefix)))
	}
	t, err := r.tensor(e)
	if err != nil {
		return nil, fmt.Errorf("read tensor %q: %w", key, err)
	}
	return t, nil
}

func (r *Reader) tensor(e *tfpb.BundleEntryProto) (*tensor.Tensor, error) {
	if len(e.Slices) > 0 {
		return nil, ErrSliced
	}
	dt := tensor.DType(e.Dtype)
	if dt.IsRef() {
		return nil, fmt.Errorf("reference dtype %s in a bundle entry", dt)
	}
	dims, known := shapeOf(e.Shape)
	if !known {
		return nil, fmt.Errorf("entry has an unknown or negative shape")
	}
	n, ok := numElements(dims)
	if !ok {
		return nil, fmt.Errorf("shape %v is too large", dims)
	}
	shard := r.shards[e.ShardId]
	name := r.names[e.ShardId]
	if e.Offset < 0 || e.Size < 0 || e.Offset > int64(len(shard.data)) || e.Size > int64(len(shard.data))-e.Offset {
		return nil, fmt.Errorf("%s: bytes [%d, +%d) lie outside the %d-byte file", name, e.Offset, e.Size, len(shard.data))
	}
	b := shard.data[e.Offset : e.Offset+e.Size : e.Offset+e.Size]
	switch {
	case dt == tensor.String:
		vals, crc, err := decodeStrings(b, n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if crc != unmaskCRC(e.Crc32C) {
			return nil, fmt.Errorf("%s: crc mismatch", name)
		}
		return tensor.New(dt, dims, vals)
	case dt.Size() > 0:
		if uint64(len(b)) != uint64(n)*uint64(dt.Size()) {
			return nil, fmt.Errorf("%s: %s%v needs %d bytes, entry has %d", name, dt, dims, n*dt.Size(), len(b))
		}
		if crcExtend(0, b) != unmaskCRC(e.Crc32C) {
			return nil, fmt.Errorf("%s: crc mismatch", name)
		}
		return tensor.FromRawView(dt, dims, b)
	}
	return nil, fmt.Errorf("dtype %s is not supported in bundles", dt)
}

// Close unmaps the data files. Tensors obtained from r must not be used
// afterwards.
func (r *Reader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	var first error
	for _, m := range r.shards {
		if err := m.close(); err != nil && first == nil {
			first = err
		}
	}
	r.shards = nil
	return first
}

func shapeOf(p *tfpb.TensorShapeProto) ([]int, bool) {
	if p == nil {
		return []int{}, true // absent shape message = scalar
	}
	if p.UnknownRank {
		return nil, false
	}
	dims := make([]int, len(p.Dim))
	for i, d := range p.Dim {
		if d.Size < 0 || d.Size > math.MaxInt32*int64(64) {
			return nil, false
		}
		dims[i] = int(d.Size)
	}
	return dims, true
}

// numElements multiplies dims, refusing products beyond 2^40.
func numElements(dims []int) (int, bool) {
	n := 1
	for _, d := range dims {
		if d != 0 && n > (1<<40)/d {
			return 0, false
		}
		n *= d
	}
	return n, true
}

// sortedKeys returns the keys of m in byte order.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
