package tokenize

import "unsafe"

// The backward block loop spends most of its time on plain words: a run of
// ASCII letters after a single space that is surely no special case. Go
// keeps few of the loop's values in registers there (it spills the token
// slice, the buffer and the masks at every word), so on amd64 an assembly
// loop takes the plain words of a block, as many as come in a row, and
// hands back to the Go loop at the first chunk that is anything else. It
// does exactly what the Go loop does for such a word (same tokens, same
// lowering) and nothing for any other, so the Go loop stays the one
// definition; the tests run the corpora and the fuzz seeds with and
// without it.

// plainBack is the state the assembly loop reads and advances: the Go
// loop's variables at the top of an iteration.
type plainBack struct {
	blk     *byte   // the block's first byte (text[base:])
	textLen int     // len(text) - base: bytes readable from blk
	base    int     // the block's offset in the text
	end     uint    // in/out: the next token ends before blk[end]
	sp      uint64  // the block's masks: whitespace,
	nl      uint64  // non-letters,
	up      uint64  // upper-case letters
	hash    *uint64 // spacyRules.letterHash
	toks    *span   // the token slice's array (room for 32 more)
	ntoks   int     // in/out: its length
	buf     *byte   // the lowered-bytes buffer's array (room for 512 more)
	nbuf    int     // in/out: its length
	count   int     // in/out: tokens that count
	limit   int     // L: stop once count > limit
	lower   bool    // lower-case words with capitals
}

// Room the Go loop makes before each call: a 64-byte block holds at most
// 32 words, each lowered into at most 16 bytes.
const (
	plainBackToks = 32
	plainBackBuf  = 32 * 16
)

// useSpacyAsm is set where the assembly loop runs; tests turn it off to
// check the Go loop alone.
var useSpacyAsm = spacyAsm

func plainBackState(text string, base int, sp, nl, up uint64, r *spacyRules, L int, lower bool) plainBack {
	return plainBack{
		blk: (*byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(text)), base)), textLen: len(text) - base, base: base,
		sp: sp, nl: nl, up: up, hash: &r.letterHash[0], limit: L, lower: lower,
	}
}
