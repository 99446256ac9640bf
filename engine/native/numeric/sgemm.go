package numeric

import (
	"sync"
)

// Blocking parameters of the packed GEMM: a micro-tile is mr×nr (2mr×nr
// with the wide kernel), A is packed in kc×mc blocks, B in kc×nc blocks
// (sizes chosen to keep a packed A block in L2 and a B micro-panel in L1).
// mc is a multiple of 2mr and covers a Conv1D row product (M = output
// steps, ~100) in one block, so its row tail reuses each B panel while it
// is in L1 instead of streaming all of B again.
const (
	mr = 6
	nr = 16
	kc = 256
	mc = 144
	nc = 2048
)

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major float32
// matrices: op(A) is m×k (A is m×k with row stride lda, or k×m when transA),
// op(B) is k×n (B is k×n with row stride ldb, or n×k when transB), C is m×n
// with row stride ldc. It uses up to threads goroutines. The slices must be
// large enough for the given sizes and strides; C must not alias A or B.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int,
	beta float32, c []float32, ldc int, threads int) {
	sgemmWith(kernel, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads)
}

func sgemmWith(kern kernelSet, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int, threads int) {
	if m <= 0 || n <= 0 {
		return
	}
	scaleC(m, n, beta, c, ldc)
	if k <= 0 || alpha == 0 {
		return
	}
	g := gemm{ks: kern, transA: transA, transB: transB, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc}
	g.parallel(m, n, threads)
}

// parallel runs g over all of C (m×n) on up to threads goroutines: rows
// are split when C is tall, columns (in whole micro-panels) when it is
// wide, as for a small batch times a wide filter.
func (g *gemm) parallel(m, n, threads int) {
	work := float64(m) * float64(n) * float64(g.k)
	t := max(1, min(threads, int(work/(1<<20)))) // a goroutine costs microseconds: ~2 MFLOP each at least
	if t == 1 {
		g.run(0, m, 0, n)
		return
	}
	var wg sync.WaitGroup
	if m >= n || n < nr*t {
		t = min(t, (m+mr-1)/mr)
		step := ((m+t-1)/t + mr - 1) / mr * mr
		for i0 := 0; i0 < m; i0 += step {
			wg.Add(1)
			go func(i0, i1 int) {
				defer wg.Done()
				g.run(i0, i1, 0, n)
			}(i0, min(m, i0+step))
		}
	} else {
		step := ((n+t-1)/t + nr - 1) / nr * nr
		for j0 := 0; j0 < n; j0 += step {
			wg.Add(1)
			go func(j0, j1 int) {
				defer wg.Done()
				g.run(0, m, j0, j1)
			}(j0, min(n, j0+step))
		}
	}
	wg.Wait()
}

func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

type gemm struct {
	ks             kernelSet
	transA, transB bool
	k              int
	alpha          float32
	a, b, c        []float32
	lda, ldb, ldc  int
	pre            *packedB // B packed once for many products, or nil
	fresh          bool     // C is all zeros on entry: the first depth block may overwrite it
	epi            *tileEpi // applied as the last depth block stores C, or nil
}

// packedB is a k×n right-hand matrix packed for the micro-kernel once, for
// reuse across many products with different left-hand sides (a conv
// filter applied to every output row). Block pc (kc deep) starts at
// pc·npad; within it the panel of columns j starts at j·kb.
type packedB struct {
	k, n, npad int
	data       []float32
}

// newPackedB packs op(B) (k×n) once.
func newPackedB(transB bool, k, n int, b []float32, ldb int) *packedB {
	npad := (n + nr - 1) / nr * nr
	pb := &packedB{k: k, n: n, npad: npad, data: make([]float32, k*npad)}
	g := gemm{transB: transB, k: k, b: b, ldb: ldb}
	for pc := 0; pc < k; pc += kc {
		kb := min(kc, k-pc)
		g.packB(pb.data[pc*npad:], pc, kb, 0, n)
	}
	return pb
}

