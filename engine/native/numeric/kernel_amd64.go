//go:build amd64 && !purego

package numeric

//go:generate go run ./internal/genz32 -o kernel_z32_amd64.s

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// kernelAVX2asm is the 6×16 micro-kernel in kernel_amd64.s (AVX2 + FMA).
//
//go:noescape
func kernelAVX2asm(k int, a *float32, rs, ps int, b, c *float32, ldc int)

// kernelZ12asm and kernelZ6asm are the 12×16 and 6×16 column-masked
// AVX-512F kernels in kernel_avx512_amd64.s (see maskKernel).
//
//go:noescape
func kernelZ12asm(k int, a, a2 *float32, rs, ps int, b, c *float32, ldc, nw, rows, add int)

//go:noescape
func kernelZ12x32asm(k int, a, a2 *float32, rs, ps int, b *float32, boff int, c *float32, ldc, nw2, rows, add int, bias *float32, flags int)

//go:noescape
func kernelZ6x32asm(k int, a, a2 *float32, rs, ps int, b *float32, boff int, c *float32, ldc, nw2, rows, add int, bias *float32, flags int)

//go:noescape
func kernelZ6asm(k int, a, a2 *float32, rs, ps int, b, c *float32, ldc, nw, rows, add int)

// kernelAVX2 checks the extents the assembly will touch, then runs it.
func kernelAVX2(k int, a []float32, rs, ps int, b, c []float32, ldc int) {
	if k == 0 {
		return
	}
	_ = a[(mr-1)*rs+(k-1)*ps]
	_ = b[k*nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	kernelAVX2asm(k, &a[0], rs, ps, &b[0], &c[0], ldc)
}

// kernelZ12 checks the extents the assembly will touch, then runs it.
func kernelZ12(k int, a, a2 []float32, rs, ps int, b, c []float32, ldc, nw, rows, add int) {
	if k == 0 || nw <= 0 || rows <= 0 {
		return
	}
	_ = a[(mr-1)*rs+(k-1)*ps]
	_ = a2[(mr-1)*rs+(k-1)*ps]
	_ = b[k*nr-1]
	rows = min(rows, 2*mr)
	_ = c[(rows-1)*ldc+min(nw, nr)-1]
	kernelZ12asm(k, &a[0], &a2[0], rs, ps, &b[0], &c[0], ldc, min(nw, nr), rows, add)
}

// kernelZ12x32 checks the extents the assembly will touch, then runs it:
// twelve rows of A (all read; the first rows of C stored), the 16 columns
// of panel b and the first nw2 (1..16) of panel b2, which must follow b in
// the same slice. flags (epiBias, epiRelu) add bias[0:16+nw2] and apply
// Relu to each stored row.
func kernelZ12x32(k int, a, a2 []float32, rs, ps int, b, b2, c []float32, ldc, nw2, rows, add int, bias []float32, flags int) {
	if k == 0 || nw2 <= 0 || rows <= 0 {
		return
	}
	_ = a[(mr-1)*rs+(k-1)*ps]
	_ = a2[(mr-1)*rs+(k-1)*ps]
	_ = b[k*nr-1]
	_ = b2[k*nr-1]
	nw2, rows = min(nw2, nr), min(rows, 2*mr)
	_ = c[(rows-1)*ldc+nr+nw2-1]
	kernelZ12x32asm(k, &a[0], &a2[0], rs, ps, &b[0], panelGap(b, b2), &c[0], ldc, nw2, rows, add, biasPtr(bias, nw2, flags), flags)
}

// kernelZ6x32 is kernelZ12x32 for six rows of A (a2 is unused).
func kernelZ6x32(k int, a, _ []float32, rs, ps int, b, b2, c []float32, ldc, nw2, rows, add int, bias []float32, flags int) {
	if k == 0 || nw2 <= 0 || rows <= 0 {
		return
	}
	_ = a[(mr-1)*rs+(k-1)*ps]
	_ = b[k*nr-1]
	_ = b2[k*nr-1]
	nw2, rows = min(nw2, nr), min(rows, mr)
	_ = c[(rows-1)*ldc+nr+nw2-1]
	kernelZ6x32asm(k, &a[0], &a[0], rs, ps, &b[0], panelGap(b, b2), &c[0], ldc, nw2, rows, add, biasPtr(bias, nw2, flags), flags)
}

// biasPtr checks that bias covers the tile's columns when flags ask for
// it and returns its start (nil without a bias).
func biasPtr(bias []float32, nw2, flags int) *float32 {
	if flags&epiBias == 0 {
		return nil
	}
	_ = bias[nr+nw2-1]
	return &bias[0]
}

// panelGap is the distance in bytes from b's first element to b2's.
func panelGap(b, b2 []float32) int {
	return int(uintptr(unsafe.Pointer(&b2[0])) - uintptr(unsafe.Pointer(&b[0])))
}

// kernelZ6 is the six-row masked kernel; a2 is unused. It computes all
// six rows of A (a partial panel is zero-padded) and stores rows of them.
func kernelZ6(k int, a, _ []float32, rs, ps int, b, c []float32, ldc, nw, rows, add int) {
	if k == 0 || nw <= 0 || rows <= 0 {
		return
	}
	_ = a[(mr-1)*rs+(k-1)*ps]
	_ = b[k*nr-1]
	rows = min(rows, mr)
	_ = c[(rows-1)*ldc+min(nw, nr)-1]
	kernelZ6asm(k, &a[0], &a[0], rs, ps, &b[0], &c[0], ldc, min(nw, nr), rows, add)
}

var (
	// hasAVX2 reports whether the AVX2 assembly kernel can run here.
	hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	// hasAVX512 reports whether the AVX-512 kernels can run here (they
	// also use BMI2's SHLX for the column mask).
	hasAVX512 = hasAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasBMI2
)

// kernels lists the micro-kernel sets usable on this machine (for tests
// and benchmarks that compare them).
func kernels() map[string]kernelSet {
	m := map[string]kernelSet{"go": {six: kernelGo}}
	if hasAVX2 {
		m["avx2"] = kernelSet{six: kernelAVX2}
	}
	if hasAVX512 {
		m["avx512"] = kernelSet{six: kernelAVX2, wide: kernelZ12, sim: kernelZ6}
		m["avx512x32"] = kernelSet{six: kernelAVX2, wide: kernelZ12, sim: kernelZ6, wide2: kernelZ12x32, sim2: kernelZ6x32}
	}
	return m
}

func bestKernel() kernelSet {
	switch {
	case hasAVX512:
		return kernelSet{six: kernelAVX2, wide: kernelZ12, sim: kernelZ6, wide2: kernelZ12x32, sim2: kernelZ6x32}
	case hasAVX2:
		return kernelSet{six: kernelAVX2}
	}
	return kernelSet{six: kernelGo}
}
