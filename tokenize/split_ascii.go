package tokenize

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// splitASCII splits on ASCII whitespace runs; each run of other bytes is
// ASCII-lowered and stripped of ASCII punctuation as asked, and dropped when
// nothing is left. splitASCIISlow is the plain loop it must agree with.
func splitASCII(text string, sc *scratch, lower, strip bool) {
	r := blockRules{lower: lower, strip: strip}
	switch {
	case lower && strip:
		r.dirty = &dirtyBits[3]
	case lower:
		r.dirty = &dirtyBits[1]
	case strip:
		r.dirty = &dirtyBits[2]
	}
	splitBlocks(text, 0, len(text), sc, &r, nil)
}

// blockRules say how splitBlocks cuts and changes tokens.
type blockRules struct {
	sep   *[256]uint8 // 1 for separator bytes; nil: ASCII whitespace
	dirty *[256]uint8 // 1 for bytes that lower or strip change; nil: none
	// lower maps A-Z to a-z, strip drops ASCII punctuation.
	lower, strip bool
}

// splitBlocks appends the tokens of text[lo:hi] (lo and hi token
// boundaries): runs of non-separator bytes, changed as r says, dropped
// when nothing is left.
//
// It works on 64-byte blocks: one bit mask marks the separators and
// another the bytes to change, and the token boundaries are read off the
// masks. A byte-at-a-time loop mispredicts a branch at nearly every token
// boundary; this one does not. Blocks are aligned to multiples of 64 in
// text, the bytes outside [lo, hi) counting as separators, so that masks,
// when not nil, can supply the separator masks splitWindow computed.
func splitBlocks(text string, lo, hi int, sc *scratch, r *blockRules, masks []uint64) {
	toks := sc.toks
	open := false      // a token runs on from an earlier block
	tokStart := 0      // its start
	dirty := false     // it has a byte to change
	carry := uint64(1) // the byte before the block is a separator
	for base := lo &^ 63; base < hi; base += 64 {
		blk := text[base:min(base+64, len(text))]
		var ws, dm uint64
		if b := base >> 6; b < len(masks) {
			ws = masks[b]
		} else {
			ws = sepMask(blk, r)
		}
		if base < lo {
			ws |= 1<<(lo-base) - 1
		}
		if hi-base < 64 {
			ws |= ^uint64(0) << (hi - base)
		}
		switch {
		case r.dirty == &dirtyBits[1]:
			dm = upperMask(blk)
		case r.dirty != nil:
			dm = byteMask(blk, r.dirty)
		}
		prev := ws<<1 | carry
		starts := ^ws & prev // a token byte after a separator
		ends := ws &^ prev   // a separator after a token byte
		carry = ws >> 63
		// Starts and ends alternate: an open token ends at the first end.
		if open {
			if ends == 0 {
				dirty = dirty || dm != 0
				continue
			}
			e := bits.TrailingZeros64(ends)
			ends &= ends - 1
			dirty = dirty || dm&(1<<e-1) != 0
			toks = emitToken(toks, text, tokStart, base+e, dirty, sc, r)
			open = false
		}
		for starts != 0 {
			st := bits.TrailingZeros64(starts)
			starts &= starts - 1
			if ends == 0 {
				open, tokStart, dirty = true, base+st, dm>>st != 0
				break
			}
			e := bits.TrailingZeros64(ends)
			ends &= ends - 1
			if dm>>st&(1<<(e-st)-1) == 0 {
				toks = append(toks, span{int32(base + st), int32(base + e), false, false})
				continue
			}
			toks = emitToken(toks, text, base+st, base+e, true, sc, r)
		}
	}
	if open {
		toks = emitToken(toks, text, tokStart, hi, dirty, sc, r)
	}
	sc.toks = toks
}

// emitToken appends the token text[s:e] to toks, changed as r says when
// dirty (into sc.buf).
func emitToken(toks []span, text string, s, e int, dirty bool, sc *scratch, r *blockRules) []span {
	if !dirty {
		return append(toks, span{int32(s), int32(e), false, false})
	}
	b := len(sc.buf)
	for j := s; j < e; j++ {
		c := text[j]
		if r.strip && asciiPunct[c] {
			continue
		}
		if r.lower && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		sc.buf = append(sc.buf, c)
	}
	if len(sc.buf) > b {
		toks = append(toks, span{int32(b), int32(len(sc.buf)), true, false})
	}
	return toks
}

// dirtyBits[k] is 1 for the bytes that lowering (k&1) or stripping (k&2)
// changes.
var dirtyBits = func() (t [4][256]uint8) {
	for k := range t {
		for c := range 256 {
			if (k&1 != 0 && 'A' <= c && c <= 'Z') || (k&2 != 0 && asciiPunct[c]) {
				t[k][c] = 1
			}
		}
	}
	return t
}()

