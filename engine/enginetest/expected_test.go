package enginetest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/scorekit/score/tensor"
)

func TestParseTolerance(t *testing.T) {
	for in, want := range map[string]tolerance{
		"exact":             {exact: true},
		"abs 1e-6":          {abs: 1e-6},
		"":                  {abs: 1e-6, rel: 1e-5},
		"abs 1e-4 rel 2e-3": {abs: 1e-4, rel: 2e-3},
		"Values are float64 evaluations. Suggested check: |tf - expected| <= 1e-6 + 1e-5*|expected| per element.": {abs: 1e-6, rel: 1e-5},
		"compare with rtol~1e-5 / atol~1e-7": {abs: 1e-6, rel: 1e-5},
	} {
		if got := parseTolerance(in); got != want {
			t.Errorf("%q: got %+v, want %+v", in, got, want)
		}
	}
}

func TestDecodeNested(t *testing.T) {
	leaves, shape, err := decodeNested(json.RawMessage(`[[1, 2.5], [3, 4]]`))
	if err != nil || len(leaves) != 4 || len(shape) != 2 || shape[0] != 2 || shape[1] != 2 {
		t.Fatalf("got %v %v %v", leaves, shape, err)
	}
	if _, _, err := decodeNested(json.RawMessage(`[[1, 2], [3]]`)); err == nil {
		t.Fatal("ragged accepted")
	}
	if _, _, err := decodeNested(json.RawMessage(`[[1, 2], 3]`)); err == nil {
		t.Fatal("mixed nesting accepted")
	}
	leaves, shape, err = decodeNested(json.RawMessage(`"x"`))
	if err != nil || len(leaves) != 1 || len(shape) != 0 {
		t.Fatalf("scalar: %v %v %v", leaves, shape, err)
	}
}

func TestCompare(t *testing.T) {
	leaves, shape, _ := decodeNested(json.RawMessage(`[[0.5], [1.0]]`))
	got := tensor.Must(tensor.Float, []int{2, 1}, []float32{0.5000004, 1})
	tol := tolerance{abs: 1e-6, rel: 1e-5}
	if err := compare(got, leaves, shape, tol); err != nil {
		t.Fatal(err)
	}
	bad := tensor.Must(tensor.Float, []int{2, 1}, []float32{0.5001, 1})
	if err := compare(bad, leaves, shape, tol); err == nil || !strings.Contains(err.Error(), "mismatch") {
		t.Fatalf("mismatch not detected: %v", err)
	}
	if err := compare(tensor.Must(tensor.Float, []int{2}, []float32{0.5, 1}), leaves, shape, tol); err == nil {
		t.Fatal("shape mismatch not detected")
	}
	ints, ishape, _ := decodeNested(json.RawMessage(`[17031841900, 3]`))
	if err := compare(tensor.Must(tensor.Int64, []int{2}, []int64{17031841900, 3}), ints, ishape, tol); err != nil {
		t.Fatal(err)
	}
	if err := compare(tensor.Must(tensor.Int64, []int{2}, []int64{17031841901, 3}), ints, ishape, tol); err == nil {
		t.Fatal("int64 off by one accepted")
	}
	if err := compare(tensor.Must(tensor.Int32, []int{2}, []int32{18, 24}), ints, ishape, tolerance{abs: 100}); err == nil {
		t.Fatal("integers compared with a float tolerance")
	}
}

func TestMakeTensor(t *testing.T) {
	leaves, shape, _ := decodeNested(json.RawMessage(`[3, 4]`))
	x, err := makeTensor("uint8", shape, leaves)
	if err != nil || x.DType() != tensor.Uint8 || tensor.MustValues[uint8](x)[1] != 4 {
		t.Fatalf("got %v %v", x, err)
	}
	if _, err := makeTensor("int32", shape, []any{"a", "b"}); err == nil {
		t.Fatal("strings accepted as int32")
	}
	if _, err := makeTensor("float32", []int{3}, leaves); err == nil {
		t.Fatal("wrong count accepted")
	}
}
