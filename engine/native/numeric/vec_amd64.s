//go:build amd64 && !purego

#include "textflag.h"

// func maxIntoAVX2(dst, src *float32, n int)
// dst[i] = src[i] > dst[i] ? src[i] : dst[i] for i < n, n a multiple of 8:
// VMAXPS returns its second source when the first is not greater (a NaN
// in src leaves dst unchanged), which is max32's rule.
TEXT ·maxIntoAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JEQ done
loop:
	VMOVUPS (SI), Y0
	VMAXPS (DI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNE loop
done:
	VZEROUPPER
	RET

// func biasReluAVX2(dst, x, b *float32, n int)
// dst[i] = relu(x[i] + b[i]) for i < n, n a multiple of 8, where relu
// clears every bit of a result whose sign bit is set (so -0, negatives
// and negative NaNs become +0): y &^ (y >> 31, arithmetic).
TEXT ·biasReluAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	SHRQ $3, CX
	JEQ brdone
brloop:
	VMOVUPS (SI), Y0
	VADDPS (DX), Y0, Y0
	VPSRAD $31, Y0, Y1
	VPANDN Y0, Y1, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	DECQ CX
	JNE brloop
brdone:
	VZEROUPPER
	RET

// func maxPairAVX2(dst, a, b *float32, n int)
// dst[i] = max(a[i], b[i]) with Go's max rules for i < n, n a multiple of
// 8: a NaN operand gives NaN (a+b), and of two equal values the bitwise
// AND is taken (so max(-0, +0) = +0); otherwise VMAXPS.
TEXT ·maxPairAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	SHRQ $3, CX
	JEQ mpdone
mploop:
	VMOVUPS (SI), Y0
	VMOVUPS (DX), Y1
	VMAXPS Y1, Y0, Y2
	VCMPPS $0, Y1, Y0, Y3
	VANDPS Y1, Y0, Y4
	VBLENDVPS Y3, Y4, Y2, Y2
	VCMPPS $3, Y1, Y0, Y3
	VADDPS Y1, Y0, Y4
	VBLENDVPS Y3, Y4, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	DECQ CX
	JNE mploop
mpdone:
	VZEROUPPER
	RET
