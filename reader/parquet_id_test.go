package reader

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// writeStringIDs writes n rows of id (string, nullable), text and label,
// in row groups of 1000: ids "doc-<i>", null every 97th row, the bytes
// "bad\xff" at row 500.
func writeStringIDs(t *testing.T, path string, n int, props ...parquet.WriterProperty) {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "text", Type: arrow.BinaryTypes.String},
		{Name: "label", Type: arrow.BinaryTypes.String},
	}, nil)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := pqarrow.NewFileWriter(schema, f, parquet.NewWriterProperties(append([]parquet.WriterProperty{
		parquet.WithMaxRowGroupLength(1000), parquet.WithCompression(compress.Codecs.Zstd)}, props...)...), pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i := range n {
		switch {
		case i%97 == 0:
			b.Field(0).(*array.StringBuilder).AppendNull()
		case i == 500:
			b.Field(0).(*array.StringBuilder).Append("bad\xff")
		default:
			b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("doc-%d", i))
		}
		b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("text %d", i))
		b.Field(2).(*array.StringBuilder).Append([]string{"pos", "neg"}[i%2])
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestParquetStringIDs: a string id column, read directly like the text
// (dictionary-encoded or plain), gives each row its id, the file:row id
// for a null one and a repaired one for invalid UTF-8, across row groups
// and reader batches, also when the id column is a label as well.
func TestParquetStringIDs(t *testing.T) {
	const n = 2500
	for _, c := range []struct {
		name   string
		props  []parquet.WriterProperty
		labels []string
	}{
		{"dictionary", nil, nil},
		{"plain", []parquet.WriterProperty{parquet.WithDictionaryDefault(false)}, nil},
		{"id-as-label", nil, []string{"id", "label"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ids.parquet")
			writeStringIDs(t, path, n, c.props...)
			ins, err := Expand([]string{path}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(ins[0], Options{BatchRows: 7, LabelColumns: c.labels})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if p := s.(*parquetSource); p.idText == nil {
				t.Fatal("the string id column is not read directly")
			}
			recs := readAll(t, s)
			if len(recs) != n {
				t.Fatalf("%d rows, want %d", len(recs), n)
			}
			for i, r := range recs {
				want := fmt.Sprintf("doc-%d", i)
				switch {
				case i%97 == 0:
					want = baseID(s.(*parquetSource).base, int64(i+1))
				case i == 500:
					want = "bad\uFFFD"
				}
				if r.Err != nil || r.ID != want || r.Text != fmt.Sprintf("text %d", i) || r.Row != int64(i+1) {
					t.Fatalf("row %d: id %q text %q row %d err %v; want id %q", i, r.ID, r.Text, r.Row, r.Err, want)
				}
				if c.labels != nil && (r.Fields["label"] != []string{"pos", "neg"}[i%2] || (i%97 != 0 && i != 500 && r.Fields["id"] != want)) {
					t.Fatalf("row %d: fields %v", i, r.Fields)
				}
			}
			if st := s.Stats(); st.Repaired != 1 || st.Errors != 0 {
				t.Fatalf("stats %+v, want one repaired row", st)
			}
		})
	}
}
