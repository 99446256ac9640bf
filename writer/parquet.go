package writer

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/scorekit/score/internal/arrowpool"
)

// arrowSchema is the Arrow form of the file layout, with md as its metadata.
func arrowSchema(s Schema, md map[string]string) *arrow.Schema {
	str := arrow.BinaryTypes.String
	fields := []arrow.Field{
		{Name: ColID, Type: str},
		{Name: ColSource, Type: str},
		{Name: ColRow, Type: arrow.PrimitiveTypes.Int64},
	}
	for _, f := range s.Fields {
		fields = append(fields, arrow.Field{Name: f, Type: str, Nullable: true})
	}
	for _, c := range s.ScoreColumns() {
		fields = append(fields, arrow.Field{Name: c, Type: arrow.PrimitiveTypes.Float32, Nullable: true})
	}
	fields = append(fields,
		arrow.Field{Name: ColError, Type: str, Nullable: true},
		arrow.Field{Name: ColWarning, Type: str, Nullable: true})
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = md[k]
	}
	meta := arrow.NewMetadata(keys, vals)
	return arrow.NewSchema(fields, &meta)
}

// codec maps Options.Compression to a Parquet codec.
func codec(name string) (compress.Compression, error) {
	switch strings.ToLower(name) {
	case "", "zstd":
		return compress.Codecs.Zstd, nil
	case "snappy":
		return compress.Codecs.Snappy, nil
	case "gzip":
		return compress.Codecs.Gzip, nil
	case "lz4", "lz4_raw":
		return compress.Codecs.Lz4Raw, nil
	case "brotli":
		return compress.Codecs.Brotli, nil
	case "none", "uncompressed":
		return compress.Codecs.Uncompressed, nil
	}
	return 0, fmt.Errorf("unknown compression %q (want zstd, snappy, gzip, lz4, brotli or none)", name)
}

// sink is what pqarrow writes to. It hides the file's Close from pqarrow
// (which closes an io.Closer sink), lets release send the footer of an
// abandoned file nowhere, and keeps write errors from pqarrow: the first one
// is recorded and reported by the encoder after the call that hit it, and
// later writes are dropped. pqarrow's own error paths leak arrow buffers
// (arrow-go v18.8.0: a failed NextColumn skips releasing the column's
// builders), so they are best not taken.
type sink struct {
	w   io.Writer
	err error
}

func (s *sink) Write(p []byte) (int, error) {
	if s.err == nil {
		if _, err := s.w.Write(p); err != nil {
			s.err = err
		}
	}
	return len(p), nil
}

// parquetEncoder buffers up to rowGroup rows in arrow builders and writes
// each full buffer as one row group.
type parquetEncoder struct {
	sink     *sink
	fw       *pqarrow.FileWriter
	rb       *array.RecordBuilder
	nfields  int
	width    int
	rowGroup int
	pending  int
	// Scratch for one score column of one batch.
	vals  []float32
	valid []bool
}

// builderPool is the default allocator of every Parquet encoder: the
// column builders' and encoders' buffers, freed after each row group, are
// reused by the next (at most 16 MiB of them wait).
var builderPool memory.Allocator = arrowpool.New(16<<20, false)

func newParquetEncoder(w io.Writer, s Schema, opts Options) (*parquetEncoder, error) {
	mem := opts.Allocator
	if mem == nil {
		mem = builderPool
	}
	rowGroup := opts.RowGroupRows
	if rowGroup == 0 {
		rowGroup = DefaultRowGroupRows
	}
	c, err := codec(opts.Compression)
	if err != nil {
		return nil, err
	}
	js, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encode schema metadata: %w", err)
	}
	md := make(map[string]string, len(opts.Metadata)+1)
	for k, v := range opts.Metadata {
		md[k] = v
	}
	md[MetaSchema] = string(js)
	sc := arrowSchema(s, md)

	props := []parquet.WriterProperty{
		parquet.WithAllocator(mem),
		parquet.WithCompression(c),
		parquet.WithMaxRowGroupLength(int64(rowGroup)),
		parquet.WithCreatedBy("score (github.com/scorekit/score) via arrow-go"),
		// Dictionaries pay off for repeated strings (source, fields, error
		// text), not for unique ids, row numbers or scores.
		parquet.WithDictionaryPath(parquet.ColumnPath{ColID}, false),
		parquet.WithDictionaryPath(parquet.ColumnPath{ColRow}, false),
	}
	for _, name := range s.ScoreColumns() {
		props = append(props, parquet.WithDictionaryPath(parquet.ColumnPath{name}, false))
	}
	snk := &sink{w: w}
	var fw *pqarrow.FileWriter
	err = guard("open parquet writer", func() (err error) {
		fw, err = pqarrow.NewFileWriter(sc, snk, parquet.NewWriterProperties(props...),
			pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem)))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open parquet writer: %w", err)
	}
	return &parquetEncoder{
		sink:     snk,
		fw:       fw,
		rb:       array.NewRecordBuilder(mem, sc),
		nfields:  len(s.Fields),
		width:    s.Width(),
		rowGroup: rowGroup,
	}, nil
}

