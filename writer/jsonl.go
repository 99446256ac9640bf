package writer

import (
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// jsonlEncoder writes one JSON object per line, keys in column order, null
// for missing values.
type jsonlEncoder struct {
	out     *textOut
	keys    [][]byte // `"name":` for every column
	nfields int
	width   int
	buf     []byte
}

func newJSONLEncoder(w io.Writer, s Schema, gz bool) (*jsonlEncoder, error) {
	cols := s.Columns()
	keys := make([][]byte, len(cols))
	for i, c := range cols {
		keys[i] = append(appendJSONString(nil, c), ':')
	}
	return &jsonlEncoder{out: newTextOut(w, gz), keys: keys, nfields: len(s.Fields), width: s.Width()}, nil
}

func (e *jsonlEncoder) write(rows []Row) error {
	for i := range rows {
		r := &rows[i]
		b := append(e.buf[:0], '{')
		k := 0
		key := func() {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, e.keys[k]...)
			k++
		}
		key()
		b = appendJSONString(b, r.ID)
		key()
		b = appendJSONString(b, r.Source)
		key()
		b = strconv.AppendInt(b, r.Row, 10)
		for f := 0; f < e.nfields; f++ {
			key()
			if r.fieldNull(f) {
				b = append(b, "null"...)
			} else {
				b = appendJSONString(b, r.Fields[f])
			}
		}
		for j := 0; j < e.width; j++ {
			key()
			if r.Scores == nil {
				b = append(b, "null"...)
			} else {
				b = appendJSONFloat(b, r.Scores[j])
			}
		}
		for _, s := range [2]string{r.Error, r.Warning} {
			key()
			if s == "" {
				b = append(b, "null"...)
			} else {
				b = appendJSONString(b, s)
			}
		}
		b = append(b, '}', '\n')
		e.buf = b
		if _, err := e.out.w.Write(b); err != nil {
			return fmt.Errorf("jsonl row %q: %w", r.ID, err)
		}
	}
	return nil
}

func (e *jsonlEncoder) finish() error { return e.out.close() }

func (e *jsonlEncoder) release() {}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes
// U+FFFD, as encoding/json does; <, > and & stay as they are.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, `\u00`...)
				b = append(b, hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			// Valid JSON, but escaped so the line is safe for JavaScript.
			b = append(b, `\u202`...)
			b = append(b, hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

const hex = "0123456789abcdef"
