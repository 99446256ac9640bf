package reader

import (
	"os"
	"path/filepath"
	"testing"
)

// writeFile writes data to name in a fresh temp dir and returns the path.
func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// readFile expands and reads one file fully.
func readFileRecords(t testing.TB, name string, data []byte, opts Options) ([]Record, Source) {
	t.Helper()
	s := openPath(t, writeFile(t, name, data), opts)
	return readAll(t, s), s
}

type want struct {
	text   string
	fields map[string]string
	err    error // errors.Is target; nil = no error
}

func osWriteFile(p string, b []byte) error { return os.WriteFile(p, b, 0o644) }
