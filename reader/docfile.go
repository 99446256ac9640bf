package reader

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// docSource yields one document: a whole .txt file or an IMDb review.
type docSource struct {
	in     Input
	opts   Options
	id     string
	fields map[string]string
	cols   []string
	done   bool
	stats  Stats
	buf    *[]byte // reusable read buffer, shared across files by OpenAll
}

var imdbColumns = []string{"split", "label", "rating"}

func openDoc(in Input, opts Options, buf *[]byte) (*docSource, error) {
	d := &docSource{in: in, opts: opts, buf: buf}
	if in.Format == "imdb" {
		split, label, stem, rating, ok := imdbParts(in.Path)
		if !ok {
			return nil, fmt.Errorf("open %s: %w: not an IMDb review path (split/label/ID_RATING.txt)", in.Path, ErrUnknownFormat)
		}
		d.id = split + "/" + label + "/" + stem
		d.fields = map[string]string{"split": split, "label": label, "rating": rating}
		d.cols = imdbColumns
	} else {
		d.id = in.Name
		if d.id == "" {
			d.id = filepath.Base(in.Path)
		}
	}
	return d, nil
}

func (d *docSource) Columns() []string { return append([]string(nil), d.cols...) }
func (d *docSource) Stats() Stats      { return d.stats }
func (d *docSource) Close() error      { return nil }

func (d *docSource) Next(ctx context.Context) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	if d.done {
		return Record{}, io.EOF
	}
	d.done = true
	data, tooLarge, err := d.readAll()
	if err != nil {
		return Record{}, err
	}
	d.stats.Records++
	rec := Record{Source: d.in.Path, Row: 1, ID: d.id}
	rec.Fields = d.fields // the source yields one record: it may own the map
	fail := func(e error) (Record, error) {
		d.stats.Errors++
		rec.Err = &RowError{File: d.in.Path, Row: 1, Err: e}
		rec.Fields = nil
		return rec, nil
	}
	if tooLarge {
		return fail(fmt.Errorf("%w: document exceeds %d bytes", ErrTooLarge, d.opts.maxRecord()))
	}
	var fix []byte
	b, repaired, err := fixUTF8(stripBOM(data), d.opts.reject(), &fix)
	if err != nil {
		return fail(err)
	}
	if repaired {
		d.stats.Repaired++
	}
	rec.Text, rec.mem = d.opts.Arena.text(b)
	return rec, nil
}

// readAll reads the file into the shared buffer, at most MaxRecordBytes.
func (d *docSource) readAll() ([]byte, bool, error) {
	max := d.opts.maxRecord()
	f, err := os.Open(d.in.Path)
	if err != nil {
		return nil, false, fmt.Errorf("open %s: %w", d.in.Path, err)
	}
	defer f.Close()
	var r io.Reader = f
	hint := 0
	if d.in.Compression == "" {
		if st, err := f.Stat(); err == nil {
			if st.Size() > int64(max) {
				return nil, true, nil
			}
			hint = int(st.Size())
		}
	} else {
		dr, err := decompress(f, d.in.Compression)
		if err != nil {
			return nil, false, fmt.Errorf("open %s: %w", d.in.Path, err)
		}
		defer dr.Close()
		r = dr
	}
	buf := (*d.buf)[:0]
	if cap(buf) < hint+1 {
		buf = make([]byte, 0, hint+512)
	}
	for {
		if len(buf) == cap(buf) {
			grow := cap(buf)
			if grow < 4096 {
				grow = 4096
			}
			buf = append(buf, make([]byte, grow)...)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > max {
			*d.buf = buf[:0]
			return nil, true, nil
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false, fmt.Errorf("read %s: %w", d.in.Path, err)
		}
	}
	if cap(buf) <= 1<<20 {
		*d.buf = buf[:0] // keep small buffers for the next file; drop huge ones
	}
	return buf, false, nil
}

// imdbParts splits ".../split/label/ID_RATING.txt".
func imdbParts(path string) (split, label, stem, rating string, ok bool) {
	// The last three elements as they stand (no Clean: it copies the whole
	// path, and this runs several times for every review read); a path
	// that does not parse is tried again cleaned ("train/./pos/1_2.txt").
	if split, label, stem, rating, ok = imdbTail(path); ok {
		return
	}
	if c := filepath.Clean(path); c != path {
		return imdbTail(c)
	}
	return "", "", "", "", false
}

// imdbTail parses .../split/label/ID_RATING.txt.
func imdbTail(path string) (split, label, stem, rating string, ok bool) {
	dir, file := cutLastSep(path)
	stem, ok = strings.CutSuffix(file, ".txt")
	if !ok {
		return "", "", "", "", false
	}
	id, rating, ok2 := strings.Cut(stem, "_")
	if !ok2 || !allDigits(id) || !allDigits(rating) {
		return "", "", "", "", false
	}
	dir, label = cutLastSep(dir)
	_, split = cutLastSep(dir)
	if !isIMDbLabel(label) || !isIMDbSplit(split) {
		return "", "", "", "", false
	}
	return split, label, stem, rating, true
}

// cutLastSep splits p at its last separator: what is before it and the
// last element.
func cutLastSep(p string) (dir, last string) {
	i := strings.LastIndexByte(p, '/')
	if filepath.Separator != '/' {
		i = max(i, strings.LastIndexByte(p, filepath.Separator))
	}
	if i < 0 {
		return "", p
	}
	return p[:i], p[i+1:]
}

func isIMDbLabel(s string) bool { return s == "pos" || s == "neg" || s == "unsup" }
func isIMDbSplit(s string) bool { return s == "train" || s == "test" }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
