package writer

import (
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"strconv"
)

// textOut is the byte stream under the CSV and JSONL encoders: the
// temporary file's buffer, through gzip for ".gz" outputs.
type textOut struct {
	w  io.Writer
	gz *gzip.Writer
}

func newTextOut(w io.Writer, gz bool) *textOut {
	if !gz {
		return &textOut{w: w}
	}
	z := gzip.NewWriter(w)
	return &textOut{w: z, gz: z}
}

// close ends the gzip stream, if any.
func (t *textOut) close() error {
	if t.gz == nil {
		return nil
	}
	gz := t.gz
	t.gz = nil
	if err := gz.Close(); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	return nil
}

// appendFloat formats v with the shortest text that parses back to the
// same float32.
func appendFloat(b []byte, v float32) []byte {
	return strconv.AppendFloat(b, float64(v), 'g', -1, 32)
}

// appendJSONFloat is appendFloat for JSON: NaN and ±Inf, which JSON
// numbers cannot hold, become the strings "NaN", "+Inf", "-Inf".
func appendJSONFloat(b []byte, v float32) []byte {
	f := float64(v)
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"+Inf"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Inf"`...)
	}
	return appendFloat(b, v)
}
