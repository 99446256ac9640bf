package tokenize

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// refMasks classifies text byte by byte and character by character: the
// definition spacyBlock computes 8 bytes at a time.
func refMasks(text string) (sp, nl, up []bool) {
	sp, nl, up = make([]bool, len(text)), make([]bool, len(text)), make([]bool, len(text))
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		for q := i; q < i+n; q++ {
			c := text[q]
			sp[q] = pyIsSpace(r) && (n > 1 || r != utf8.RuneError)
			nl[q] = !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z')
			up[q] = 'A' <= c && c <= 'Z'
		}
		i += n
	}
	return sp, nl, up
}

func checkMasks(t *testing.T, text string) {
	t.Helper()
	sp, nl, up := refMasks(text)
	var m spacyMasks
	m.reset(text)
	for k := len(m.sp) - 1; k >= 0; k-- { // backward, as spacyBackward classifies
		m.ensure(k)
	}
	// The 8-bytes-at-a-time classifier (used without AVX2) against the one
	// the masks used.
	for k := range m.sp {
		valid := ^uint64(0)
		if n := len(text) - k<<6; n < 64 {
			valid = 1<<uint(n) - 1
		}
		sp, nl, up := spacyBlock(text, k<<6)
		if sp&valid != m.sp[k]&valid || nl&valid != m.nl[k]&valid || up&valid != m.up[k]&valid {
			t.Fatalf("%q: block %d: spacyBlock %x %x %x, masks %x %x %x", clip(text), k, sp, nl, up, m.sp[k], m.nl[k], m.up[k])
		}
	}
	for i := range text {
		k, b := i>>6, uint(i&63)
		if got := m.sp[k]>>b&1 != 0; got != sp[i] {
			t.Fatalf("%q: byte %d (%#x): space %v, want %v", clip(text), i, text[i], got, sp[i])
		}
		if got := m.nl[k]>>b&1 != 0; got != nl[i] {
			t.Fatalf("%q: byte %d (%#x): non-letter %v, want %v", clip(text), i, text[i], got, nl[i])
		}
		if got := m.up[k]>>b&1 != 0; got != up[i] {
			t.Fatalf("%q: byte %d (%#x): upper %v, want %v", clip(text), i, text[i], got, up[i])
		}
	}
}

// TestSpacyMasks: every byte value at every offset of a block, and
// multi-byte whitespace (and invalid sequences) across block boundaries.
func TestSpacyMasks(t *testing.T) {
	for c := range 256 {
		for _, pad := range []int{0, 7, 8, 62, 63, 64, 70} {
			checkMasks(t, strings.Repeat("a", pad)+string([]byte{byte(c)})+"Zz ")
		}
	}
	pieces := []string{"\u00a0", "\u0085", "\u1680", "\u2003", "\u3000", "\u2028", "\xe2\x80", "\x89", "\xff", "é", " ", "\t", "\x1c", "a", "Q", "."}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var b strings.Builder
		for b.Len() < 200 {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		checkMasks(t, b.String())
	}
	for off := 55; off < 70; off++ {
		for _, s := range []string{"\u3000", "\u00a0", "\u2009"} {
			checkMasks(t, strings.Repeat("x", off)+s+"y")
		}
	}
}