// byteMask has bit i set when tab[blk[i]] is 1 (len(blk) <= 64).
func byteMask(blk string, tab *[256]uint8) uint64 {
	var m uint64
	i := 0
	for ; i+8 <= len(blk); i += 8 {
		b := blk[i : i+8]
		w := uint64(tab[b[0]]) | uint64(tab[b[1]])<<1 | uint64(tab[b[2]])<<2 | uint64(tab[b[3]])<<3 |
			uint64(tab[b[4]])<<4 | uint64(tab[b[5]])<<5 | uint64(tab[b[6]])<<6 | uint64(tab[b[7]])<<7
		m |= w << (i & 63)
	}
	for ; i < len(blk); i++ {
		m |= uint64(tab[blk[i]]) << (i & 63)
	}
	return m
}

// byteMaskHigh is byteMask that also ORs the block's bytes into high
// (8 at a time, so bit 7 of some byte of high is set when one of them is
// >= 0x80).
func byteMaskHigh(blk string, tab *[256]uint8, high uint64) (uint64, uint64) {
	var m uint64
	i := 0
	for ; i+8 <= len(blk); i += 8 {
		b := blk[i : i+8]
		high |= binary.LittleEndian.Uint64([]byte(b))
		w := uint64(tab[b[0]]) | uint64(tab[b[1]])<<1 | uint64(tab[b[2]])<<2 | uint64(tab[b[3]])<<3 |
			uint64(tab[b[4]])<<4 | uint64(tab[b[5]])<<5 | uint64(tab[b[6]])<<6 | uint64(tab[b[7]])<<7
		m |= w << (i & 63)
	}
	for ; i < len(blk); i++ {
		high |= uint64(blk[i])
		m |= uint64(tab[blk[i]]) << (i & 63)
	}
	return m, high
}

// wsMask has bit i set when blk[i] is ASCII whitespace (C isspace), and
// every bit from len(blk) on set (len(blk) <= 64).
func wsMask(blk string) uint64 {
	var m uint64
	i := 0
	for ; i+8 <= len(blk); i += 8 {
		m |= uint64(wsBits8(binary.LittleEndian.Uint64([]byte(blk[i:i+8])))) << (i & 63)
	}
	for ; i < len(blk); i++ {
		if asciiSpace[blk[i]] {
			m |= 1 << (i & 63)
		}
	}
	if len(blk) < 64 {
		m |= ^uint64(0) << len(blk)
	}
	return m
}

// upperMask has bit i set when blk[i] is in A-Z (len(blk) <= 64): the
// mask of dirtyBits[1], computed 8 bytes at a time.
func upperMask(blk string) uint64 {
	var m uint64
	i := 0
	for ; i+8 <= len(blk); i += 8 {
		x := binary.LittleEndian.Uint64([]byte(blk[i : i+8]))
		y := x & lo7
		ge := (y + (0x80-'A')*ones8) &^ (y + (0x80-'Z'-1)*ones8) &^ x & hi1
		m |= uint64(uint8(((ge>>7)*0x0102040810204080)>>56)) << (i & 63)
	}
	for ; i < len(blk); i++ {
		if c := blk[i]; 'A' <= c && c <= 'Z' {
			m |= 1 << (i & 63)
		}
	}
	return m
}

const (
	lo7   = 0x7f7f7f7f7f7f7f7f
	hi1   = 0x8080808080808080
	ones8 = 0x0101010101010101
)

// wsBits8 returns one bit per byte of the 8 bytes in x (little-endian):
// set for ' ' and '\t'..'\r'. Each byte's test is exact (no carries
// between bytes).
func wsBits8(x uint64) uint8 {
	y := x & lo7
	// ' ': y^0x20 is zero; adding 0x7f sets bit 7 for any non-zero low
	// 7 bits.
	z := y ^ (0x20 * ones8)
	space := ^((z + lo7) | z) & hi1
	ge9 := (y + (0x80-0x09)*ones8) & hi1
	ge14 := (y + (0x80-0x0e)*ones8) & hi1
	ctl := ge9 &^ ge14
	m := (space | ctl) &^ x // bytes >= 0x80 are never whitespace
	// Gather bit 7 of each byte into one byte.
	return uint8(((m >> 7) * 0x0102040810204080) >> 56)
}

// splitKeras is splitKerasSlow with the ASCII parts of the text cut by
// splitBlocks: each run of text with a non-ASCII byte, widened to the
// separators around it, goes through the rune-by-rune loop (which lowers
// in the context of the whole text, as Python does).
func (e *Encoder) splitKeras(text string, sc *scratch) {
	r := &e.kerasBlocks
	for i := 0; i < len(text); {
		p := indexNonASCII(text, i)
		if p < 0 {
			splitBlocks(text, i, len(text), sc, r, nil)
			return
		}
		s := p
		for s > i && r.sep[text[s-1]] == 0 {
			s--
		}
		splitBlocks(text, i, s, sc, r, nil)
		end := p + 1
		for end < len(text) && (text[end] >= utf8.RuneSelf || r.sep[text[end]] == 0) {
			end++
		}
		e.splitKerasRange(text, s, end, sc)
		i = end
	}
}

