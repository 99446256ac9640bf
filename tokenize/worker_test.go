package tokenize

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

// TestWorkerMatchesEncoder: a Worker that encodes document after document
// with one scratch and one chunk cache writes the rows that its Encoder
// writes for each document on its own, in every mode, with string tokens
// and with ids, for both truncation sides; several Workers run at once.
func TestWorkerMatchesEncoder(t *testing.T) {
	docs := corpusSample(t, 400, 8)
	v, err := NewVocabList([]string{"[UNK]", "the", "a", "and", "of", "movie", "film", "it's", "/><br", "good", "bad"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range benchModes {
		for _, trunc := range []string{"pre", "post"} {
			for _, withVocab := range []bool{false, true} {
				name := fmt.Sprintf("%s/%s/vocab=%v", m, trunc, withVocab)
				opts := Options{Mode: m, MaxLen: 40, Truncating: trunc, PadToken: "<pad>"}
				if withVocab {
					opts.Vocab, opts.OOVToken = v, "[UNK]"
				}
				ref, e := mustNew(t, opts), mustNew(t, opts)
				var wg sync.WaitGroup
				for g := range 3 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						w := e.Worker()
						defer w.Close()
						srow, wrow := make([]string, 40), make([]string, 40)
						irow, jrow := make([]int64, 40), make([]int64, 40)
						frow, grow := make([]float32, 40), make([]float32, 40)
						for i := g; i < len(docs); i += 3 {
							d := docs[i]
							if n, k := w.EncodeStrings(d, wrow), ref.EncodeStrings(d, srow); n != k || !slices.Equal(wrow, srow) {
								t.Errorf("%s doc %d: Worker.EncodeStrings %d %q, Encoder %d %q", name, i, n, wrow, k, srow)
								return
							}
							if !withVocab {
								continue
							}
							if n, k := w.EncodeIDs(d, jrow), ref.EncodeIDs(d, irow); n != k || !slices.Equal(jrow, irow) {
								t.Errorf("%s doc %d: Worker.EncodeIDs %d %v, Encoder %d %v", name, i, n, jrow, k, irow)
								return
							}
							w.EncodeIDs32(d, make([]int32, 40))
							if n, k := w.EncodeFloat32(d, grow), ref.EncodeFloat32(d, frow); n != k || !slices.Equal(grow, frow) {
								t.Errorf("%s doc %d: Worker.EncodeFloat32 %d %v, Encoder %d %v", name, i, n, grow, k, frow)
								return
							}
						}
					}()
				}
				wg.Wait()
			}
		}
	}
}

// TestWorkerKeepsOneCache: in spaCy mode a Worker takes one chunk cache
// for all its documents and Close gives it back to the Encoder's pool.
func TestWorkerKeepsOneCache(t *testing.T) {
	e := mustNew(t, Options{Mode: ModeSpacy, MaxLen: 20})
	w := e.Worker()
	row := make([]string, 20)
	w.EncodeStrings("It's a (fine) film, isn't it?", row)
	c := w.sc.cache
	if c == nil {
		t.Fatal("no cache taken")
	}
	w.EncodeStrings("Another one:<br /><br />the end.", row)
	if w.sc.cache != c {
		t.Fatal("the Worker changed caches between documents")
	}
	w.Close()
	if len(e.spacyCaches) != 1 || <-e.spacyCaches != c {
		t.Fatal("Close did not give the cache back to the pool")
	}
}
