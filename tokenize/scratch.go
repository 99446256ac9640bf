package tokenize

import "slices"

// span is one token: text[a:b] of the document, or buf[a:b] of the scratch
// when the token's bytes were changed (lower-cased, punctuation removed).
type span struct {
	a, b  int32
	inBuf bool
	// noLower: lowering is known to leave the token as it is (spaCy's
	// fast paths set it; false means "check").
	noLower bool
}

// scratch is the per-call working memory, reused through the Encoder's pool
// so that steady-state encoding allocates nothing.
type scratch struct {
	buf    []byte
	toks   []span
	ids    []int64
	strs   []string
	bufStr string // string(buf), made at most once per document
	hasStr bool
	masks  []uint64 // separator masks of 64-byte blocks (splitWindow)
	// spaCy's final special-case pass
	mergeScratch
	// spaCy's chunk walkers
	sm spacyMasks
	// reversed: toks holds the tokens last first (spacyBackward)
	reversed bool
	// cache: the spaCy chunk cache this scratch holds until it is put back
	// (taken at the first chunk that needs it)
	cache *chunkCache
}

const maxPooledBytes = 1 << 20

func (e *Encoder) get() *scratch {
	sc := e.pool.Get().(*scratch)
	sc.reset()
	return sc
}

// reset readies sc for the next document.
func (sc *scratch) reset() {
	sc.buf, sc.toks, sc.ids, sc.strs = sc.buf[:0], sc.toks[:0], sc.ids[:0], sc.strs[:0]
	sc.bufStr, sc.hasStr, sc.reversed = "", false, false
}

// inOrder puts toks in text order.
func (sc *scratch) inOrder() {
	if sc.reversed {
		slices.Reverse(sc.toks)
		sc.reversed = false
	}
}

func (e *Encoder) put(sc *scratch) {
	if sc.cache != nil {
		e.putCache(sc.cache)
		sc.cache = nil
	}
	if cap(sc.buf) > maxPooledBytes || cap(sc.toks) > maxPooledBytes/8 || cap(sc.masks) > maxPooledBytes/8 || cap(sc.sm.sp) > maxPooledBytes/64 {
		return
	}
	clear(sc.strs)                 // [len:cap] was cleared by earlier puts
	sc.bufStr, sc.sm.text = "", "" // keep no document alive in the pool
	e.pool.Put(sc)
}

// str returns the token as a string; tokens in buf share one allocation per
// document.
func (sc *scratch) str(text string, s span) string {
	if !s.inBuf {
		return text[s.a:s.b]
	}
	return sc.bufString()[s.a:s.b]
}

// bufString returns buf as one string (made at most once per document,
// and only when buf holds tokens).
func (sc *scratch) bufString() string {
	if !sc.hasStr && len(sc.buf) > 0 {
		sc.bufStr, sc.hasStr = string(sc.buf), true
	}
	return sc.bufStr
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// lookup returns the token's id in v without allocating, wherever the
// token lives.
func (sc *scratch) lookup(v *Vocab, text string, s span) (int64, bool) {
	en, ok := sc.entry(v, text, s)
	return en.id, ok
}

func (sc *scratch) entry(v *Vocab, text string, s span) (entry, bool) {
	if s.inBuf {
		en, ok := v.ids[string(sc.buf[s.a:s.b])]
		return en, ok
	}
	en, ok := v.ids[text[s.a:s.b]]
	return en, ok
}

// tokenizer state for the lazily-copying builders: a token is a substring of
// the text until its first changed byte, then it is copied into buf.
type builder struct {
	sc       *scratch
	text     string
	start    int // token start in text, -1 when no token is open
	modified bool
	bufStart int
}

func (bd *builder) open(i int) {
	if bd.start < 0 {
		bd.start, bd.modified, bd.bufStart = i, false, len(bd.sc.buf)
	}
}

// modify switches the open token to buf, copying text[start:i].
func (bd *builder) modify(i int) {
	if !bd.modified {
		bd.modified = true
		bd.bufStart = len(bd.sc.buf)
		bd.sc.buf = append(bd.sc.buf, bd.text[bd.start:i]...)
	}
}

// close ends the open token at text offset i.
func (bd *builder) close(i int) {
	if bd.start < 0 {
		return
	}
	if bd.modified {
		if len(bd.sc.buf) > bd.bufStart {
			bd.sc.toks = append(bd.sc.toks, span{int32(bd.bufStart), int32(len(bd.sc.buf)), true, false})
		}
	} else if i > bd.start {
		bd.sc.toks = append(bd.sc.toks, span{int32(bd.start), int32(i), false, false})
	}
	bd.start = -1
}
