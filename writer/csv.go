package writer

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// csvEncoder writes a header line and one record per row. Nulls are empty
// cells, as CSV has nothing else for them.
type csvEncoder struct {
	out     *textOut
	cw      *csv.Writer
	nfields int
	width   int
	rec     []string
	buf     []byte
}

func newCSVEncoder(w io.Writer, s Schema, gz bool) (*csvEncoder, error) {
	out := newTextOut(w, gz)
	e := &csvEncoder{out: out, cw: csv.NewWriter(out.w), nfields: len(s.Fields), width: s.Width()}
	header := s.Columns()
	if err := e.cw.Write(header); err != nil {
		return nil, fmt.Errorf("csv header: %w", err)
	}
	e.rec = make([]string, len(header))
	return e, nil
}

func (e *csvEncoder) write(rows []Row) error {
	for i := range rows {
		r := &rows[i]
		rec := e.rec[:0]
		rec = append(rec, r.ID, r.Source, strconv.FormatInt(r.Row, 10))
		for f := 0; f < e.nfields; f++ {
			if r.fieldNull(f) {
				rec = append(rec, "")
			} else {
				rec = append(rec, r.Fields[f])
			}
		}
		for j := 0; j < e.width; j++ {
			if r.Scores == nil {
				rec = append(rec, "")
				continue
			}
			e.buf = appendFloat(e.buf[:0], r.Scores[j])
			rec = append(rec, string(e.buf))
		}
		rec = append(rec, r.Error, r.Warning)
		if err := e.cw.Write(rec); err != nil {
			return fmt.Errorf("csv row %q: %w", r.ID, err)
		}
	}
	return nil
}

func (e *csvEncoder) finish() error {
	e.cw.Flush()
	if err := e.cw.Error(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return e.out.close()
}

func (e *csvEncoder) release() {}
