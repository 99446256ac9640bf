package numeric

import "math"

// reluBits is Relu on the bits: a value with the sign bit set (negative,
// -0, or a NaN with the sign bit) becomes +0; anything else is kept.
func reluBits(y float32) float32 {
	v := math.Float32bits(y)
	return math.Float32frombits(v &^ uint32(int32(v)>>31))
}

// BiasReluF32 sets dst = relu(x + b) with b added along the last axis
// (x is rows of len(b)), where relu clears any result whose sign bit is
// set (so -0 and negative NaNs become +0, as reluBits). dst may be x; it
// must be as long as x, and len(x) a multiple of len(b) (b non-empty).
// Rows are split over up to threads goroutines. It is the fused
// BiasAdd+Relu pass for executors; AVX2 on amd64 where the CPU has it.
func BiasReluF32(dst, x, b []float32, threads int) {
	c := len(b)
	if c == 0 {
		return
	}
	rows := len(x) / c
	dst = dst[:rows*c]
	parallelRows(rows, c, threads, func(r0, r1 int) {
		for r := r0; r < r1; r++ {
			biasReluRow(dst[r*c:(r+1)*c], x[r*c:(r+1)*c], b)
		}
	})
}
