package tokenize

import (
	"path/filepath"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
)

// loadBench reads the aclImdb test reviews (10,000 files) once.
func loadBench(b *testing.B) ([]string, *Vocab) {
	b.Helper()
	docs := imdbDocs(b, 10000)
	v, err := LoadVocabOffset(filepath.Join(fixtures.Corpus(b, "aclimdb"), "aclImdb", "imdb.vocab"), 1)
	if err != nil {
		b.Fatal(err)
	}
	return docs, v
}

var benchModes = []Mode{ModeKeras, ModeTextVectorization, ModeWhitespace, ModeSpacy}

func report(b *testing.B, docs, tokens int) {
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(docs)/s, "docs/s")
	b.ReportMetric(float64(tokens)/s, "tokens/s")
	b.ReportMetric(0, "ns/op")
}

func BenchmarkSplit(b *testing.B) {
	docs, _ := loadBench(b)
	for _, m := range benchModes {
		b.Run(string(m), func(b *testing.B) {
			e := mustNew(b, Options{Mode: m})
			var toks []string
			n, nt := 0, 0
			b.ReportAllocs()
			for b.Loop() {
				toks = e.Split(docs[n%len(docs)], toks)
				nt += len(toks)
				n++
			}
			report(b, n, nt)
		})
	}
}

func BenchmarkEncodeIDs(b *testing.B) {
	docs, v := loadBench(b)
	for _, m := range benchModes {
		b.Run(string(m), func(b *testing.B) {
			e := mustNew(b, Options{Mode: m, Vocab: v, MaxLen: 256})
			row := make([]int64, 256)
			n, nt := 0, 0
			b.ReportAllocs()
			for b.Loop() {
				nt += e.EncodeIDs(docs[n%len(docs)], row)
				n++
			}
			report(b, n, nt)
		})
	}
}

func BenchmarkEncodeStrings(b *testing.B) {
	docs, v := loadBench(b)
	for _, m := range benchModes {
		for _, withVocab := range []bool{false, true} {
			name := string(m)
			o := Options{Mode: m, MaxLen: 256}
			if withVocab {
				name += "/oov"
				o.Vocab, o.OOVToken = v, "the"
			}
			b.Run(name, func(b *testing.B) {
				e := mustNew(b, o)
				row := make([]string, 256)
				n, nt := 0, 0
				b.ReportAllocs()
				for b.Loop() {
					nt += e.EncodeStrings(docs[n%len(docs)], row)
					n++
				}
				report(b, n, nt)
			})
		}
	}
}

// BenchmarkEncodeRow100 fills string rows of 100 tokens, the founding
// meta model's (and the feed-rate benchmark's) sequence length, with the
// default pre truncation: the modes that can skip what the row drops do.
func BenchmarkEncodeRow100(b *testing.B) {
	docs, _ := loadBench(b)
	for _, m := range benchModes {
		b.Run(string(m), func(b *testing.B) {
			e := mustNew(b, Options{Mode: m, MaxLen: 100})
			row := make([]string, 100)
			n := 0
			b.ReportAllocs()
			for b.Loop() {
				e.EncodeStrings(docs[n%len(docs)], row)
				n++
			}
			s := b.Elapsed().Seconds()
			b.ReportMetric(float64(n)/s, "docs/s")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkEncodeIDsParallel is the pipeline's use: many goroutines, one
// Encoder.
func BenchmarkEncodeIDsParallel(b *testing.B) {
	docs, v := loadBench(b)
	e := mustNew(b, Options{Mode: ModeTextVectorization, Vocab: v, MaxLen: 256})
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		row := make([]float32, 256)
		i := 0
		for pb.Next() {
			e.EncodeFloat32(docs[i%len(docs)], row)
			i++
		}
	})
}

// BenchmarkSpacyRules runs spaCy's affix rules (the path of the chunks that
// neither a fast path nor the cache answers) on each distinct such chunk
// of the aclImdb test reviews once, in order.
func BenchmarkSpacyRules(b *testing.B) {
	docs, _ := loadBench(b)
	r := spacyTables()
	seen := map[string]bool{}
	var chunks []string
	for _, d := range docs {
		eachChunk(d, func(s string, k chunkKind) {
			n := len(s)
			if k.letters || s[0] <= ' ' || n > maxCachedChunk || n >= 2 && k.headLetters && r.trail[s[n-1]] {
				return
			}
			if !seen[s] {
				seen[s] = true
				chunks = append(chunks, s)
			}
		})
	}
	c := newChunkCache()
	var toks []span
	i := 0
	for b.Loop() {
		s := chunks[i%len(chunks)]
		toks = r.chunkRules(s, 0, len(s), toks[:0], c)
		i++
	}
	b.ReportMetric(float64(len(chunks)), "chunks")
}
