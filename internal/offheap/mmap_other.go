//go:build !linux

package offheap

import "errors"

// Elsewhere buffers stay on the Go heap (Alloc returns nil).
const supported = false

func mapAnon(int) ([]byte, error) { return nil, errors.New("offheap: not supported on this platform") }

func release([]byte) error { return nil }
