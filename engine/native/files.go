package native

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/scorekit/score/engine/native/op"
)

// fileAccess is the only way kernels reach the file system: files under the
// model's assets/ and variables/ folders, and the model's own checkpoint,
// opened once and shared by all runs.
type fileAccess struct {
	dirs   []string // allowed folders, absolute with symlinks resolved
	prefix string   // the variables prefix, absolute; "" if none
	open   func(prefix string) (op.Checkpoint, error)

	once sync.Once
	ckpt op.Checkpoint
	err  error
}

func newFileAccess(prefix string, open func(string) (op.Checkpoint, error), dirs ...string) *fileAccess {
	fa := &fileAccess{open: open}
	if prefix != "" {
		if p, err := filepath.Abs(prefix); err == nil {
			fa.prefix = p
		}
	}
	for _, d := range dirs {
		if r, err := resolve(d); err == nil {
			fa.dirs = append(fa.dirs, r)
		}
	}
	return fa
}

func resolve(p string) (string, error) {
	a, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(a)
}

// readFile reads path if it lies inside an allowed folder (after resolving
// symlinks, so a link cannot lead out).
func (fa *fileAccess) readFile(path string) ([]byte, error) {
	r, err := resolve(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	for _, d := range fa.dirs {
		rel, err := filepath.Rel(d, r)
		if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		b, err := os.ReadFile(r)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("read %s: refused: only the model's assets/ and variables/ files may be read", path)
}

// checkpoint returns the model's own bundle; any other prefix is refused.
func (fa *fileAccess) checkpoint(prefix string) (op.Checkpoint, error) {
	p, err := filepath.Abs(prefix)
	if err != nil || fa.prefix == "" || p != fa.prefix {
		return nil, fmt.Errorf("checkpoint %s: refused: only the model's own variables (%s) may be read", prefix, fa.prefix)
	}
	if fa.open == nil {
		return nil, fmt.Errorf("checkpoint %s: no checkpoint reader", prefix)
	}
	fa.once.Do(func() { fa.ckpt, fa.err = fa.open(fa.prefix) })
	return fa.ckpt, fa.err
}

// close closes the checkpoint if it was opened.
func (fa *fileAccess) close() error {
	if fa == nil {
		return nil
	}
	var err error
	fa.once.Do(func() {}) // no opening after close
	if c, ok := fa.ckpt.(io.Closer); ok {
		err = c.Close()
	}
	return err
}
