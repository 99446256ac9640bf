package metamodel

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

func TestValidate(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default: %v", err)
	}
	for _, c := range smallConfigs {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	bad := []func(*Config){
		func(c *Config) { c.SeqLen = 0 },
		func(c *Config) { c.EmbedDim = -1 },
		func(c *Config) { c.VocabSize = 2 },
		func(c *Config) { c.Filters = nil },
		func(c *Config) { c.Filters = []int{3, 0} },
		func(c *Config) { c.Kernel = 0 },
		func(c *Config) { c.Pool = 0 },
		func(c *Config) { c.Dense = 0 },
		func(c *Config) { c.Heads = 0 },
		func(c *Config) { c.Heads = maxHeads + 1 },
		func(c *Config) { c.SeqLen = 10 }, // 8 -> 4 -> 2 -> conv of 3 fails
		func(c *Config) { c.Pool = 60 },
		func(c *Config) { c.VocabSize, c.EmbedDim = maxDim*16, maxDim },
	}
	for i, mutate := range bad {
		c := Default()
		mutate(&c)
		if err := c.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("case %d (%+v): got %v, want ErrConfig", i, c, err)
		}
		if err := Write(t.TempDir(), c); !errors.Is(err, ErrConfig) {
			t.Errorf("case %d: Write gave %v, want ErrConfig", i, err)
		}
	}
}

func TestVocabulary(t *testing.T) {
	cfg := Default()
	v := Vocabulary(cfg)
	if len(v) != cfg.VocabSize-FirstWordID {
		t.Fatalf("%d words, want %d", len(v), cfg.VocabSize-FirstWordID)
	}
	if !slices.Equal(v[:4], []string{"the", "a", "and", "of"}) {
		t.Errorf("starts with %v", v[:4])
	}
	word := regexp.MustCompile(`^[a-z]+$`)
	seen := map[string]bool{}
	for i, w := range v {
		if !word.MatchString(w) || seen[w] {
			t.Fatalf("word %d %q is not a unique [a-z]+ word", i, w)
		}
		seen[w] = true
	}
	small := cfg
	small.VocabSize = 500
	if !slices.Equal(Vocabulary(small), v[:498]) {
		t.Error("a smaller vocabulary is not a prefix")
	}
	for _, w := range OOVWords(cfg, 50) {
		if seen[w] || !word.MatchString(w) {
			t.Errorf("OOV word %q is in the vocabulary or not a word", w)
		}
	}
}

func TestParamsDeterministicAndIndependentOfHeads(t *testing.T) {
	cfg := smallConfigs[1]
	a, err := NewParams(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewParams(cfg)
	cfg4 := cfg
	cfg4.Heads = 5
	c, _ := NewParams(cfg4)
	for i, v := range a.Variables() {
		if !slices.Equal(v.Values, b.Variables()[i].Values) {
			t.Fatalf("%s differs between two draws", v.Name)
		}
	}
	if !slices.Equal(a.Embedding, c.Embedding) {
		t.Error("embedding depends on Heads")
	}
	for h := range a.Heads {
		if !slices.Equal(a.Heads[h].Out.Kernel, c.Heads[h].Out.Kernel) || !slices.Equal(a.Heads[h].Convs[0].Kernel, c.Heads[h].Convs[0].Kernel) {
			t.Errorf("head %d depends on Heads", h)
		}
	}
	if slices.Equal(a.Heads[0].Hidden.Kernel, a.Heads[1].Hidden.Kernel) {
		t.Error("heads 0 and 1 share weights")
	}
	other := cfg
	other.Seed++
	d, _ := NewParams(other)
	if slices.Equal(a.Embedding, d.Embedding) {
		t.Error("seed does not change the embedding")
	}
	for e := range cfg.EmbedDim {
		if a.Embedding[PadID*cfg.EmbedDim+e] != 0 {
			t.Fatal("pad embedding row is not zero")
		}
		if a.Embedding[OOVID*cfg.EmbedDim+e] == 0 {
			t.Error("OOV embedding row has a zero")
		}
	}
}

func TestLoadParamsReadsCheckpoint(t *testing.T) {
	cfg := smallConfigs[2]
	dir := t.TempDir()
	if err := Write(dir, cfg); err != nil {
		t.Fatal(err)
	}
	want, _ := NewParams(cfg)
	got, err := LoadParams(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Vocab, want.Vocab) || !slices.Equal(got.Config.Filters, cfg.Filters) {
		t.Fatal("config or vocabulary differ")
	}
	wv := want.Variables()
	for i, v := range got.Variables() {
		if v.Name != wv[i].Name || !slices.Equal(v.Shape, wv[i].Shape) || !slices.Equal(v.Values, wv[i].Values) {
			t.Fatalf("variable %s differs from the generated one", v.Name)
		}
	}

	// A config that asks for more weights than the checkpoint holds is
	// refused before anything is allocated.
	big := cfg
	big.VocabSize = 1 << 20
	writeJSON(t, filepath.Join(dir, "assets.extra", ConfigFile), big)
	if _, err := LoadParams(dir); err == nil {
		t.Error("LoadParams accepted a config larger than the checkpoint")
	}
}

func TestWriteDeterministic(t *testing.T) {
	cfg := smallConfigs[1]
	a, b := t.TempDir(), t.TempDir()
	if err := Write(a, cfg); err != nil {
		t.Fatal(err)
	}
	if err := Write(b, cfg); err != nil {
		t.Fatal(err)
	}
	files := []string{"saved_model.pb", "variables/variables.index", "variables/variables.data-00000-of-00001",
		"assets/vocab.txt", "assets.extra/metamodel.json"}
	for _, f := range files {
		x, err := os.ReadFile(filepath.Join(a, f))
		if err != nil {
			t.Fatal(err)
		}
		y, _ := os.ReadFile(filepath.Join(b, f))
		if string(x) != string(y) {
			t.Errorf("%s differs between two writes", f)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(a, "variables"))
	if len(entries) != 2 {
		t.Errorf("variables/ holds %d files, want 2", len(entries))
	}
}

// TestOutputsSpread checks the calibration: on text-like rows of the
// default architecture the heads neither saturate nor sit still.
func TestOutputsSpread(t *testing.T) {
	cfg := Default()
	cfg.Heads = 3
	if testing.Short() {
		cfg.Heads = 1
	}
	p, err := NewParams(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Reference(p, randomRows(cfg, 24, 42))
	if err != nil {
		t.Fatal(err)
	}
	for h := range cfg.Heads {
		var sum, sum2 float64
		inside := 0
		for _, o := range out {
			v := float64(o[h])
			sum += v
			sum2 += v * v
			if v > 0.02 && v < 0.98 {
				inside++
			}
		}
		n := float64(len(out))
		mean := sum / n
		std := math.Sqrt(sum2/n - mean*mean)
		if std < 0.05 || inside < len(out)*9/10 || mean < 0.1 || mean > 0.9 {
			t.Errorf("head %d: mean %.3f std %.3f, %d of %d inside (0.02, 0.98)", h, mean, std, inside, len(out))
		}
	}
}
