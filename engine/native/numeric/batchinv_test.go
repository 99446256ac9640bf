package numeric

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSgemmRowsIndependentOfBatch checks batch invariance: a row of C must
// be bit-for-bit the same whether it is computed alone, in a small block or
// in a large one (different micro-kernels and tails handle it then). Scores
// of a document must not depend on which batch it landed in: shards, resumed
// runs and split batches compare outputs exactly.
func TestSgemmRowsIndependentOfBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, shape := range [][2]int{{150, 900}, {75, 50}, {150, 100}, {37, 19}} {
		k, n := shape[0], shape[1]
		const m = 53 // odd: full 12-row tiles, 6-row tiles and ragged tails
		a := make([]float32, m*k)
		b := make([]float32, k*n)
		for i := range a {
			a[i] = r.Float32()*2 - 1
		}
		for i := range b {
			b[i] = r.Float32()*2 - 1
		}
		full := make([]float32, m*n)
		Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, full, n, 2)
		for _, rows := range []int{1, 5, 7, 13} {
			for lo := 0; lo+rows <= m; lo += rows {
				part := make([]float32, rows*n)
				Sgemm(false, false, rows, n, k, 1, a[lo*k:], k, b, n, 0, part, n, 2)
				for i, v := range part {
					if w := full[lo*n+i]; math.Float32bits(v) != math.Float32bits(w) {
						t.Fatalf("k=%d n=%d: row %d col %d is %v alone in a block of %d but %v in a block of %d", k, n, lo+i/n, i%n, v, rows, w, m)
					}
				}
			}
		}
	}
}
