//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package bundle

import "os"

// mapping is a data file's bytes, read into memory on platforms without a
// memory map in package syscall.
type mapping struct {
	data   []byte
	mapped bool
}

func mapFile(name string) (*mapping, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return &mapping{data: data}, nil
}

func (m *mapping) close() error {
	m.data = nil
	return nil
}
