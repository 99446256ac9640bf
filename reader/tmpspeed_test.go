package reader

import (
	"math/rand"
	"testing"
	"time"
)

func TestTmpSpeed(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	alpha := []byte("ab,\"\n\r\t ")
	for i := 0; i < 200; i++ {
		n := r.Intn(4096)
		b := make([]byte, n)
		for k := range b {
			b[k] = alpha[r.Intn(len(alpha))]
		}
		max := r.Intn(300) + 1
		t0 := time.Now()
		checkAgainstRef(t, b, ',', r.Intn(2) == 0, max)
		if d := time.Since(t0); d > 50*time.Millisecond {
			t.Logf("slow: n=%d max=%d %v", n, max, d)
		}
	}
}
