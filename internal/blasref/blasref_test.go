package blasref

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

func load(t testing.TB) *OpenBLAS {
	b, err := Load()
	if err != nil {
		if os.Getenv("SCORE_REQUIRE_FIXTURES") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return b
}

// TestSgemmMatchesLoops checks the binding (argument order, transposes)
// against a plain triple loop.
func TestSgemmMatchesLoops(t *testing.T) {
	b := load(t)
	r := rand.New(rand.NewPCG(3, 4))
	m, n, k := 7, 5, 9
	for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		a := make([]float32, m*k)
		bm := make([]float32, k*n)
		for i := range a {
			a[i] = r.Float32() - 0.5
		}
		for i := range bm {
			bm[i] = r.Float32() - 0.5
		}
		lda, ldb := k, n
		if tr[0] {
			lda = m
		}
		if tr[1] {
			ldb = k
		}
		c := make([]float32, m*n)
		for i := range c {
			c[i] = 1
		}
		b.Sgemm(tr[0], tr[1], m, n, k, 2, a, lda, bm, ldb, 0.5, c, n)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var s float64
				for p := 0; p < k; p++ {
					av := a[i*k+p]
					if tr[0] {
						av = a[p*m+i]
					}
					bv := bm[p*n+j]
					if tr[1] {
						bv = bm[j*k+p]
					}
					s += float64(av) * float64(bv)
				}
				want := 2*s + 0.5
				if math.Abs(float64(c[i*n+j])-want) > 1e-5 {
					t.Fatalf("trans %v: c[%d,%d] = %v, want %v", tr, i, j, c[i*n+j], want)
				}
			}
		}
	}
}

func BenchmarkOpenBLASSgemm2048(b *testing.B) {
	lib := load(b)
	var g float64
	for range b.N {
		g = lib.GFLOPS(2048, 1)
	}
	b.ReportMetric(g, "GFLOP/s")
	b.Logf("OpenBLAS %s: %s", lib.Path, lib.Config())
}
