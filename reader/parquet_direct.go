package reader

import (
	"context"
	"fmt"
	"math"
	"unicode/utf8"
	"unsafe"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// directText reads a flat BYTE_ARRAY text column page by page with the
// low-level column reader, copying each value once into a Go string. This
// skips arrow's array builders, which cost more than the decoding itself
// for long texts.
//
// The decoding (page decompression, value copies, the UTF-8 check) runs
// ahead of the consumer in one goroutine, started by start and ended by
// stop, so that it overlaps with the work done on earlier rows: the reader
// is the one serial stage of the pipeline. The goroutine produces, for each
// row group in order, exactly as many cells as the group has rows, in
// chunks of at most batch cells (at most one page each), and stops at the
// first error. At most prefetchChunks chunks wait decoded, which bounds the
// memory it holds.
type directText struct {
	leaf   int
	maxDef int16
	max    int
	batch  int
	arena  *TextArena

	ch   chan textChunk
	quit chan struct{}
	done chan struct{}
	q    []textCell
	qi   int
	err  error // sticky: the chunk error returned by next
}

// prefetchChunks is how many decoded chunks may wait for the consumer.
const prefetchChunks = 4

type textCell struct {
	s      string
	mem    *textBlock // the arena block s was cut from, or nil
	null   bool
	tooBig bool
	valid  bool // s is valid UTF-8
}

// textChunk is a run of cells, or the error that ended the column.
type textChunk struct {
	cells   []textCell
	err     error
	opening bool // err came from opening the group's column chunk
	panic   any  // recovered from a panic inside the Parquet library
}

// textError is an error of the text column and how it happened.
type textError struct {
	opening bool
	panic   any
	err     error
}

func (e *textError) Error() string { return e.err.Error() }
func (e *textError) Unwrap() error { return e.err }

// newDirectText returns a direct reader for leaf column leaf, or nil when
// the column is not a flat byte array.
func newDirectText(pf *file.Reader, leaf, batch, max int, arena *TextArena) *directText {
	col := pf.MetaData().Schema.Column(leaf)
	if col.PhysicalType() != parquet.Types.ByteArray || col.MaxRepetitionLevel() != 0 {
		return nil
	}
	return &directText{leaf: leaf, maxDef: col.MaxDefinitionLevel(), max: max, batch: batch, arena: arena}
}

// start begins decoding groups (row group indices, in order) of pf.
func (d *directText) start(pf *file.Reader, groups []int) {
	if d.ch != nil {
		return
	}
	d.ch = make(chan textChunk, prefetchChunks)
	d.quit = make(chan struct{})
	d.done = make(chan struct{})
	go d.produce(pf, groups)
}

// stop ends the decoding goroutine and waits for it; the file may be closed
// afterwards.
func (d *directText) stop() {
	if d.ch == nil || d.quit == nil {
		return
	}
	close(d.quit)
	<-d.done
	d.quit = nil
}

// produce is the decoding goroutine.
func (d *directText) produce(pf *file.Reader, groups []int) {
	defer close(d.done)
	defer close(d.ch)
	defer func() {
		if r := recover(); r != nil {
			d.send(textChunk{err: fmt.Errorf("%v", r), panic: r})
		}
	}()
	vals := make([]parquet.ByteArray, d.batch)
	defs := make([]int16, d.batch)
	md := pf.MetaData()
	for _, g := range groups {
		rows := md.RowGroup(g).NumRows()
		if rows == 0 {
			continue
		}
		if rows < 0 {
			rows = math.MaxInt64 // corrupt metadata: read until the chunk ends
		}
		cr, err := d.open(pf, g)
		if err != nil {
			d.send(textChunk{err: err, opening: true})
			return
		}
		if !d.group(cr, vals, defs, rows) {
			return
		}
	}
}

// group sends the cells of one row group's column chunk, rows of them,
// and closes the chunk reader (its page buffers go back to the pool: the
// cells hold copies). It returns false when it stopped early.
func (d *directText) group(cr *file.ByteArrayColumnChunkReader, vals []parquet.ByteArray, defs []int16, rows int64) bool {
	defer cr.Close()
	for rows > 0 {
		cells, err := d.readChunk(cr, vals, defs, rows)
		if len(cells) > 0 && !d.send(textChunk{cells: cells}) {
			return false
		}
		if err != nil {
			d.send(textChunk{err: err})
			return false
		}
		rows -= int64(len(cells))
	}
	return true
}

// send hands c to the consumer; false when stop was called.
func (d *directText) send(c textChunk) bool {
	select {
	case d.ch <- c:
		return true
	case <-d.quit:
		return false
	}
}

func (d *directText) open(pf *file.Reader, g int) (*file.ByteArrayColumnChunkReader, error) {
	cr, err := pf.RowGroup(g).Column(d.leaf)
	if err != nil {
		return nil, err
	}
	bcr, ok := cr.(*file.ByteArrayColumnChunkReader)
	if !ok {
		return nil, fmt.Errorf("column %d is not a byte array column", d.leaf)
	}
	return bcr, nil
}

// readChunk decodes at most min(batch, rows) cells of one page. It returns
// the cells decoded before an error too.
func (d *directText) readChunk(cr *file.ByteArrayColumnChunkReader, vals []parquet.ByteArray, defs []int16, rows int64) ([]textCell, error) {
	lvls, nvals, err := cr.ReadBatchInPage(min(int64(d.batch), rows), vals, defs, nil)
	if err != nil {
		return nil, err
	}
	if lvls == 0 {
		if err := cr.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("column chunk ended early")
	}
	cells := make([]textCell, 0, lvls)
	// The chunk's texts are copied out of the page into the arena, or else
	// into one string (one allocation per chunk, not per row); the cells
	// hold slices of it.
	var buf []byte
	if d.arena == nil {
		total := 0
		for _, v := range vals[:min(nvals, len(vals))] {
			if len(v) <= d.max {
				total += len(v)
			}
		}
		buf = make([]byte, 0, total)
	}
	vi := 0
	for k := 0; k < int(lvls); k++ {
		if d.maxDef > 0 && defs[k] < d.maxDef {
			cells = append(cells, textCell{null: true})
			continue
		}
		if vi >= nvals {
			return cells, fmt.Errorf("fewer values (%d) than definition levels", nvals)
		}
		v := vals[vi]
		vi++
		if len(v) > d.max {
			cells = append(cells, textCell{tooBig: true})
			continue
		}
		c := textCell{valid: utf8.Valid(v)}
		if d.arena != nil {
			c.s, c.mem = d.arena.text(v)
		} else {
			off := len(buf)
			buf = append(buf, v...)
			c.s = unsafe.String(unsafe.SliceData(buf[off:]), len(v))
		}
		cells = append(cells, c)
	}
	return cells, nil
}

func (d *directText) cur() textCell { return d.q[d.qi-1] }

// next makes cur() the next row's cell. Errors are *textError, sticky.
func (d *directText) next(ctx context.Context) error {
	if d.qi < len(d.q) {
		d.qi++
		return nil
	}
	if d.err != nil {
		return d.err
	}
	d.q, d.qi = nil, 0
	var c textChunk
	var ok bool
	select {
	case c, ok = <-d.ch:
	case <-ctx.Done():
		return ctx.Err()
	}
	switch {
	case !ok:
		d.err = &textError{err: fmt.Errorf("column chunk ended early")}
		return d.err
	case c.err != nil:
		d.err = &textError{opening: c.opening, panic: c.panic, err: c.err}
		return d.err
	}
	d.q, d.qi = c.cells, 1
	return nil
}
