package reader

import (
	"fmt"
)

// csvRecord is a record found in the window: its bytes (valid until the
// next read), the scanner's fields, its first line, or a row-level error.
type csvRecord struct {
	raw   []byte
	line  int64
	rowEr error
}

// readRecord finds the next record. It returns io.EOF at end of input or a
// fatal read error. A malformed or oversized record comes back with rowEr
// set after the recovery rules of the package doc have moved past it.
func (c *csvSource) readRecord() (csvRecord, error) {
	w, s := &c.w, c.scan
	if err := w.skipBlank(); err != nil {
		return csvRecord{}, err
	}
	s.reset()
	line := w.lines + 1
	limit := c.max
	for {
		v := w.data()
		capped := len(v) > limit
		if capped {
			v = v[:limit]
		}
		switch s.scan(v, w.eof && !capped, w.off) {
		case resRecord:
			rec := csvRecord{raw: v[:s.end], line: line}
			// consume after use: the caller reads raw before the next call;
			// bytes stay in place until the next fill.
			w.consume(s.end)
			return rec, nil
		case resMore:
			if capped {
				return c.overLimit(line)
			}
			if !w.fill() && w.err != nil {
				return csvRecord{}, w.err
			}
		case resBadQuote:
			c2 := v[s.pos]
			w.consume(s.pos)
			if err := w.skipLine(); err != nil {
				return csvRecord{}, err
			}
			return csvRecord{line: line, rowEr: fmt.Errorf("%w: %q after the closing quote of field %d", ErrMalformed, c2, len(s.fields))}, nil
		case resUnterminated:
			s.noQuoteUntil = w.off + int64(len(v))
			if err := w.skipLine(); err != nil {
				return csvRecord{}, err
			}
			return csvRecord{line: line, rowEr: fmt.Errorf("%w: quoted field %d is not closed before the end of input", ErrMalformed, len(s.fields)+1)}, nil
		}
	}
}

// overLimit handles a record that reached MaxRecordBytes. In a quoted
// field only the record's first line is dropped (rule 2); otherwise the
// rest of the current line is skipped without buffering it.
func (c *csvSource) overLimit(line int64) (csvRecord, error) {
	w, s := &c.w, c.scan
	err := fmt.Errorf("%w: record exceeds %d bytes", ErrTooLarge, c.max)
	if s.state == stQuoted {
		s.noQuoteUntil = w.off + int64(c.max)
		err = fmt.Errorf("%w: record exceeds %d bytes inside quoted field %d (unbalanced quote?)", ErrTooLarge, c.max, len(s.fields)+1)
	} else {
		w.consume(s.pos)
	}
	if e := w.skipLine(); e != nil {
		return csvRecord{}, e
	}
	return csvRecord{line: line, rowEr: err}, nil
}
