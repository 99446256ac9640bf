//go:build amd64 && !purego

package numeric

//go:noescape
func maxIntoAVX2(dst, src *float32, n int)

// maxInto sets dst[i] = max32(dst[i], src[i]) for i < len(dst).
func maxInto(dst, src []float32) {
	src = src[:len(dst)]
	n := len(dst) &^ 7
	if n > 0 && hasAVX2 {
		maxIntoAVX2(&dst[0], &src[0], n)
	} else {
		n = 0
	}
	for i := n; i < len(dst); i++ {
		dst[i] = max32(dst[i], src[i])
	}
}

//go:noescape
func biasReluAVX2(dst, x, b *float32, n int)

// biasReluRow sets dst[j] = relu(x[j] + b[j]) for j < len(b).
func biasReluRow(dst, x, b []float32) {
	dst, x = dst[:len(b)], x[:len(b)]
	n := len(b) &^ 7
	if n > 0 && hasAVX2 {
		biasReluAVX2(&dst[0], &x[0], &b[0], n)
	} else {
		n = 0
	}
	for j := n; j < len(b); j++ {
		dst[j] = reluBits(x[j] + b[j])
	}
}

//go:noescape
func maxPairAVX2(dst, a, b *float32, n int)

// maxPair sets dst[i] = max(a[i], b[i]) (Go's max: NaN wins, +0 beats
// -0) for i < len(dst); dst may be a or b.
func maxPair(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	n := len(dst) &^ 7
	if n > 0 && hasAVX2 {
		maxPairAVX2(&dst[0], &a[0], &b[0], n)
	} else {
		n = 0
	}
	for i := n; i < len(dst); i++ {
		dst[i] = max(a[i], b[i])
	}
}
