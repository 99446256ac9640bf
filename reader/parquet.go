package reader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/scorekit/score/internal/arrowpool"
)

// parquetSource streams a Parquet file row group by row group, decoding
// only the text, id and field columns, BatchRows rows at a time.
type parquetSource struct {
	path, base string
	opts       Options
	pf         *file.Reader
	fr         *pqarrow.FileReader

	leaves    []int // leaf column indices to read
	textName  string
	idName    string
	fieldName []string

	groups   []int       // row groups to read, in order
	gi       int         // next index into groups
	rowBase  int64       // row index of the current group's first row
	rowsLeft int64       // rows of the current group not yet returned
	rowIdx   int64       // row index (in the file) of the current row
	text     *directText // the text column read without arrow; nil = via arrow
	idText   *directText // the id column likewise, when it is a flat byte array
	rr       pqarrow.RecordReader
	batch    arrow.RecordBatch
	bi       int // current row within batch
	cols     []arrow.Array
	stats    Stats
	intern   interner
	fixbuf   []byte
	numbuf   []byte
	closed   bool
}

// pagePool holds the page buffers of every Parquet file read (compressed
// and decompressed pages, dictionaries): the chunk readers give them back
// when a row group's column is done, and the next one reuses them. The
// arrays pqarrow builds for the other columns use the Go allocator, since
// their values reach records. At most 16 MiB of freed buffers wait.
var pagePool memory.Allocator = arrowpool.New(16<<20, false)

// openParquet opens a Parquet file. A panic inside the Parquet library on
// a corrupt file becomes an error here and in Next.
func openParquet(in Input, opts Options) (p *parquetSource, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("open %s: corrupt parquet file: %v", in.Path, r)
		}
	}()
	return openParquetFile(in, opts)
}

func openParquetFile(in Input, opts Options) (*parquetSource, error) {
	if in.Compression != "" {
		return nil, fmt.Errorf("open %s: parquet files cannot be read through %s; decompress them first", in.Path, in.Compression)
	}
	props := parquet.NewReaderProperties(pagePool)
	// Pages are read one at a time into the pooled buffers instead of each
	// column chunk whole into a fresh one (local files: the small reads cost
	// nothing).
	props.BufferedStreamEnabled = true
	pf, err := file.OpenParquetFile(in.Path, false, file.WithReadProps(props))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", in.Path, err)
	}
	batch := opts.BatchRows
	if batch <= 0 {
		batch = 1024
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: int64(batch), PreAllocBinaryData: true}, memory.DefaultAllocator)
	if err != nil {
		pf.Close()
		return nil, fmt.Errorf("open %s: %w", in.Path, err)
	}
	p := &parquetSource{path: in.Path, base: filepath.Base(in.Path), opts: opts, pf: pf, fr: fr}
	if err := p.mapColumns(); err != nil {
		pf.Close()
		return nil, fmt.Errorf("open %s: %w", in.Path, err)
	}
	n := pf.NumRowGroups()
	if in.RowGroups == nil {
		for g := 0; g < n; g++ {
			p.groups = append(p.groups, g)
		}
	} else {
		for _, g := range in.RowGroups {
			if g < 0 || g >= n {
				pf.Close()
				return nil, fmt.Errorf("open %s: row group %d out of range (file has %d)", in.Path, g, n)
			}
		}
		p.groups = append(p.groups, in.RowGroups...)
	}
	return p, nil
}

func isStringType(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		return true
	}
	return false
}

func isBinaryType(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.BINARY, arrow.LARGE_BINARY, arrow.BINARY_VIEW:
		return true
	}
	return false
}

