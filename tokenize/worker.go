package tokenize

// Worker encodes many documents on one goroutine with the same working
// memory: the Encoder's methods take it from a pool and give it back for
// each document, a Worker takes it once. For spaCy mode that memory holds
// a chunk cache of a few MiB: a Worker keeps using one cache, whose hot
// entries then stay in the caches of the core it runs on, where documents
// encoded one by one each take whichever cache the pool hands out. The
// pipeline's tokenizer workers take one per batch.
//
// A Worker's methods are its Encoder's, with the same results. A Worker
// is not safe for concurrent use; Close gives its memory back, after which
// it must not be used. Strings it returned stay valid.
type Worker struct {
	e  *Encoder
	sc *scratch
}

// Worker returns a Worker for e.
func (e *Encoder) Worker() *Worker { return &Worker{e: e, sc: e.get()} }

// Close gives w's working memory back to its Encoder (nothing for nil).
func (w *Worker) Close() {
	if w != nil && w.sc != nil {
		w.e.put(w.sc)
		w.sc = nil
	}
}

// scratch returns w's working memory ready for a document.
func (w *Worker) scratch() *scratch {
	w.sc.reset()
	return w.sc
}

// EncodeStrings is Encoder.EncodeStrings.
func (w *Worker) EncodeStrings(text string, row []string) int {
	return w.e.encodeStrings(w.scratch(), text, row)
}

// EncodeIDs is Encoder.EncodeIDs.
func (w *Worker) EncodeIDs(text string, row []int64) int {
	return w.e.encodeIDs(w.scratch(), text, row)
}

// EncodeIDs32 is Encoder.EncodeIDs32.
func (w *Worker) EncodeIDs32(text string, row []int32) int {
	return encodeConv(w.e, w.scratch(), text, row)
}

// EncodeFloat32 is Encoder.EncodeFloat32.
func (w *Worker) EncodeFloat32(text string, row []float32) int {
	return encodeConv(w.e, w.scratch(), text, row)
}