// sgemmPacked computes C += alpha·op(A)·B (A m×k with row stride lda, or
// k×m when transA) with B pre-packed, on up to threads goroutines. fresh
// promises that C is all zeros, so it may be overwritten rather than read.
func sgemmPacked(threads int, transA bool, m int, alpha float32, a []float32, lda int, pb *packedB, c []float32, ldc int, fresh bool) {
	sgemmPackedEpi(threads, transA, m, alpha, a, lda, pb, c, ldc, fresh, nil)
}

// sgemmPackedEpi is sgemmPacked that finishes C with epi (nil: nothing)
// as it stores it; epi's bias has pb.n columns.
func sgemmPackedEpi(threads int, transA bool, m int, alpha float32, a []float32, lda int, pb *packedB, c []float32, ldc int, fresh bool, epi *tileEpi) {
	if m <= 0 || pb.n <= 0 || pb.k <= 0 || alpha == 0 {
		return
	}
	g := gemm{ks: kernel, transA: transA, k: pb.k, alpha: alpha, a: a, lda: lda, c: c, ldc: ldc, pre: pb, fresh: fresh, epi: epi}
	g.parallel(m, pb.n, threads)
}

// sgemmWeights is Sgemm for a right-hand side B that is likely the same
// values across calls (model weights): its packed form is cached (see
// packCache) instead of being rebuilt per call. trusted says B is a model
// constant (ConstInputs).
func sgemmWeights(trusted, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int,
	beta float32, c []float32, ldc int, threads int) {
	if m <= 0 || n <= 0 {
		return
	}
	scaleC(m, n, beta, c, ldc)
	if k <= 0 || alpha == 0 {
		return
	}
	sgemmPacked(threads, transA, m, alpha, a, lda, weights.packed(transB, k, n, b, ldb, trusted), c, ldc, beta == 0)
}

type packBufs struct{ a, b []float32 }

var bufPool = sync.Pool{New: func() any { return new(packBufs) }}

// grow returns s with length at least n, reallocating when too short.
func grow(s []float32, n int) []float32 {
	if len(s) >= n {
		return s
	}
	return make([]float32, n)
}

// run computes rows [i0,i1) × cols [j0,j1) of C serially.
func (g *gemm) run(i0, i1, j0, j1 int) {
	bufs := bufPool.Get().(*packBufs)
	defer bufPool.Put(bufs)
	// Size the buffers to this product, not the block maxima: small
	// products (a Dense layer) should not allocate megabytes.
	kmax := min(kc, g.k)
	bufs.a = grow(bufs.a, min(mc, (i1-i0+mr-1)/mr*mr)*kmax)
	if g.pre == nil {
		bufs.b = grow(bufs.b, min(nc, (j1-j0+nr-1)/nr*nr)*kmax)
	}
	var tile [mr * nr]float32
	for jc := j0; jc < j1; jc += nc {
		nb := min(nc, j1-jc)
		for pc := 0; pc < g.k; pc += kc {
			kb := min(kc, g.k-pc)
			bblk := bufs.b
			if g.pre != nil {
				bblk = g.pre.data[pc*g.pre.npad+jc*kb:]
			} else {
				g.packB(bblk, pc, kb, jc, nb)
			}
			for ic := i0; ic < i1; ic += mc {
				mb := min(mc, i1-ic)
				direct := g.direct()
				g.packA(bufs.a, ic, mb, pc, kb, direct)
				add := 1
				if g.fresh && pc == 0 {
					add = 0
				}
				for jr := 0; jr < nb; {
					if g.ks.wide2 != nil && nb-jr > nr {
						g.panelPair(bufs.a, bblk[jr*kb:(jr+2*nr)*kb], ic, mb, pc, kb, jc+jr, nb-jr-nr, direct, add)
						jr += 2 * nr
						continue
					}
					g.panel(bufs.a, bblk[jr*kb:(jr+nr)*kb], ic, mb, pc, kb, jc+jr, min(nr, nb-jr), direct, add, &tile)
					jr += nr
				}
			}
		}
	}
}

