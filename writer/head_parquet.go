package writer

import (
	"context"
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// headParquet reads the first n rows of a Parquet file with pqarrow.
func headParquet(path string, n int) (*headTable, error) {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, err
	}
	defer pf.Close()
	md := pf.MetaData()
	t := &headTable{total: md.NumRows}
	for _, kv := range md.KeyValueMetadata() {
		v := ""
		if kv.Value != nil {
			v = *kv.Value
		}
		t.meta = append(t.meta, [2]string{kv.Key, v})
	}
	batch := int64(max(n, 1))
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: batch}, memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	sc, err := fr.Schema()
	if err != nil {
		return nil, err
	}
	for _, f := range sc.Fields() {
		t.names = append(t.names, f.Name)
		t.kinds = append(t.kinds, kindOf(f.Name, isFloat(f.Type)))
	}
	if n == 0 || md.NumRows == 0 {
		return t, nil
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		return nil, err
	}
	defer rr.Release()
	for len(t.rows) < n && rr.Next() {
		rec := rr.RecordBatch()
		for i := 0; i < int(rec.NumRows()) && len(t.rows) < n; i++ {
			row := make([]cell, rec.NumCols())
			for c := range row {
				row[c] = arrowCell(rec.Column(c), i)
			}
			t.rows = append(t.rows, row)
		}
	}
	if err := rr.Err(); err != nil {
		return nil, fmt.Errorf("read rows: %w", err)
	}
	return t, nil
}

func isFloat(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		return true
	}
	return false
}

// arrowCell formats value i of a: scores with 4 significant digits, strings
// and integers as they are, anything else as arrow prints it.
func arrowCell(a arrow.Array, i int) cell {
	if a.IsNull(i) {
		return cell{null: true}
	}
	switch a := a.(type) {
	case *array.String:
		return cell{s: a.Value(i)}
	case *array.LargeString:
		return cell{s: a.Value(i)}
	case *array.Int64:
		return cell{s: strconv.FormatInt(a.Value(i), 10)}
	case *array.Float32:
		return cell{s: formatScore(float64(a.Value(i)))}
	case *array.Float64:
		return cell{s: formatScore(a.Value(i))}
	}
	return cell{s: a.ValueStr(i)}
}

// formatScore prints a score for people: 4 significant digits.
func formatScore(f float64) string {
	return strconv.FormatFloat(f, 'g', 4, 64)
}
