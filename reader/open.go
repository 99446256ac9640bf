package reader

import (
	"context"
	"fmt"
	"io"
	"iter"
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
// for the columns and once to read them, and holds no list of its own (a
// Walk then reads a corpus of any number of files in constant memory).
func OpenInputs(inputs Inputs, opts Options) (Source, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	m := &multiSource{opts: opts, docBuf: new([]byte)}
	seen := map[string]bool{}
	imdbDone := false
	for in, err := range inputs.All() {
		if err != nil {
			return nil, err
		}
		var cols []string
		switch in.Format {
		case "txt":
			continue
		case "imdb":
			if imdbDone {
				continue
			}
			imdbDone, cols = true, imdbColumns
		default:
			s, err := open(in, opts, m.docBuf)
			if err != nil {
				return nil, err
			}
			cols = s.Columns()
			s.Close()
		}
		for _, c := range cols {
			if !seen[c] {
				seen[c] = true
				m.cols = append(m.cols, c)
			}
		}
	}
	m.next, m.stop = iter.Pull2(inputs.All())
	return m, nil
}

type multiSource struct {
	next   func() (Input, error, bool)
	stop   func()
	opts   Options
	cur    Source
	cols   []string
	stats  Stats
	docBuf *[]byte
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
			in, err, ok := m.next()
			if !ok {
				return Record{}, io.EOF
			}
			if err != nil {
				return Record{}, err
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
	m.stop() // later calls of next report the end
	if m.cur == nil {
		return nil
	}
	err := m.cur.Close()
	m.cur = nil
	return err
}
