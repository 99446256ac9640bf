//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package bundle

import (
	"fmt"
	"math"
	"os"
	"syscall"
)

// mapping is a data file's bytes: a read-only memory map where the
// platform has one, else the file read into memory.
type mapping struct {
	data   []byte
	mapped bool
}

func mapFile(name string) (*mapping, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if size == 0 {
		return &mapping{data: []byte{}}, nil
	}
	if size > math.MaxInt {
		return nil, fmt.Errorf("%d bytes is too large to map", size)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmap: %w", err)
	}
	return &mapping{data: data, mapped: true}, nil
}

func (m *mapping) close() error {
	if !m.mapped {
		return nil
	}
	data := m.data
	m.data, m.mapped = nil, false
	if err := syscall.Munmap(data); err != nil {
		return fmt.Errorf("munmap: %w", err)
	}
	return nil
}
