package writer

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// encoder turns rows into one format's bytes. The fileWriter guards it:
// rows are checked against the schema first, panics become errors, and
// after an error only release is called.
type encoder interface {
	// write encodes rows, which fit the schema.
	write(rows []Row) error
	// finish writes everything still buffered, including any footer, to
	// the temporary file's buffered writer.
	finish() error
	// release frees buffers without writing more to the file.
	release()
}

type state int

const (
	stateOpen state = iota
	stateFailed
	stateClosed
	stateAborted
)

// fileWriter is the Writer for every format.
type fileWriter struct {
	path   string
	schema Schema
	width  int
	tmp    *tempFile
	enc    encoder
	rows   int64
	state  state
	err    error // the error that failed the writer
	freed  bool  // enc.release has run
}

func (w *fileWriter) Rows() int64 { return w.rows }

func (w *fileWriter) Write(rows []Row) error {
	if err := w.usable(); err != nil {
		return err
	}
	for i := range rows {
		if err := w.schema.check(&rows[i], w.width); err != nil {
			return fmt.Errorf("write %s: row %d of batch: %w", w.path, i, err)
		}
	}
	if err := guard("encode", func() error { return w.enc.write(rows) }); err != nil {
		return w.fail(err)
	}
	w.rows += int64(len(rows))
	return nil
}

func (w *fileWriter) Close() error {
	switch w.state {
	case stateClosed:
		return nil
	case stateAborted, stateFailed:
		return w.usable()
	}
	if err := guard("finish", w.enc.finish); err != nil {
		return w.fail(err)
	}
	w.freed = true // finish frees the encoder's buffers
	if err := w.tmp.commit(); err != nil {
		w.state, w.err = stateFailed, err
		return err
	}
	w.state = stateClosed
	return nil
}

func (w *fileWriter) Abort() error {
	switch w.state {
	case stateClosed, stateAborted:
		return nil
	}
	w.state = stateAborted
	w.releaseEncoder()
	return w.tmp.remove()
}

// usable reports why the writer cannot take more calls, if it cannot.
func (w *fileWriter) usable() error {
	switch w.state {
	case stateClosed:
		return fmt.Errorf("write %s: %w", w.path, ErrClosed)
	case stateAborted:
		return fmt.Errorf("write %s: %w (aborted)", w.path, ErrClosed)
	case stateFailed:
		return fmt.Errorf("write %s: %w: %w", w.path, ErrFailed, w.err)
	}
	return nil
}

// fail records err, removes the temporary file and returns err naming the
// path. The caller may still call Abort.
func (w *fileWriter) fail(err error) error {
	err = fmt.Errorf("write %s: %w", w.path, err)
	w.state, w.err = stateFailed, err
	w.releaseEncoder()
	w.tmp.remove()
	return err
}

// releaseEncoder frees the encoder's buffers once. A panic while freeing
// must not keep the temporary file from going, so it is swallowed.
func (w *fileWriter) releaseEncoder() {
	if w.freed {
		return
	}
	w.freed = true
	guard("release", func() error { w.enc.release(); return nil })
}

// ErrPanic is wrapped by errors made from a panic inside an encoder.
var ErrPanic = errors.New("encoder panic")

// guard runs f, turning a panic into an error wrapping ErrPanic with the
// stack, so one bad value cannot kill a long run.
func guard(op string, f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: %w: %v\n%s", op, ErrPanic, p, debug.Stack())
		}
	}()
	return f()
}
