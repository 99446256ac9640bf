//go:build amd64 && !purego

package tokenize

import "golang.org/x/sys/cpu"

// classifyAVX2 is set when spacyClassifyAVX2 can run.
var classifyAVX2 = cpu.X86.HasAVX2

// spacyClassifyAVX2 classifies n full 64-byte blocks from src into sp, nl,
// up and hi (one word per block each): ASCII Python whitespace,
// non-letters, upper-case letters and bytes >= 0x80. Multi-byte
// whitespace is left to the caller.
//
//go:noescape
func spacyClassifyAVX2(src *byte, n int, sp, nl, up, hi *uint64)
