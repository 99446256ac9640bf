package reader

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

// csvSource reads CSV and TSV files.
type csvSource struct {
	path, base string
	closer     io.Closer
	w          window
	scan       *csvScanner
	max        int
	reject     bool
	arena      *TextArena

	names     []string // column names (header or col_N)
	textIdx   int
	idIdx     int   // -1: none
	fieldIdx  []int // columns copied into Fields
	fieldName []string
	ncols     int

	row     int64
	pending *Record // first data row read while looking for a header
	stats   Stats
	intern  interner
	scratch []byte
	fixbuf  []byte
	done    bool
}

func openCSV(path string, r io.ReadCloser, delim byte, opts Options) (*csvSource, error) {
	quoting := delim != '\t'
	switch opts.Quoting {
	case "on":
		quoting = true
	case "off":
		quoting = false
	}
	c := &csvSource{
		path: path, base: filepath.Base(path), closer: r,
		w: newWindow(r, 0), scan: newCSVScanner(delim, quoting),
		max: opts.maxRecord(), reject: opts.reject(), arena: opts.Arena, idIdx: -1,
	}
	if err := c.start(opts); err != nil {
		r.Close()
		return nil, err
	}
	return c, nil
}

// start drops a BOM, reads the first record and sets up the columns.
func (c *csvSource) start(opts Options) error {
	w := &c.w
	for len(w.data()) < 3 && w.fill() {
	}
	if w.err != nil {
		return readError(c.path, w.err)
	}
	if d := w.data(); len(d) >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF {
		w.lo += 3
		w.off += 3
	}
	first, err := c.readRecord()
	if err == io.EOF {
		c.done = true
		return nil
	}
	if err != nil {
		return readError(c.path, err)
	}
	if first.rowEr != nil {
		return fmt.Errorf("read %s: first row (line %d): %w", c.path, first.line, first.rowEr)
	}
	n := len(c.scan.fields)
	cells := make([]string, n)
	for k := range cells {
		cells[k] = string(c.scan.field(first.raw, k, &c.scratch))
	}
	header := false
	switch opts.CSVHeader {
	case "yes":
		header = true
	case "", "auto":
		header = looksLikeHeader(cells, opts)
	}
	c.ncols = n
	if header {
		c.names = make([]string, n)
		for k, s := range cells {
			c.names[k] = strings.TrimSpace(s)
		}
	} else {
		c.names = make([]string, n)
		for k := range c.names {
			c.names[k] = "col_" + strconv.Itoa(k)
		}
		if n == 2 && opts.TextColumn == "" {
			c.names[1] = "label"
			opts.TextColumn = "0"
		}
	}
	if err := c.mapColumns(opts); err != nil {
		return fmt.Errorf("open %s: %w", c.path, err)
	}
	if !header {
		rec := c.build(first)
		c.pending = &rec
	}
	return nil
}

func (c *csvSource) mapColumns(opts Options) error {
	ti, err := pickText(opts.TextColumn, c.names, nil)
	if err != nil {
		return err
	}
	c.textIdx = ti
	if opts.IDColumn != "" {
		if c.idIdx = indexOfName(opts.IDColumn, c.names); c.idIdx < 0 {
			return fmt.Errorf("id column %q not found among %s", opts.IDColumn, quoteList(c.names))
		}
	} else {
		for k, n := range c.names {
			if strings.EqualFold(n, "id") && k != ti {
				c.idIdx = k
				break
			}
		}
	}
	if opts.LabelColumns != nil {
		for _, l := range opts.LabelColumns {
			k := indexOfName(l, c.names)
			if k < 0 {
				return fmt.Errorf("label column %q not found among %s", l, quoteList(c.names))
			}
			c.fieldIdx = append(c.fieldIdx, k)
			c.fieldName = append(c.fieldName, c.names[k])
		}
		return nil
	}
	for k, n := range c.names {
		if k != c.textIdx && k != c.idIdx {
			c.fieldIdx = append(c.fieldIdx, k)
			c.fieldName = append(c.fieldName, n)
		}
	}
	return nil
}

