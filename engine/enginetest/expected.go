package enginetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/scorekit/score/tensor"
)

// expected is one expected_outputs*.json file (see the fixtures README).
type expected struct {
	Signature string                     `json:"signature"`
	Feeds     map[string]feed            `json:"feeds"`
	Outputs   map[string]json.RawMessage `json:"outputs"`
	Errors    []json.RawMessage          `json:"errors"`
	Tolerance any                        `json:"tolerance"`
}

type feed struct {
	DType  string          `json:"dtype"`
	Shape  []int           `json:"shape"` // nil: each value is fed alone
	Values json.RawMessage `json:"values"`
	Note   string          `json:"note"`
}

func readExpected(path string) (*expected, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var e expected
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if e.Signature == "" || len(e.Feeds) == 0 || len(e.Outputs) == 0 {
		return nil, fmt.Errorf("%s: needs signature, feeds and outputs", path)
	}
	return &e, nil
}

// decodeNested decodes JSON nested arrays of numbers, strings, bools or
// nulls into a flat list of leaves (json.Number, string, bool, nil) and
// the nesting's shape.
func decodeNested(raw json.RawMessage) ([]any, []int, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, nil, err
	}
	var leaves []any
	var shape []int
	var walk func(v any, depth int) error
	walk = func(v any, depth int) error {
		arr, ok := v.([]any)
		if !ok {
			if depth < len(shape) {
				return fmt.Errorf("ragged nesting")
			}
			if len(shape) > depth {
				return fmt.Errorf("ragged nesting")
			}
			leaves = append(leaves, v)
			return nil
		}
		if depth == len(shape) {
			if len(leaves) > 0 {
				return fmt.Errorf("ragged nesting")
			}
			shape = append(shape, len(arr))
		} else if depth > len(shape) || shape[depth] != len(arr) {
			return fmt.Errorf("ragged nesting")
		}
		for _, x := range arr {
			if err := walk(x, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(v, 0); err != nil {
		return nil, nil, err
	}
	return leaves, shape, nil
}

// makeTensor builds a tensor of dtype from JSON leaves.
func makeTensor(dtype string, shape []int, leaves []any) (*tensor.Tensor, error) {
	dt, err := tensor.ParseDType(dtype)
	if err != nil {
		return nil, err
	}
	n := tensor.NumElements(shape)
	if n != len(leaves) {
		return nil, fmt.Errorf("shape %v needs %d values, have %d", shape, n, len(leaves))
	}
	data, err := tensor.MakeSlice(dt, n)
	if err != nil {
		return nil, err
	}
	for i, l := range leaves {
		if err := setLeaf(data, i, l); err != nil {
			return nil, fmt.Errorf("value %d: %w", i, err)
		}
	}
	return tensor.New(dt, shape, data)
}

func setLeaf(data any, i int, l any) error {
	num := func() (json.Number, error) {
		n, ok := l.(json.Number)
		if !ok {
			return "", fmt.Errorf("%v is not a number", l)
		}
		return n, nil
	}
	switch d := data.(type) {
	case []string:
		s, ok := l.(string)
		if !ok {
			return fmt.Errorf("%v is not a string", l)
		}
		d[i] = s
	case []bool:
		b, ok := l.(bool)
		if !ok {
			return fmt.Errorf("%v is not a bool", l)
		}
		d[i] = b
	case []float32, []float64:
		n, err := num()
		if err != nil {
			return err
		}
		f, err := n.Float64()
		if err != nil {
			return err
		}
		if x, ok := d.([]float32); ok {
			x[i] = float32(f)
		} else {
			d.([]float64)[i] = f
		}
	default:
		n, err := num()
		if err != nil {
			return err
		}
		v, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil {
			return err
		}
		switch x := d.(type) {
		case []int64:
			x[i] = v
		case []int32:
			x[i] = int32(v)
		case []int16:
			x[i] = int16(v)
		case []int8:
			x[i] = int8(v)
		case []uint8:
			x[i] = uint8(v)
		case []uint16:
			x[i] = uint16(v)
		case []uint32:
			x[i] = uint32(v)
		case []uint64:
			x[i] = uint64(v)
		default:
			return fmt.Errorf("unsupported element type %T", data)
		}
	}
	return nil
}

// tolerance is |got - want| <= abs + rel*|want| for floats; integers,
// strings and bools always compare exactly.
type tolerance struct {
	exact    bool
	abs, rel float64
}

var (
	absRe  = regexp.MustCompile(`abs\s*~?\s*([0-9.]+e?-?[0-9]*)`)
	relRe  = regexp.MustCompile(`rel\s*~?\s*([0-9.]+e?-?[0-9]*)`)
	formRe = regexp.MustCompile(`<=\s*([0-9.]+e?-?[0-9]*)\s*\+\s*([0-9.]+e?-?[0-9]*)\s*\*\s*\|expected\|`)
)

// parseTolerance reads a file's tolerance: "exact", "abs 1e-6",
// "abs 1e-6 + rel 1e-5", or prose with "|tf - expected| <= A + B*|expected|".
// The default is abs 1e-6 + rel 1e-5.
func parseTolerance(v any) tolerance {
	tol := tolerance{abs: 1e-6, rel: 1e-5}
	s, _ := v.(string)
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "exact") {
		return tolerance{exact: true}
	}
	if m := formRe.FindStringSubmatch(s); m != nil {
		tol.abs, _ = strconv.ParseFloat(m[1], 64)
		tol.rel, _ = strconv.ParseFloat(m[2], 64)
		return tol
	}
	a, r := absRe.FindStringSubmatch(s), relRe.FindStringSubmatch(s)
	if a != nil {
		tol.abs, _ = strconv.ParseFloat(a[1], 64)
		tol.rel = 0
	}
	if r != nil {
		tol.rel, _ = strconv.ParseFloat(r[1], 64)
	}
	return tol
}

// compare checks got against the JSON leaves and shape of want and returns
// a description of the first few mismatches.
func compare(got *tensor.Tensor, wantLeaves []any, wantShape []int, tol tolerance) error {
	if got.NumElements() != len(wantLeaves) {
		return fmt.Errorf("got %s, want shape %v", got, wantShape)
	}
	if !sameShape(got.Shape(), wantShape) {
		return fmt.Errorf("got shape %v, want %v", got.Shape(), wantShape)
	}
	var bad []string
	worst := 0.0
	for i, w := range wantLeaves {
		ok, diff, err := leafEqual(got, i, w, tol)
		if err != nil {
			return fmt.Errorf("element %d: %w", i, err)
		}
		worst = math.Max(worst, diff)
		if !ok && len(bad) < 5 {
			bad = append(bad, fmt.Sprintf("[%d] got %v want %v", i, elem(got, i), w))
		}
		if !ok && len(bad) == 5 {
			bad = append(bad, "...")
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d+ mismatches (max abs diff %g; tolerance %+v): %s", len(bad), worst, tol, strings.Join(bad, "; "))
	}
	return nil
}

// sameShape reports whether two shapes are equal.
func sameShape(got, want []int) bool {
	if len(got) == len(want) {
		for i := range got {
			if got[i] != want[i] {
				return false
			}
		}
		return true
	}
	return false
}

func elem(t *tensor.Tensor, i int) any {
	switch d := t.Data().(type) {
	case []float32:
		return d[i]
	case []float64:
		return d[i]
	case []int32:
		return d[i]
	case []int64:
		return d[i]
	case []uint8:
		return d[i]
	case []string:
		return strconv.Quote(d[i])
	case []bool:
		return d[i]
	}
	return fmt.Sprintf("<%s>", t.DType())
}

func leafEqual(got *tensor.Tensor, i int, w any, tol tolerance) (bool, float64, error) {
	switch d := got.Data().(type) {
	case []string:
		s, ok := w.(string)
		return ok && s == d[i], 0, nil
	case []bool:
		b, ok := w.(bool)
		return ok && b == d[i], 0, nil
	}
	n, ok := w.(json.Number)
	if !ok {
		return false, 0, fmt.Errorf("expected %v is not a number", w)
	}
	var g float64
	isFloat := false
	switch d := got.Data().(type) {
	case []float32:
		g, isFloat = float64(d[i]), true
	case []float64:
		g, isFloat = d[i], true
	case []int64:
		want, err := strconv.ParseInt(n.String(), 10, 64)
		return err == nil && want == d[i], 0, nil
	case []int32:
		g = float64(d[i])
	case []int16:
		g = float64(d[i])
	case []int8:
		g = float64(d[i])
	case []uint8:
		g = float64(d[i])
	case []uint16:
		g = float64(d[i])
	case []uint32:
		g = float64(d[i])
	case []uint64:
		g = float64(d[i])
	default:
		return false, 0, fmt.Errorf("cannot compare %s outputs", got.DType())
	}
	want, err := n.Float64()
	if err != nil {
		return false, 0, err
	}
	diff := math.Abs(g - want)
	if !isFloat || tol.exact {
		return g == want, diff, nil
	}
	if math.IsNaN(want) || math.IsNaN(g) {
		return math.IsNaN(want) && math.IsNaN(g), 0, nil
	}
	return diff <= tol.abs+tol.rel*math.Abs(want), diff, nil
}