func (p *parquetSource) mapColumns() error {
	var names []string
	var leafOf []int
	var types []arrow.DataType
	var strs []int
	for _, f := range p.fr.Manifest.Fields {
		if !f.IsLeaf() {
			continue
		}
		if isStringType(f.Field.Type) {
			strs = append(strs, len(names))
		}
		names = append(names, f.Field.Name)
		leafOf = append(leafOf, f.ColIndex)
		types = append(types, f.Field.Type)
	}
	if len(names) == 0 {
		return fmt.Errorf("%w: no scalar columns", ErrNoTextColumn)
	}
	if len(strs) == 0 && p.opts.TextColumn == "" {
		return fmt.Errorf("%w: no string column among %s", ErrNoTextColumn, quoteList(names))
	}
	ti, err := pickText(p.opts.TextColumn, names, strs)
	if err != nil {
		return err
	}
	if !isStringType(types[ti]) && !isBinaryType(types[ti]) {
		return fmt.Errorf("%w: column %q is %s, not a string", ErrNoTextColumn, names[ti], types[ti])
	}
	p.textName = names[ti]
	use := []int{ti}
	idIdx := -1
	if p.opts.IDColumn != "" {
		if idIdx = indexOfName(p.opts.IDColumn, names); idIdx < 0 {
			return fmt.Errorf("id column %q not found among %s", p.opts.IDColumn, quoteList(names))
		}
	} else {
		for k, n := range names {
			if strings.EqualFold(n, "id") && k != ti {
				idIdx = k
				break
			}
		}
	}
	if idIdx >= 0 {
		p.idName = names[idIdx]
		use = append(use, idIdx)
	}
	if p.opts.LabelColumns != nil {
		for _, l := range p.opts.LabelColumns {
			k := indexOfName(l, names)
			if k < 0 {
				return fmt.Errorf("label column %q not found among %s", l, quoteList(names))
			}
			p.fieldName = append(p.fieldName, names[k])
			use = append(use, k)
		}
	} else {
		for k, n := range names {
			if k != ti && k != idIdx {
				p.fieldName = append(p.fieldName, n)
				use = append(use, k)
			}
		}
	}
	batch := p.opts.BatchRows
	if batch <= 0 {
		batch = 1024
	}
	if p.text = newDirectText(p.pf, leafOf[ti], batch, p.opts.maxRecord(), p.opts.Arena); p.text != nil {
		use = use[1:]
	}
	// A string id column is read directly too (no arena: ids are kept
	// beyond the text's life): arrow would build a string array for each
	// batch of a column whose values are all different.
	if idIdx >= 0 && idIdx != ti {
		if p.idText = newDirectText(p.pf, leafOf[idIdx], batch, p.opts.maxRecord(), nil); p.idText != nil {
			at := slices.Index(use, idIdx) // the id's own entry: a label may be the same column
			use = slices.Delete(use, at, at+1)
		}
	}
	seen := map[int]bool{}
	for _, k := range use {
		if !seen[leafOf[k]] {
			seen[leafOf[k]] = true
			p.leaves = append(p.leaves, leafOf[k])
		}
	}
	return nil
}

func (p *parquetSource) Columns() []string { return append([]string(nil), p.fieldName...) }
func (p *parquetSource) Stats() Stats      { return p.stats }

func (p *parquetSource) Close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	p.releaseGroup()
	if p.text != nil {
		p.text.stop()
	}
	if p.idText != nil {
		p.idText.stop()
	}
	return p.pf.Close()
}

// col returns column k of the current batch (0 text, 1 id, 2+ fields).
func (p *parquetSource) col(k int) arrow.Array {
	if k < len(p.cols) {
		return p.cols[k]
	}
	return nil
}

func (p *parquetSource) releaseGroup() {
	if p.batch != nil {
		p.batch.Release()
		p.batch = nil
	}
	if p.rr != nil {
		p.rr.Release()
		p.rr = nil
	}
}

// advance moves to the next row, opening the next row group when the
// current one is done; io.EOF after the last group. After it, row p.bi of
// p.batch (when arrow columns are read) and p.text.cur() (when the text
// column is read directly) hold the row's values.
func (p *parquetSource) advance(ctx context.Context) error {
	for p.rowsLeft == 0 {
		p.releaseGroup()
		if p.gi >= len(p.groups) {
			return io.EOF
		}
		g := p.groups[p.gi]
		p.gi++
		md := p.pf.MetaData()
		p.rowBase = 0
		for k := 0; k < g; k++ {
			p.rowBase += md.RowGroup(k).NumRows()
		}
		p.rowsLeft = md.RowGroup(g).NumRows()
		p.rowIdx = p.rowBase - 1
		p.bi = -1
		if len(p.leaves) > 0 {
			rr, err := p.fr.GetRecordReader(ctx, p.leaves, []int{g})
			if err != nil {
				return fmt.Errorf("read %s: row group %d: %w", p.path, g, err)
			}
			p.rr = rr
		}
		if p.text != nil {
			p.text.start(p.pf, p.groups[p.gi-1:])
		}
		if p.idText != nil {
			p.idText.start(p.pf, p.groups[p.gi-1:])
		}
	}
	p.rowsLeft--
	p.rowIdx++
	g := p.groups[p.gi-1]
	for _, d := range [...]struct {
		r    *directText
		name string
	}{{p.text, p.textName}, {p.idText, p.idName}} {
		if d.r == nil {
			continue
		}
		if err := d.r.next(ctx); err != nil {
			var te *textError
			switch {
			case !errors.As(err, &te):
				return err // the context's
			case te.panic != nil:
				return te // Next reports it as a corrupt file
			case te.opening:
				return fmt.Errorf("read %s: row group %d: %w", p.path, g, te.err)
			}
			return fmt.Errorf("read %s: row group %d: column %q: %w", p.path, g, d.name, te.err)
		}
	}
	if p.rr == nil {
		return nil
	}
	p.bi++
	for p.batch == nil || p.bi >= int(p.batch.NumRows()) {
		if p.batch != nil {
			p.batch.Release()
			p.batch = nil
		}
		if !p.rr.Next() {
			err := p.rr.Err()
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("read %s: row group %d: %w", p.path, g, err)
		}
		p.batch = p.rr.RecordBatch()
		p.batch.Retain()
		p.bi = 0
		p.cols = p.cols[:0]
		sc := p.batch.Schema()
		for _, name := range append([]string{p.textName, p.idName}, p.fieldName...) {
			var col arrow.Array
			if name != "" {
				if idx := sc.FieldIndices(name); len(idx) > 0 {
					col = p.batch.Column(idx[0])
				}
			}
			p.cols = append(p.cols, col)
		}
	}
	return nil
}

