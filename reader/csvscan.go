package reader

import "bytes"

// csvScanner is a resumable state machine that finds one CSV/TSV record
// in a window. It keeps its state across refills so that a long quoted
// field is scanned once, whatever the read size.
type csvScanner struct {
	delim   byte
	quoting bool
	stop    [256]bool // bytes that end an unquoted field

	state  int
	pos    int // scan point, relative to the record start
	fstart int // start of the current field's content
	esc    bool
	end    int // bytes consumed by a finished record
	fields []span

	noQuoteUntil int64 // stream offset before which quotes are literal (recovery rule 2)
}

// span is one field's content within the record: [start,end), with ""
// escapes still in it when esc.
type span struct {
	start, end int
	esc        bool
	quoted     bool
}

const (
	stFieldStart = iota
	stUnquoted
	stQuoted
	stAfterQuote
	stCR
)

type scanResult int

const (
	resRecord       scanResult = iota // a record ends after s.end bytes
	resMore                           // the view ended; more bytes are needed
	resBadQuote                       // a character after a closing quote, at s.pos
	resUnterminated                   // end of input inside a quoted field
)

func newCSVScanner(delim byte, quoting bool) *csvScanner {
	s := &csvScanner{delim: delim, quoting: quoting}
	s.stop[delim] = true
	s.stop['\n'] = true
	s.stop['\r'] = true
	return s
}

func (s *csvScanner) reset() {
	s.state = stFieldStart
	s.pos, s.fstart, s.end = 0, 0, 0
	s.esc = false
	s.fields = s.fields[:0]
}

// scan continues the record that starts at v[0]. base is the stream
// offset of v[0]; atEOF says that no bytes follow v.
func (s *csvScanner) scan(v []byte, atEOF bool, base int64) scanResult {
	for {
		switch s.state {
		case stFieldStart:
			if s.pos >= len(v) {
				if !atEOF {
					return resMore
				}
				s.fields = append(s.fields, span{start: s.pos, end: s.pos})
				s.end = s.pos
				return resRecord
			}
			if v[s.pos] == '"' && s.quoting && base+int64(s.pos) >= s.noQuoteUntil {
				s.pos++
				s.fstart, s.esc, s.state = s.pos, false, stQuoted
				continue
			}
			s.fstart, s.state = s.pos, stUnquoted
		case stUnquoted:
			i := s.pos
			for i < len(v) && !s.stop[v[i]] {
				i++
			}
			s.pos = i
			if i >= len(v) {
				if !atEOF {
					return resMore
				}
				s.fields = append(s.fields, span{start: s.fstart, end: i})
				s.end = i
				return resRecord
			}
			s.fields = append(s.fields, span{start: s.fstart, end: i})
			if v[i] == s.delim {
				s.pos++
				s.state = stFieldStart
				continue
			}
			if v[i] == '\n' {
				s.end = i + 1
				return resRecord
			}
			s.state = stCR
		case stQuoted:
			j := bytes.IndexByte(v[s.pos:], '"')
			if j < 0 {
				s.pos = len(v)
				if !atEOF {
					return resMore
				}
				return resUnterminated
			}
			q := s.pos + j
			if q+1 >= len(v) {
				s.pos = q
				if !atEOF {
					return resMore
				}
				s.fields = append(s.fields, span{start: s.fstart, end: q, esc: s.esc, quoted: true})
				s.end = q + 1
				return resRecord
			}
			if v[q+1] == '"' {
				s.esc = true
				s.pos = q + 2
				continue
			}
			s.fields = append(s.fields, span{start: s.fstart, end: q, esc: s.esc, quoted: true})
			s.pos = q + 1
			s.state = stAfterQuote
		case stAfterQuote:
			if s.pos >= len(v) {
				if !atEOF {
					return resMore
				}
				s.end = s.pos
				return resRecord
			}
			switch c := v[s.pos]; {
			case c == s.delim:
				s.pos++
				s.state = stFieldStart
			case c == '\n':
				s.end = s.pos + 1
				return resRecord
			case c == '\r':
				s.state = stCR
			default:
				return resBadQuote
			}
		case stCR: // v[s.pos] is '\r' ending the record; is it CRLF?
			if s.pos+1 < len(v) {
				s.end = s.pos + 1
				if v[s.pos+1] == '\n' {
					s.end++
				}
				return resRecord
			}
			if !atEOF {
				return resMore
			}
			s.end = s.pos + 1
			return resRecord
		}
	}
}

// field returns field k's content, unescaping "" into scratch when needed.
func (s *csvScanner) field(rec []byte, k int, scratch *[]byte) []byte {
	f := s.fields[k]
	b := rec[f.start:f.end]
	if !f.esc {
		return b
	}
	out := (*scratch)[:0]
	for {
		i := bytes.IndexByte(b, '"')
		if i < 0 {
			out = append(out, b...)
			break
		}
		out = append(out, b[:i+1]...)
		b = b[i+2:]
	}
	*scratch = out
	return out
}
