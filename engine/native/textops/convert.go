package textops

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// asString formats like TensorFlow's AsString, which builds a printf format
// from its attrs: "%" [fill] [width] [.precision] then d, e (scientific),
// g (shortest) or f; bools print true/false whatever the format.
func asString(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	prec, err := op.Int(c, "precision")
	if err != nil {
		return nil, err
	}
	sci, err := op.Bool(c, "scientific")
	if err != nil {
		return nil, err
	}
	short, err := op.Bool(c, "shortest")
	if err != nil {
		return nil, err
	}
	width, err := op.Int(c, "width")
	if err != nil {
		return nil, err
	}
	fill, err := op.String(c, "fill")
	if err != nil {
		return nil, err
	}
	if len(fill) > 1 {
		return nil, c.Errorf("fill must be at most one character, got %q", fill)
	}
	if sci && short {
		return nil, c.Errorf("cannot select both scientific and shortest notation")
	}
	spec := "%"
	if fill != "" && fill != " " {
		spec += fill
	}
	if width > -1 {
		spec += strconv.FormatInt(width, 10)
	}
	fspec := spec
	if prec > -1 {
		fspec += "." + strconv.FormatInt(prec, 10)
	} else if short {
		fspec += ".6" // C's %g default precision (Go's %g is shortest-exact)
	}
	switch {
	case sci:
		fspec += "e"
	case short:
		fspec += "g"
	default:
		fspec += "f"
	}
	t := in[0]
	out := make([]string, t.NumElements())
	switch v := t.Data().(type) {
	case []float32:
		for i, x := range v {
			out[i] = cFloat(fspec, float64(x))
		}
	case []float64:
		for i, x := range v {
			out[i] = cFloat(fspec, x)
		}
	case []int32:
		for i, x := range v {
			out[i] = fmt.Sprintf(spec+"d", x)
		}
	case []int64:
		for i, x := range v {
			out[i] = fmt.Sprintf(spec+"d", x)
		}
	case []int8:
		for i, x := range v {
			out[i] = fmt.Sprintf(spec+"d", x)
		}
	case []uint8:
		for i, x := range v {
			out[i] = fmt.Sprintf(spec+"d", x)
		}
	case []bool:
		for i, x := range v {
			out[i] = strconv.FormatBool(x) // TensorFlow ignores the format for bools
		}
	case []string:
		return nil, c.Errorf("AsString of a string tensor is not supported")
	default:
		return nil, c.Errorf("unsupported input %s", t)
	}
	return []*tensor.Tensor{tensor.Must(tensor.String, t.Shape(), out)}, nil
}

// cFloat formats x with a C printf float spec; C prints inf/nan as
// "inf"/"nan" where Go prints "+Inf"/"NaN".
func cFloat(spec string, x float64) string {
	s := fmt.Sprintf(spec, x)
	switch strings.TrimSpace(s) {
	case "+Inf":
		return strings.Replace(s, "+Inf", "inf", 1)
	case "-Inf":
		return strings.Replace(s, "-Inf", "-inf", 1)
	case "NaN":
		return strings.Replace(s, "NaN", "nan", 1)
	}
	return s
}

// stringToNumber parses like TensorFlow's safe_strto* helpers: surrounding
// ASCII whitespace is allowed, anything else unparsable is an error; int32
// overflow is an error, float overflow rounds to infinity.
func stringToNumber(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	dt, err := op.Type(c, "out_type")
	if err != nil {
		return nil, err
	}
	src, err := stringsIn(c, "string_tensor", in[0])
	if err != nil {
		return nil, err
	}
	data, err := tensor.MakeSlice(dt, len(src))
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	for i, raw := range src {
		s := strings.TrimFunc(raw, func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })
		var perr error
		switch d := data.(type) {
		case []float32:
			var f float64
			f, perr = parseFloat(s, 32)
			d[i] = float32(f)
		case []float64:
			d[i], perr = parseFloat(s, 64)
		case []int32:
			var n int64
			n, perr = strconv.ParseInt(s, 10, 32)
			d[i] = int32(n)
		case []int64:
			d[i], perr = strconv.ParseInt(s, 10, 64)
		default:
			return nil, c.Errorf("unsupported out_type %s", dt)
		}
		if perr != nil {
			return nil, c.Errorf("StringToNumberOp could not correctly convert string: %s", raw)
		}
	}
	return []*tensor.Tensor{tensor.Must(dt, in[0].Shape(), data)}, nil
}

// parseFloat accepts what strtod does for decimal input; out-of-range
// values round to ±inf or 0 instead of failing, and Go-only syntax
// (underscores) is refused.
func parseFloat(s string, bits int) (float64, error) {
	if strings.ContainsRune(s, '_') || s == "" {
		return 0, strconv.ErrSyntax
	}
	f, err := strconv.ParseFloat(s, bits)
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		return f, nil
	}
	return f, err
}