func (p *parquetSource) Next(ctx context.Context) (rec Record, err error) {
	defer func() {
		if r := recover(); r != nil {
			rec, err = Record{}, fmt.Errorf("read %s: corrupt parquet file: %v", p.path, r)
			p.rowsLeft, p.gi = 0, len(p.groups)
		}
	}()
	rec, err = p.next(ctx)
	if te := (*textError)(nil); errors.As(err, &te) && te.panic != nil {
		rec, err = Record{}, fmt.Errorf("read %s: corrupt parquet file: %v", p.path, te.panic)
		p.rowsLeft, p.gi = 0, len(p.groups)
	}
	return rec, err
}

func (p *parquetSource) next(ctx context.Context) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	if p.closed {
		return Record{}, io.EOF
	}
	if err := p.advance(ctx); err != nil {
		return Record{}, err
	}
	i := p.bi
	row := p.rowIdx + 1
	p.stats.Records++
	rec := Record{Source: p.path, Row: row}
	fail := func(e error) (Record, error) {
		p.stats.Errors++
		rec.Text, rec.Null, rec.Fields = "", false, nil
		rec.Err = &RowError{File: p.path, Row: row, Err: e}
		return rec, nil
	}
	repaired := false
	if p.idText != nil {
		s, _, rep, err := p.directCell(p.idText.cur(), "id", p.idName)
		if err != nil {
			return fail(err)
		}
		rec.ID, repaired = s, rep
	} else if id := p.col(1); id != nil && !id.IsNull(i) {
		s, rep, err := p.cell(id, i, true) // ids are unique: not interned
		if err != nil {
			return fail(fmt.Errorf("id column %q: %w", p.idName, err))
		}
		rec.ID, repaired = s, rep
	}
	if rec.ID == "" {
		rec.ID = baseID(p.base, row)
	}
	if p.text != nil {
		t := p.text.cur()
		rec.mem = t.mem
		s, null, rep, err := p.directCell(t, "text", p.textName)
		if err != nil {
			return fail(err)
		}
		rec.Text, rec.Null, repaired = s, null, repaired || rep
	} else if t := p.col(0); t == nil || t.IsNull(i) {
		rec.Null = true
	} else {
		s, rep, err := p.cell(t, i, true)
		if err != nil {
			return fail(fmt.Errorf("text column %q: %w", p.textName, err))
		}
		rec.Text, repaired = s, repaired || rep
	}
	if len(p.fieldName) > 0 {
		rec.Fields = make(map[string]string, len(p.fieldName))
		for k, name := range p.fieldName {
			col := p.col(2 + k)
			if col == nil || col.IsNull(i) {
				rec.Fields[name] = ""
				continue
			}
			s, rep, err := p.cell(col, i, false)
			if err != nil {
				return fail(fmt.Errorf("column %q: %w", name, err))
			}
			rec.Fields[name], repaired = s, repaired || rep
		}
	}
	if repaired {
		p.stats.Repaired++
	}
	if rec.Null {
		p.stats.Nulls++
	}
	return rec, nil
}

// directCell returns the string of cell c of the what column name (read
// directly), whether it is null, and whether its UTF-8 was repaired.
func (p *parquetSource) directCell(c textCell, what, name string) (s string, null, repaired bool, err error) {
	switch {
	case c.null:
		return "", true, false, nil
	case c.tooBig:
		return "", false, false, fmt.Errorf("%s column %q: %w: cell exceeds %d bytes", what, name, ErrTooLarge, p.opts.maxRecord())
	case c.valid:
		return c.s, false, false, nil
	}
	s, _, err = p.bytesCell([]byte(c.s), true)
	if err != nil {
		return "", false, false, fmt.Errorf("%s column %q: %w", what, name, err)
	}
	return s, false, true, nil
}
