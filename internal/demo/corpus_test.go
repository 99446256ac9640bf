package demo

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scorekit/score/savedmodel/metamodel"
)

var small = metamodel.Config{SeqLen: 20, EmbedDim: 4, VocabSize: 2000, Filters: []int{4}, Kernel: 3, Pool: 2, Dense: 4, Heads: 2, Seed: 1}

// readTree returns every file under root by relative path.
func readTree(t *testing.T, root string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestCorpusDeterministic(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if err := WriteCorpus(d, small, 300, 5); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteCorpus(c, small, 300, 6); err != nil {
		t.Fatal(err)
	}
	fa, fb, fc := readTree(t, a), readTree(t, b), readTree(t, c)
	if len(fa) != 300 || len(fb) != 300 {
		t.Fatalf("%d and %d files, want 300", len(fa), len(fb))
	}
	for p, text := range fa {
		if fb[p] != text {
			t.Fatalf("%s differs between two writes", p)
		}
	}
	same := 0
	for p, text := range fa {
		if fc[p] == text {
			same++
		}
	}
	if same > 30 {
		t.Errorf("%d of 300 documents unchanged by another seed", same)
	}
	// A larger corpus with the same seed starts with the same documents.
	docs, err := Documents(small, 600, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs[:300] {
		if fa[d.Path] != d.Text {
			t.Fatalf("%s differs in the larger corpus", d.Path)
		}
	}
}

var fileName = regexp.MustCompile(`^aclImdb/(train|test)/(pos|neg)/(\d+)_(\d+)\.txt$`)

func TestCorpusLayout(t *testing.T) {
	const n = 403
	dir := t.TempDir()
	if err := WriteCorpus(dir, small, n, 1); err != nil {
		t.Fatal(err)
	}
	files := readTree(t, dir)
	if len(files) != n {
		t.Fatalf("%d files, want %d", len(files), n)
	}
	ids := map[string][]bool{}
	vocab := map[string]bool{}
	for _, w := range metamodel.Vocabulary(small) {
		vocab[w] = true
	}
	var empty, blank, known, unknown int
	for p, text := range files {
		m := fileName.FindStringSubmatch(filepath.ToSlash(p))
		if m == nil {
			t.Fatalf("bad file name %s", p)
		}
		rating, _ := strconv.Atoi(m[4])
		if (m[2] == "pos" && (rating < 7 || rating > 10)) || (m[2] == "neg" && (rating < 1 || rating > 4)) {
			t.Errorf("%s: rating %d in %s", p, rating, m[2])
		}
		id, _ := strconv.Atoi(m[3])
		key := m[1] + "/" + m[2]
		for len(ids[key]) <= id {
			ids[key] = append(ids[key], false)
		}
		if ids[key][id] {
			t.Errorf("%s: id %d used twice", p, id)
		}
		ids[key][id] = true
		if !utf8.ValidString(text) {
			t.Errorf("%s is not UTF-8", p)
		}
		switch words := strings.Fields(strings.ReplaceAll(text, "<br />", " ")); {
		case text == "":
			empty++
		case len(words) == 0:
			blank++
		default:
			if len(words) < MinWords || len(words) > MaxWords {
				t.Errorf("%s has %d words", p, len(words))
			}
			if strings.ContainsAny(text, "\r\n") {
				t.Errorf("%s has a line break", p)
			}
			for _, w := range words {
				w = strings.ToLower(strings.Trim(w, ".,!?"))
				if vocab[w] {
					known++
				} else {
					unknown++
				}
			}
		}
	}
	// Dealt round-robin: 101, 101, 101, 100 documents with ids 0..count-1.
	for key, want := range map[string]int{"train/pos": 101, "train/neg": 101, "test/pos": 101, "test/neg": 100} {
		if len(ids[key]) != want {
			t.Errorf("%s: ids up to %d, want %d documents", key, len(ids[key]), want)
		}
		for id, ok := range ids[key] {
			if !ok {
				t.Errorf("%s: id %d missing", key, id)
			}
		}
	}
	if empty != 4 || blank != 4 {
		t.Errorf("%d empty and %d blank documents, want 4 and 4", empty, blank)
	}
	if share := float64(unknown) / float64(known+unknown); share < 0.005 || share > 0.1 {
		t.Errorf("%.3f of words are out of vocabulary, want a few percent", share)
	}
	if err := WriteCorpus(dir, small, 10, 1); !errors.Is(err, fs.ErrExist) {
		t.Errorf("writing over a corpus: %v, want fs.ErrExist", err)
	}
	if _, err := Documents(small, -1, 1); err == nil {
		t.Error("negative count accepted")
	}
}

func TestWriteDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("writes the full default model")
	}
	dir := t.TempDir()
	if err := Write(dir); err != nil {
		t.Fatal(err)
	}
	files := readTree(t, filepath.Join(dir, "corpus"))
	if len(files) != DemoDocs {
		t.Errorf("%d corpus files, want %d", len(files), DemoDocs)
	}
	p, err := metamodel.LoadParams(filepath.Join(dir, "model"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Config.Heads != 36 || p.Config.SeqLen != 100 {
		t.Errorf("demo model config %+v", p.Config)
	}
}
