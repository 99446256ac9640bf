package metamodel

import (
	"math/rand/v2"
	"strings"
)

// Ids of the two rows that are not vocabulary words.
const (
	PadID = 0 // the pad token "": an all-zero embedding row
	OOVID = 1 // any non-empty token missing from the vocabulary
	// FirstWordID is the id of line 0 of the vocabulary file.
	FirstWordID = 2
)

// commonWords are real English words, most frequent in movie reviews
// first, so that demo text reads like text. All are [a-z]+ and unique.
var commonWords = strings.Fields(`
the a and of to is in it this that i was as with for movie but film on not
you are his have be one all at they by an who so from like her just about
out if has what some good there can more when very up no time even she my
would which story only really see their had were me well than much we bad
been get do great other will also into people because how most him first
its made them then way make could too any movies after think characters
watch films two seen character many being life plot acting never little
best love over where did show know off ever man does here better your end
still these say scene why while scenes something go such back should those
real now watching though thing old years actors director work another new
funny before nothing actually going makes lot look find few same part again
every world cast us quite want things pretty young seems around got horror
however fact take big thought enough long both give may between series own
original must action right comedy gets without always times almost interesting
role point whole least done minutes far music feel bit script guess might
anything yet since family last performance am tv probably girl away kind
worst fun day sure rather hard anyone woman found each played screen making
although especially course believe our comes ending set maybe looking trying
goes shows dvd three different worth everything sense put plays book true
money place john everyone reason effects actor special looks during simply
main watched someone job american later said seem play once together takes
excellent beautiful wonderful terrible awful boring amazing perfect brilliant
stupid poor waste fantastic enjoyed loved hate favorite superb dull weak
predictable entertaining powerful touching moving brilliantly disappointing
mess lame pointless recommend masterpiece beautifully worse solid decent
`)

// Syllable parts of the pseudo-words; every combination is pronounceable.
var (
	onsets = strings.Fields("b c d f g h j k l m n p r s t v w z br cl dr fl gr pl pr st tr sh ch th")
	nuclei = strings.Fields("a e i o u ai ea ou oo")
	codas  = []string{"", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck"}
)

// Vocabulary returns the lines of the model's vocabulary file: the word of
// id FirstWordID+i at index i, VocabSize-2 words in all. It depends only
// on cfg.VocabSize (a smaller vocabulary is a prefix of a larger one): the
// common English words first, then pronounceable pseudo-words. Every word
// is unique, non-empty and made of the letters a-z only, so no tokenizer
// splits or changes it and no line of the file is empty.
func Vocabulary(cfg Config) []string {
	n := max(cfg.VocabSize-FirstWordID, 0)
	words := make([]string, 0, n)
	seen := make(map[string]bool, n)
	for _, w := range commonWords {
		if len(words) == n {
			return words
		}
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	g := newWordGen(vocabStream)
	for len(words) < n {
		w := g.next()
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// Fixed PCG streams: the vocabulary and the out-of-vocabulary words of the
// demo corpus never depend on the weight seed.
const (
	vocabStream = 0x766f636162 // "vocab"
	oovStream   = 0x6f6f76     // "oov"
)

// wordGen draws pronounceable pseudo-words of one to three syllables.
type wordGen struct{ r *rand.Rand }

func newWordGen(stream uint64) *wordGen {
	return &wordGen{r: rand.New(rand.NewPCG(0x6d6574616d6f64, stream))}
}

func (g *wordGen) next() string {
	var b strings.Builder
	syl := 1 + g.r.IntN(3)
	for range syl {
		b.WriteString(onsets[g.r.IntN(len(onsets))])
		b.WriteString(nuclei[g.r.IntN(len(nuclei))])
	}
	b.WriteString(codas[g.r.IntN(len(codas))])
	return b.String()
}

// OOVWords returns n distinct pseudo-words that are in no vocabulary of
// this package of any size up to cfg.VocabSize (for test and demo text
// with unknown words).
func OOVWords(cfg Config, n int) []string {
	vocab := make(map[string]bool, cfg.VocabSize)
	for _, w := range Vocabulary(cfg) {
		vocab[w] = true
	}
	g := newWordGen(oovStream)
	out := make([]string, 0, n)
	seen := map[string]bool{}
	for len(out) < n {
		// A trailing "x" keeps them apart from the vocabulary's endings
		// most of the time; the map check makes it certain.
		w := g.next() + "x"
		if !vocab[w] && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}
