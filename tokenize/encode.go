package tokenize

// Split appends the document's tokens to dst[:0] and returns it. Tokens
// that the mode did not change are substrings of text; changed ones share
// one allocation per document.
func (e *Encoder) Split(text string, dst []string) []string {
	sc := e.get()
	defer e.put(sc)
	e.tokenize(text, sc)
	dst = dst[:0]
	for _, s := range sc.toks {
		dst = append(dst, sc.str(text, s))
	}
	return dst
}

// Count returns the number of tokens Split would return.
func (e *Encoder) Count(text string) int {
	sc := e.get()
	defer e.put(sc)
	e.tokenize(text, sc)
	return len(sc.toks)
}

// EncodeStrings writes exactly len(row) tokens into row, padded with
// PadToken and truncated as Options say, and returns the number of tokens
// before truncation; in spaCy mode, when that is more than len(row), it
// returns some number above len(row) (the part of a long text that the row
// drops is not tokenized). With Vocab and OOVToken set, tokens missing from the
// vocabulary (or with id >= NumWords) are written as OOVToken.
func (e *Encoder) EncodeStrings(text string, row []string) (n int) {
	sc := e.get()
	defer e.put(sc)
	return e.encodeStrings(sc, text, row)
}

func (e *Encoder) encodeStrings(sc *scratch, text string, row []string) (n int) {
	if e.vocab == nil || !e.hasOOV {
		// Every token keeps its place, so only the ones the row keeps
		// need a string: with truncation, build just those (and where the
		// mode allows, split just those).
		n, ok := e.splitWindow(text, sc, len(row))
		if !ok {
			e.tokenizeRow(text, sc, len(row), false)
			n = len(sc.toks)
		}
		toks := sc.toks
		if L := len(row); len(toks) > L {
			if sc.reversed || e.truncPost { // reversed: the last tokens, last first
				toks = toks[:L]
			} else {
				toks = toks[len(toks)-L:]
			}
		}
		// place(row, strings of toks, ...) without the strings slice.
		lead := 0
		if !e.padPost {
			lead = len(row) - len(toks)
		}
		for i := range lead {
			row[i] = e.pad
		}
		// Each token is a substring of the text or of the lowered copies
		// in buf: picked by index, not by a branch that the mix of
		// lowered and unchanged tokens would keep mispredicting.
		src := [2]string{text, sc.bufString()}
		if sc.reversed {
			last := lead + len(toks) - 1
			for i, s := range toks {
				row[last-i] = src[b2i(s.inBuf)][s.a:s.b]
			}
		} else {
			for i, s := range toks {
				row[lead+i] = src[b2i(s.inBuf)][s.a:s.b]
			}
		}
		for i := lead + len(toks); i < len(row); i++ {
			row[i] = e.pad
		}
		return n
	}
	e.tokenizeRow(text, sc, len(row), false)
	sc.inOrder()
	toks := sc.toks
	for _, s := range toks {
		if e.vocab != nil && e.hasOOV {
			en, ok := sc.entry(e.vocab, text, s)
			if !ok || (e.numWords > 0 && en.id >= e.numWords) {
				sc.strs = append(sc.strs, e.oov)
			} else {
				sc.strs = append(sc.strs, en.tok) // the vocabulary's copy: no allocation
			}
			continue
		}
		sc.strs = append(sc.strs, sc.str(text, s))
	}
	return place(row, sc.strs, e.pad, e.padPost, e.truncPost)
}

// EncodeIDs writes exactly len(row) ids into row, as Keras
// Tokenizer.texts_to_sequences followed by pad_sequences(maxlen=len(row))
// would: unknown tokens get the OOV id when OOVToken is set and are dropped
// otherwise; ids >= NumWords likewise; the pad id is 0. It returns the
// sequence length before truncation, as EncodeStrings does. Without a Vocab
// every row is padding.
func (e *Encoder) EncodeIDs(text string, row []int64) (n int) {
	sc := e.get()
	defer e.put(sc)
	return e.encodeIDs(sc, text, row)
}

func (e *Encoder) encodeIDs(sc *scratch, text string, row []int64) (n int) {
	e.ids(text, sc, len(row))
	return place(row, sc.ids, 0, e.padPost, e.truncPost)
}

// EncodeIDs32 is EncodeIDs for int32 inputs.
func (e *Encoder) EncodeIDs32(text string, row []int32) (n int) {
	sc := e.get()
	defer e.put(sc)
	return encodeConv(e, sc, text, row)
}

// EncodeFloat32 is EncodeIDs for models that take ids as float32 (exact up
// to 2^24).
func (e *Encoder) EncodeFloat32(text string, row []float32) (n int) {
	sc := e.get()
	defer e.put(sc)
	return encodeConv(e, sc, text, row)
}

func encodeConv[T int32 | float32](e *Encoder, sc *scratch, text string, row []T) int {
	e.ids(text, sc, len(row))
	seq, lead, n := window(len(row), sc.ids, e.padPost, e.truncPost)
	clear(row)
	for i, id := range seq {
		row[lead+i] = T(id)
	}
	return n
}

// ids fills sc.ids with the Keras id sequence of text, or, for a row of L
// ids, a part of it that holds the kept ones and more than L ids when the
// text has more (see tokenizeRow).
func (e *Encoder) ids(text string, sc *scratch, L int) {
	if e.vocab == nil {
		return
	}
	e.tokenizeRow(text, sc, L, !e.hasOOV)
	sc.inOrder()
	for _, s := range sc.toks {
		id, ok := sc.lookup(e.vocab, text, s)
		switch {
		case ok && (e.numWords == 0 || id < e.numWords):
			sc.ids = append(sc.ids, id)
		case e.hasOOV:
			sc.ids = append(sc.ids, e.oovID)
		}
	}
}

// window returns the part of seq that lands in a row of length L and the
// row offset where it starts (pad_sequences semantics), and len(seq).
func window[T any](L int, seq []T, padPost, truncPost bool) (kept []T, lead, n int) {
	n = len(seq)
	kept = seq
	if n > L {
		if truncPost {
			kept = seq[:L]
		} else {
			kept = seq[n-L:]
		}
	}
	if !padPost {
		lead = L - len(kept)
	}
	return kept, lead, n
}

// place writes seq into row with padding pad and returns len(seq).
func place[T any](row, seq []T, pad T, padPost, truncPost bool) int {
	kept, lead, n := window(len(row), seq, padPost, truncPost)
	for i := range lead {
		row[i] = pad
	}
	copy(row[lead:], kept)
	for i := lead + len(kept); i < len(row); i++ {
		row[i] = pad
	}
	return n
}
