package savedmodel

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// Fingerprint identifies the model's content cheaply: a SHA-256 over
// saved_model.pb(txt), variables/variables.index (which holds every tensor's
// CRC32C, so changed weights change it), the names and sizes of the data
// shards (not their bytes: they can be gigabytes) and the asset files'
// bytes (vocabularies change outputs without changing the index). The
// result is 64 lowercase hex digits.
func (m *Model) Fingerprint() (string, error) {
	h := sha256.New()
	if err := hashFile(h, "model", m.File); err != nil {
		return "", err
	}
	if m.VariablesPrefix != "" {
		if err := hashFile(h, "index", m.VariablesPrefix+".index"); err != nil {
			return "", err
		}
		shards, err := filepath.Glob(m.VariablesPrefix + ".data-*")
		if err != nil {
			return "", fmt.Errorf("fingerprint %s: %w", m.Dir, err)
		}
		sort.Strings(shards)
		for _, s := range shards {
			st, err := os.Stat(s)
			if err != nil {
				return "", fmt.Errorf("fingerprint %s: %w", m.Dir, err)
			}
			writeField(h, "shard", []byte(filepath.Base(s)))
			writeField(h, "size", binary.LittleEndian.AppendUint64(nil, uint64(st.Size())))
		}
	}
	for _, a := range m.Assets {
		writeField(h, "asset", []byte(a.Filename))
		if err := hashFile(h, "asset-bytes", a.Path); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeField writes a length-prefixed, labelled field so that no two
// different inputs hash the same bytes.
func writeField(h hash.Hash, label string, b []byte) {
	h.Write([]byte(label))
	h.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(b))))
	h.Write(b)
}

func hashFile(h hash.Hash, label, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("fingerprint: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("fingerprint: %w", err)
	}
	h.Write([]byte(label))
	h.Write(binary.LittleEndian.AppendUint64(nil, uint64(st.Size())))
	if n, err := io.Copy(h, f); err != nil || n != st.Size() {
		return fmt.Errorf("fingerprint: read %s: %d of %d bytes: %v", name, n, st.Size(), err)
	}
	return nil
}
