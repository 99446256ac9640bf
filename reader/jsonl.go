package reader

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
)

// jsonlSource reads JSON Lines: one object per line.
type jsonlSource struct {
	path, base string
	closer     io.Closer
	w          window
	max        int
	reject     bool
	opts       Options

	textKey   string
	idKey     string
	fieldKeys []string
	chosen    bool

	row     int64
	pending []Record
	stats   Stats
	intern  interner
	fixbuf  []byte
	done    bool
}

func openJSONL(path string, r io.ReadCloser, opts Options) (*jsonlSource, error) {
	j := &jsonlSource{path: path, base: filepath.Base(path), closer: r, w: newWindow(r, 0),
		max: opts.maxRecord(), reject: opts.reject(), opts: opts}
	for len(j.w.data()) < 3 && j.w.fill() {
	}
	if j.w.err != nil {
		r.Close()
		return nil, readError(path, j.w.err)
	}
	if d := j.w.data(); len(d) >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF {
		j.w.lo += 3
		j.w.off += 3
	}
	// Read up to the first valid object to choose the keys; rows before it
	// (bad lines) are kept and returned first.
	for !j.chosen && len(j.pending) < 1000 {
		rec, err := j.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			r.Close()
			return nil, readError(path, err)
		}
		if rec.Err != nil && !j.chosen {
			if errors.Is(rec.Err, ErrNoTextColumn) {
				r.Close()
				return nil, fmt.Errorf("open %s: %w", path, errors.Unwrap(rec.Err))
			}
		}
		j.pending = append(j.pending, rec)
	}
	return j, nil
}

// readLine returns the next non-blank line without its terminator, and its
// line number; an oversized line is skipped and reported in tooLong.
func (j *jsonlSource) readLine() (line []byte, num int64, tooLong bool, err error) {
	w := &j.w
	for {
		if err := w.skipBlank(); err != nil {
			return nil, 0, false, err
		}
		num = w.lines + 1
		for {
			d := w.data()
			look := d
			if len(look) > j.max+1 {
				look = look[:j.max+1]
			}
			if i := bytes.IndexByte(look, '\n'); i >= 0 {
				line = trimCR(d[:i])
				w.consume(i + 1)
				if len(bytes.TrimSpace(line)) == 0 {
					break // a line of spaces is blank
				}
				return line, num, false, nil
			}
			if len(d) > j.max {
				if err := w.skipLine(); err != nil {
					return nil, 0, false, err
				}
				return nil, num, true, nil
			}
			if !w.fill() {
				if w.err != nil {
					return nil, 0, false, w.err
				}
				d = w.data()
				w.consume(len(d))
				line = trimCR(d)
				if len(bytes.TrimSpace(line)) == 0 {
					return nil, 0, false, io.EOF
				}
				return line, num, false, nil
			}
		}
	}
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

func (j *jsonlSource) Columns() []string { return append([]string(nil), j.fieldKeys...) }
func (j *jsonlSource) Stats() Stats      { return j.stats }

func (j *jsonlSource) Close() error {
	if j.closer == nil {
		return nil
	}
	err := j.closer.Close()
	j.closer = nil
	return err
}

func (j *jsonlSource) Next(ctx context.Context) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	if len(j.pending) > 0 {
		rec := j.pending[0]
		j.pending = j.pending[1:]
		return rec, nil
	}
	if j.done {
		return Record{}, io.EOF
	}
	rec, err := j.read()
	if err != nil {
		j.done = true
		if err == io.EOF {
			return Record{}, io.EOF
		}
		return Record{}, readError(j.path, err)
	}
	return rec, nil
}

