package reader

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func checkRecords(t *testing.T, got []Record, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		for _, g := range got {
			t.Logf("got %q %v %v", g.Text, g.Fields, g.Err)
		}
		t.Fatalf("%d records, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		g := got[i]
		if g.Row != int64(i+1) {
			t.Fatalf("record %d: Row %d", i, g.Row)
		}
		if w.err != nil {
			if !errors.Is(g.Err, w.err) || g.Text != "" {
				t.Fatalf("record %d: err %v text %q, want %v", i, g.Err, g.Text, w.err)
			}
			continue
		}
		if g.Err != nil || g.Text != w.text {
			t.Fatalf("record %d: %q err %v, want %q", i, g.Text, g.Err, w.text)
		}
		if w.fields != nil && fmt.Sprint(g.Fields) != fmt.Sprint(w.fields) {
			t.Fatalf("record %d: fields %v, want %v", i, g.Fields, w.fields)
		}
	}
}

func TestCSVQuotesAndLineBreaks(t *testing.T) {
	data := "id,text,label\r\n" +
		"a,\"multi\nline, with comma\",1\r\n" +
		"b,\"crlf\r\ninside \"\"quoted\"\"\",0\r\n" +
		"c,plain,1\r\n" +
		"d,\"\",0\r\n" +
		"e,,1\r\n"
	recs, s := readFileRecords(t, "q.csv", []byte(data), Options{})
	if cols := s.Columns(); strings.Join(cols, ",") != "label" {
		t.Fatalf("columns %v", cols)
	}
	checkRecords(t, recs, []want{
		{text: "multi\nline, with comma", fields: map[string]string{"label": "1"}},
		{text: "crlf\r\ninside \"quoted\"", fields: map[string]string{"label": "0"}},
		{text: "plain"},
		{text: ""},
		{text: ""},
	})
	if recs[0].ID != "a" || recs[4].ID != "e" {
		t.Fatalf("ids %q %q", recs[0].ID, recs[4].ID)
	}
	if recs[3].Null || !recs[4].Null {
		t.Fatalf("null: quoted empty %v, unquoted empty %v", recs[3].Null, recs[4].Null)
	}
}

func TestCSVBareCRAndBOM(t *testing.T) {
	data := "\xef\xbb\xbfreview,sentiment\rgood one,positive\rbad one,negative\r"
	recs, s := readFileRecords(t, "cr.csv", []byte(data), Options{})
	if cols := s.Columns(); len(cols) != 1 || cols[0] != "sentiment" {
		t.Fatalf("columns %v (BOM not dropped?)", cols)
	}
	checkRecords(t, recs, []want{
		{text: "good one", fields: map[string]string{"sentiment": "positive"}},
		{text: "bad one", fields: map[string]string{"sentiment": "negative"}},
	})
}

