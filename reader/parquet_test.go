package reader

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/scorekit/score/internal/arrowpool"
)

// pqRow is one row for writeParquet; a nil text is a null.
type pqRow struct {
	id    int64
	title string
	text  *string
	label int32
}

// writeParquet writes rows with schema id, title, text, label, tags
// (list<string>), rowGroup rows per row group, snappy compressed.
func writeParquet(t testing.TB, path string, rows []pqRow, rowGroup int64, extra ...parquet.WriterProperty) {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "title", Type: arrow.BinaryTypes.String},
		{Name: "text", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "label", Type: arrow.PrimitiveTypes.Int32},
		{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String)},
	}, nil)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	props := parquet.NewWriterProperties(append([]parquet.WriterProperty{parquet.WithMaxRowGroupLength(rowGroup),
		parquet.WithCompression(compress.Codecs.Snappy)}, extra...)...)
	w, err := pqarrow.NewFileWriter(schema, f, props, pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	flush := func() {
		rec := b.NewRecordBatch()
		defer rec.Release()
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range rows {
		b.Field(0).(*array.Int64Builder).Append(r.id)
		b.Field(1).(*array.StringBuilder).Append(r.title)
		if r.text == nil {
			b.Field(2).(*array.StringBuilder).AppendNull()
		} else {
			b.Field(2).(*array.StringBuilder).Append(*r.text)
		}
		b.Field(3).(*array.Int32Builder).Append(r.label)
		lb := b.Field(4).(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.StringBuilder).Append("tag")
		if (i+1)%4096 == 0 {
			flush()
		}
	}
	flush()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func strp(s string) *string { return &s }

func synthRows(n int) []pqRow {
	rows := make([]pqRow, n)
	for i := range rows {
		rows[i] = pqRow{id: int64(1000 + i), title: fmt.Sprintf("title %d", i), text: strp(fmt.Sprintf("text of row %d", i)), label: int32(i % 3)}
	}
	return rows
}

func TestParquetSynthetic(t *testing.T) {
	rows := synthRows(25)
	rows[3].text = nil
	rows[7].text = strp("caf\xe9")
	rows[11].text = strp(strings.Repeat("y", 300))
	path := writeFile(t, "s.parquet", nil)
	writeParquet(t, path, rows, 10) // row groups of 10, 10, 5

	ins, err := Expand([]string{path}, Options{})
	if err != nil || ins[0].EstimatedRows != 25 {
		t.Fatalf("%+v %v", ins, err)
	}
	s, err := Open(ins[0], Options{BatchRows: 3, MaxRecordBytes: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if fmt.Sprint(s.Columns()) != "[title label]" {
		t.Fatalf("columns %v", s.Columns())
	}
	recs := readAll(t, s)
	if len(recs) != 25 {
		t.Fatalf("%d rows", len(recs))
	}
	for i, r := range recs {
		want := rows[i]
		switch i {
		case 3:
			if !r.Null || r.Text != "" || r.Err != nil {
				t.Fatalf("null row: %+v", r)
			}
		case 7:
			if r.Text != "caf\uFFFD" {
				t.Fatalf("repair: %q", r.Text)
			}
		case 11:
			if !errors.Is(r.Err, ErrTooLarge) {
				t.Fatalf("too large: %v", r.Err)
			}
			continue
		default:
			if r.Text != *want.text {
				t.Fatalf("row %d: %q", i, r.Text)
			}
		}
		if r.Row != int64(i+1) || r.ID != fmt.Sprint(want.id) || r.Fields["label"] != fmt.Sprint(want.label) || r.Fields["title"] != want.title {
			t.Fatalf("row %d: %+v", i, r)
		}
	}
	if st := s.Stats(); st.Records != 25 || st.Nulls != 1 || st.Repaired != 1 || st.Errors != 1 {
		t.Fatalf("stats %+v", st)
	}

	// A subset of row groups, in the order given; Row stays the file row.
	in := ins[0]
	in.RowGroups = []int{2, 0}
	s2, err := Open(in, Options{InvalidUTF8: "reject", LabelColumns: []string{"label"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	recs = readAll(t, s2)
	if len(recs) != 15 || recs[0].Row != 21 || recs[5].Row != 1 || recs[14].Row != 10 || fmt.Sprint(s2.Columns()) != "[label]" {
		t.Fatalf("row groups: %d rows, first Row %d", len(recs), recs[0].Row)
	}
	if !errors.Is(recs[5+7].Err, ErrInvalidUTF8) {
		t.Fatalf("reject: %v", recs[12].Err)
	}
	in.RowGroups = []int{3}
	if _, err := Open(in, Options{}); err == nil {
		t.Fatal("row group out of range: no error")
	}
}

func TestParquetTextColumnChoice(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.BinaryTypes.String},
		{Name: "b", Type: arrow.BinaryTypes.String},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	path := writeFile(t, "two.parquet", nil)
	f, _ := os.Create(path)
	w, err := pqarrow.NewFileWriter(schema, f, parquet.NewWriterProperties(), pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	b.Field(0).(*array.StringBuilder).Append("x")
	b.Field(1).(*array.StringBuilder).Append("y")
	b.Field(2).(*array.Int64Builder).Append(1)
	rec := b.NewRecordBatch()
	w.Write(rec)
	rec.Release()
	b.Release()
	w.Close()
	in := Input{Path: path, Format: "parquet"}
	_, err = Open(in, Options{})
	if !errors.Is(err, ErrNoTextColumn) || !strings.Contains(err.Error(), `["a", "b"]`) {
		t.Fatalf("ambiguous: %v", err)
	}
	if _, err := Open(in, Options{TextColumn: "n"}); !errors.Is(err, ErrNoTextColumn) {
		t.Fatalf("int text column: %v", err)
	}
	s, err := Open(in, Options{TextColumn: "B"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	recs := readAll(t, s)
	if recs[0].Text != "y" || recs[0].Fields["a"] != "x" || recs[0].Fields["n"] != "1" || recs[0].ID != "two.parquet:1" {
		t.Fatalf("%+v", recs[0])
	}
}

// TestParquetManyPages checks the direct text reader across page and row
// group boundaries, plain and dictionary encoded, with nulls.
func TestParquetManyPages(t *testing.T) {
	t.Parallel()
	checkManyPages(t, Options{})
}

// TestParquetPooledBuffersPoisoned reads many pages and row groups with the
// page buffers from a pool that poisons what is freed, and the texts in a
// poisoned arena: a page buffer reused while a value still points into it,
// or a text block reused too soon, would change the records.
func TestParquetPooledBuffersPoisoned(t *testing.T) {
	saved := pagePool
	defer func() { pagePool = saved }()
	pagePool = arrowpool.New(64<<20, true)
	a := NewTextArena(ArenaOptions{BlockBytes: 4 << 10, Poison: true})
	checkManyPages(t, Options{Arena: a})
	if s := a.Stats(); s.Reused == 0 {
		t.Fatalf("arena %+v: no block was reused", s)
	}
}

// checkManyPages reads 3,000 rows in row groups of 1,000 and pages of 512
// bytes, with and without dictionary encoding, in several batch sizes, and
// compares every record with what was written. Records are released
// (opts.Arena) once checked.
func checkManyPages(t *testing.T, opts Options) {
	t.Helper()
	rows := synthRows(3000)
	for i := range rows {
		switch {
		case i%97 == 0:
			rows[i].text = nil
		case i%5 == 0:
			rows[i].text = strp("repeated text") // dictionary hits
		case i%7 == 0:
			rows[i].text = strp(strings.Repeat("long ", i%300))
		}
	}
	for _, dict := range []bool{false, true} {
		path := writeFile(t, "pages.parquet", nil)
		writeParquet(t, path, rows, 1000, parquet.WithDataPageSize(512), parquet.WithDictionaryDefault(dict))
		batches := []int{3, 1024}
		if dict {
			batches = []int{1}
		}
		for _, batch := range batches {
			o := opts
			o.BatchRows = batch
			s, err := Open(Input{Path: path, Format: "parquet"}, o)
			if err != nil {
				t.Fatal(err)
			}
			recs := readAll(t, s)
			s.Close()
			if len(recs) != len(rows) {
				t.Fatalf("dict %v batch %d: %d rows", dict, batch, len(recs))
			}
			for i, r := range recs {
				w := rows[i]
				if r.Row != int64(i+1) || r.ID != fmt.Sprint(w.id) || r.Fields["label"] != fmt.Sprint(w.label) {
					t.Fatalf("dict %v batch %d row %d: %+v", dict, batch, i, r)
				}
				if (w.text == nil) != r.Null || (w.text != nil && r.Text != *w.text) {
					t.Fatalf("dict %v batch %d row %d: text %q null %v", dict, batch, i, r.Text, r.Null)
				}
				recs[i].Release()
			}
		}
	}
}
