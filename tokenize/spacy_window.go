package tokenize

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"unsafe"
)

// spaCy tokenizes each chunk (whitespace run or whitespace-free run) of a
// document on its own, and the final special-case pass never joins two
// chunks (see spacy_cache.go). So a row of L tokens only needs the chunks
// that hold its L tokens: the first ones with post truncation, the last
// ones with pre truncation (the Keras default). Scoring 100-token rows of
// 270-token reviews, that is about 40% of the work.

// tokenizeRow fills sc.toks with the tokens of text that a row of L tokens
// keeps: all of them, or, in spaCy mode, a run of whole chunks that holds
// the kept ones and more than L tokens in all (so the caller still sees
// that the text was truncated). They are in text order, or last first when
// sc.reversed is set. When drop is set, only tokens the vocabulary keeps
// count (ids without an OOV token), since only those take a place in the
// row.
func (e *Encoder) tokenizeRow(text string, sc *scratch, L int, drop bool) {
	if e.mode != ModeSpacy {
		e.tokenize(text, sc)
		return
	}
	if len(text) > maxDoc {
		text = text[:maxDoc]
	}
	c := e.cacheOf(sc)
	if e.truncPost {
		e.spacyForward(text, sc, c, L, drop)
	} else {
		e.spacyBackward(text, sc, c, L, drop)
	}
}

// counted returns how many of sc.toks[from:] take a place in a row.
func (e *Encoder) counted(text string, sc *scratch, from int, drop bool) int {
	if !drop {
		return len(sc.toks) - from
	}
	n := 0
	for _, s := range sc.toks[from:] {
		if id, ok := sc.lookup(e.vocab, text, s); ok && (e.numWords == 0 || id < e.numWords) {
			n++
		}
	}
	return n
}

// emit appends the tokens of chunk text[a:b] (lower-cased as the encoder
// says) and returns how many count.
func (e *Encoder) emit(text string, a, b int, sc *scratch, r *spacyRules, c *chunkCache, k chunkKind, drop bool) int {
	from := len(sc.toks)
	if !k.letters || !e.letterWord(text, a, b, k.upper, sc, r) {
		sc.toks = r.chunk(text, a, b, sc.toks, c, k)
		if e.lower {
			lowerSpans(text, sc, from)
		}
	}
	if !drop {
		return len(sc.toks) - from
	}
	return e.counted(text, sc, from, drop)
}

// letterWord appends the token of text[a:b], ASCII letters (upper: some
// upper-case), and returns true, unless it may be a special case: chunk's
// first fast path, lowered here.
func (e *Encoder) letterWord(text string, a, b int, upper bool, sc *scratch, r *spacyRules) bool {
	if r.letterMaybe(text[a:b]) {
		return false
	}
	sc.toks, sc.buf = appendWord(sc.toks, sc.buf, text, a, b, upper && e.lower)
	return true
}

// appendWord appends the token text[a:b], ASCII letters, to toks: as it
// is, or lower-cased into buf (ASCII letters lower by setting bit 5).
func appendWord(toks []span, buf []byte, text string, a, b int, lower bool) ([]span, []byte) {
	if !lower {
		return append(toks, span{int32(a), int32(b), false, true}), buf
	}
	p := len(buf)
	buf = append(buf, text[a:b]...)
	for q := p; q < len(buf); q++ {
		buf[q] |= 0x20
	}
	return append(toks, span{int32(p), int32(len(buf)), true, false}), buf
}

// lowerWord appends s[:n], ASCII letters, to buf lower-cased (bit 5 set)
// and returns its token: appendWord's lowering for the block loops, where
// a call for the words with capitals costs less than the byte loop.
// Words of up to 16 bytes with 16 bytes of s to read are copied and
// lowered as two 8-byte words whatever their length (the bytes past the
// word land past len(buf)): no loop whose end the word's length decides,
// no memmove.
func lowerWord(buf []byte, s string, n int) (span, []byte) {
	p := len(buf)
	if n <= 16 && len(s) >= 16 {
		buf = slices.Grow(buf, 16)
		w := buf[p : p+16]
		binary.LittleEndian.PutUint64(w, le64(s, 0)|0x2020202020202020)
		binary.LittleEndian.PutUint64(w[8:], le64(s, 8)|0x2020202020202020)
		buf = buf[:p+n]
	} else {
		buf = append(buf, s[:n]...)
		for q := p; q < len(buf); q++ {
			buf[q] |= 0x20
		}
	}
	return span{int32(p), int32(len(buf)), true, false}, buf
}

// plainWord reports whether text[a:b], ASCII letters, is surely not a
// special case (letterMaybe's hash test alone; the rare words it lets
// through take the general way, which looks them up).
func plainWord(r *spacyRules, text string, a, b int) bool {
	h := letterKey(text[a:b])
	return r.letterHash[h>>6]&(1<<(h&63)) == 0
}

// The block loops' bit positions are all below 64; their shift counts are
// masked with 63 to say so, which spares the compiler's guard for counts
// of 64 or more at each shift.

