package reader

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// bigDoc is a 50 MB document with words, line breaks and a little UTF-8.
func bigDoc() []byte {
	size := 50 << 20
	if raceEnabled {
		size = 8 << 20 // the 50 MB run is the plain (non-race) test
	}
	unit := []byte("A long review, with commas; lines\nand é accents. ")
	return bytes.Repeat(unit, size/len(unit)+1)[:size]
}

func TestFiftyMegabyteDocument(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("50 MB files; skipped with -short")
	}
	doc := bigDoc()
	doc = doc[:len(doc)-1] // do not end inside the 2-byte é
	for !bytes.HasSuffix(doc, []byte(" ")) {
		doc = doc[:len(doc)-1]
	}
	dir := t.TempDir()
	txt := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(txt, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, openPath(t, txt, Options{}))
	if len(recs) != 1 || recs[0].Err != nil || recs[0].Text != string(doc) {
		t.Fatalf("txt: %d records, err %v", len(recs), recs[0].Err)
	}
	recs = readAll(t, openPath(t, txt, Options{MaxRecordBytes: len(doc) / 5}))
	if len(recs) != 1 || !errors.Is(recs[0].Err, ErrTooLarge) || recs[0].Text != "" {
		t.Fatalf("txt over limit: %+v", recs[0].Err)
	}

	// The same document as a quoted CSV field between two small rows.
	csvPath := filepath.Join(dir, "big.csv")
	var b bytes.Buffer
	b.WriteString("text,label\nbefore,0\n\"")
	b.Write(doc)
	b.WriteString("\",1\nafter,0\n")
	if err := os.WriteFile(csvPath, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b = bytes.Buffer{}
	recs = readAll(t, openPath(t, csvPath, Options{}))
	if len(recs) != 3 || recs[1].Text != string(doc) || recs[2].Text != "after" {
		t.Fatalf("csv: %d records", len(recs))
	}
	// Over the limit: an Err row, and (rule 2) the lines of the field come
	// back as rows of their own, but nothing after is lost and memory stays
	// bounded by the limit. A 1 MB field keeps this part quick.
	b.WriteString("text,label\nbefore,0\n\"")
	b.Write(doc[:1<<20])
	b.WriteString("\",1\nafter,0\n")
	if err := os.WriteFile(csvPath, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	recs = readAll(t, openPath(t, csvPath, Options{MaxRecordBytes: 256 << 10}))
	if !errors.Is(recs[1].Err, ErrTooLarge) || recs[len(recs)-1].Text != "after" {
		t.Fatalf("csv over limit: %d records, %v", len(recs), recs[1].Err)
	}
}