// panel multiplies rows [ic,ic+mb) of A (depth [pc,pc+kb), packed in pa
// unless direct) by one packed B panel bp into columns [j,j+nw) of C.
// With add == 0 the masked kernels overwrite C (the six kernel, which
// always accumulates, is then adding to zeros).
func (g *gemm) panel(pa, bp []float32, ic, mb, pc, kb, j, nw int, direct bool, add int, tile *[mr * nr]float32) {
	ir := 0
	if g.ks.wide != nil {
		for ; mb-ir >= 2*mr; ir += 2 * mr {
			ci := (ic+ir)*g.ldc + j
			if direct {
				o := (ic+ir)*g.lda + pc
				g.ks.wide(kb, g.a[o:], g.a[o+mr*g.lda:], g.lda, 1, bp, g.c[ci:], g.ldc, nw, 2*mr, add)
			} else {
				g.ks.wide(kb, pa[ir*kb:(ir+mr)*kb], pa[(ir+mr)*kb:(ir+2*mr)*kb], 1, mr, bp, g.c[ci:], g.ldc, nw, 2*mr, add)
			}
		}
	}
	for ; ir < mb; ir += mr {
		ap, rs, ps := pa[ir*kb:(ir+mr)*kb], 1, mr
		mw := min(mr, mb-ir)
		if direct && mw == mr {
			ap, rs, ps = g.a[(ic+ir)*g.lda+pc:], g.lda, 1
		}
		ci := (ic+ir)*g.ldc + j
		if g.ks.sim != nil {
			g.ks.sim(kb, ap, nil, rs, ps, bp, g.c[ci:], g.ldc, nw, mw, add)
			continue
		}
		if mw == mr && nw == nr {
			g.ks.six(kb, ap, rs, ps, bp, g.c[ci:], g.ldc)
			continue
		}
		clear(tile[:])
		g.ks.six(kb, ap, rs, ps, bp, tile[:], nr)
		for r := 0; r < mw; r++ {
			row := g.c[ci+r*g.ldc : ci+r*g.ldc+nw]
			for j := range row {
				row[j] += tile[r*nr+j]
			}
		}
	}
	if g.epi != nil && pc+kb == g.k {
		g.epi.apply(g.c[ic*g.ldc:], g.ldc, mb, j, nw)
	}
}

// panelPair is panel for two adjacent B panels (bp holds both, 2nr
// columns, the second with nw2 used columns) with the 2mr×2nr kernel, and
// the mr×2nr one for a last block of at most mr rows. Rows past the end of
// a block's A are read from the zero-padded packed panels, never stored.
func (g *gemm) panelPair(pa, bp []float32, ic, mb, pc, kb, j, nw2 int, direct bool, add int) {
	b1, b2 := bp[:nr*kb], bp[nr*kb:2*nr*kb]
	var bias []float32
	flags := 0
	if g.epi != nil && pc+kb == g.k {
		flags = g.epi.flags()
		if g.epi.bias != nil {
			bias = g.epi.bias[j:]
		}
	}
	ir := 0
	for ; mb-ir >= 2*mr; ir += 2 * mr {
		ci := (ic+ir)*g.ldc + j
		if direct {
			o := (ic+ir)*g.lda + pc
			g.ks.wide2(kb, g.a[o:], g.a[o+mr*g.lda:], g.lda, 1, b1, b2, g.c[ci:], g.ldc, nw2, 2*mr, add, bias, flags)
		} else {
			g.ks.wide2(kb, pa[ir*kb:(ir+mr)*kb], pa[(ir+mr)*kb:(ir+2*mr)*kb], 1, mr, b1, b2, g.c[ci:], g.ldc, nw2, 2*mr, add, bias, flags)
		}
	}
	rem := mb - ir
	if rem == 0 {
		return
	}
	ci := (ic+ir)*g.ldc + j
	if rem > mr {
		if direct { // packA left this full panel in place; the kernel needs both packed
			g.packA6(pa[ir*kb:(ir+mr)*kb], ic+ir, mr, pc, kb)
		}
		g.ks.wide2(kb, pa[ir*kb:(ir+mr)*kb], pa[(ir+mr)*kb:(ir+2*mr)*kb], 1, mr, b1, b2, g.c[ci:], g.ldc, nw2, rem, add, bias, flags)
		return
	}
	if direct && rem == mr {
		o := (ic+ir)*g.lda + pc
		g.ks.sim2(kb, g.a[o:], nil, g.lda, 1, b1, b2, g.c[ci:], g.ldc, nw2, rem, add, bias, flags)
		return
	}
	g.ks.sim2(kb, pa[ir*kb:(ir+mr)*kb], nil, 1, mr, b1, b2, g.c[ci:], g.ldc, nw2, rem, add, bias, flags)
}