// read reads and decodes one line.
func (j *jsonlSource) read() (Record, error) {
	line, num, tooLong, err := j.readLine()
	if err != nil {
		return Record{}, err
	}
	j.row++
	j.stats.Records++
	rec := Record{Source: j.path, Row: j.row}
	if tooLong {
		return j.fail(rec, num, fmt.Errorf("%w: line exceeds %d bytes", ErrTooLarge, j.max)), nil
	}
	b, repaired, err := fixUTF8(line, j.reject, &j.fixbuf)
	if err != nil {
		return j.fail(rec, num, err), nil
	}
	keys, vals, err := splitObject(b)
	if err != nil {
		return j.fail(rec, num, fmt.Errorf("%w: %v", ErrMalformed, err)), nil
	}
	if !j.chosen {
		if err := j.choose(keys, vals); err != nil {
			return j.fail(rec, num, err), nil
		}
	}
	find := func(key string) (json.RawMessage, bool) {
		for k := len(keys) - 1; k >= 0; k-- { // the last duplicate wins, as in encoding/json
			if keys[k] == key {
				return vals[k], true
			}
		}
		return nil, false
	}
	tv, ok := find(j.textKey)
	switch {
	case !ok || string(tv) == "null":
		rec.Null = true
	default:
		var s string
		if err := json.Unmarshal(tv, &s); err != nil {
			return j.fail(rec, num, fmt.Errorf("%w: key %q is not a string", ErrMalformed, j.textKey)), nil
		}
		rec.Text = s
	}
	if j.idKey != "" {
		if v, ok := find(j.idKey); ok {
			rec.ID = scalarString(v, &j.intern)
		}
	}
	if rec.ID == "" {
		rec.ID = baseID(j.base, j.row)
	}
	if len(j.fieldKeys) > 0 {
		rec.Fields = make(map[string]string, len(j.fieldKeys))
		for _, k := range j.fieldKeys {
			if v, ok := find(k); ok {
				rec.Fields[k] = scalarString(v, &j.intern)
			}
		}
	}
	if repaired {
		j.stats.Repaired++
	}
	if rec.Null {
		j.stats.Nulls++
	}
	return rec, nil
}

// choose picks the text, id and field keys from the first valid object.
func (j *jsonlSource) choose(keys []string, vals []json.RawMessage) error {
	var strs []int
	for k, v := range vals {
		if len(v) > 0 && v[0] == '"' {
			strs = append(strs, k)
		}
	}
	ti, err := pickText(j.opts.TextColumn, keys, strs)
	if err != nil {
		if len(strs) == 0 && j.opts.TextColumn == "" {
			err = fmt.Errorf("%w: the first object has no string value", ErrNoTextColumn)
		}
		return err
	}
	j.textKey = keys[ti]
	if j.opts.IDColumn != "" {
		if k := indexOfName(j.opts.IDColumn, keys); k >= 0 {
			j.idKey = keys[k]
		} else {
			j.idKey = j.opts.IDColumn
		}
	} else {
		for _, k := range keys {
			if strings.EqualFold(k, "id") && k != j.textKey {
				j.idKey = k
				break
			}
		}
	}
	if j.opts.LabelColumns != nil {
		j.fieldKeys = append(j.fieldKeys, j.opts.LabelColumns...)
	} else {
		seen := map[string]bool{j.textKey: true, j.idKey: true}
		for k, key := range keys {
			if !seen[key] && isScalar(vals[k]) {
				seen[key] = true
				j.fieldKeys = append(j.fieldKeys, key)
			}
		}
	}
	j.chosen = true
	return nil
}

func isScalar(v json.RawMessage) bool { return len(v) > 0 && v[0] != '{' && v[0] != '[' }

// scalarString renders a JSON value for Fields: strings unquoted, null as
// "", anything else in its compact JSON spelling.
func scalarString(v json.RawMessage, in *interner) string {
	if len(v) > 0 && v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
	}
	if string(v) == "null" {
		return ""
	}
	if len(v) > 0 && (v[0] == '{' || v[0] == '[') {
		var buf bytes.Buffer
		if json.Compact(&buf, v) == nil {
			return buf.String()
		}
	}
	return in.get(v)
}

// splitObject splits one JSON object into its keys and raw values, in
// order.
func splitObject(b []byte) ([]string, []json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("line is not a JSON object")
	}
	var keys []string
	var vals []json.RawMessage
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key, _ := kt.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("value of %s: %w", strconv.Quote(key), err)
		}
		keys = append(keys, key)
		vals = append(vals, raw)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	if dec.More() || dec.InputOffset() < int64(len(bytes.TrimRight(b, " \t"))) {
		return nil, nil, fmt.Errorf("trailing data after the object")
	}
	return keys, vals, nil
}

func (j *jsonlSource) fail(rec Record, line int64, err error) Record {
	j.stats.Errors++
	rec.ID = baseID(j.base, rec.Row)
	rec.Text, rec.Null, rec.Fields = "", false, nil
	rec.Err = &RowError{File: j.path, Row: rec.Row, Line: line, Err: err}
	return rec
}
