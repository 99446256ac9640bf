//go:build amd64 && !purego

#include "textflag.h"

// func spacyPlainBack(st *plainBack)
//
// Registers: DI st, SI blk, R9 end, R10 sp, R11 count, R13 ntoks, R14 nbuf,
// X1 sixteen 0x20 bytes; AX, BX, CX, DX, R8, R12 scratch. Offsets of
// plainBack: blk 0, textLen 8, base 16, end 24, sp 32, nl 40, up 48,
// hash 56, toks 64, ntoks 72, buf 80, nbuf 88, count 96, limit 104,
// lower 112. A token (span) is 12 bytes: a 0, b 4, inBuf 8, noLower 9.
TEXT ·spacyPlainBack(SB), NOSPLIT, $0-8
	MOVQ st+0(FP), DI
	MOVQ 0(DI), SI
	MOVQ 24(DI), R9
	MOVQ 32(DI), R10
	MOVQ 72(DI), R13
	MOVQ 88(DI), R14
	MOVQ 96(DI), R11
	MOVQ $0x2020202020202020, AX
	MOVQ AX, X1
	PUNPCKLQDQ X1, X1

loop:
	// Top of an iteration: stop once count > limit.
	CMPQ R11, 104(DI)
	JGT  done
	LEAQ -1(R9), CX // last
	MOVQ R9, AX     // the word ends before AX ...
	BTQ  CX, R10
	JCC  word

	// ... unless blk[last] is whitespace: a single " " after a word is
	// skipped, anything else is the Go loop's.
	TESTQ CX, CX
	JEQ   done
	CMPB  (SI)(CX*1), $0x20
	JNE   done
	MOVQ  CX, AX
	DECQ  CX
	BTQ   CX, R10
	JCS   done

word:
	// AX: the word's end, CX: its last byte. before = sp below last.
	MOVQ $1, DX
	SHLQ CX, DX
	DECQ DX
	ANDQ R10, DX
	JEQ  done               // the word may start in an earlier block
	BSRQ DX, BX
	INCQ BX                 // start
	MOVQ $2, DX
	SHLQ CX, DX
	DECQ DX                 // bits up to last
	MOVQ BX, CX
	MOVQ $-1, R8
	SHLQ CX, R8
	ANDQ R8, DX             // mask: bits start..last
	TESTQ 40(DI), DX
	JNE  done               // not all letters
	XORL R12, R12
	TESTQ 48(DI), DX
	SETNE R12B
	ANDB 112(DI), R12B      // R12: lower it
	SUBQ BX, AX             // n

	// letterKey: (s[0] | s[n/2]<<8 | s[n-1]<<16 | n<<24) * 0x9E3779B1 >> 16
	MOVBLZX (SI)(BX*1), DX
	MOVQ    AX, CX
	SHRQ    $1, CX
	ADDQ    BX, CX
	MOVBLZX (SI)(CX*1), CX
	SHLL    $8, CX
	ORL     CX, DX
	LEAQ    -1(BX)(AX*1), CX
	MOVBLZX (SI)(CX*1), CX
	SHLL    $16, CX
	ORL     CX, DX
	MOVL    AX, CX
	SHLL    $24, CX
	ORL     CX, DX
	IMUL3L  $-1640531535, DX, DX
	SHRL    $16, DX
	MOVL    DX, CX
	SHRL    $6, CX
	MOVQ    56(DI), R8
	MOVQ    (R8)(CX*8), R8
	BTQ     DX, R8
	JCS     done            // maybe a special case

	// Append the token at &toks[ntoks].
	MOVQ 16(DI), R8
	ADDQ BX, R8             // a
	MOVQ 64(DI), DX
	LEAQ (R13)(R13*2), CX
	LEAQ (DX)(CX*4), DX
	TESTB R12B, R12B
	JNE  lowered
	MOVL R8, 0(DX)
	ADDQ AX, R8
	MOVL R8, 4(DX)
	MOVW $0x0100, 8(DX)     // inBuf false, noLower true
	JMP  next

lowered:
	// Words of up to 16 bytes with 16 bytes to read: copied and lowered
	// as 16 bytes (lowerWord); longer ones are the Go loop's. (Copying
	// every word to choose by conditional moves cost more than the
	// mispredicted branches it saved.)
	CMPQ AX, $16
	JGT  done
	LEAQ 16(BX), CX
	CMPQ CX, 8(DI)
	JGT  done
	MOVOU (SI)(BX*1), X0
	POR   X1, X0
	MOVQ  80(DI), CX
	MOVOU X0, (CX)(R14*1)
	MOVL  R14, 0(DX)
	ADDQ  AX, R14
	MOVL  R14, 4(DX)
	MOVW  $0x0001, 8(DX)    // inBuf true, noLower false

next:
	INCQ R13
	INCQ R11
	MOVQ BX, R9
	JMP  loop

done:
	MOVQ R9, 24(DI)
	MOVQ R13, 72(DI)
	MOVQ R14, 88(DI)
	MOVQ R11, 96(DI)
	RET
