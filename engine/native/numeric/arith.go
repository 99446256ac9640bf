package numeric

import (
	"cmp"
	"math"
)

// Scalar functions of the binary ops. Integer division by zero is reported
// through the divide-by-zero flag of the kernels that check it.

func add[T number](x, y T) T    { return x + y }
func sub[T number](x, y T) T    { return x - y }
func mul[T number](x, y T) T    { return x * y }
func sqdiff[T number](x, y T) T { d := x - y; return d * d }
func fdiv[T floating](x, y T) T { return x / y }
func maxF[T floating](x, y T) T { return T(nanMax(float64(x), float64(y))) }
func minF[T floating](x, y T) T { return T(nanMin(float64(x), float64(y))) }
func maxI[T integer](x, y T) T  { return max(x, y) }
func minI[T integer](x, y T) T  { return min(x, y) }
func powF[T floating](x, y T) T { return T(math.Pow(float64(x), float64(y))) }
func floorDivF[T floating](x, y T) T {
	return T(math.Floor(float64(x) / float64(y)))
}
func divNoNan[T floating](x, y T) T {
	if y == 0 {
		return 0
	}
	return x / y
}

// floorModF follows TensorFlow's google_floor_fmod: the result takes the
// divisor's sign.
func floorModF[T floating](x, y T) T {
	m := T(math.Mod(float64(x), float64(y)))
	if m != 0 && (y < 0) != (m < 0) {
		m += y
	}
	return m
}

func nanMax(x, y float64) float64 {
	if x != x || y != y {
		return math.NaN()
	}
	if x > y {
		return x
	}
	return y
}

func nanMin(x, y float64) float64 {
	if x != x || y != y {
		return math.NaN()
	}
	if x < y {
		return x
	}
	return y
}

// Integer division (truncating), floor division and floor modulo; y == 0
// is checked by the caller before these run.
func truncDivI[T integer](x, y T) T { return x / y }
func floorDivI[T integer](x, y T) T {
	q := x / y
	if (x%y != 0) && ((x < 0) != (y < 0)) {
		q--
	}
	return q
}
func floorModI[T integer](x, y T) T {
	m := x % y
	if m != 0 && ((y < 0) != (m < 0)) {
		m += y
	}
	return m
}

func powI[T integer](x, y T) T {
	r := T(1)
	for y > 0 {
		if y&1 == 1 {
			r *= x
		}
		x *= x
		y >>= 1
	}
	return r
}

func gt[T cmp.Ordered](x, y T) bool { return x > y }
func ge[T cmp.Ordered](x, y T) bool { return x >= y }
func lt[T cmp.Ordered](x, y T) bool { return x < y }
func le[T cmp.Ordered](x, y T) bool { return x <= y }
func eq[T comparable](x, y T) bool  { return x == y }
func ne[T comparable](x, y T) bool  { return x != y }
func and(x, y bool) bool            { return x && y }
func or(x, y bool) bool             { return x || y }

// Hand-written float32 loops for the hottest ops.

func addF32(dst []float32, a, b []float32, sa, sb int) {
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:len(dst)], b[:len(dst)]
		for i := range dst {
			dst[i] = a[i] + b[i]
		}
	case sa == 1:
		y := b[0]
		a = a[:len(dst)]
		for i := range dst {
			dst[i] = a[i] + y
		}
	default:
		elem(add[float32])(dst, a, b, sa, sb)
	}
}

func mulF32(dst []float32, a, b []float32, sa, sb int) {
	switch {
	case sa == 1 && sb == 1:
		a, b = a[:len(dst)], b[:len(dst)]
		for i := range dst {
			dst[i] = a[i] * b[i]
		}
	case sa == 1:
		y := b[0]
		a = a[:len(dst)]
		for i := range dst {
			dst[i] = a[i] * y
		}
	default:
		elem(mul[float32])(dst, a, b, sa, sb)
	}
}

func subF32(dst []float32, a, b []float32, sa, sb int) {
	if sa == 1 && sb == 1 {
		a, b = a[:len(dst)], b[:len(dst)]
		for i := range dst {
			dst[i] = a[i] - b[i]
		}
		return
	}
	elem(sub[float32])(dst, a, b, sa, sb)
}