func TestCSVInvalidUTF8(t *testing.T) {
	// cp1252: caf\xe9 and \x93quoted\x94.
	data := "text,label\ncaf\xe9,1\nfine,0\n\x93quoted\x94,1\n"
	recs, s := readFileRecords(t, "cp1252.csv", []byte(data), Options{})
	checkRecords(t, recs, []want{{text: "caf\uFFFD"}, {text: "fine"}, {text: "\uFFFDquoted\uFFFD"}})
	if st := s.Stats(); st.Repaired != 2 || st.Errors != 0 || st.Records != 3 {
		t.Fatalf("stats %+v", st)
	}
	recs, s = readFileRecords(t, "cp1252.csv", []byte(data), Options{InvalidUTF8: "reject"})
	checkRecords(t, recs, []want{{err: ErrInvalidUTF8}, {text: "fine"}, {err: ErrInvalidUTF8}})
	msg := recs[0].Err.Error()
	if !strings.Contains(msg, "cp1252.csv") || !strings.Contains(msg, "row 1 (line 2)") || !strings.Contains(msg, "0xe9") {
		t.Fatalf("error %q does not name file, row, line and byte", msg)
	}
	if st := s.Stats(); st.Errors != 2 || st.Repaired != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestCSVRaggedRows(t *testing.T) {
	data := "text,label\n" +
		"ok,1\n" +
		"trailing empties,0,,\n" +
		"too,many,fields\n" +
		"too few\n" +
		"after,1\n"
	recs, _ := readFileRecords(t, "ragged.csv", []byte(data), Options{})
	checkRecords(t, recs, []want{
		{text: "ok"}, {text: "trailing empties", fields: map[string]string{"label": "0"}},
		{err: ErrRagged}, {err: ErrRagged}, {text: "after"},
	})
	if !strings.Contains(recs[2].Err.Error(), "3 fields, expected 2") || !strings.Contains(recs[3].Err.Error(), "line 5") {
		t.Fatalf("errors %v / %v", recs[2].Err, recs[3].Err)
	}
}

func TestCSVMalformedQuoteRecovery(t *testing.T) {
	// Rule 1: garbage after a closing quote costs that line only.
	data := "text,label\n\"abc\"def,1\ngood,2\n\"x\ny\"z,3\nlast,4\n"
	recs, _ := readFileRecords(t, "badq.csv", []byte(data), Options{})
	checkRecords(t, recs, []want{{err: ErrMalformed}, {text: "good"}, {err: ErrMalformed}, {text: "last"}})
	// Rule 2: a quote never closed costs its first line; the rest is read
	// with quotes literal, so no row after it is lost.
	data = "text,label\nok,1\n\"never closed,2\nafter,3\nx,\"\"\nlast,5\n"
	recs, _ = readFileRecords(t, "open.csv", []byte(data), Options{})
	checkRecords(t, recs, []want{{text: "ok"}, {err: ErrMalformed}, {text: "after"},
		{text: "x", fields: map[string]string{"label": `""`}}, {text: "last"}})
	if !strings.Contains(recs[1].Err.Error(), "line 3") {
		t.Fatalf("error %v", recs[1].Err)
	}
	// Rule 2 with MaxRecordBytes: the unclosed quote is noticed after 64
	// bytes, not at the end of a large file.
	var b strings.Builder
	b.WriteString("text,label\n\"stray,1\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&b, "row %d,%d\n", i, i%2)
	}
	recs, _ = readFileRecords(t, "stray.csv", []byte(b.String()), Options{MaxRecordBytes: 64})
	if len(recs) != 1001 || !errors.Is(recs[0].Err, ErrTooLarge) || recs[1].Text != "row 0" || recs[1000].Text != "row 999" {
		t.Fatalf("%d records, first err %v", len(recs), recs[0].Err)
	}
}

func TestCSVEmptyAndHeaderOnly(t *testing.T) {
	for _, data := range []string{"", "\xef\xbb\xbf", "\n\r\n", "text,label\r\n"} {
		recs, s := readFileRecords(t, "e.csv", []byte(data), Options{})
		if len(recs) != 0 {
			t.Fatalf("%q: %d records", data, len(recs))
		}
		if s.Stats().Records != 0 {
			t.Fatalf("%q: stats %+v", data, s.Stats())
		}
	}
}

func TestCSVHeaderDetection(t *testing.T) {
	cases := []struct {
		data, header string
		first        string
		cols         string
	}{
		{"review,sentiment\ngreat,positive\n", "auto", "great", "sentiment"},
		{"great movie,positive\nawful,negative\n", "auto", "great movie", "label"},
		{"Title,Body\nt,b\n", "auto", "b", "Title"},
		{"hello,world\nx,y\n", "no", "hello", "label"},
		{"a b,c d\nx,y\n", "yes", "", ""},
	}
	for _, c := range cases {
		opts := Options{CSVHeader: c.header}
		p := writeFile(t, "h.csv", []byte(c.data))
		ins, _ := Expand([]string{p}, opts)
		s, err := Open(ins[0], opts)
		if c.first == "" {
			if !errors.Is(err, ErrNoTextColumn) || !strings.Contains(err.Error(), `"a b"`) {
				t.Fatalf("%q: error %v, want one listing the columns", c.data, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", c.data, err)
		}
		recs := readAll(t, s)
		if recs[0].Text != c.first || strings.Join(s.Columns(), ",") != c.cols {
			t.Fatalf("%q: first %q columns %v", c.data, recs[0].Text, s.Columns())
		}
	}
}

func TestTSVQuotingOffByDefault(t *testing.T) {
	data := "He said \"wow.\t1\nnext line\t0\n\"quoted\"\t1\n"
	recs, _ := readFileRecords(t, "s.tsv", []byte(data), Options{})
	checkRecords(t, recs, []want{{text: "He said \"wow."}, {text: "next line"}, {text: "\"quoted\""}})
	recs, _ = readFileRecords(t, "s.tsv", []byte(data), Options{Quoting: "on"})
	if len(recs) != 3 || recs[2].Text != "quoted" {
		t.Fatalf("quoting on: %+v", recs)
	}
}

func TestNULBytesKept(t *testing.T) {
	recs, _ := readFileRecords(t, "nul.csv", []byte("text\n\"a\x00b\"\nc\x00\n"), Options{})
	checkRecords(t, recs, []want{{text: "a\x00b"}, {text: "c\x00"}})
	recs, _ = readFileRecords(t, "nul.txt", []byte("x\x00\x00y"), Options{})
	checkRecords(t, recs, []want{{text: "x\x00\x00y"}})
	recs, _ = readFileRecords(t, "nul.jsonl", []byte("{\"text\":\"a\\u0000b\"}\n"), Options{})
	checkRecords(t, recs, []want{{text: "a\x00b"}})
}

func TestColumnOptions(t *testing.T) {
	data := "doc_id,body,stars,lang\n7,hello,5,en\n"
	recs, s := readFileRecords(t, "o.csv", []byte(data), Options{IDColumn: "doc_id", LabelColumns: []string{"stars"}})
	if recs[0].ID != "7" || recs[0].Text != "hello" || fmt.Sprint(recs[0].Fields) != "map[stars:5]" || fmt.Sprint(s.Columns()) != "[stars]" {
		t.Fatalf("%+v %v", recs[0], s.Columns())
	}
	p := writeFile(t, "o.csv", []byte(data))
	ins, _ := Expand([]string{p}, Options{})
	if _, err := Open(ins[0], Options{LabelColumns: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("missing label column: %v", err)
	}
	if _, err := Open(ins[0], Options{TextColumn: "nope"}); !errors.Is(err, ErrNoTextColumn) {
		t.Fatalf("missing text column: %v", err)
	}
}
