package metamodel_test

import (
	"fmt"
	"os"

	"github.com/scorekit/score/savedmodel/metamodel"
)

// A tiny model: write it, read its weights back, score two rows with the
// reference forward pass.
func Example() {
	cfg := metamodel.Config{SeqLen: 6, EmbedDim: 4, VocabSize: 50, Filters: []int{3}, Kernel: 3, Pool: 2, Dense: 4, Heads: 2, Seed: 1}
	dir, err := os.MkdirTemp("", "metamodel")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	if err := metamodel.Write(dir, cfg); err != nil {
		panic(err)
	}
	p, err := metamodel.LoadParams(dir)
	if err != nil {
		panic(err)
	}
	rows := [][]string{
		metamodel.Tokens("the movie was good", cfg.SeqLen),
		metamodel.Tokens("", cfg.SeqLen),
	}
	out, err := metamodel.Reference(p, rows)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(out), "rows of", len(out[0]), "heads; ids of row 0:", p.IDs(rows[0]))
	// Output: 2 rows of 2 heads; ids of row 0: [2 17 13 45 0 0]
}
