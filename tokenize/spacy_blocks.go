package tokenize

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
	"unsafe"
)

// spacyMasks holds, for each 64-byte block of a text, bit masks of the
// byte classes the spaCy chunk walkers read: Python whitespace (every byte
// of a non-ASCII whitespace character included), non-letters (anything but
// A-Z a-z, non-ASCII bytes included) and upper-case ASCII letters. Blocks
// are classified a few at a time as a walker reaches them, so one that
// stops early (a row that keeps only the end of a long text) never
// classifies the rest. Finding a chunk's end is then a count of leading or
// trailing zeros, not a byte loop that mispredicts a branch at every chunk
// boundary.
type spacyMasks struct {
	text       string
	sp, nl, up []uint64
	lo, hi     int      // blocks [lo, hi) are classified
	high       []uint64 // bytes >= 0x80, for classifyAVX2
}

func (m *spacyMasks) reset(text string) {
	n := (len(text) + 63) >> 6
	m.text = text
	m.sp, m.nl, m.up = resize(m.sp, n), resize(m.nl, n), resize(m.up, n)
	m.lo, m.hi = 0, 0
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/4)
	}
	return s[:n]
}

// ensure makes sure block k is classified.
func (m *spacyMasks) ensure(k int) {
	if k < m.lo || k >= m.hi {
		m.extend(k)
	}
}

// classifyAhead is how many blocks extend classifies past the one asked
// for.
const classifyAhead = 3

// extend classifies the blocks between the classified range and k (and a
// few more in the walker's direction), keeping the range contiguous.
func (m *spacyMasks) extend(k int) {
	if m.lo == m.hi {
		m.lo, m.hi = k, k
	}
	if k < m.lo {
		from := max(k-classifyAhead, 0)
		m.classify(from, m.lo)
		m.lo = from
	}
	if k >= m.hi {
		to := min(k+1+classifyAhead, len(m.sp))
		m.classify(m.hi, to)
		m.hi = to
	}
}

// classify classifies blocks [from, to).
func (m *spacyMasks) classify(from, to int) {
	if !classifyAVX2 {
		for b := from; b < to; b++ {
			m.sp[b], m.nl[b], m.up[b] = spacyBlock(m.text, b<<6)
		}
		return
	}
	m.high = resize(m.high, len(m.sp))
	full := min(to, len(m.text)>>6) // blocks of 64 bytes
	if from < full {
		spacyClassifyAVX2(unsafe.StringData(m.text[from<<6:]), full-from, &m.sp[from], &m.nl[from], &m.up[from], &m.high[from])
	}
	if full < to { // the text's last bytes, padded with zeros
		var pad [64]byte
		copy(pad[:], m.text[full<<6:])
		spacyClassifyAVX2(&pad[0], 1, &m.sp[full], &m.nl[full], &m.up[full], &m.high[full])
	}
	for b := from; b < to; b++ {
		if m.high[b] != 0 {
			m.sp[b] |= nonASCIISpace(m.text, b<<6)
		}
	}
}

// runEnd returns the end of the run of whitespace (space) or
// non-whitespace bytes that starts at i.
func (m *spacyMasks) runEnd(i int, space bool) int {
	n := len(m.text)
	for {
		k := i >> 6
		m.ensure(k)
		y := m.sp[k] // bits that end the run
		if space {
			y = ^y
		}
		if y >>= uint(i & 63); y != 0 {
			return min(i+bits.TrailingZeros64(y), n)
		}
		if i = (k + 1) << 6; i >= n {
			return n
		}
	}
}

// runStart returns the start of the run of whitespace (space) or
// non-whitespace bytes that ends at j (text[j-1] is in it).
func (m *spacyMasks) runStart(j int, space bool) int {
	for i := j; i > 0; {
		k := (i - 1) >> 6
		m.ensure(k)
		y := m.sp[k]
		if space {
			y = ^y
		}
		if y &= uint64(2)<<uint((i-1)&63) - 1; y != 0 {
			return k<<6 + 64 - bits.LeadingZeros64(y)
		}
		i = k << 6
	}
	return 0
}

// any reports whether mask has a bit in [a, b), whose blocks are
// classified.
func (m *spacyMasks) any(mask []uint64, a, b int) bool {
	for a < b {
		off := a & 63
		c := min(b-a, 64-off)
		x := mask[a>>6] >> uint(off)
		if c < 64 {
			x &= 1<<uint(c) - 1
		}
		if x != 0 {
			return true
		}
		a += c
	}
	return false
}

// kind classifies the non-whitespace chunk text[a:b], whose blocks are
// classified, for chunk.
func (m *spacyMasks) kind(a, b int) chunkKind {
	if k := a >> 6; k == (b-1)>>6 {
		return kindIn(m.nl[k], m.up[k], uint(a&63), uint((b-1)&63))
	}
	head := !m.any(m.nl, a, b-1)
	last := m.nl[(b-1)>>6]>>uint((b-1)&63)&1 == 0
	return chunkKind{letters: head && last, headLetters: head, upper: m.any(m.up, a, b)}
}

// kindIn is kind for a chunk from bit a to bit last (included) of one
// block with masks nl and up.
func kindIn(nl, up uint64, a, last uint) chunkKind {
	mask := (uint64(2)<<last - 1) &^ (uint64(1)<<a - 1)
	nl &= mask
	return chunkKind{letters: nl == 0, headLetters: nl&^(1<<last) == 0, upper: up&mask != 0}
}

