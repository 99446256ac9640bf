package reader

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"
	"testing/iotest"
)

// rawRec is one record as both parsers see it: fields, or an error kind,
// and the first line.
type rawRec struct {
	fields []string
	err    string // "", "badquote", "unterminated", "toolarge"
	line   int64
}

func (r rawRec) String() string { return fmt.Sprintf("line %d %q %s", r.line, r.fields, r.err) }

// refParseCSV is an independent, deliberately simple reading of the rules in
// doc.go: the whole input in memory, one byte at a time.
func refParseCSV(data []byte, delim byte, quoting bool, max int) []rawRec {
	lines := make([]int64, len(data)+1) // lines[i] = 1 + line breaks in data[:i]
	lines[0] = 1
	for i, c := range data {
		lines[i+1] = lines[i]
		if c == '\n' || (c == '\r' && (i+1 >= len(data) || data[i+1] != '\n')) {
			lines[i+1]++
		}
	}
	lineAt := func(end int) int64 { return lines[end] }
	skipThroughBreak := func(i int) int {
		for ; i < len(data); i++ {
			if data[i] == '\n' {
				return i + 1
			}
			if data[i] == '\r' {
				if i+1 < len(data) && data[i+1] == '\n' {
					return i + 2
				}
				return i + 1
			}
		}
		return len(data)
	}
	var out []rawRec
	pos, noQuote := 0, 0
	for {
		for pos < len(data) && (data[pos] == '\n' || data[pos] == '\r') {
			pos++
		}
		if pos >= len(data) {
			return out
		}
		start := pos
		lim := len(data)
		if start+max < lim {
			lim = start + max
		}
		atEOF := lim == len(data)
		rec := rawRec{line: lineAt(start)}
		var cur []byte
		i := start
		kind, at := "", 0 // at: resume point for "badquote"/"over-unquoted"
	record:
		for {
			cur = cur[:0]
			if i >= lim {
				if atEOF {
					rec.fields = append(rec.fields, "")
					pos = i
					break record
				}
				kind, at = "over", i
				break record
			}
			quotedEnd := false
			if data[i] == '"' && quoting && i >= noQuote {
				i++
				for {
					if i >= lim {
						if atEOF {
							kind = "unterminated"
						} else {
							kind = "overq"
						}
						break record
					}
					if data[i] != '"' {
						cur = append(cur, data[i])
						i++
						continue
					}
					if i+1 >= lim {
						if atEOF {
							rec.fields = append(rec.fields, string(cur))
							pos = i + 1
							break record
						}
						kind = "overq"
						break record
					}
					if data[i+1] == '"' {
						cur = append(cur, '"')
						i += 2
						continue
					}
					i++
					quotedEnd = true
					break
				}
			}
			for {
				if i >= lim {
					if atEOF {
						rec.fields = append(rec.fields, string(cur))
						pos = i
						break record
					}
					kind, at = "over", i
					break record
				}
				c := data[i]
				switch {
				case c == delim:
					rec.fields = append(rec.fields, string(cur))
					i++
					continue record
				case c == '\n':
					rec.fields = append(rec.fields, string(cur))
					pos = i + 1
					break record
				case c == '\r':
					rec.fields = append(rec.fields, string(cur))
					if i+1 < lim {
						pos = i + 1
						if data[i+1] == '\n' {
							pos++
						}
						break record
					}
					if atEOF {
						pos = i + 1
						break record
					}
					kind, at = "over", i
					break record
				case quotedEnd:
					kind, at = "badquote", i
					break record
				default:
					cur = append(cur, c)
					i++
				}
			}
		}
		switch kind {
		case "":
		case "badquote":
			rec.fields, rec.err = nil, "badquote"
			pos = skipThroughBreak(at)
		case "over":
			rec.fields, rec.err = nil, "toolarge"
			pos = skipThroughBreak(at)
		case "unterminated", "overq":
			rec.fields, rec.err = nil, kind
			if kind == "overq" {
				rec.err = "toolarge"
			}
			noQuote = lim
			pos = skipThroughBreak(start)
		}
		out = append(out, rec)
	}
}

// scanRaw runs the streaming scanner over r with the given read chunk.
func scanRaw(r io.Reader, delim byte, quoting bool, max, chunk int) ([]rawRec, error) {
	c := &csvSource{w: newWindow(r, chunk), scan: newCSVScanner(delim, quoting), max: max}
	var out []rawRec
	var scratch []byte
	for {
		rec, err := c.readRecord()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		rr := rawRec{line: rec.line}
		switch {
		case rec.rowEr == nil:
			for k := range c.scan.fields {
				rr.fields = append(rr.fields, string(c.scan.field(rec.raw, k, &scratch)))
			}
		case errors.Is(rec.rowEr, ErrTooLarge):
			rr.err = "toolarge"
		case bytes.Contains([]byte(rec.rowEr.Error()), []byte("not closed")):
			rr.err = "unterminated"
		default:
			rr.err = "badquote"
		}
		out = append(out, rr)
	}
}

// checkAgainstRef compares the streaming scanner, under several read
// patterns, with the reference.
func checkAgainstRef(t testing.TB, data []byte, delim byte, quoting bool, max int) {
	t.Helper()
	want := refParseCSV(data, delim, quoting, max)
	readers := []struct {
		name  string
		r     io.Reader
		chunk int
	}{
		{"whole", bytes.NewReader(data), 0},
		{"onebyte", iotest.OneByteReader(bytes.NewReader(data)), 1},
		{"half-chunk3", iotest.HalfReader(bytes.NewReader(data)), 3},
		{"chunk7", bytes.NewReader(data), 7},
	}
	for _, rd := range readers {
		got, err := scanRaw(rd.r, delim, quoting, max, rd.chunk)
		if err != nil {
			t.Fatalf("%s: %v", rd.name, err)
		}
		if !sameRecs(got, want) {
			t.Fatalf("%s: input %q (max %d quoting %v)\n got %v\nwant %v", rd.name, data, max, quoting, got, want)
		}
	}
}

func TestScannerMatchesReference(t *testing.T) {
	inputs := []string{
		"a,b\n1,2\n",
		"a,b\r\n1,2\r\n",
		"a,b\r1,2\r3,4",
		"\"x,y\",z\n\"multi\nline\",2\n",
		"\"he said \"\"hi\"\"\",1\n",
		"\"abc\"def,1\nnext,2\n",
		"\"unterminated,1\nrow2,2\nrow3,3\n",
		"ok,1\n\"never closed\nrow,2\n\"\"empty\",3\n",
		"a\"b,c\n",
		"\n\n\r\n\ra,b\n\n",
		"a,b,\n,,\n",
		"a,\"\"\n",
		"\"\"",
		"\"",
		"a,b\r",
		"x,\"y\"\r\nz,w",
		"\xef\xbb\xbfa,b\n",
		"nul\x00byte,1\n",
		"long line without quotes here,1\nshort,2\n",
		"\"a long quoted field that runs over\",1\nb,2\n",
		"a,\"b\"c\"d\",e\nf,g\n",
		"\"q\"\r",
		"\"q\"\rx",
	}
	for _, in := range inputs {
		for _, max := range []int{1, 2, 5, 12, 1 << 20} {
			checkAgainstRef(t, []byte(in), ',', true, max)
			checkAgainstRef(t, []byte(in), ',', false, max)
		}
	}
}

func sameRecs(a, b []rawRec) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].err != b[i].err || a[i].line != b[i].line || len(a[i].fields) != len(b[i].fields) {
			return false
		}
		for k := range a[i].fields {
			if a[i].fields[k] != b[i].fields[k] {
				return false
			}
		}
	}
	return true
}