// direct reports whether the kernels read A in place (full panels are not
// packed): A must be plain (not transposed, alpha 1), and with the
// 12-row kernel its rows must be short, since twelve rows a large power
// of two apart fall in one L1 set and evict each other.
func (g *gemm) direct() bool {
	return !g.transA && g.alpha == 1 && (g.ks.wide == nil || g.lda <= 256)
}

// packA packs rows [i0,i0+mb) × depth [p0,p0+kb) of alpha·op(A) into
// micro-panels of mr rows, each stored depth-major, zero-padded.
//
// With skipFull, full panels are left unpacked: the kernel reads those rows
// of A in place.
func (g *gemm) packA(dst []float32, i0, mb, p0, kb int, skipFull bool) {
	for ir := 0; ir < mb; ir += mr {
		panel := dst[ir*kb : (ir+mr)*kb]
		mw := min(mr, mb-ir)
		if skipFull && mw == mr {
			continue
		}
		if !g.transA {
			g.packA6(panel, i0+ir, mw, p0, kb)
			continue
		}
		for r := 0; r < mr; r++ {
			if r >= mw {
				for p := 0; p < kb; p++ {
					panel[p*mr+r] = 0
				}
				continue
			}
			i := i0 + ir + r
			if !g.transA {
				src := g.a[i*g.lda+p0 : i*g.lda+p0+kb]
				for p, v := range src {
					panel[p*mr+r] = g.alpha * v
				}
			} else {
				for p := 0; p < kb; p++ {
					panel[p*mr+r] = g.alpha * g.a[(p0+p)*g.lda+i]
				}
			}
		}
	}
}

// zeroRow stands in for the missing rows of a partial panel (kb ≤ kc).
var zeroRow [kc]float32

// packA6 interleaves rows i..i+mw-1 (mw ≤ mr) of a non-transposed A into
// a panel, zero rows after them: sequential writes, six sequential read
// streams.
func (g *gemm) packA6(panel []float32, i, mw, p0, kb int) {
	row := func(r int) []float32 {
		if r >= mw {
			return zeroRow[:kb]
		}
		o := (i+r)*g.lda + p0
		return g.a[o : o+kb]
	}
	r0, r1, r2, r3, r4, r5 := row(0), row(1), row(2), row(3), row(4), row(5)
	panel = panel[:kb*mr]
	for p := 0; p < kb; p++ {
		q := (*[mr]float32)(panel[p*mr:])
		q[0], q[1], q[2], q[3], q[4], q[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
	}
	if g.alpha != 1 {
		for j := range panel {
			panel[j] *= g.alpha
		}
	}
}

// packB packs depth [p0,p0+kb) × cols [j0,j0+nb) of op(B) into micro-panels
// of nr columns, each stored depth-major, zero-padded.
func (g *gemm) packB(dst []float32, p0, kb, j0, nb int) {
	for jr := 0; jr < nb; jr += nr {
		panel := dst[jr*kb : (jr+nr)*kb]
		nw := min(nr, nb-jr)
		if !g.transB {
			for p := 0; p < kb; p++ {
				row := panel[p*nr : p*nr+nr]
				off := (p0+p)*g.ldb + j0 + jr
				copy(row, g.b[off:off+nw])
				clear(row[nw:])
			}
			continue
		}
		for j := 0; j < nr; j++ {
			if j >= nw {
				for p := 0; p < kb; p++ {
					panel[p*nr+j] = 0
				}
				continue
			}
			src := g.b[(j0+jr+j)*g.ldb+p0 : (j0+jr+j)*g.ldb+p0+kb]
			for p, v := range src {
				panel[p*nr+j] = v
			}
		}
	}
}
