package tensor

import (
	"errors"
	"testing"
)

func TestNewChecksLength(t *testing.T) {
	if _, err := New(Float, []int{2, 3}, make([]float32, 5)); !errors.Is(err, ErrShape) {
		t.Fatalf("New with 5 values for [2,3]: err = %v, want ErrShape", err)
	}
	if _, err := New(Float, []int{2}, []int32{1, 2}); err == nil {
		t.Fatal("New float32 tensor from []int32: want error")
	}
	if _, err := New(Int64, []int{1 << 30, 1 << 30, 1 << 30}, []int64{}); err == nil {
		t.Fatal("absurd shape: want error")
	}
}

func TestRawRoundTrip(t *testing.T) {
	src := Must(Float, []int{2, 2}, []float32{1, -2.5, 3, 1e-7})
	raw, err := src.Raw()
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 16 || raw[0] != 0 || raw[3] != 0x3f {
		t.Fatalf("raw bytes of float32 1.0 should be 00 00 80 3f, got % x", raw[:4])
	}
	for _, decode := range []func(DType, []int, []byte) (*Tensor, error){FromRaw, FromRawView} {
		back, err := decode(Float, []int{2, 2}, raw)
		if err != nil {
			t.Fatal(err)
		}
		got := MustValues[float32](back)
		for i, v := range MustValues[float32](src) {
			if got[i] != v {
				t.Fatalf("element %d: got %v want %v", i, got[i], v)
			}
		}
	}
	if _, err := FromRaw(Int64, []int{3}, raw); err == nil {
		t.Fatal("16 bytes as int64[3]: want error")
	}
}

func TestReshapeSharesData(t *testing.T) {
	a := Must(Int32, []int{6}, []int32{0, 1, 2, 3, 4, 5})
	b, err := a.Reshape([]int{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	MustValues[int32](b)[4] = 40
	if MustValues[int32](a)[4] != 40 {
		t.Fatal("Reshape should share the backing slice")
	}
	if _, err := a.Reshape([]int{4}); err == nil {
		t.Fatal("reshape 6 elements to [4]: want error")
	}
	if got := b.String(); got != "int32[2,3]" {
		t.Fatalf("String() = %q", got)
	}
}

func TestDTypeNames(t *testing.T) {
	for _, s := range []string{"float32", "DT_FLOAT", "int64", "DT_STRING"} {
		if _, err := ParseDType(s); err != nil {
			t.Errorf("ParseDType(%q): %v", s, err)
		}
	}
	if d := DType(101); d.Base() != Float || !d.IsRef() || d.String() != "float32_ref" {
		t.Fatalf("DT_FLOAT_REF: base %v ref %v name %q", d.Base(), d.IsRef(), d.String())
	}
}

// TestNewChecksSliceType checks that New accepts exactly the Go slice type
// each dtype is stored in.
func TestNewChecksSliceType(t *testing.T) {
	for _, c := range []struct {
		dt   DType
		data any
		ok   bool
	}{
		{Float, []float32{1}, true}, {Float, []float64{1}, false}, {Double, []float32{1}, false},
		{Half, []uint16{1}, true}, {BFloat16, []uint16{1}, true}, {Uint16, []uint16{1}, true}, {Half, []int16{1}, false},
		{Qint8, []int8{1}, true}, {Quint8, []uint8{1}, true}, {Qint32, []int32{1}, true}, {Qint16, []int16{1}, true},
		{Int32, []int64{1}, false}, {Int64, []int64{1}, true}, {String, []string{"a"}, true}, {String, []byte("a"), false},
		{Resource, []any{nil}, true}, {Variant, []any{nil}, true}, {Bool, []bool{true}, true}, {Bool, []uint8{1}, false},
		{Complex64, []complex64{1}, true}, {Complex128, []complex64{1}, false}, {Invalid, []float32{1}, false},
	} {
		_, err := New(c.dt, []int{1}, c.data)
		if (err == nil) != c.ok {
			t.Errorf("New(%s, %T): error %v, want ok=%v", c.dt, c.data, err, c.ok)
		}
	}
}

// TestRowsSharesData takes row ranges of [3,2] and [3] tensors: the view
// holds exactly those rows, shares the data, and bad ranges are errors.
func TestRowsSharesData(t *testing.T) {
	x := Must(Int64, []int{3, 2}, []int64{0, 1, 10, 11, 20, 21})
	r, err := x.Rows(1, 3)
	if err != nil {
		t.Fatal(err)
	}
	got := MustValues[int64](r)
	if len(r.Shape()) != 2 || r.Dim(0) != 2 || r.Dim(1) != 2 || len(got) != 4 || got[0] != 10 || got[3] != 21 {
		t.Fatalf("rows [1,3) of %v: %v %v", x.Data(), r.Shape(), got)
	}
	got[0] = 99
	if MustValues[int64](x)[2] != 99 {
		t.Fatal("Rows copied the data")
	}
	s, err := Must(String, []int{3}, []string{"a", "b", "c"}).Rows(2, 3)
	if err != nil || MustValues[string](s)[0] != "c" || s.Dim(0) != 1 {
		t.Fatalf("rows [2,3) of a string vector: %v %v", s, err)
	}
	for _, c := range [][2]int{{-1, 1}, {2, 1}, {0, 4}} {
		if _, err := x.Rows(c[0], c[1]); !errors.Is(err, ErrShape) {
			t.Errorf("rows %v of [3,2]: err = %v, want ErrShape", c, err)
		}
	}
	if _, err := Scalar(int64(1)).Rows(0, 1); !errors.Is(err, ErrShape) {
		t.Errorf("rows of a scalar: err = %v, want ErrShape", err)
	}
}

// TestDataAddr: a tensor, its reshaped view and its slice share an
// address; a row view starts a row further; empty and string tensors have
// none.
func TestDataAddr(t *testing.T) {
	data := []int32{1, 2, 3, 4, 5, 6}
	x := Must(Int32, []int{3, 2}, data)
	r, _ := x.Reshape([]int{6})
	v, _ := x.Rows(1, 3)
	if a := DataAddr(x); a == 0 || a != SliceAddr(data) || DataAddr(r) != a || DataAddr(v) != a+8 {
		t.Fatalf("addresses %#x %#x %#x %#x", DataAddr(x), SliceAddr(data), DataAddr(r), DataAddr(v))
	}
	if DataAddr(Must(Int32, []int{0}, []int32{})) != 0 || DataAddr(Must(String, []int{1}, []string{"a"})) != 0 {
		t.Fatal("an empty or string tensor has an address")
	}
}
