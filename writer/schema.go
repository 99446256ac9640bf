package writer

import (
	"errors"
	"fmt"
	"strconv"
)

// Fixed column names, before the fields and after the scores.
const (
	ColID      = "id"
	ColSource  = "source"
	ColRow     = "row"
	ColError   = "error"
	ColWarning = "warning"
)

// Well-known metadata keys. Callers put what they know in Options.Metadata
// under these keys; Head prints them in this order. MetaSchema is written by
// the writer itself and may not be set by callers.
const (
	MetaSchema       = "score.schema"            // Schema as JSON, written by the writer
	MetaModel        = "score.model_path"        // model directory
	MetaModelVersion = "score.model_version"     // model version, if known
	MetaFingerprint  = "score.model_fingerprint" // model content fingerprint
	MetaTFVersion    = "score.tf_version"        // TensorFlow version that wrote the model
	MetaSignature    = "score.signature"         // signature key run
	MetaEngine       = "score.engine"            // engine name
	MetaTokenizer    = "score.tokenizer"         // tokenizer settings
	MetaScoreVersion = "score.version"           // score's own version
	MetaCreatedAt    = "score.created_at"        // when the run started, RFC 3339
)

// ErrSchema is wrapped by errors about an invalid Schema or a Row that does
// not fit it.
var ErrSchema = errors.New("schema")

// Column is one model output. Width k > 1 becomes k float32 columns
// "<Name>_<i>", or "<Name>_<Names[i]>" when Names (class names) are given;
// Width 1 becomes one column "<Name>".
type Column struct {
	Name  string   `json:"name"`
	Width int      `json:"width"`
	Names []string `json:"names,omitempty"`
}

// Schema is the layout of an output file: the input's string Fields (e.g.
// label, rating, split) and the model Outputs, in column order.
type Schema struct {
	Fields  []string `json:"fields"`
	Outputs []Column `json:"outputs"`
}

// Width is the number of score values per row: the sum of output widths.
func (s Schema) Width() int {
	n := 0
	for _, c := range s.Outputs {
		n += c.Width
	}
	return n
}

// ScoreColumns returns the score column names, Width() of them, in order.
func (s Schema) ScoreColumns() []string {
	names := make([]string, 0, s.Width())
	for _, c := range s.Outputs {
		if c.Width == 1 {
			names = append(names, c.Name)
			continue
		}
		for i := 0; i < c.Width; i++ {
			if c.Names != nil {
				names = append(names, c.Name+"_"+c.Names[i])
			} else {
				names = append(names, c.Name+"_"+strconv.Itoa(i))
			}
		}
	}
	return names
}

// Columns returns every column name of the file, in order.
func (s Schema) Columns() []string {
	cols := []string{ColID, ColSource, ColRow}
	cols = append(cols, s.Fields...)
	cols = append(cols, s.ScoreColumns()...)
	return append(cols, ColError, ColWarning)
}

// maxWidth bounds the score columns of one file; far beyond any real model
// and small enough that a corrupt width cannot exhaust memory.
const maxWidth = 1 << 16

// Validate checks widths, class-name counts and column-name uniqueness.
func (s Schema) Validate() error {
	total := 0
	for i, c := range s.Outputs {
		if c.Name == "" {
			return fmt.Errorf("%w: output %d: empty name", ErrSchema, i)
		}
		if c.Width < 1 || c.Width > maxWidth {
			return fmt.Errorf("%w: output %q: width %d out of range [1, %d]", ErrSchema, c.Name, c.Width, maxWidth)
		}
		if c.Names != nil && len(c.Names) != c.Width {
			return fmt.Errorf("%w: output %q: %d class names for width %d", ErrSchema, c.Name, len(c.Names), c.Width)
		}
		total += c.Width
		if total > maxWidth {
			return fmt.Errorf("%w: more than %d score columns", ErrSchema, maxWidth)
		}
	}
	seen := make(map[string]bool)
	for _, name := range s.Columns() {
		if name == "" {
			return fmt.Errorf("%w: empty column name", ErrSchema)
		}
		if seen[name] {
			return fmt.Errorf("%w: duplicate column %q", ErrSchema, name)
		}
		seen[name] = true
	}
	return nil
}

// check reports whether r fits s.
func (s Schema) check(r *Row, width int) error {
	if r.Fields != nil && len(r.Fields) != len(s.Fields) {
		return fmt.Errorf("%w: row %q: %d fields, schema has %d", ErrSchema, r.ID, len(r.Fields), len(s.Fields))
	}
	if r.FieldNull != nil && len(r.FieldNull) != len(s.Fields) {
		return fmt.Errorf("%w: row %q: %d field null flags, schema has %d fields", ErrSchema, r.ID, len(r.FieldNull), len(s.Fields))
	}
	if r.Scores != nil && len(r.Scores) != width {
		return fmt.Errorf("%w: row %q: %d scores, schema width %d", ErrSchema, r.ID, len(r.Scores), width)
	}
	return nil
}

// fieldNull reports whether field i of r is null.
func (r *Row) fieldNull(i int) bool {
	return r.Fields == nil || (r.FieldNull != nil && r.FieldNull[i])
}
