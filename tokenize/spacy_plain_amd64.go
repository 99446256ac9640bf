//go:build amd64 && !purego

package tokenize

const spacyAsm = true

// spacyPlainBack runs the backward block loop over st's plain words (see
// plainBack) until a chunk that is not one, the start of the block, or
// count > limit, and leaves st at the top of the Go loop's next iteration.
//
//go:noescape
func spacyPlainBack(st *plainBack)
