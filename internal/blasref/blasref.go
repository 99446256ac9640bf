package blasref

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"time"
	"unsafe"

	"github.com/ebitengine/purego"
)

// Candidate library paths, most specific first. SCORE_OPENBLAS overrides.
var candidates = []string{
	"libopenblas.so.0",
	"/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
	"/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
	"/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
}

const (
	cblasRowMajor = 101
	cblasNoTrans  = 111
	cblasTrans    = 112
)

// OpenBLAS is a loaded libopenblas.
type OpenBLAS struct {
	Path   string
	handle uintptr
	sgemm  func(order, ta, tb, m, n, k int32, alpha float32, a unsafe.Pointer, lda int32, b unsafe.Pointer, ldb int32, beta float32, c unsafe.Pointer, ldc int32)
	config func() *byte
}

var (
	once   sync.Once
	loaded *OpenBLAS
	errLd  error
)

// Load opens libopenblas once per process. The error says what to install.
func Load() (*OpenBLAS, error) {
	once.Do(func() {
		paths := candidates
		if p := os.Getenv("SCORE_OPENBLAS"); p != "" {
			paths = []string{p}
		}
		var errs []error
		for _, p := range paths {
			h, err := purego.Dlopen(p, purego.RTLD_NOW|purego.RTLD_LOCAL)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			b := &OpenBLAS{Path: p, handle: h}
			purego.RegisterLibFunc(&b.sgemm, h, "cblas_sgemm")
			if _, err := purego.Dlsym(h, "openblas_get_config"); err == nil {
				purego.RegisterLibFunc(&b.config, h, "openblas_get_config")
			}
			loaded = b
			return
		}
		errLd = fmt.Errorf("load OpenBLAS (install Debian's libopenblas-dev or set SCORE_OPENBLAS): %w", errors.Join(errs...))
	})
	return loaded, errLd
}

// Config returns OpenBLAS's build description (kernel, threads), if known.
func (b *OpenBLAS) Config() string {
	if b.config == nil {
		return ""
	}
	p := b.config()
	var s []byte
	for i := 0; ; i++ {
		c := *(*byte)(unsafe.Add(unsafe.Pointer(p), i))
		if c == 0 || i > 512 {
			break
		}
		s = append(s, c)
	}
	return string(s)
}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C, row-major, as cblas_sgemm.
func (b *OpenBLAS) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, bm []float32, ldb int, beta float32, c []float32, ldc int) {
	ta, tb := int32(cblasNoTrans), int32(cblasNoTrans)
	if transA {
		ta = cblasTrans
	}
	if transB {
		tb = cblasTrans
	}
	b.sgemm(cblasRowMajor, ta, tb, int32(m), int32(n), int32(k), alpha, unsafe.Pointer(&a[0]), int32(lda),
		unsafe.Pointer(&bm[0]), int32(ldb), beta, unsafe.Pointer(&c[0]), int32(ldc))
}

// GFLOPS times n x n x n SGEMM (best of reps runs after one warm-up) and
// returns the achieved GFLOP/s.
func (b *OpenBLAS) GFLOPS(n, reps int) float64 {
	r := rand.New(rand.NewPCG(1, 2))
	a := make([]float32, n*n)
	bm := make([]float32, n*n)
	c := make([]float32, n*n)
	for i := range a {
		a[i], bm[i] = r.Float32()-0.5, r.Float32()-0.5
	}
	b.Sgemm(false, false, n, n, n, 1, a, n, bm, n, 0, c, n)
	best := time.Duration(1<<63 - 1)
	for range max(reps, 1) {
		t0 := time.Now()
		b.Sgemm(false, false, n, n, n, 1, a, n, bm, n, 0, c, n)
		best = min(best, time.Since(t0))
	}
	return 2 * float64(n) * float64(n) * float64(n) / best.Seconds() / 1e9
}
