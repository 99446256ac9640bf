package reader

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func gzipBytes(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstdBytes(t testing.TB, b []byte) []byte {
	w, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	return w.EncodeAll(b, nil)
}

func TestCompressionRoundTrip(t *testing.T) {
	var csvData bytes.Buffer
	csvData.WriteString("id,text,label\n")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&csvData, "%d,\"row %d, with \"\"quotes\"\" and\nnewline\",%d\n", i, i, i%3)
	}
	files := map[string][]byte{
		"d.csv":   csvData.Bytes(),
		"d.jsonl": []byte("{\"text\": \"a\"}\n{\"text\": \"b\", \"label\": 1}\n"),
		"d.tsv":   []byte("x\t1\ny\t0\n"),
		"d.txt":   []byte("one whole document\nwith lines"),
	}
	for name, data := range files {
		plain, _ := readFileRecords(t, name, data, Options{})
		if len(plain) == 0 {
			t.Fatalf("%s: no records", name)
		}
		for ext, comp := range map[string][]byte{".gz": gzipBytes(t, data), ".zst": zstdBytes(t, data)} {
			got, s := readFileRecords(t, name+ext, comp, Options{})
			if len(got) != len(plain) {
				t.Fatalf("%s%s: %d records, want %d", name, ext, len(got), len(plain))
			}
			for i := range got {
				g, p := got[i], plain[i]
				if g.Text != p.Text || fmt.Sprint(g.Fields) != fmt.Sprint(p.Fields) || g.Row != p.Row || g.Err != nil {
					t.Fatalf("%s%s row %d: %q vs %q", name, ext, i+1, g.Text, p.Text)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestCorruptCompressedStreamIsFatal(t *testing.T) {
	comp := gzipBytes(t, bytes.Repeat([]byte("text\nhello world\n"), 20000))
	comp = comp[:len(comp)/2]
	p := writeFile(t, "cut.csv.gz", comp)
	ins, err := Expand([]string{p}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(ins[0], Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for {
		_, err := s.Next(t.Context())
		if err == nil {
			continue
		}
		if !bytes.Contains([]byte(err.Error()), []byte("cut.csv.gz")) || err.Error() == "EOF" {
			t.Fatalf("truncated gzip: %v, want a fatal error naming the file", err)
		}
		break
	}
}
