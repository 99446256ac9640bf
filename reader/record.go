package reader

import (
	"context"
	"errors"
)

// Record is one input document.
type Record struct {
	Source string            // input file path as given/expanded
	Row    int64             // 1-based record number within Source (1 for one-document files; Parquet: row index+1 within the file)
	ID     string            // from the id column, the IMDb file name, or "<base>:<row>" when none
	Text   string            // the document; "" when Null or Err
	Null   bool              // the text cell was null or missing
	Fields map[string]string // layout fields declared by Columns(): label, rating, split, ...; nil when none
	Err    error             // the row could not be read; names file, row and reason; the record still counts

	mem *textBlock // the arena block Text was cut from (Options.Arena), released by Release
}

// Input is one file to read, as produced by Expand.
type Input struct {
	Path          string
	Format        string // parquet, csv, tsv, jsonl, txt, imdb
	Compression   string // "", gzip, zstd
	RowGroups     []int  // parquet only: nil = all
	EstimatedRows int64  // -1 unknown; exact for parquet (metadata), 1 per txt/imdb file
	Name          string // txt only: document ID (path relative to the directory argument); "" = base name
}

// Options controls how inputs are found and parsed. The zero value is usable.
type Options struct {
	TextColumn   string   // column or key holding the text; "" = default rule (see package doc)
	IDColumn     string   // "" = "id" when present, else "<base>:<row>"
	LabelColumns []string // columns copied into Fields; nil = every other scalar column
	CSVDelimiter rune     // 0 = by extension (',' for .csv, tab for .tsv/.tab)
	CSVHeader    string   // "auto" (default), "yes", "no"
	Quoting      string   // "auto" (default: on for CSV, off for TSV), "on", "off"
	InvalidUTF8  string   // "repair" (default) or "reject"
	// MaxRecordBytes bounds one record (a CSV record, a JSON line, a text
	// file, a Parquet text cell); larger ones become Err records. Default 64 MiB.
	MaxRecordBytes int
	SkipUnknown    bool   // Expand skips (and reports) files of unknown type instead of failing
	Format         string // force this format for every file Expand finds ("" = by extension)
	BatchRows      int    // parquet rows decoded per batch; default 1024
	// Arena, when set, holds the texts of CSV, Parquet and text-file
	// records; the consumer must then Release each record (see TextArena).
	Arena *TextArena
}

// Source yields the records of one or more inputs.
//
// Next returns the next record, or io.EOF at the end; any other error is
// fatal (I/O, corrupt compression, ctx cancelled) and the source must then
// be closed. Columns lists the keys Records' Fields may have, in a stable
// order; it does not change after Open. Stats counts what was read so far.
// Close releases the file; it is safe to call more than once.
type Source interface {
	Next(ctx context.Context) (Record, error)
	Columns() []string
	Stats() Stats
	Close() error
}

// Stats counts records of a source.
type Stats struct {
	Records  int64 // records returned, Err records included
	Errors   int64 // records with Err
	Repaired int64 // records whose invalid UTF-8 was replaced with U+FFFD
	Nulls    int64 // records with a null text
}

func (s *Stats) add(o Stats) {
	s.Records += o.Records
	s.Errors += o.Errors
	s.Repaired += o.Repaired
	s.Nulls += o.Nulls
}

// Sentinel errors wrapped by Err records and Open failures.
var (
	ErrMalformed     = errors.New("malformed record")
	ErrTooLarge      = errors.New("record too large")
	ErrInvalidUTF8   = errors.New("invalid UTF-8")
	ErrRagged        = errors.New("wrong number of fields")
	ErrUnknownFormat = errors.New("unknown file type")
	ErrNoTextColumn  = errors.New("no text column")
	// ErrNoMatch: a glob matched no file (or is malformed).
	ErrNoMatch = errors.New("no files match")
)

const defaultMaxRecordBytes = 64 << 20

func (o Options) maxRecord() int {
	if o.MaxRecordBytes > 0 {
		return o.MaxRecordBytes
	}
	return defaultMaxRecordBytes
}

func (o Options) reject() bool { return o.InvalidUTF8 == "reject" }

func (o Options) validate() error {
	switch o.InvalidUTF8 {
	case "", "repair", "reject":
	default:
		return errors.New("reader: InvalidUTF8 must be repair or reject, not " + o.InvalidUTF8)
	}
	switch o.CSVHeader {
	case "", "auto", "yes", "no":
	default:
		return errors.New("reader: CSVHeader must be auto, yes or no, not " + o.CSVHeader)
	}
	switch o.Quoting {
	case "", "auto", "on", "off":
	default:
		return errors.New("reader: Quoting must be auto, on or off, not " + o.Quoting)
	}
	return nil
}