// setKerasBlocks fills kerasBlocks from asciiSep and lower.
func (e *Encoder) setKerasBlocks() {
	for c := range utf8.RuneSelf {
		lc := c
		if e.lower && 'A' <= c && c <= 'Z' {
			lc += 'a' - 'A'
		}
		if e.asciiSep[lc] {
			e.kerasSep[c] = 1
		}
	}
	e.kerasBlocks = blockRules{sep: &e.kerasSep, lower: e.lower}
	if e.lower {
		e.kerasBlocks.dirty = &dirtyBits[1]
	}
}

// setWhitespaceBlocks fills wsBlocks for whitespace mode.
func (e *Encoder) setWhitespaceBlocks() {
	e.wsBlocks = blockRules{lower: e.lower}
	if e.lower {
		e.wsBlocks.dirty = &dirtyBits[1]
	}
}

// indexNonASCII returns the index of the first byte >= 0x80 in text[from:]
// (an index into text), or -1.
func indexNonASCII(text string, from int) int {
	i := from
	for ; i+8 <= len(text); i += 8 {
		if x := binary.LittleEndian.Uint64([]byte(text[i : i+8])); x&hi1 != 0 {
			return i + bits.TrailingZeros64(x&hi1)/8
		}
	}
	for ; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			return i
		}
	}
	return -1
}

// splitWindow fills sc.toks with only the tokens of text that a row of
// length L keeps (the last L with truncation "pre", the first L with
// "post") and returns the number of tokens of the whole text, for the
// modes whose tokens are exactly the runs between separators of an ASCII
// text: there the count is a population count of the blocks' token
// starts, and only the kept tokens are built. ok is false when the mode
// or the text does not allow that (the caller then splits everything).
func (e *Encoder) splitWindow(text string, sc *scratch, L int) (n int, ok bool) {
	var r *blockRules
	switch {
	case e.mode == ModeWhitespace:
		r = &e.wsBlocks
	case e.mode == ModeKeras && !e.charLevel && e.splitRune >= 0:
		r = &e.kerasBlocks // for ASCII text: checked below
	default:
		return 0, false
	}
	if len(text) > maxDoc {
		text = text[:maxDoc]
	}
	sc.masks = sc.masks[:0]
	carry := uint64(1)
	var high uint64 // OR of the text's 8-byte words: bit 7 of a byte set for non-ASCII text
	for base := 0; base < len(text); base += 64 {
		blk := text[base:min(base+64, len(text))]
		var ws uint64
		if r.sep == nil {
			ws = wsMask(blk)
		} else {
			ws, high = byteMaskHigh(blk, r.sep, high)
			if len(blk) < 64 {
				ws |= ^uint64(0) << len(blk)
			}
		}
		sc.masks = append(sc.masks, ws)
		n += bits.OnesCount64(^ws & (ws<<1 | carry))
		carry = ws >> 63
	}
	if high&hi1 != 0 {
		return 0, false // keras with non-ASCII text: the rune loop has a say
	}
	switch {
	case n <= L:
		splitBlocks(text, 0, len(text), sc, r, sc.masks)
	case L == 0:
	case e.truncPost:
		splitBlocks(text, 0, tokenStart(sc.masks, L, len(text)), sc, r, sc.masks)
	default:
		splitBlocks(text, tokenStart(sc.masks, n-L, len(text)), len(text), sc, r, sc.masks)
	}
	return n, true
}

// tokenStart returns the offset of token k (0-based) from the separator
// masks of the text's 64-byte blocks; the text (of length size) has more
// than k tokens.
func tokenStart(masks []uint64, k, size int) int {
	carry := uint64(1)
	for b, ws := range masks {
		starts := ^ws & (ws<<1 | carry)
		carry = ws >> 63
		c := bits.OnesCount64(starts)
		if k >= c {
			k -= c
			continue
		}
		for ; k > 0; k-- {
			starts &= starts - 1
		}
		return b*64 + bits.TrailingZeros64(starts)
	}
	return size // not reached: k is below the count of starts
}

// sepMask is the separator mask of one block as splitBlocks computes it.
func sepMask(blk string, r *blockRules) uint64 {
	if r.sep == nil {
		return wsMask(blk)
	}
	ws := byteMask(blk, r.sep)
	if len(blk) < 64 {
		ws |= ^uint64(0) << len(blk)
	}
	return ws
}
