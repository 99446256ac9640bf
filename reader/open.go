package reader

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Open opens one input. CSV, TSV and JSONL sources read their first record
// here, to learn the columns.
func Open(in Input, opts Options) (Source, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return open(in, opts, new([]byte))
}

func open(in Input, opts Options, docBuf *[]byte) (Source, error) {
	switch in.Format {
	case "parquet":
		return openParquet(in, opts)
	case "txt", "imdb":
		return openDoc(in, opts, docBuf)
	case "csv", "tsv", "jsonl":
	default:
		return nil, fmt.Errorf("open %s: %w %q", in.Path, ErrUnknownFormat, in.Format)
	}
	rc, err := openStream(in)
	if err != nil {
		return nil, err
	}
	if in.Format == "jsonl" {
		return openJSONL(in.Path, rc, opts)
	}
	delim := byte(',')
	if in.Format == "tsv" {
		delim = '\t'
	}
	if opts.CSVDelimiter != 0 {
		if opts.CSVDelimiter > 127 || opts.CSVDelimiter == '"' || opts.CSVDelimiter == '\n' || opts.CSVDelimiter == '\r' {
			rc.Close()
			return nil, fmt.Errorf("open %s: delimiter %q is not supported (one ASCII character other than quote and line breaks)", in.Path, opts.CSVDelimiter)
		}
		delim = byte(opts.CSVDelimiter)
	}
	return openCSV(in.Path, rc, delim, opts)
}

// openStream opens a file, decompressing it as in.Compression says.
func openStream(in Input) (io.ReadCloser, error) {
	f, err := os.Open(in.Path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", in.Path, err)
	}
	if in.Compression == "" {
		return f, nil
	}
	dr, err := decompress(f, in.Compression)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", in.Path, err)
	}
	return &stackCloser{Reader: dr, closers: []io.Closer{dr, f}}, nil
}

type stackCloser struct {
	io.Reader
	closers []io.Closer
}

