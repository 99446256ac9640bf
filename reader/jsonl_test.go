package reader

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestJSONL(t *testing.T) {
	data := "\xef\xbb\xbf{\"id\": 1, \"text\": \"first \\\"q\\\" \\u00e9\", \"label\": \"pos\", \"score\": 0.5, \"meta\": {\"a\": [1, 2]}}\r\n" +
		"\n" +
		"   \n" +
		"{\"id\": \"x2\", \"text\": null, \"label\": \"neg\"}\n" +
		"not json\n" +
		"[1,2]\n" +
		"{\"id\": 3, \"text\": 42}\n" +
		"{\"id\": 4, \"label\": \"pos\"}\n" +
		"{\"text\": \"dup\", \"text\": \"last wins\"} trailing\n" +
		"{\"id\": 5, \"text\": \"caf\xe9\"}"
	recs, s := readFileRecords(t, "d.jsonl", []byte(data), Options{})
	if fmt.Sprint(s.Columns()) != "[label score]" {
		t.Fatalf("columns %v", s.Columns())
	}
	checkRecords(t, recs, []want{
		{text: "first \"q\" é", fields: map[string]string{"label": "pos", "score": "0.5"}},
		{text: "", fields: map[string]string{"label": "neg"}},
		{err: ErrMalformed}, {err: ErrMalformed}, {err: ErrMalformed},
		{text: ""},
		{err: ErrMalformed},
		{text: "caf\uFFFD"},
	})
	if recs[0].ID != "1" || recs[1].ID != "x2" || !recs[1].Null || !recs[5].Null || recs[2].ID != "d.jsonl:3" {
		t.Fatalf("ids/null: %+v %+v %+v", recs[0], recs[1], recs[2])
	}
	if !strings.Contains(recs[2].Err.Error(), "line 5") {
		t.Fatalf("error %v does not name line 5", recs[2].Err)
	}
	if st := s.Stats(); st.Records != 8 || st.Errors != 4 || st.Repaired != 1 || st.Nulls != 2 {
		t.Fatalf("stats %+v", st)
	}
	recs, _ = readFileRecords(t, "d.jsonl", []byte(data), Options{InvalidUTF8: "reject"})
	if !errors.Is(recs[7].Err, ErrInvalidUTF8) {
		t.Fatalf("reject: %v", recs[7].Err)
	}
}

func TestJSONLKeyChoice(t *testing.T) {
	recs, _ := readFileRecords(t, "k.jsonl", []byte(`{"n": 1, "only": "the text"}`+"\n"), Options{})
	checkRecords(t, recs, []want{{text: "the text", fields: map[string]string{"n": "1"}}})
	p := writeFile(t, "k.jsonl", []byte(`{"a": "x", "b": "y"}`+"\n"))
	ins, _ := Expand([]string{p}, Options{})
	if _, err := Open(ins[0], Options{}); !errors.Is(err, ErrNoTextColumn) || !strings.Contains(err.Error(), `"b"`) {
		t.Fatalf("ambiguous keys: %v", err)
	}
	s, err := Open(ins[0], Options{TextColumn: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if recs := readAll(t, s); recs[0].Text != "y" || recs[0].Fields["a"] != "x" {
		t.Fatalf("%+v", recs[0])
	}
}

func TestJSONLTooLong(t *testing.T) {
	long := `{"text": "` + strings.Repeat("x", 200) + `"}`
	data := long + "\n" + `{"text": "short"}` + "\n" + long
	recs, _ := readFileRecords(t, "l.jsonl", []byte(data), Options{MaxRecordBytes: 100})
	checkRecords(t, recs, []want{{err: ErrTooLarge}, {text: "short"}, {err: ErrTooLarge}})
}
