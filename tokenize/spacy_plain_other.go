//go:build !amd64 || purego

package tokenize

const spacyAsm = false

func spacyPlainBack(st *plainBack) {
	panic("tokenize: spacyPlainBack without its assembly")
}
