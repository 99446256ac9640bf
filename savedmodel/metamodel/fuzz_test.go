package metamodel

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadParams feeds arbitrary metamodel.json and vocab.txt contents to
// LoadParams next to a real checkpoint: it must return an error or a
// Params consistent with the checkpoint, never panic or allocate beyond
// what the checkpoint holds.
func FuzzLoadParams(f *testing.F) {
	cfg := smallConfigs[0]
	dir := f.TempDir()
	if err := Write(dir, cfg); err != nil {
		f.Fatal(err)
	}
	conf, err := os.ReadFile(filepath.Join(dir, "assets.extra", ConfigFile))
	if err != nil {
		f.Fatal(err)
	}
	vocab, err := os.ReadFile(filepath.Join(dir, "assets", VocabFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(conf, vocab)
	f.Add([]byte(`{"SeqLen":7,"EmbedDim":3,"VocabSize":12,"Filters":[3],"Kernel":2,"Pool":2,"Dense":3,"Heads":2}`), vocab)
	f.Add([]byte(`{"SeqLen":7,"EmbedDim":300000,"VocabSize":12000000,"Filters":[3],"Kernel":2,"Pool":2,"Dense":3,"Heads":2}`), vocab)
	f.Add([]byte(`{"Filters":[-1]}`), []byte("\n\n"))
	f.Fuzz(func(t *testing.T, conf, vocab []byte) {
		d := t.TempDir()
		for _, sub := range []string{"assets", "assets.extra", "variables"} {
			if err := os.MkdirAll(filepath.Join(d, sub), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for _, name := range []string{"variables.index", "variables.data-00000-of-00001"} {
			if err := os.Link(filepath.Join(dir, "variables", name), filepath.Join(d, "variables", name)); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(d, "assets.extra", ConfigFile), conf, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "assets", VocabFile), vocab, 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := LoadParams(d)
		if err != nil {
			return
		}
		if p.Config.Validate() != nil || len(p.Vocab) != p.Config.VocabSize-FirstWordID {
			t.Fatalf("accepted an inconsistent model: %+v", p.Config)
		}
	})
}
