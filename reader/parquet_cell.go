package reader

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// cell renders value i of col as an owned string. Strings are checked for
// UTF-8 and size; short values are interned unless own is set (texts and
// ids: strings of their own).
func (p *parquetSource) cell(col arrow.Array, i int, own bool) (string, bool, error) {
	var s string
	switch a := col.(type) {
	case *array.String:
		s = a.Value(i)
	case *array.LargeString:
		s = a.Value(i)
	case *array.StringView:
		s = a.Value(i)
	case *array.Binary:
		return p.bytesCell(a.Value(i), own)
	case *array.LargeBinary:
		return p.bytesCell(a.Value(i), own)
	case *array.BinaryView:
		return p.bytesCell(a.Value(i), own)
	case *array.Int64:
		p.numbuf = strconv.AppendInt(p.numbuf[:0], a.Value(i), 10)
		return p.bytesCell(p.numbuf, own)
	case *array.Int32:
		p.numbuf = strconv.AppendInt(p.numbuf[:0], int64(a.Value(i)), 10)
		return p.bytesCell(p.numbuf, own)
	default:
		return col.ValueStr(i), false, nil
	}
	if len(s) > p.opts.maxRecord() {
		return "", false, fmt.Errorf("%w: cell exceeds %d bytes", ErrTooLarge, p.opts.maxRecord())
	}
	if utf8.ValidString(s) {
		if own {
			return strings.Clone(s), false, nil
		}
		return p.intern.getString(s), false, nil
	}
	return p.bytesCell([]byte(s), own)
}

func (p *parquetSource) bytesCell(b []byte, own bool) (string, bool, error) {
	if len(b) > p.opts.maxRecord() {
		return "", false, fmt.Errorf("%w: cell exceeds %d bytes", ErrTooLarge, p.opts.maxRecord())
	}
	b, rep, err := fixUTF8(b, p.opts.reject(), &p.fixbuf)
	if err != nil {
		return "", false, err
	}
	if own {
		return string(b), rep, nil
	}
	return p.intern.get(b), rep, nil
}

// parquetRows returns the row count of the chosen row groups from the
// footer.
func parquetRows(path string, groups []int) (int64, error) {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer pf.Close()
	if groups == nil {
		return pf.NumRows(), nil
	}
	var n int64
	for _, g := range groups {
		if g < 0 || g >= pf.NumRowGroups() {
			return 0, fmt.Errorf("open %s: row group %d out of range (file has %d)", path, g, pf.NumRowGroups())
		}
		n += pf.MetaData().RowGroup(g).NumRows()
	}
	return n, nil
}
