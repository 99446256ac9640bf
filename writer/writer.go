package writer

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Row is one output row. A scored row has Scores (Schema.Width() values,
// all outputs concatenated in Schema order) and no Error; a rejected row has
// Scores nil and Error saying why (file, row, reason).
type Row struct {
	ID     string
	Source string
	Row    int64
	// Fields is aligned with Schema.Fields; nil makes every field null.
	Fields []string
	// FieldNull, when not nil, is aligned with Fields and marks the fields
	// that are null (missing) rather than "".
	FieldNull []bool
	// Scores are the output values; nil (a rejected row) makes every score
	// column null.
	Scores  []float32
	Error   string // rejection reason; "" (null) when scored
	Warning string // e.g. "empty_text"; "" (null) when none
}

// Options tune a Writer; the zero value is valid.
type Options struct {
	// Metadata is written into the file's key-value metadata (Parquet
	// only): model path, version, fingerprint, signature, tokenizer
	// settings, score version; see the Meta* keys.
	Metadata map[string]string
	// RowGroupRows bounds Parquet row groups; 0 means DefaultRowGroupRows.
	RowGroupRows int
	// Compression is the Parquet codec: "zstd" (default when ""), "snappy",
	// "gzip", "lz4", "brotli" or "none".
	Compression string
	// Allocator receives the Parquet encoder's arrow allocations; nil means
	// a pool shared by all encoders, which reuses the buffers each row
	// group frees. Tests pass a memory.CheckedAllocator.
	Allocator memory.Allocator
}

// DefaultRowGroupRows is the Parquet row-group bound when Options leave it 0.
// A row group is buffered in memory until it is flushed, so this bound sets
// the writer's share of a run's memory: 16k rows of 36 scores are ~3 MB,
// small enough that scoring 10x the rows keeps peak RSS within a few percent
// (BenchmarkMemoryFlat), large enough for efficient scans.
const DefaultRowGroupRows = 16 * 1024

// Writer writes one output file. Methods must not be called concurrently.
type Writer interface {
	// Write appends rows in output order. The writer copies what it keeps;
	// the caller may reuse rows and their slices when Write returns. A row
	// that does not fit the Schema fails the whole call (wrapping ErrSchema)
	// before anything is written, and the Writer stays usable; any other
	// error leaves it failed: only Abort remains useful.
	Write(rows []Row) error
	// Close flushes, fsyncs the temporary file, renames it to the final
	// path and fsyncs the directory; only then does the output exist. On
	// error the temporary file is removed and the final path is untouched
	// (except when only the directory fsync after the rename fails: the
	// file is then in place, the error says so). Calling Close again after
	// success returns nil.
	Close() error
	// Abort removes the temporary file and frees buffers. It is safe after a
	// failed Write or Close and idempotent; after a successful Close it does
	// nothing (the output stays).
	Abort() error
	// Rows is the number of rows written so far.
	Rows() int64
}

// Errors of the Writer life cycle.
var (
	ErrFormat = errors.New("unsupported output format")
	ErrClosed = errors.New("writer closed")
	ErrFailed = errors.New("writer failed earlier")
)

// format is an output encoding chosen by file extension.
type format int

const (
	formatParquet format = iota
	formatCSV
	formatJSONL
)

// CheckPath reports whether path names an output format Create can write
// (by extension), so a command can refuse a bad --out before any work.
func CheckPath(path string) error {
	_, _, err := formatOf(path)
	return err
}

// formatOf picks the format from path's extension; gz reports a ".gz"
// suffix (CSV and JSONL only).
func formatOf(path string) (f format, gz bool, err error) {
	name := strings.ToLower(filepath.Base(path))
	if strings.HasSuffix(name, ".gz") {
		gz = true
		name = strings.TrimSuffix(name, ".gz")
	}
	switch {
	case strings.HasSuffix(name, ".parquet") && !gz:
		return formatParquet, false, nil
	case strings.HasSuffix(name, ".csv"):
		return formatCSV, gz, nil
	case strings.HasSuffix(name, ".jsonl"), strings.HasSuffix(name, ".ndjson"):
		return formatJSONL, gz, nil
	}
	return 0, false, fmt.Errorf("%w: %s (want .parquet, .csv, .csv.gz, .jsonl, .jsonl.gz or .ndjson)", ErrFormat, path)
}

// Create starts an output file at path, formatted by its extension:
// .parquet, .csv, .jsonl or .ndjson (.csv.gz, .jsonl.gz gzipped). Nothing
// appears at path before Close; an existing file there is replaced then.
func Create(path string, schema Schema, opts Options) (Writer, error) {
	f, gz, err := formatOf(path)
	if err != nil {
		return nil, err
	}
	if err := schema.Validate(); err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	if _, ok := opts.Metadata[MetaSchema]; ok {
		return nil, fmt.Errorf("create %s: metadata key %q is reserved for the writer", path, MetaSchema)
	}
	if opts.RowGroupRows < 0 {
		return nil, fmt.Errorf("create %s: row group rows %d < 0", path, opts.RowGroupRows)
	}
	tmp, err := createTemp(path)
	if err != nil {
		return nil, err
	}
	var enc encoder
	switch f {
	case formatParquet:
		enc, err = newParquetEncoder(tmp.w, schema, opts)
	case formatCSV:
		enc, err = newCSVEncoder(tmp.w, schema, gz)
	case formatJSONL:
		enc, err = newJSONLEncoder(tmp.w, schema, gz)
	}
	if err != nil {
		tmp.remove()
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &fileWriter{path: path, schema: schema, width: schema.Width(), tmp: tmp, enc: enc}, nil
}
