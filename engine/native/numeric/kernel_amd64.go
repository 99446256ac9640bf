//go:build amd64 && !purego

package numeric

import "golang.org/x/sys/cpu"

// kernelAVX2asm is the 6×16 micro-kernel in kernel_amd64.s (AVX2 + FMA).
//
//go:noescape
func kernelAVX2asm(k int, a *float32, rs, ps int, b, c *float32, ldc int)

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

// hasAVX2 reports whether the assembly kernel can run here.
var hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kernels lists the micro-kernels usable on this machine (for tests and
// benchmarks that compare them).
func kernels() map[string]microKernel {
	m := map[string]microKernel{"go": kernelGo}
	if hasAVX2 {
		m["avx2"] = kernelAVX2
	}
	return m
}

func bestKernel() microKernel {
	if hasAVX2 {
		return kernelAVX2
	}
	return kernelGo
}
