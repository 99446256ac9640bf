package reader

import (
	"fmt"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// directText reads a flat BYTE_ARRAY text column page by page with the
// low-level column reader, copying each value once into a Go string. This
// skips arrow's array builders, which cost more than the decoding itself
// for long texts. Values are decoded in batches of at most one page (the
// reader's buffers are reused from page to page, so they are copied before
// the next call).
type directText struct {
	leaf   int
	maxDef int16
	max    int
	batch  int

	cr   *file.ByteArrayColumnChunkReader
	vals []parquet.ByteArray
	defs []int16
	q    []textCell
	qi   int
}

type textCell struct {
	s      string
	null   bool
	tooBig bool
}

// newDirectText returns a direct reader for leaf column leaf, or nil when
// the column is not a flat byte array.
func newDirectText(pf *file.Reader, leaf, batch, max int) *directText {
	col := pf.MetaData().Schema.Column(leaf)
	if col.PhysicalType() != parquet.Types.ByteArray || col.MaxRepetitionLevel() != 0 {
		return nil
	}
	return &directText{leaf: leaf, maxDef: col.MaxDefinitionLevel(), max: max, batch: batch,
		vals: make([]parquet.ByteArray, batch), defs: make([]int16, batch)}
}

func (d *directText) open(pf *file.Reader, g int) error {
	cr, err := pf.RowGroup(g).Column(d.leaf)
	if err != nil {
		return err
	}
	bcr, ok := cr.(*file.ByteArrayColumnChunkReader)
	if !ok {
		return fmt.Errorf("column %d is not a byte array column", d.leaf)
	}
	d.cr = bcr
	d.q, d.qi = d.q[:0], 0
	return nil
}

func (d *directText) close() { d.cr = nil }

func (d *directText) cur() textCell { return d.q[d.qi-1] }

// next makes cur() the next row's cell.
func (d *directText) next() error {
	if d.qi < len(d.q) {
		d.qi++
		return nil
	}
	d.q, d.qi = d.q[:0], 0
	for len(d.q) == 0 {
		if d.cr == nil {
			return fmt.Errorf("column chunk ended early")
		}
		lvls, nvals, err := d.cr.ReadBatchInPage(int64(d.batch), d.vals, d.defs, nil)
		if err != nil {
			return err
		}
		if lvls == 0 {
			if err := d.cr.Err(); err != nil {
				return err
			}
			return fmt.Errorf("column chunk ended early")
		}
		vi := 0
		for k := 0; k < int(lvls); k++ {
			if d.maxDef > 0 && d.defs[k] < d.maxDef {
				d.q = append(d.q, textCell{null: true})
				continue
			}
			if vi >= nvals {
				return fmt.Errorf("fewer values (%d) than definition levels", nvals)
			}
			v := d.vals[vi]
			vi++
			if len(v) > d.max {
				d.q = append(d.q, textCell{tooBig: true})
				continue
			}
			d.q = append(d.q, textCell{s: string(v)})
		}
	}
	d.qi = 1
	return nil
}
