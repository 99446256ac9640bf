package numeric

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

func refGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int,
	beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			old := c[i*ldc+j]
			if beta == 0 {
				old = 0
			}
			c[i*ldc+j] = float32(float64(alpha)*s + float64(beta)*float64(old))
		}
	}
}

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = r.Float32()*2 - 1
	}
	return s
}

func TestSgemmAgainstReference(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	sizes := [][3]int{{1, 1, 1}, {6, 16, 3}, {7, 17, 5}, {13, 33, 300}, {100, 25, 150}, {5, 40, 1}, {97, 3, 513}, {200, 70, 20}, {98, 50, 75}, {47, 100, 150}, {25, 13, 2}, {18, 40, 30}, {30, 64, 9}, {23, 17, 4}}
	for name, kern := range kernels() {
		for _, sz := range sizes {
			m, n, k := sz[0], sz[1], sz[2]
			for _, ta := range []bool{false, true} {
				for _, tb := range []bool{false, true} {
					for _, ab := range [][2]float32{{1, 0}, {0.5, 1}, {2, -0.25}} {
						lda, ldb, ldc := k+3, n+1, n+2
						if ta {
							lda = m + 2
						}
						if tb {
							ldb = k + 1
						}
						arows, brows := m, k
						if ta {
							arows = k
						}
						if tb {
							brows = n
						}
						a := randSlice(r, arows*lda)
						b := randSlice(r, brows*ldb)
						c := randSlice(r, m*ldc)
						want := append([]float32(nil), c...)
						refGemm(ta, tb, m, n, k, ab[0], a, lda, b, ldb, ab[1], want, ldc)
						for _, threads := range []int{1, 3} {
							got := append([]float32(nil), c...)
							sgemmWith(kern, ta, tb, m, n, k, ab[0], a, lda, b, ldb, ab[1], got, ldc, threads)
							for i := range got {
								tol := 1e-4 * float64(k+1)
								if math.Abs(float64(got[i]-want[i])) > tol {
									t.Fatalf("%s m=%d n=%d k=%d ta=%v tb=%v alpha=%v beta=%v threads=%d: c[%d]=%v want %v",
										name, m, n, k, ta, tb, ab[0], ab[1], threads, i, got[i], want[i])
								}
							}
						}
					}
				}
			}
		}
	}
}

func TestSgemmKernelsAgree(t *testing.T) {
	ks := kernels()
	if len(ks) == 1 {
		t.Skip("no SIMD kernels on this CPU: only the Go kernel exists here")
	}
	r := rand.New(rand.NewSource(2))
	m, n, k := 61, 45, 290
	a, b := randSlice(r, m*k), randSlice(r, k*n)
	want := make([]float32, m*n)
	sgemmWith(ks["go"], false, false, m, n, k, 1, a, k, b, n, 0, want, n, 2)
	for name, kern := range ks {
		got := make([]float32, m*n)
		sgemmWith(kern, false, false, m, n, k, 1, a, k, b, n, 0, got, n, 2)
		for i := range got {
			if math.Abs(float64(got[i]-want[i])) > 1e-3 {
				t.Fatalf("c[%d]: go %v %s %v", i, want[i], name, got[i])
			}
		}
	}
}

func BenchmarkSgemm2048(b *testing.B) { benchSgemm(b, 2048) }

func BenchmarkSgemm512(b *testing.B) { benchSgemm(b, 512) }

