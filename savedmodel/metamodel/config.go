package metamodel

import (
	"errors"
	"fmt"
)

// Config sizes a meta model. Every head has the same architecture and its
// own weights; all heads share the input, the vocabulary table and the
// embedding.
type Config struct {
	// SeqLen is the fixed number of tokens per row (input shape [-1, SeqLen]).
	SeqLen int
	// EmbedDim is the width of the shared embedding.
	EmbedDim int
	// VocabSize counts the embedding rows: id 0 (padding), id 1 (unknown
	// words) and the VocabSize-2 words of the vocabulary file.
	VocabSize int
	// Filters lists the filter counts of the Conv1D blocks of each head.
	Filters []int
	// Kernel is the Conv1D kernel width, Pool the MaxPooling1D width (and
	// stride) between conv blocks.
	Kernel, Pool int
	// Dense is the width of each head's hidden Dense layer.
	Dense int
	// Heads is the number of sigmoid outputs ("head_00", "head_01", ...).
	Heads int
	// Seed selects the weights.
	Seed uint64
}

// Default returns the founding example: 36 heads of a three-block CNN over
// a 20,000-word, 50-dimensional embedding and 100-token rows.
func Default() Config {
	return Config{
		SeqLen:    100,
		EmbedDim:  50,
		VocabSize: 20000,
		Filters:   []int{25, 50, 100},
		Kernel:    3,
		Pool:      2,
		Dense:     60,
		Heads:     36,
		Seed:      1,
	}
}

// Limits that keep a mistyped config from allocating without bound.
const (
	maxHeads   = 1000
	maxWeights = 1 << 28 // float32 parameters in all
	maxDim     = 1 << 20
)

// ErrConfig is wrapped by every error about an invalid Config.
var ErrConfig = errors.New("invalid meta model config")

// Validate checks that every size is positive and that each head's
// sequence stays at least one step long through all conv and pool layers.
func (c Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, args...))
	}
	switch {
	case c.SeqLen < 1 || c.SeqLen > maxDim:
		return bad("SeqLen %d is not in [1, %d]", c.SeqLen, maxDim)
	case c.EmbedDim < 1 || c.EmbedDim > maxDim:
		return bad("EmbedDim %d is not in [1, %d]", c.EmbedDim, maxDim)
	case c.VocabSize < 3 || c.VocabSize > maxDim*16:
		return bad("VocabSize %d is not in [3, %d] (ids 0 and 1 are padding and unknown)", c.VocabSize, maxDim*16)
	case len(c.Filters) == 0:
		return bad("no Filters: a head needs at least one conv block")
	case c.Kernel < 1 || c.Kernel > c.SeqLen:
		return bad("Kernel %d is not in [1, SeqLen %d]", c.Kernel, c.SeqLen)
	case c.Pool < 1:
		return bad("Pool %d is below 1", c.Pool)
	case c.Dense < 1 || c.Dense > maxDim:
		return bad("Dense %d is not in [1, %d]", c.Dense, maxDim)
	case c.Heads < 1 || c.Heads > maxHeads:
		return bad("Heads %d is not in [1, %d]", c.Heads, maxHeads)
	}
	for i, f := range c.Filters {
		if f < 1 || f > maxDim {
			return bad("Filters[%d] = %d is not in [1, %d]", i, f, maxDim)
		}
	}
	if _, _, err := c.lengths(); err != nil {
		return bad("%v", err)
	}
	if n := c.numWeights(); n > maxWeights {
		return bad("%d weights exceed the limit of %d", n, maxWeights)
	}
	return nil
}

// lengths returns the sequence length entering each conv block i and the
// length that block's conv produces.
func (c Config) lengths() (in, conv []int, err error) {
	l := c.SeqLen
	for i := range c.Filters {
		in = append(in, l)
		l = l - c.Kernel + 1
		if l < 1 {
			return nil, nil, fmt.Errorf("conv block %d gets %d steps, fewer than Kernel %d", i, in[i], c.Kernel)
		}
		conv = append(conv, l)
		if i < len(c.Filters)-1 {
			if l < c.Pool {
				return nil, nil, fmt.Errorf("pool after conv block %d gets %d steps, fewer than Pool %d", i, l, c.Pool)
			}
			l = (l-c.Pool)/c.Pool + 1
		}
	}
	return in, conv, nil
}

// numWeights counts float32 parameters, saturating instead of overflowing.
func (c Config) numWeights() int {
	sat := func(a, b int) int {
		if a != 0 && b > maxWeights*4/a {
			return maxWeights * 4
		}
		return a * b
	}
	n := sat(c.VocabSize, c.EmbedDim)
	per := 0
	in := c.EmbedDim
	for _, f := range c.Filters {
		per += sat(sat(c.Kernel, in), f) + f
		in = f
	}
	per += sat(in, c.Dense) + c.Dense + c.Dense + 1
	return n + sat(per, c.Heads)
}

// HeadName is the signature output key and name scope of head h.
func HeadName(h int) string { return fmt.Sprintf("head_%02d", h) }
