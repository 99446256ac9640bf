//go:build !amd64 || purego

package tokenize

const classifyAVX2 = false

func spacyClassifyAVX2(src *byte, n int, sp, nl, up, hi *uint64) {
	panic("tokenize: spacyClassifyAVX2 without AVX2")
}
