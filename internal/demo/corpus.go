package demo

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/scorekit/score/savedmodel/metamodel"
)

// Document length bounds, in words.
const (
	MinWords = 5
	MaxWords = 300
)

// maxDocs bounds n so a typo cannot fill a disk.
const maxDocs = 10_000_000

// Split directories in the order documents are dealt to them: document k
// goes to dirs[k%4] with id k/4.
var dirs = []struct{ split, polarity string }{
	{"train", "pos"}, {"train", "neg"}, {"test", "pos"}, {"test", "neg"},
}

// Kind says what a document holds.
type Kind int

const (
	// Text is an ordinary review.
	Text Kind = iota
	// Empty is a zero-byte file.
	Empty
	// Blank holds whitespace only.
	Blank
)

// Doc is one generated document.
type Doc struct {
	// Path is relative to the corpus directory, e.g.
	// "aclImdb/train/pos/3_8.txt".
	Path   string
	Rating int
	Kind   Kind
	Text   string
}

// Documents generates the n documents of a corpus without writing them.
func Documents(cfg metamodel.Config, n int, seed uint64) ([]Doc, error) {
	if n < 0 || n > maxDocs {
		return nil, fmt.Errorf("demo corpus: %d documents is not in [0, %d]", n, maxDocs)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("demo corpus: %w", err)
	}
	g := newGenerator(cfg)
	docs := make([]Doc, n)
	for k := range docs {
		docs[k] = g.doc(k, seed)
	}
	return docs, nil
}

// WriteCorpus writes n documents to dir/aclImdb/{train,test}/{pos,neg}/.
// dir/aclImdb must not exist yet (a corpus is never mixed with an older
// one); the error then wraps fs.ErrExist.
func WriteCorpus(dir string, cfg metamodel.Config, n int, seed uint64) error {
	docs, err := Documents(cfg, n, seed)
	if err != nil {
		return err
	}
	root := filepath.Join(dir, "aclImdb")
	if _, err := os.Lstat(root); err == nil {
		return fmt.Errorf("write demo corpus: %s: %w", root, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("write demo corpus: %w", err)
	}
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(root, d.split, d.polarity), 0o755); err != nil {
			return fmt.Errorf("write demo corpus: %w", err)
		}
	}
	for _, d := range docs {
		if err := os.WriteFile(filepath.Join(dir, d.Path), []byte(d.Text), 0o644); err != nil {
			return fmt.Errorf("write demo corpus: %w", err)
		}
	}
	return nil
}

// Default demo sizes.
const (
	DemoDocs = 2000
	DemoSeed = 1
)

// Write writes the demo: the default meta model at dir/model and a
// DemoDocs-document corpus at dir/corpus (dir/corpus/aclImdb/...).
func Write(dir string) error {
	cfg := metamodel.Default()
	if err := metamodel.Write(filepath.Join(dir, "model"), cfg); err != nil {
		return fmt.Errorf("write demo: %w", err)
	}
	if err := WriteCorpus(filepath.Join(dir, "corpus"), cfg, DemoDocs, DemoSeed); err != nil {
		return fmt.Errorf("write demo: %w", err)
	}
	return nil
}

// Word lists that colour the reviews by polarity. All are in the
// vocabulary of every model with at least a few hundred words.
var (
	positive = strings.Fields("good great excellent beautiful wonderful amazing perfect brilliant fantastic enjoyed loved favorite superb entertaining powerful touching moving masterpiece beautifully solid decent best fun")
	negative = strings.Fields("bad terrible awful boring stupid poor waste dull weak predictable disappointing mess lame pointless worse worst hate nothing")
	// Words that are never in a vocabulary: names, numbers, non-ASCII.
	extraOOV = strings.Fields("Kubrick Hitchcock 1984 10/10 7/10 naïve fiancée déjà-vu café 2nd 90s B-movie")
)

type generator struct {
	vocab []string
	oov   []string
}

func newGenerator(cfg metamodel.Config) *generator {
	return &generator{vocab: metamodel.Vocabulary(cfg), oov: append(metamodel.OOVWords(cfg, 300), extraOOV...)}
}

// doc generates document k: its directory, id, rating and text.
func (g *generator) doc(k int, seed uint64) Doc {
	r := rand.New(rand.NewPCG(seed, uint64(k)))
	d := dirs[k%len(dirs)]
	rating := 7 + r.IntN(4)
	if d.polarity == "neg" {
		rating = 1 + r.IntN(4)
	}
	doc := Doc{Path: filepath.Join("aclImdb", d.split, d.polarity, fmt.Sprintf("%d_%d.txt", k/len(dirs), rating)), Rating: rating}
	switch k % 100 {
	case 3:
		doc.Kind = Empty
		return doc
	case 7:
		doc.Kind = Blank
		doc.Text = []string{" ", "\t", "  \n ", "\r\n", " \t \t"}[r.IntN(5)]
		return doc
	}
	doc.Text = g.text(r, d.polarity == "pos")
	return doc
}

// text writes a review of MinWords..MaxWords words, most of them short.
func (g *generator) text(r *rand.Rand, pos bool) string {
	u := r.Float64()
	n := MinWords + int(u*u*float64(MaxWords-MinWords+1))
	n = min(n, MaxWords)
	zipf := rand.NewZipf(r, 1.15, 3, uint64(len(g.vocab)-1))
	tone := negative
	if pos {
		tone = positive
	}
	var b strings.Builder
	sentence := 0
	for i := 0; i < n; i++ {
		var w string
		switch x := r.Float64(); {
		case x < 0.06:
			w = tone[r.IntN(len(tone))]
		case x < 0.085:
			w = g.oov[r.IntN(len(g.oov))]
		default:
			w = g.vocab[zipf.Uint64()]
		}
		if sentence == 0 {
			w = capitalize(w)
		}
		b.WriteString(w)
		sentence++
		last := i == n-1
		switch {
		case last || (sentence >= 4 && r.IntN(12) == 0):
			b.WriteString([]string{".", ".", ".", "!", "?", "..."}[r.IntN(6)])
			sentence = 0
			if !last && r.IntN(10) == 0 {
				b.WriteString(" <br /><br />")
			}
		case r.IntN(15) == 0:
			b.WriteString(",")
		}
		if !last {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func capitalize(w string) string {
	if w == "" || w[0] < 'a' || w[0] > 'z' {
		return w
	}
	return string(w[0]-'a'+'A') + w[1:]
}