func benchSgemm(b *testing.B, n int) {
	for name, kern := range kernels() {
		b.Run(name, func(b *testing.B) {
			r := rand.New(rand.NewSource(3))
			x, y, z := randSlice(r, n*n), randSlice(r, n*n), make([]float32, n*n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sgemmWith(kern, false, false, n, n, n, 1, x, n, y, n, 0, z, n, benchThreads())
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkSgemmShapes runs each kernel set on one thread over the meta
// model's product shapes (m×n×k) and a square one, reporting GFLOP/s per
// CPU second (steadier than wall time on a shared machine).
func BenchmarkSgemmShapes(b *testing.B) {
	shapes := [][3]int{{98, 900, 150}, {47, 50, 75}, {21, 100, 150}, {512, 512, 512}} // conv rows: M = output steps
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		for name, kern := range kernels() {
			if name == "go" {
				continue
			}
			b.Run(fmt.Sprintf("%dx%dx%d/%s", m, n, k, name), func(b *testing.B) {
				r := rand.New(rand.NewSource(3))
				x, y, z := randSlice(r, m*k), randSlice(r, k*n), make([]float32, m*n)
				pb := newPackedB(false, k, n, y, n)
				cpu0 := cpuSeconds()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					g := gemm{ks: kern, k: k, alpha: 1, a: x, lda: k, c: z, ldc: n, pre: pb}
					g.run(0, m, 0, n)
				}
				b.ReportMetric(2*float64(m*n*k)*float64(b.N)/(cpuSeconds()-cpu0)/1e9, "cpuGFLOP/s")
			})
		}
	}
}

// TestSgemmFreshOverwrites checks the fresh mode of the masked kernels:
// the first depth block overwrites C (garbage there must not survive) and
// later blocks (k > kc) accumulate onto it.
func TestSgemmFreshOverwrites(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	for name, kern := range kernels() {
		if kern.sim == nil {
			continue // the other kernels always accumulate: fresh needs zeroed C
		}
		for _, sz := range [][3]int{{98, 50, 75}, {21, 100, 300}, {13, 7, 600}} {
			m, n, k := sz[0], sz[1], sz[2]
			a, b := randSlice(r, m*k), randSlice(r, k*n)
			want := make([]float32, m*n)
			refGemm(false, false, m, n, k, 1, a, k, b, n, 0, want, n)
			got := make([]float32, m*n)
			for i := range got {
				got[i] = float32(math.NaN())
			}
			g := gemm{ks: kern, k: k, alpha: 1, a: a, lda: k, c: got, ldc: n, pre: newPackedB(false, k, n, b, n), fresh: true}
			g.parallel(m, n, 2)
			for i := range got {
				if math.Abs(float64(got[i]-want[i])) > 1e-4*float64(k) || got[i] != got[i] {
					t.Fatalf("%s %v: c[%d]=%v want %v", name, sz, i, got[i], want[i])
				}
			}
		}
	}
}

// TestSgemmTileEpilogue checks the epilogue the kernels apply as they
// store C (bias by column, Relu) against the same product stored plainly
// and finished afterwards: bit for bit, with every kernel set, for one and
// several depth blocks, overwriting and accumulating.
func TestSgemmTileEpilogue(t *testing.T) {
	r := rand.New(rand.NewSource(61))
	for name, kern := range kernels() {
		for _, sz := range [][3]int{{98, 50, 75}, {21, 100, 150}, {13, 33, 300}, {30, 64, 9}, {7, 17, 5}, {25, 900, 20}} {
			m, n, k := sz[0], sz[1], sz[2]
			a, b, bias := randSlice(r, m*k), randSlice(r, k*n), randSlice(r, n)
			pb := newPackedB(false, k, n, b, n)
			for _, e := range []tileEpi{{bias: bias}, {relu: true}, {bias: bias, relu: true}} {
				for _, fresh := range []bool{false, true} {
					if fresh && (kern.sim == nil || kern.wide == nil) {
						continue // only the masked kernels overwrite
					}
					plain := make([]float32, m*n)
					g := gemm{ks: kern, k: k, alpha: 1, a: a, lda: k, c: plain, ldc: n, pre: pb, fresh: fresh}
					g.run(0, m, 0, n)
					e.apply(plain, n, m, 0, n)
					got := make([]float32, m*n)
					g = gemm{ks: kern, k: k, alpha: 1, a: a, lda: k, c: got, ldc: n, pre: pb, fresh: fresh, epi: &e}
					g.run(0, m, 0, n)
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(plain[i]) {
							t.Fatalf("%s %dx%dx%d bias=%v relu=%v fresh=%v: c[%d] = %v, finished afterwards %v",
								name, m, n, k, e.bias != nil, e.relu, fresh, i, got[i], plain[i])
						}
					}
					want := make([]float32, m*n)
					refGemm(false, false, m, n, k, 1, a, k, b, n, 0, want, n)
					for i := range want {
						v := want[i]
						if e.bias != nil {
							v += bias[i%n]
						}
						if e.relu && v < 0 {
							v = 0
						}
						if d := math.Abs(float64(got[i] - v)); d > 1e-3*(1+math.Abs(float64(v))) {
							t.Fatalf("%s %dx%dx%d: c[%d] = %v, reference %v", name, m, n, k, i, got[i], v)
						}
					}
				}
			}
		}
	}
}
