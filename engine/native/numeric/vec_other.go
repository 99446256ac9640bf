//go:build !amd64 || purego

package numeric

// maxInto sets dst[i] = max32(dst[i], src[i]) for i < len(dst).
func maxInto(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = max32(dst[i], v)
	}
}

// biasReluRow sets dst[j] = relu(x[j] + b[j]) for j < len(b).
func biasReluRow(dst, x, b []float32) {
	dst, x = dst[:len(b)], x[:len(b)]
	for j := range b {
		dst[j] = reluBits(x[j] + b[j])
	}
}

// maxPair sets dst[i] = max(a[i], b[i]) (Go's max: NaN wins, +0 beats
// -0) for i < len(dst); dst may be a or b.
func maxPair(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = max(a[i], b[i])
	}
}
