package tokenize

import (
	"slices"
	"strings"
	"testing"
)

// withoutSpacyAsm runs f with the backward block loop's plain words left
// to the Go loop.
func withoutSpacyAsm(f func()) {
	useSpacyAsm = false
	defer func() { useSpacyAsm = spacyAsm }()
	f()
}

// TestSpacyPlainAsm: string rows are the same with and without the
// assembly plain-word loop, and both are Split's tokens padded, on the
// corpora and on texts made to meet its edges (words of 16 and 17 bytes
// with capitals, capitals in the last 16 bytes of the text, runs of single
// spaces across block boundaries, rows that end mid-block, words with a
// closing mark that is or is not split off, special cases with and
// without a mark).
func TestSpacyPlainAsm(t *testing.T) {
	if !spacyAsm {
		t.Skip("no assembly plain-word loop on this platform (the Go loop is tested everywhere)")
	}
	texts := corpusSample(t, 2000, 10)
	for n := 0; n < 80; n++ {
		texts = append(texts,
			strings.Repeat("ab ", n)+"Abcdefghijklmnop Abcdefghijklmnopq ABCDEFGHIJKLMNOPQRS x Yz",
			strings.Repeat("x", n)+" The Quick brown FOX jumps  over the lazy Dog",
			strings.Repeat("word ", n)+"I said Hi",
			"Tail "+strings.Repeat("Ab ", n),
			strings.Repeat("so, ", n)+"Mr. Smith, etc. U.S. DVD. it. e.g., a.m. Abcdefghijklmnop, Abcdefghijklmnopq. x; Yes! no? (a) b)",
			strings.Repeat("y ", n)+"end, End. END, gonna, cannot. Don't.")
	}
	for _, lower := range []bool{true, false} {
		e := mustNew(t, Options{Mode: ModeSpacy, Lower: Bool(lower), PadToken: "<pad>"})
		for _, text := range texts {
			toks := e.Split(text, nil)
			for _, L := range []int{1, 5, 100, 400} {
				asm, goRow := make([]string, L), make([]string, L)
				n := e.EncodeStrings(text, asm)
				var m int
				withoutSpacyAsm(func() { m = e.EncodeStrings(text, goRow) })
				want := refPad(toks, L, Pre, Pre, "<pad>")
				if !slices.Equal(asm, goRow) || n != m || !slices.Equal(asm, want) {
					t.Fatalf("lower=%v L=%d on %q:\nassembly %d %q\nGo       %d %q\nSplit    %q", lower, L, clip(text), n, asm, m, goRow, want)
				}
			}
		}
	}
}

// TestWindowWithoutSpacyAsm runs the window tests on the Go loop alone.
func TestWindowWithoutSpacyAsm(t *testing.T) {
	if !spacyAsm {
		t.Skip("the Go loop is the only one on this platform: the window tests ran it")
	}
	withoutSpacyAsm(func() {
		TestWindowCorpora(t)
		TestSpacyWindowStrings(t)
		TestSpacyWindowIDs(t)
	})
}
