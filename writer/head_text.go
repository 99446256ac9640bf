package writer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// maxLine bounds one JSONL line that Head reads (a row with thousands of
// scores and long fields stays far below it).
const maxLine = 64 << 20

// openText opens path, through gzip when gz.
func openText(path string, gz bool) (io.Reader, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	if !gz {
		return bufio.NewReaderSize(f, 1<<16), func() { f.Close() }, nil
	}
	z, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("gzip: %w", err)
	}
	return z, func() { z.Close(); f.Close() }, nil
}

// headCSV reads the header and first n records, then counts the rest. A
// column is a score when every non-empty value read parses as a number
// (one record is read to tell, even when n is 0).
func headCSV(path string, n int, gz bool) (*headTable, error) {
	r, closeFn, err := openText(path, gz)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty file: no header")
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	t := &headTable{names: append([]string(nil), header...)}
	numeric := make([]bool, len(header))
	for i := range numeric {
		numeric[i] = true
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", t.total+1, err)
		}
		t.total++
		if len(t.rows) >= max(n, 1) {
			continue
		}
		row := make([]cell, len(rec))
		for i, v := range rec {
			row[i] = cell{s: v, null: v == ""}
			if v != "" {
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					numeric[i] = false
				}
			}
		}
		t.rows = append(t.rows, row)
	}
	for i, name := range t.names {
		t.kinds = append(t.kinds, kindOf(name, numeric[i] && len(t.rows) > 0))
		if t.kinds[i] != kindScore {
			continue
		}
		for _, row := range t.rows {
			if !row[i].null {
				f, _ := strconv.ParseFloat(row[i].s, 64)
				row[i].s = formatScore(f)
			}
		}
	}
	t.rows = t.rows[:min(n, len(t.rows))]
	return t, nil
}

// headJSONL reads the first n objects, keeping the first object's key
// order, then counts the remaining lines. A column is a score when a value
// read is a JSON number (one line is read to tell, even when n is 0).
func headJSONL(path string, n int, gz bool) (*headTable, error) {
	r, closeFn, err := openText(path, gz)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), maxLine)
	t := &headTable{}
	index := map[string]int{}
	var numeric []bool
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		t.total++
		if len(t.rows) >= max(n, 1) {
			continue
		}
		keys, vals, err := decodeObject(b)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		row := make([]cell, len(t.names), len(t.names)+len(keys))
		for i := range row {
			row[i].null = true
		}
		for k, key := range keys {
			c, ok := index[key]
			if !ok {
				c = len(t.names)
				index[key] = c
				t.names = append(t.names, key)
				numeric = append(numeric, false)
				for j := range t.rows {
					t.rows[j] = append(t.rows[j], cell{null: true})
				}
				row = append(row, cell{null: true})
			}
			switch v := vals[k].(type) {
			case nil:
			case json.Number:
				numeric[c] = true
				f, _ := v.Float64()
				row[c] = cell{s: formatScore(f)}
				if key == ColRow {
					row[c].s = v.String()
				}
			case string:
				row[c] = cell{s: v}
			default:
				js, _ := json.Marshal(v)
				row[c] = cell{s: string(js)}
			}
		}
		t.rows = append(t.rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	for i, name := range t.names {
		t.kinds = append(t.kinds, kindOf(name, numeric[i]))
	}
	t.rows = t.rows[:min(n, len(t.rows))]
	return t, nil
}

// decodeObject decodes one JSON object, keeping key order. Duplicate keys
// keep the last value, as encoding/json does.
func decodeObject(b []byte) (keys []string, vals []any, err error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, errors.New("not a JSON object")
	}
	seen := map[string]int{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key, _ := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, nil, fmt.Errorf("value of %q: %w", key, err)
		}
		if i, ok := seen[key]; ok {
			vals[i] = v
			continue
		}
		seen[key] = len(keys)
		keys = append(keys, key)
		vals = append(vals, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	if dec.More() {
		return nil, nil, errors.New("data after the object")
	}
	return keys, vals, nil
}