// spacyForward is splitSpacyChunks that stops once more than L tokens
// count. The chunks of a block that follow each other with a single space
// between them are read off the block's masks in one loop: plain words
// (ASCII letters, not a special case) and such words with one closing mark
// on the spot, any other through emit. Other whitespace, and a chunk that
// runs into the next block, go the general way: the walker finds them.
func (e *Encoder) spacyForward(text string, sc *scratch, c *chunkCache, L int, drop bool) {
	r := spacyTables()
	m := &sc.sm
	m.reset(text)
	for i, count := 0, 0; i < len(text) && count <= L; {
		if !drop {
			k := i >> 6
			m.ensure(k)
			sp, nl, up, base := m.sp[k], m.nl[k], m.up[k], k<<6
			toks, buf := sc.toks, sc.buf
			for p := uint(i - base); count <= L; {
				if sp>>(p&63)&1 != 0 {
					// A single " " after a word is no token (at the end
					// of the text, the bits past it are clear).
					if p == 63 || i == 0 || text[base+int(p)] != ' ' || sp>>((p+1)&63)&1 != 0 {
						break
					}
					p++
					i++
				}
				y := sp >> (p & 63)
				if y == 0 {
					break // the word may run into the next block
				}
				q := p + uint(bits.TrailingZeros64(y))
				mask := (uint64(1)<<(q&63) - 1) &^ (uint64(1)<<(p&63) - 1)
				a, b := base+int(p), base+int(q)
				switch {
				case nl&mask == 0 && plainWord(r, text, a, b):
					t := span{int32(a), int32(b), false, true}
					if up&mask != 0 && e.lower {
						t, buf = lowerWord(buf, text[a:], b-a)
					}
					toks = append(toks, t)
					count++
				case nl&mask == 1<<((q-1)&63) && r.wordMark(text[a:b], chunkKind{headLetters: true}):
					// A word and a closing mark (only the last byte is no
					// letter): chunk's second fast path.
					toks, buf = appendWord(toks, buf, text, a, b-1, up&mask != 0 && e.lower)
					toks = append(toks, span{int32(b - 1), int32(b), false, true})
					count += 2
				default:
					// Any other chunk of the block: the general way, without
					// walking on to it.
					sc.toks, sc.buf = toks, buf
					count += e.emit(text, a, b, sc, r, c, kindIn(nl, up, p, q-1), false)
					toks, buf = sc.toks, sc.buf
				}
				p, i = q, b
			}
			sc.toks, sc.buf = toks, buf
			if count > L || i >= len(text) {
				break
			}
		}
		a, b, kd, ok := m.next(&i)
		if !ok {
			break
		}
		count += e.emit(text, a, b, sc, r, c, kd, drop)
	}
}

// spacyBackward is spacyForward from the end of the text. The tokens are
// left last first (sc.reversed): each chunk's tokens are reversed as they
// are appended.
func (e *Encoder) spacyBackward(text string, sc *scratch, c *chunkCache, L int, drop bool) {
	r := spacyTables()
	m := &sc.sm
	m.reset(text)
	for i, count := len(text), 0; i > 0 && count <= L; {
		if !drop {
			k := (i - 1) >> 6
			m.ensure(k)
			sp, nl, up, base := m.sp[k], m.nl[k], m.up[k], k<<6
			toks, buf := sc.toks, sc.buf
			var st plainBack
			if useSpacyAsm {
				st = plainBackState(text, base, sp, nl, up, r, L, e.lower)
			}
			for end := uint(i - base); count <= L; { // the next token ends before byte end
				if useSpacyAsm {
					// The plain words from here on (spacy_plain.go).
					toks, buf = slices.Grow(toks, plainBackToks), slices.Grow(buf, plainBackBuf)
					st.end, st.count = end, count
					st.toks, st.ntoks, st.buf, st.nbuf = unsafe.SliceData(toks), len(toks), unsafe.SliceData(buf), len(buf)
					spacyPlainBack(&st)
					end, count, toks, buf = st.end, st.count, toks[:st.ntoks], buf[:st.nbuf]
					i = base + int(end)
					if count > L {
						break
					}
				}
				last := end - 1
				if sp>>(last&63)&1 != 0 {
					// A single " " after a word is no token.
					if last == 0 || text[base+int(last)] != ' ' || sp>>((last-1)&63)&1 != 0 {
						break
					}
					end, last = last, last-1
					i--
				}
				before := sp & (uint64(1)<<(last&63) - 1)
				if before == 0 {
					break // the word may start in an earlier block
				}
				start := uint(64 - bits.LeadingZeros64(before))
				mask := (uint64(2)<<(last&63) - 1) &^ (uint64(1)<<(start&63) - 1)
				a, b := base+int(start), base+int(end)
				switch {
				case nl&mask == 0 && plainWord(r, text, a, b):
					t := span{int32(a), int32(b), false, true}
					if up&mask != 0 && e.lower {
						t, buf = lowerWord(buf, text[a:], b-a)
					}
					toks = append(toks, t)
					count++
				case nl&mask == 1<<(last&63) && r.wordMark(text[a:b], chunkKind{headLetters: true}):
					// A word and a closing mark, reversed like every chunk
					// here (see spacyForward).
					toks = append(toks, span{int32(b - 1), int32(b), false, true})
					toks, buf = appendWord(toks, buf, text, a, b-1, up&mask != 0 && e.lower)
					count += 2
				default:
					// Any other chunk of the block: the general way, without
					// walking back to it.
					sc.toks, sc.buf = toks, buf
					count += e.emit(text, a, b, sc, r, c, kindIn(nl, up, start, last), false)
					if n := len(toks); len(sc.toks)-n > 1 {
						slices.Reverse(sc.toks[n:])
					}
					toks, buf = sc.toks, sc.buf
				}
				end, i = start, a
			}
			sc.toks, sc.buf = toks, buf
			if count > L {
				break
			}
		}
		a, b, kd, ok := m.prev(&i)
		if !ok {
			break
		}
		from := len(sc.toks)
		count += e.emit(text, a, b, sc, r, c, kd, drop)
		if len(sc.toks)-from > 1 {
			slices.Reverse(sc.toks[from:])
		}
	}
	sc.reversed = true
}
