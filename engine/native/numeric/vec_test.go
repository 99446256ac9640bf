package numeric

import (
	"math"
	"math/rand"
	"testing"

	"github.com/scorekit/score/tensor"
)

// TestMaxGlobalPoolShape reduces [n, steps, channels] over steps (Keras
// GlobalMaxPooling1D) with NaNs and signed zeros mixed in, against a loop
// following Eigen's max reducer: start at -Inf, take v when v > best (a
// NaN compares false and is skipped).
func TestMaxGlobalPoolShape(t *testing.T) {
	r := rand.New(rand.NewSource(31))
	n, steps, ch := 5, 21, 100
	x := randF32(r, n, steps, ch)
	xv := tensor.MustValues[float32](x)
	for i := 0; i < len(xv); i += 37 {
		xv[i] = float32(math.NaN())
	}
	for i := 5; i < len(xv); i += 53 {
		xv[i] = float32(math.Copysign(0, float64(i%2*2-1)))
	}
	want := make([]float32, n*ch)
	for b := 0; b < n; b++ {
		for c := 0; c < ch; c++ {
			best := float32(math.Inf(-1))
			for s := 0; s < steps; s++ {
				if v := xv[(b*steps+s)*ch+c]; v > best {
					best = v
				}
			}
			want[b*ch+c] = best
		}
	}
	got := tensor.MustValues[float32](run1(t, "Max", nil, x, sc32(1)))
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("element %d: got %v want %v", i, got[i], want[i])
		}
	}
}

// TestBiasReluF32 checks the fused pass bit for bit against a scalar loop
// (relu clears results with the sign bit set), over row widths around the
// vector width, in place and not, on one and several threads.
func TestBiasReluF32(t *testing.T) {
	r := rand.New(rand.NewSource(32))
	for _, c := range []int{1, 7, 8, 9, 25, 50, 100, 900} {
		rows := 3 + (1<<15)/c
		x := randSlice(r, rows*c)
		b := randSlice(r, c)
		x[0] = float32(math.NaN())
		x[len(x)-1] = float32(math.Copysign(0, -1)) - b[c-1]
		want := make([]float32, len(x))
		for i, v := range x {
			y := math.Float32bits(v + b[i%c])
			if y>>31 == 1 {
				y = 0
			}
			want[i] = math.Float32frombits(y)
		}
		for _, threads := range []int{1, 3} {
			got := make([]float32, len(x))
			BiasReluF32(got, x, b, threads)
			inplace := append([]float32(nil), x...)
			BiasReluF32(inplace, inplace, b, threads)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) || math.Float32bits(inplace[i]) != math.Float32bits(want[i]) {
					t.Fatalf("c=%d threads=%d element %d: got %v (in place %v) want %v", c, threads, i, got[i], inplace[i], want[i])
				}
			}
		}
	}
}

// BenchmarkBiasRelu times the fused pass over the meta model's first
// layer output for 32 documents (98 steps × 900 channels each), against
// the plain scalar loop.
func BenchmarkBiasRelu(b *testing.B) {
	r := rand.New(rand.NewSource(33))
	x, bias := randSlice(r, 32*98*900), randSlice(r, 900)
	dst := make([]float32, len(x))
	b.Run("simd", func(b *testing.B) {
		for b.Loop() {
			BiasReluF32(dst, x, bias, 1)
		}
	})
	b.Run("scalar", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				dst[i] = reluBits(v + bias[i%900])
			}
		}
	})
}

// TestMaxPair checks maxPair against Go's max bit for bit, with NaNs,
// infinities and signed zeros in both operands, in place and not.
func TestMaxPair(t *testing.T) {
	r := rand.New(rand.NewSource(34))
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1)), 1, -1}
	for _, n := range []int{1, 8, 13, 64, 101} {
		a, b := randSlice(r, n), randSlice(r, n)
		for i := range a {
			if r.Intn(3) == 0 {
				a[i] = special[r.Intn(len(special))]
			}
			if r.Intn(3) == 0 {
				b[i] = special[r.Intn(len(special))]
			}
		}
		got := make([]float32, n)
		maxPair(got, a, b)
		inplace := append([]float32(nil), a...)
		maxPair(inplace, inplace, b)
		for i := range got {
			want := max(a[i], b[i])
			same := func(v float32) bool {
				return math.Float32bits(v) == math.Float32bits(want) || (want != want && v != v)
			}
			if !same(got[i]) || !same(inplace[i]) {
				t.Fatalf("n=%d: max(%v, %v) = %v (in place %v), want %v", n, a[i], b[i], got[i], inplace[i], want)
			}
		}
	}
}
