package textops

import (
	"strconv"
	"strings"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

func stringDefs() []op.Def {
	return []op.Def{
		{Spec: "StringLower(input: string) -> (output: string); encoding: string = ''", Kernel: caseKernel(false)},
		{Spec: "StringUpper(input: string) -> (output: string); encoding: string = ''", Kernel: caseKernel(true)},
		{Spec: "StringStrip(input: string) -> (output: string)", Kernel: stringStrip},
		{Spec: "StringLength(input: string) -> (output: int32); unit: string = 'BYTE'", Kernel: stringLength},
		{Spec: "Substr(input: string, pos: T, len: T) -> (output: string); T: type; unit: string = 'BYTE'", Kernel: substr},
		{Spec: "StringJoin(inputs: N * string) -> (output: string); N: int; separator: string = ''", Kernel: stringJoin},
		{Spec: "AsString(input: T) -> (output: string); T: type; precision: int = -1; scientific: bool = false; shortest: bool = false; width: int = -1; fill: string = ''", Kernel: asString},
		{Spec: "StringToNumber(string_tensor: string) -> (output: out_type); out_type: type = DT_FLOAT", Kernel: stringToNumber},
	}
}

// stringsIn returns the []string of a string input or a node-named error.
func stringsIn(c op.Context, what string, t *tensor.Tensor) ([]string, error) {
	v, ok := t.Data().([]string)
	if !ok {
		return nil, c.Errorf("%s must be a string tensor, got %s", what, t)
	}
	return v, nil
}

// mapStrings applies f to every element, keeping the shape.
func mapStrings(c op.Context, in *tensor.Tensor, f func(string) string) ([]*tensor.Tensor, error) {
	src, err := stringsIn(c, "input", in)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(src))
	for i, s := range src {
		out[i] = f(s)
	}
	return []*tensor.Tensor{tensor.Must(tensor.String, in.Shape(), out)}, nil
}

// caseKernel is StringLower / StringUpper. encoding "" changes ASCII letters
// only (absl::AsciiStrToLower); "utf-8" applies Unicode case mapping
// (TensorFlow uses ICU; Go's unicode tables agree for simple mappings).
func caseKernel(upper bool) op.Kernel {
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		enc, err := op.String(c, "encoding")
		if err != nil {
			return nil, err
		}
		var f func(string) string
		switch strings.ToLower(enc) {
		case "":
			f = asciiLower
			if upper {
				f = asciiUpper
			}
		case "utf-8", "utf8":
			f = strings.ToLower
			if upper {
				f = strings.ToUpper
			}
		default:
			return nil, c.Errorf("unsupported encoding %q (want \"\" or \"utf-8\")", enc)
		}
		return mapStrings(c, in[0], f)
	}
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b >= 'A' && b <= 'Z' {
			buf := []byte(s)
			for j := i; j < len(buf); j++ {
				if b := buf[j]; b >= 'A' && b <= 'Z' {
					buf[j] = b + ('a' - 'A')
				}
			}
			return string(buf)
		}
	}
	return s
}

func asciiUpper(s string) string {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b >= 'a' && b <= 'z' {
			buf := []byte(s)
			for j := i; j < len(buf); j++ {
				if b := buf[j]; b >= 'a' && b <= 'z' {
					buf[j] = b - ('a' - 'A')
				}
			}
			return string(buf)
		}
	}
	return s
}

// isSpace is absl::ascii_isspace: space, \t, \n, \v, \f, \r.
func isSpace(b byte) bool {
	return b == ' ' || (b >= '\t' && b <= '\r')
}

func stringStrip(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	return mapStrings(c, in[0], func(s string) string {
		i, j := 0, len(s)
		for i < j && isSpace(s[i]) {
			i++
		}
		for j > i && isSpace(s[j-1]) {
			j--
		}
		return s[i:j]
	})
}

// utf8Len counts the bytes that do not continue a UTF-8 sequence, as
// TensorFlow's UTF8_CHAR unit does (invalid bytes count as characters).
func utf8Len(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i]&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

func unitAttr(c op.Context) (bool, error) {
	unit, err := op.String(c, "unit")
	if err != nil {
		return false, err
	}
	switch unit {
	case "BYTE":
		return false, nil
	case "UTF8_CHAR":
		return true, nil
	}
	return false, c.Errorf("unit must be BYTE or UTF8_CHAR, got %q", unit)
}