func (s *stackCloser) Close() error {
	var first error
	for _, c := range s.closers {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	s.closers = nil
	return first
}

type zstdCloser struct{ *zstd.Decoder }

func (z zstdCloser) Close() error { z.Decoder.Close(); return nil }

// decompress wraps r; the caller closes both.
func decompress(r io.Reader, kind string) (io.ReadCloser, error) {
	switch kind {
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, nil
	case "zstd":
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		return zstdCloser{zr}, nil
	}
	return nil, fmt.Errorf("unknown compression %q", kind)
}

// detect derives format and compression from a file name.
func detect(path string) (format, compression string) {
	name := strings.ToLower(filepath.Base(path))
	switch {
	case strings.HasSuffix(name, ".gz"):
		compression, name = "gzip", strings.TrimSuffix(name, ".gz")
	case strings.HasSuffix(name, ".gzip"):
		compression, name = "gzip", strings.TrimSuffix(name, ".gzip")
	case strings.HasSuffix(name, ".zst"):
		compression, name = "zstd", strings.TrimSuffix(name, ".zst")
	case strings.HasSuffix(name, ".zstd"):
		compression, name = "zstd", strings.TrimSuffix(name, ".zstd")
	}
	switch filepath.Ext(name) {
	case ".parquet", ".pq":
		format = "parquet"
	case ".csv":
		format = "csv"
	case ".tsv", ".tab":
		format = "tsv"
	case ".jsonl", ".ndjson":
		format = "jsonl"
	case ".txt":
		format = "txt"
	}
	return format, compression
}

// OpenAll concatenates inputs in order, opening each one only when the one
// before it is exhausted (so at most one file is open). Columns is the
// union of the inputs' columns in first-seen order; finding it opens each
// CSV, TSV, JSONL and Parquet input briefly, up front.
func OpenAll(inputs []Input, opts Options) (Source, error) { return OpenInputs(List(inputs), opts) }

// OpenInputs is OpenAll for any Inputs: it goes through them twice, once
// for the columns (skipped when a Walk's Scan found them with the same
// options) and once to read them, and holds no list of its own (a Walk then
// reads a corpus of any number of files in constant memory). Inputs other
// than a List are found by a goroutine of their own, a little ahead of the
// reading, until the source ends or is closed.
func OpenInputs(inputs Inputs, opts Options) (Source, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	m := &multiSource{opts: opts, docBuf: new([]byte)}
	known := false
	if k, ok := inputs.(interface {
		knownColumns(Options) ([]string, bool)
	}); ok {
		m.cols, known = k.knownColumns(opts)
	}
	if !known {
		var cs columnSet
		for in, err := range inputs.All() {
			if err != nil {
				return nil, err
			}
			if err := cs.add(in, opts, m.docBuf); err != nil {
				return nil, err
			}
		}
		m.cols = cs.cols
	}
	if l, ok := inputs.(List); ok {
		m.list = l
		return m, nil
	}
	m.items, m.done = make(chan inputItems, 4), make(chan struct{})
	go func() {
		defer close(m.items)
		send := func(it inputItems) bool {
			select {
			case m.items <- it:
				return true
			case <-m.done:
				return false
			}
		}
		var batch []Input
		for in, err := range inputs.All() {
			if err != nil {
				send(inputItems{batch, err})
				return
			}
			if batch = append(batch, in); len(batch) == inputBatch {
				if !send(inputItems{batch, nil}) {
					return
				}
				batch = nil
			}
		}
		if len(batch) > 0 {
			send(inputItems{batch, nil})
		}
	}()
	return m, nil
}

// columnSet is the union of inputs' columns in first-seen order.
type columnSet struct {
	seen     map[string]bool
	cols     []string
	imdbDone bool
}

// add opens in briefly to learn its columns (CSV, TSV, JSONL, Parquet).
func (c *columnSet) add(in Input, opts Options, docBuf *[]byte) error {
	var cols []string
	switch in.Format {
	case "txt":
		return nil
	case "imdb":
		if c.imdbDone {
			return nil
		}
		c.imdbDone, cols = true, imdbColumns
	default:
		s, err := open(in, opts, docBuf)
		if err != nil {
			return err
		}
		cols = s.Columns()
		s.Close()
	}
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	for _, col := range cols {
		if !c.seen[col] {
			c.seen[col] = true
			c.cols = append(c.cols, col)
		}
	}
	return nil
}

// inputBatch is how many inputs the finding goroutine hands over at once
// (a channel operation per file would cost as much as finding it).
const inputBatch = 64

// inputItems are found inputs, then the error that ended the pass, if any.
type inputItems struct {
	ins []Input
	err error
}

type multiSource struct {
	list   []Input         // a List's inputs, or the rest of a batch found
	err    error           // what ended the pass after list
	items  chan inputItems // the inputs, found by a goroutine (not a List)
	done   chan struct{}   // closed by Close: the goroutine stops
	closed bool
	opts   Options
	cur    Source
	cols   []string
	stats  Stats
	docBuf *[]byte
}

// nextInput returns the next input; ok is false at the end.
func (m *multiSource) nextInput(ctx context.Context) (in Input, ok bool, err error) {
	for !m.closed {
		if len(m.list) > 0 {
			in, m.list = m.list[0], m.list[1:]
			return in, true, nil
		}
		if m.err != nil || m.items == nil {
			return Input{}, false, m.err
		}
		select {
		case it, more := <-m.items:
			if !more {
				return Input{}, false, nil
			}
			m.list, m.err = it.ins, it.err
		case <-ctx.Done():
			return Input{}, false, ctx.Err()
		}
	}
	return Input{}, false, nil
}

func (m *multiSource) Columns() []string { return append([]string(nil), m.cols...) }

func (m *multiSource) Stats() Stats {
	s := m.stats
	if m.cur != nil {
		s.add(m.cur.Stats())
	}
	return s
}

func (m *multiSource) Next(ctx context.Context) (Record, error) {
	for {
		if err := ctx.Err(); err != nil {
			return Record{}, err
		}
		if m.cur == nil {
			in, ok, err := m.nextInput(ctx)
			if err != nil {
				return Record{}, err
			}
			if !ok {
				return Record{}, io.EOF
			}
			s, err := open(in, m.opts, m.docBuf)
			if err != nil {
				return Record{}, err
			}
			m.cur = s
		}
		rec, err := m.cur.Next(ctx)
		if err == io.EOF {
			m.stats.add(m.cur.Stats())
			cerr := m.cur.Close()
			m.cur = nil
			if cerr != nil {
				return Record{}, cerr
			}
			continue
		}
		return rec, err
	}
}

func (m *multiSource) Close() error {
	if !m.closed {
		m.closed = true // later calls of Next report the end
		if m.done != nil {
			close(m.done)
		}
	}
	if m.cur == nil {
		return nil
	}
	err := m.cur.Close()
	m.cur = nil
	return err
}
