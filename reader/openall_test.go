package reader

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
)

func TestOpenAllConcatenates(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "a.csv")
	jsonlPath := filepath.Join(dir, "b.jsonl")
	txtPath := filepath.Join(dir, "c.txt")
	writeTo(t, csvPath, "text,sentiment,extra\nx,pos,1\ny,neg,2\n")
	writeTo(t, jsonlPath, `{"text": "z", "label": 1, "sentiment": "pos"}`+"\n")
	writeTo(t, txtPath, "whole")
	pq := filepath.Join(dir, "d.parquet")
	writeParquet(t, pq, synthRows(2), 10)
	ins, err := Expand([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenAll(ins, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := fmt.Sprint(s.Columns()); got != "[sentiment extra label title]" {
		t.Fatalf("columns %s", got)
	}
	recs := readAll(t, s)
	var texts []string
	for _, r := range recs {
		texts = append(texts, filepath.Base(r.Source)+":"+r.Text)
	}
	if got := fmt.Sprint(texts); got != "[a.csv:x a.csv:y b.jsonl:z c.txt:whole d.parquet:text of row 0 d.parquet:text of row 1]" {
		t.Fatalf("%s", got)
	}
	if st := s.Stats(); st.Records != 6 {
		t.Fatalf("stats %+v", st)
	}
}

func writeTo(t *testing.T, p, s string) {
	t.Helper()
	if err := osWriteFile(p, []byte(s)); err != nil {
		t.Fatal(err)
	}
}

func TestContextCancel(t *testing.T) {
	p := writeFile(t, "c.csv", []byte("text\na\nb\n"))
	ins, _ := Expand([]string{p}, Options{})
	s, err := OpenAll(ins, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := s.Next(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := s.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v", err)
	}
}

func TestOptionsValidated(t *testing.T) {
	if _, err := Expand(nil, Options{InvalidUTF8: "ignore"}); err == nil {
		t.Fatal("bad InvalidUTF8 accepted")
	}
	if _, err := Open(Input{Path: "x", Format: "xml"}, Options{}); !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("bad format: %v", err)
	}
}