// looksLikeHeader applies the "auto" header rule of the package doc.
func looksLikeHeader(cells []string, opts Options) bool {
	for _, s := range cells {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if isTextName(s) || strings.EqualFold(s, opts.TextColumn) || strings.EqualFold(s, opts.IDColumn) {
			return true
		}
		for _, n := range headerNames {
			if strings.EqualFold(s, n) {
				return true
			}
		}
		for _, n := range opts.LabelColumns {
			if strings.EqualFold(s, n) {
				return true
			}
		}
	}
	if len(cells) < 2 {
		return false
	}
	seen := make(map[string]bool, len(cells))
	for _, s := range cells {
		if s == "" || len(s) > 64 || seen[s] || !identLike(s) {
			return false
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return false
		}
		seen[s] = true
	}
	return true
}

func identLike(s string) bool {
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	r0 := []rune(s)[0]
	return unicode.IsLetter(r0) || r0 == '_'
}

func (c *csvSource) Columns() []string { return append([]string(nil), c.fieldName...) }
func (c *csvSource) Stats() Stats      { return c.stats }

func (c *csvSource) Close() error {
	if c.closer == nil {
		return nil
	}
	err := c.closer.Close()
	c.closer = nil
	return err
}

func (c *csvSource) Next(ctx context.Context) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	if c.pending != nil {
		rec := *c.pending
		c.pending = nil
		return rec, nil
	}
	if c.done {
		return Record{}, io.EOF
	}
	r, err := c.readRecord()
	if err != nil {
		c.done = true
		if err == io.EOF {
			return Record{}, io.EOF
		}
		return Record{}, readError(c.path, err)
	}
	return c.build(r), nil
}

// build turns a scanned record into a Record and counts it.
func (c *csvSource) build(r csvRecord) Record {
	c.row++
	c.stats.Records++
	rec := Record{Source: c.path, Row: c.row}
	if r.rowEr != nil {
		return c.fail(rec, r.line, r.rowEr)
	}
	n := len(c.scan.fields)
	if n != c.ncols {
		extraEmpty := n > c.ncols
		for k := c.ncols; k < n && extraEmpty; k++ {
			f := c.scan.fields[k]
			extraEmpty = f.end == f.start
		}
		if !extraEmpty {
			return c.fail(rec, r.line, fmt.Errorf("%w: %d fields, expected %d", ErrRagged, n, c.ncols))
		}
	}
	repaired := false
	if c.idIdx >= 0 {
		b, rep, err := fixUTF8(c.scan.field(r.raw, c.idIdx, &c.scratch), c.reject, &c.fixbuf)
		if err != nil {
			return c.fail(rec, r.line, fmt.Errorf("id column %q: %w", c.names[c.idIdx], err))
		}
		repaired = repaired || rep
		rec.ID = string(b)
	}
	if rec.ID == "" { // no id column, or an empty id cell
		rec.ID = baseID(c.base, c.row)
	}
	tf := c.scan.fields[c.textIdx]
	b, rep, err := fixUTF8(c.scan.field(r.raw, c.textIdx, &c.scratch), c.reject, &c.fixbuf)
	if err != nil {
		return c.fail(rec, r.line, fmt.Errorf("text column %q: %w", c.names[c.textIdx], err))
	}
	repaired = repaired || rep
	rec.Text, rec.mem = c.arena.text(b)
	rec.Null = len(b) == 0 && !tf.quoted
	if len(c.fieldIdx) > 0 {
		rec.Fields = make(map[string]string, len(c.fieldIdx))
		for k, idx := range c.fieldIdx {
			b, rep, err := fixUTF8(c.scan.field(r.raw, idx, &c.scratch), c.reject, &c.fixbuf)
			if err != nil {
				return c.fail(rec, r.line, fmt.Errorf("column %q: %w", c.fieldName[k], err))
			}
			repaired = repaired || rep
			rec.Fields[c.fieldName[k]] = c.intern.get(b)
		}
	}
	if repaired {
		c.stats.Repaired++
	}
	if rec.Null {
		c.stats.Nulls++
	}
	return rec
}

func (c *csvSource) fail(rec Record, line int64, err error) Record {
	c.stats.Errors++
	if rec.ID == "" {
		rec.ID = baseID(c.base, rec.Row)
	}
	rec.Text, rec.Null, rec.Fields = "", false, nil
	rec.Err = &RowError{File: c.path, Row: rec.Row, Line: line, Err: err}
	return rec
}

// RowError is the Err of a record that could not be read.
type RowError struct {
	File string
	Row  int64
	Line int64 // first physical line of the record; 0 when not line-based
	Err  error
}

func (e *RowError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("read %s: row %d (line %d): %v", e.File, e.Row, e.Line, e.Err)
	}
	return fmt.Sprintf("read %s: row %d: %v", e.File, e.Row, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }
