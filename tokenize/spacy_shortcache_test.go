package tokenize

import (
	"math/rand/v2"
	"testing"
)

// unpackShortKey rebuilds a string of n bytes from its shortKey: that it
// can is what makes the key (with the length) identify the chunk.
func unpackShortKey(w0, w1 uint64, n int) string {
	b := make([]byte, n)
	put := func(w uint64, at, k int) {
		for i := range k {
			b[at+i] = byte(w >> (8 * i))
		}
	}
	switch {
	case n >= 8:
		put(w0, 0, 8)
		put(w1, n-8, 8)
	case n >= 4:
		put(w0, 0, 4)
		put(w0>>32, n-4, 4)
	default:
		b[0], b[n>>1], b[n-1] = byte(w0), byte(w0>>8), byte(w0>>16)
	}
	return string(b)
}

func TestShortKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= maxShortKey; n++ {
		for range 2000 {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(rng.IntN(256))
			}
			s := string(b)
			w0, w1 := shortKey(s)
			if got := unpackShortKey(w0, w1, n); got != s {
				t.Fatalf("shortKey(%q) = %#x %#x, which gives back %q", s, w0, w1, got)
			}
		}
	}
}

// TestShortCache fills a small table past its size and checks that what
// it answers is what was put, that an insertion drops at most one chunk,
// and that a chunk hit since the hand passed survives an insertion into
// its full set.
func TestShortCache(t *testing.T) {
	c := newShortCache(2)
	want := map[string][]byte{}
	var keys []string
	held := 0
	for i := range 40 {
		s := string(rune('a'+i%26)) + string(rune('A'+i/26)) + "-x"
		lens := []byte{byte(1 + i%3), 1, byte(4 - 1 - i%3)}
		if _, _, ok := c.get(s); ok {
			t.Fatalf("%q found before it was put", s)
		}
		c.put(s, lens)
		want[s] = lens
		keys = append(keys, s)
		now := 0
		for _, k := range keys {
			packed, n, ok := c.get(k)
			if !ok {
				continue
			}
			now++
			if n != len(want[k]) {
				t.Fatalf("%q: got %d tokens, want %v", k, n, want[k])
			}
			for j := range n {
				if byte(packed>>(8*j)) != want[k][j] {
					t.Fatalf("%q: got lengths %#x, want %v", k, packed, want[k])
				}
			}
		}
		if _, _, ok := c.get(s); !ok || now < held || now > held+1 {
			t.Fatalf("insertion %d (%q): the table held %d chunks and now %d (found: %v)", i, s, held, now, ok)
		}
		held = now
	}
	if held != 2*shortWays {
		t.Fatalf("40 insertions left %d chunks in a table of %d", held, 2*shortWays)
	}
	// In a full set whose hand is at a chunk hit since it last passed, the
	// next insertion drops another.
	hot := keys[len(keys)-1]
	set := c.set(shortKey2(hot))
	w0, _, _ := shortKey2(hot)
	for i := range set {
		set[i].ref = false
		if set[i].w0 == w0 {
			set[0].hand = uint8(i) // the hand is at hot
		}
	}
	c.get(hot)
	for i := range 201 {
		if i == 200 {
			t.Fatal("no test chunk falls in the set")
		}
		s := "new" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		if c.set(shortKey2(s)) != set {
			continue
		}
		c.put(s, []byte{byte(len(s))})
		if _, _, ok := c.get(hot); !ok {
			t.Fatalf("%q, hit before the insertion of %q, was dropped", hot, s)
		}
		c.get(s)
		break
	}
}

func shortKey2(s string) (uint64, uint64, int) {
	w0, w1 := shortKey(s)
	return w0, w1, len(s)
}