func (e *parquetEncoder) write(rows []Row) error {
	for len(rows) > 0 {
		n := min(len(rows), e.rowGroup-e.pending)
		e.append(rows[:n])
		rows = rows[n:]
		e.pending += n
		if e.pending == e.rowGroup {
			if err := e.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// append adds rows to the builders column by column.
func (e *parquetEncoder) append(rows []Row) {
	n := len(rows)
	e.rb.Reserve(n)
	id := e.rb.Field(0).(*array.StringBuilder)
	src := e.rb.Field(1).(*array.StringBuilder)
	num := e.rb.Field(2).(*array.Int64Builder)
	for i := range rows {
		id.Append(rows[i].ID)
		src.Append(rows[i].Source)
		num.Append(rows[i].Row)
	}
	col := 3
	for f := 0; f < e.nfields; f++ {
		b := e.rb.Field(col).(*array.StringBuilder)
		for i := range rows {
			if rows[i].fieldNull(f) {
				b.AppendNull()
			} else {
				b.Append(rows[i].Fields[f])
			}
		}
		col++
	}
	e.appendScores(rows, col)
	col += e.width
	for _, get := range []func(*Row) string{
		func(r *Row) string { return r.Error },
		func(r *Row) string { return r.Warning },
	} {
		b := e.rb.Field(col).(*array.StringBuilder)
		for i := range rows {
			if s := get(&rows[i]); s != "" {
				b.Append(s)
			} else {
				b.AppendNull()
			}
		}
		col++
	}
}

// appendScores transposes the rows' score vectors into the score builders,
// which start at column col.
func (e *parquetEncoder) appendScores(rows []Row, col int) {
	n := len(rows)
	if cap(e.vals) < n {
		e.vals = make([]float32, n)
		e.valid = make([]bool, n)
	}
	vals, valid := e.vals[:n], e.valid[:n]
	allValid := true
	for i := range rows {
		valid[i] = rows[i].Scores != nil
		allValid = allValid && valid[i]
	}
	if allValid {
		valid = nil
	}
	for j := 0; j < e.width; j++ {
		for i := range rows {
			if rows[i].Scores != nil {
				vals[i] = rows[i].Scores[j]
			} else {
				vals[i] = 0
			}
		}
		e.rb.Field(col+j).(*array.Float32Builder).AppendValues(vals, valid)
	}
}

// flush writes the buffered rows as one row group.
func (e *parquetEncoder) flush() error {
	rec := e.rb.NewRecordBatch()
	defer rec.Release()
	e.pending = 0
	if err := e.fw.Write(rec); err != nil {
		return fmt.Errorf("write row group: %w", err)
	}
	if e.sink.err != nil {
		return fmt.Errorf("write row group: %w", e.sink.err)
	}
	return nil
}

func (e *parquetEncoder) finish() error {
	defer e.release()
	if e.pending > 0 {
		if err := e.flush(); err != nil {
			return err
		}
	}
	fw := e.fw
	e.fw = nil
	if err := fw.Close(); err != nil {
		return fmt.Errorf("write parquet footer: %w", err)
	}
	if e.sink.err != nil {
		return fmt.Errorf("write parquet footer: %w", e.sink.err)
	}
	return nil
}

// release frees the builders and the file writer's buffers; the footer of
// an abandoned file goes to io.Discard. Idempotent.
func (e *parquetEncoder) release() {
	if e.rb != nil {
		e.rb.Release()
		e.rb = nil
	}
	if e.fw != nil {
		e.sink.w = io.Discard
		e.sink.err = nil
		fw := e.fw
		e.fw = nil
		fw.Close()
	}
}
