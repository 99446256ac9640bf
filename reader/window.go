package reader

import (
	"bytes"
	"fmt"
	"io"
)

// window is a sliding buffer over a stream. buf[lo:hi] holds bytes read
// but not yet consumed; consume advances lo and counts the line breaks it
// passes (LF, CRLF and a bare CR each end one line).
type window struct {
	r      io.Reader
	buf    []byte
	lo, hi int
	off    int64 // stream offset of buf[lo]
	eof    bool
	err    error // read error other than io.EOF: fatal
	chunk  int
	lines  int64 // line breaks consumed so far
	lastCR bool  // the last consumed byte was '\r'
}

const readChunk = 256 << 10

func newWindow(r io.Reader, chunk int) window {
	if chunk <= 0 {
		chunk = readChunk
	}
	return window{r: r, chunk: chunk}
}

func (w *window) data() []byte { return w.buf[w.lo:w.hi] }

// fill reads more bytes; it reports whether any arrived. It returns false
// at end of input (w.eof) or on a read error (w.err).
func (w *window) fill() bool {
	if w.eof || w.err != nil {
		return false
	}
	if w.lo > 0 && (w.hi == len(w.buf) || w.lo >= len(w.buf)/2) {
		n := copy(w.buf, w.buf[w.lo:w.hi])
		w.lo, w.hi = 0, n
	}
	if len(w.buf)-w.hi < (w.chunk+1)/2 {
		size := 2 * len(w.buf)
		if size < w.hi+w.chunk {
			size = w.hi + w.chunk
		}
		nb := make([]byte, size)
		copy(nb, w.buf[w.lo:w.hi])
		w.hi -= w.lo
		w.lo = 0
		w.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := w.r.Read(w.buf[w.hi:])
		w.hi += n
		if err == io.EOF {
			w.eof = true
			return n > 0
		}
		if err != nil {
			w.err = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	w.err = io.ErrNoProgress
	return false
}

// consume drops n bytes, counting line breaks.
func (w *window) consume(n int) {
	if n <= 0 {
		return
	}
	b := w.buf[w.lo : w.lo+n]
	w.lines += countBreaks(b, w.lastCR)
	w.lastCR = b[n-1] == '\r'
	w.lo += n
	w.off += int64(n)
}

// countBreaks counts LF, CRLF and bare CR line breaks in b; afterCR says
// that the byte before b was a CR (so a leading LF is part of its CRLF).
func countBreaks(b []byte, afterCR bool) int64 {
	n := int64(bytes.Count(b, []byte{'\n'}))
	if afterCR && len(b) > 0 && b[0] == '\n' {
		n--
	}
	if bytes.IndexByte(b, '\r') < 0 {
		return n
	}
	for i, c := range b {
		if c == '\r' && (i+1 >= len(b) || b[i+1] != '\n') {
			n++
		}
	}
	return n
}

// skipLine consumes from lo through the next line break (CRLF counts as
// one), reading and discarding as needed; it never buffers more than a
// chunk. It stops quietly at end of input and returns a fatal read error.
func (w *window) skipLine() error {
	for {
		d := w.data()
		if i := bytes.IndexAny(d, "\r\n"); i >= 0 {
			if d[i] == '\n' {
				w.consume(i + 1)
				return nil
			}
			if i+1 < len(d) {
				if d[i+1] == '\n' {
					i++
				}
				w.consume(i + 1)
				return nil
			}
			w.consume(i + 1) // lone CR at the end of the data: lastCR swallows a following LF
			if !w.fill() && w.err != nil {
				return w.err
			}
			if len(w.data()) > 0 && w.data()[0] == '\n' {
				w.consume(1)
			}
			return nil
		}
		w.consume(len(d))
		if !w.fill() {
			return w.err
		}
	}
}

// skipBlank consumes empty lines at the current position. It returns
// io.EOF when the input ends, a fatal read error, or nil when a record
// starts at lo.
func (w *window) skipBlank() error {
	for {
		d := w.data()
		if len(d) == 0 || (d[0] == '\r' && len(d) == 1 && !w.eof) {
			if !w.fill() {
				if w.err != nil {
					return w.err
				}
				if len(w.data()) == 0 {
					return io.EOF
				}
			}
			continue
		}
		switch d[0] {
		case '\n':
			w.consume(1)
		case '\r':
			if len(d) > 1 && d[1] == '\n' {
				w.consume(2)
			} else {
				w.consume(1)
			}
		default:
			return nil
		}
	}
}

// readError wraps a fatal read error with the file name.
func readError(path string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("read %s: %w", path, err)
}