// forward and backward walk the chunks of the text the masks were reset
// with: the same runs as the reference loop of splitSpacyWith (a
// whitespace run loses a leading " " unless it starts the text), each
// non-whitespace one classified for chunk's fast paths. next returns the
// chunk that starts at or after *i and moves *i past it; prev the one that
// ends at or before *i and moves *i to its start. ok is false at the end.

func (m *spacyMasks) next(i *int) (a, b int, k chunkKind, ok bool) {
	text := m.text
	for *i < len(text) {
		p := *i
		blk := p >> 6
		m.ensure(blk)
		off := uint(p & 63)
		sp := m.sp[blk]
		if sp>>off&1 != 0 {
			j := p + 1
			if off == 63 || sp>>(off+1)&1 != 0 {
				j = m.runEnd(p, true)
			}
			*i = min(j, len(text))
			a := p
			if p > 0 && text[p] == ' ' {
				a++ // the single space after a word belongs to no token
			}
			if a < *i {
				return a, *i, chunkKind{}, true
			}
			continue
		}
		if y := sp >> off; y != 0 {
			j := p + bits.TrailingZeros64(y)
			*i = j
			return p, j, kindIn(m.nl[blk], m.up[blk], off, uint((j-1)&63)), true
		}
		j := m.runEnd(p, false)
		*i = j
		return p, j, m.kind(p, j), true
	}
	return 0, 0, chunkKind{}, false
}

func (m *spacyMasks) prev(i *int) (a, b int, k chunkKind, ok bool) {
	text := m.text
	for *i > 0 {
		p := *i // the chunk ends at p
		blk := (p - 1) >> 6
		m.ensure(blk)
		off := uint((p - 1) & 63)
		sp := m.sp[blk]
		if sp>>off&1 != 0 {
			j := p - 1
			if off == 0 || sp>>(off-1)&1 != 0 {
				j = m.runStart(p, true)
			}
			*i = j
			if j > 0 && text[j] == ' ' {
				j++ // the single space after a word belongs to no token
			}
			if j < p {
				return j, p, chunkKind{}, true
			}
			continue
		}
		if y := sp & (uint64(2)<<off - 1); y != 0 {
			j := blk<<6 + 64 - bits.LeadingZeros64(y)
			*i = j
			return j, p, kindIn(m.nl[blk], m.up[blk], uint(j&63), off), true
		}
		j := m.runStart(p, false)
		*i = j
		return j, p, m.kind(j, p), true
	}
	return 0, 0, chunkKind{}, false
}

// spacyBlock classifies text[base:base+64] (fewer at the end of the text).
func spacyBlock(text string, base int) (sp, nl, up uint64) {
	end := min(base+64, len(text))
	blk := text[base:end]
	var high uint64
	i := 0
	for ; i+8 <= len(blk); i += 8 {
		x := binary.LittleEndian.Uint64([]byte(blk[i : i+8]))
		s, l, u := spacyBits8(x)
		sp, nl, up = sp|uint64(s)<<uint(i), nl|uint64(l)<<uint(i), up|uint64(u)<<uint(i)
		high |= x
	}
	if i < len(blk) {
		var b [8]byte
		copy(b[:], blk[i:])
		x := binary.LittleEndian.Uint64(b[:])
		s, l, u := spacyBits8(x)
		sp, nl, up = sp|uint64(s)<<uint(i), nl|uint64(l)<<uint(i), up|uint64(u)<<uint(i)
		high |= x
	}
	if high&hi1 != 0 {
		sp |= nonASCIISpace(text, base)
	}
	return sp, nl, up
}

// nonASCIISpace returns the bits of the block at base that belong to
// multi-byte whitespace characters: decoded from each lead byte, including
// those up to 3 bytes before the block whose character ends inside it.
// (Go's decoder finds the same valid characters from every lead byte as
// going through the text character by character.)
func nonASCIISpace(text string, base int) (sp uint64) {
	end := min(base+64, len(text))
	for p := max(base-3, 0); p < end; p++ {
		if text[p] < 0xC0 {
			continue
		}
		r, size := utf8.DecodeRuneInString(text[p:])
		if size > 1 && pyIsSpace(r) {
			for q := max(p, base); q < min(p+size, end); q++ {
				sp |= 1 << uint(q-base)
			}
		}
	}
	return sp
}

// spacyBits8 returns, one bit per byte of the 8 bytes in x (little-endian),
// the ASCII Python whitespace bytes (\t-\r, \x1c-\x1f, space), the
// non-letters (anything but A-Z a-z) and the upper-case letters. Each
// byte's test is exact (no carries between bytes).
func spacyBits8(x uint64) (sp, nl, up uint8) {
	y := x & lo7
	hb := x & hi1
	ge := func(v uint64, lo uint64) uint64 { return (v + (0x80-lo)*ones8) & hi1 }
	space := (ge(y, 0x09) &^ ge(y, 0x0e)) | (ge(y, 0x1c) &^ ge(y, 0x21))
	z := y | 0x20*ones8
	letter := ge(z, 'a') &^ ge(z, 'z'+1) &^ hb
	upper := ge(y, 'A') &^ ge(y, 'Z'+1) &^ hb
	gather := func(m uint64) uint8 { return uint8(((m >> 7) * 0x0102040810204080) >> 56) }
	return gather(space &^ hb), gather(hi1 &^ letter), gather(upper)
}