func stringLength(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	chars, err := unitAttr(c)
	if err != nil {
		return nil, err
	}
	src, err := stringsIn(c, "input", in[0])
	if err != nil {
		return nil, err
	}
	out := make([]int32, len(src))
	for i, s := range src {
		if chars {
			out[i] = int32(utf8Len(s))
		} else {
			out[i] = int32(len(s))
		}
	}
	return []*tensor.Tensor{tensor.Must(tensor.Int32, in[0].Shape(), out)}, nil
}

// intsOf reads an int32 or int64 tensor as []int64.
func intsOf(c op.Context, what string, t *tensor.Tensor) ([]int64, error) {
	switch v := t.Data().(type) {
	case []int32:
		out := make([]int64, len(v))
		for i, x := range v {
			out[i] = int64(x)
		}
		return out, nil
	case []int64:
		return v, nil
	}
	return nil, c.Errorf("%s must be int32 or int64, got %s", what, t)
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// substr supports pos/len that are scalars or have the input's shape
// (TensorFlow also broadcasts other shapes; text models use these two).
func substr(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	chars, err := unitAttr(c)
	if err != nil {
		return nil, err
	}
	src, err := stringsIn(c, "input", in[0])
	if err != nil {
		return nil, err
	}
	pos, err := intsOf(c, "pos", in[1])
	if err != nil {
		return nil, err
	}
	ln, err := intsOf(c, "len", in[2])
	if err != nil {
		return nil, err
	}
	if !sameShape(in[1].Shape(), in[2].Shape()) {
		return nil, c.Errorf("pos and len shapes must match: %s vs. %s", in[1], in[2])
	}
	if len(pos) != 1 && !sameShape(in[1].Shape(), in[0].Shape()) {
		return nil, c.Errorf("pos %s must be a scalar or have the input's shape %s", in[1], in[0])
	}
	out := make([]string, len(src))
	for i, s := range src {
		p, l := pos[0], ln[0]
		if len(pos) > 1 || in[1].Rank() > 0 {
			p, l = pos[i], ln[i]
		}
		r, err := substrOne(s, p, l, chars)
		if err != nil {
			return nil, c.Errorf("%v", err)
		}
		out[i] = r
	}
	return []*tensor.Tensor{tensor.Must(tensor.String, in[0].Shape(), out)}, nil
}

type posError struct {
	pos int64
	s   string
}

func (e posError) Error() string {
	return "pos " + itoa(e.pos) + " out of range for string b'" + e.s + "' at index 0"
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// substrOne cuts s like TensorFlow: a negative pos counts from the end, pos
// beyond the string is an error, len is clipped.
func substrOne(s string, pos, ln int64, chars bool) (string, error) {
	n := int64(len(s))
	if chars {
		n = int64(utf8Len(s))
	}
	if pos < 0 {
		pos += n
	}
	if pos < 0 || pos > n {
		return "", posError{pos, s}
	}
	if ln < 0 {
		ln = 0
	}
	end := pos + ln
	if end > n {
		end = n
	}
	if !chars {
		return s[pos:end], nil
	}
	start, stop := charOffset(s, pos), charOffset(s, end)
	return s[start:stop], nil
}

// charOffset is the byte offset of the k-th UTF-8 character start.
func charOffset(s string, k int64) int {
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i]&0xC0 != 0x80 {
			if n == k {
				return i
			}
			n++
		}
	}
	return len(s)
}

func stringJoin(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	sep, err := op.String(c, "separator")
	if err != nil {
		return nil, err
	}
	var shape []int
	n := 1
	cols := make([][]string, len(in))
	for i, t := range in {
		v, err := stringsIn(c, "inputs", t)
		if err != nil {
			return nil, err
		}
		cols[i] = v
		if t.Rank() == 0 {
			continue
		}
		if shape == nil {
			shape, n = t.Shape(), len(v)
		} else if !sameShape(shape, t.Shape()) {
			return nil, c.Errorf("input shapes do not match: %s vs. %s", tensor.ShapeString(shape), t)
		}
	}
	out := make([]string, n)
	parts := make([]string, len(cols))
	for i := range out {
		for j, col := range cols {
			if len(col) == 1 && in[j].Rank() == 0 {
				parts[j] = col[0]
			} else {
				parts[j] = col[i]
			}
		}
		out[i] = strings.Join(parts, sep)
	}
	if shape == nil {
		shape = []int{}
	}
	return []*tensor.Tensor{tensor.Must(tensor.String, shape, out)}, nil
}
