package metamodel

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// IDs maps tokens to embedding ids the way the graph does: "" is PadID, a
// vocabulary word is FirstWordID plus its line number, anything else is
// OOVID. Matching is byte-exact (no case folding).
func (p *Params) IDs(tokens []string) []int {
	if p.index == nil {
		p.buildIndex()
	}
	ids := make([]int, len(tokens))
	for i, t := range tokens {
		switch id, ok := p.index[t]; {
		case t == "":
			ids[i] = PadID
		case ok:
			ids[i] = id
		default:
			ids[i] = OOVID
		}
	}
	return ids
}

// Reference computes every head's output for rows of exactly SeqLen
// tokens, straight from the weights in plain loops with float64
// arithmetic: out[row][head]. It is the oracle the engines are tested
// against and shares no code with the graph.
//
// Params from NewParams or LoadParams may be used by several Reference
// calls at once; a Params built by hand must see one IDs call first.
func Reference(p *Params, tokens [][]string) ([][]float32, error) {
	out := make([][]float32, len(tokens))
	for i, row := range tokens {
		if len(row) != p.Config.SeqLen {
			return nil, fmt.Errorf("metamodel reference: row %d has %d tokens, want %d", i, len(row), p.Config.SeqLen)
		}
		ids := p.IDs(row)
		out[i] = make([]float32, len(p.Heads))
		for h := range p.Heads {
			out[i][h] = float32(sigmoid(headLogit(p, &p.Heads[h], ids)))
		}
	}
	return out, nil
}

// Pad returns words cut or padded with "" at the end to seqLen tokens.
func Pad(words []string, seqLen int) []string {
	row := make([]string, seqLen)
	copy(row, words)
	return row
}

// Tokens splits text on ASCII whitespace and pads it to seqLen: the
// simplest tokenizer that fits the model (no lower-casing, punctuation
// kept attached, so "Good," is unknown).
func Tokens(text string, seqLen int) []string { return Pad(strings.Fields(text), seqLen) }

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// headLogit runs one head on one id row and returns the pre-sigmoid value.
// It only reads p and writes its own locals; norace keeps the race
// detector from slowing its arithmetic loops tenfold in -race test runs
// (NewParams calls it for every head).
//
//go:norace
func headLogit(p *Params, hd *Head, ids []int) float64 {
	c := p.Config
	// x is [steps][channels], row-major.
	steps, ch := len(ids), c.EmbedDim
	x := make([]float64, steps*ch)
	for t, id := range ids {
		row := p.Embedding[id*ch : (id+1)*ch]
		for e, v := range row {
			x[t*ch+e] = float64(v)
		}
	}
	var pooled []float64
	for i, cv := range hd.Convs {
		f := c.Filters[i]
		outSteps := steps - c.Kernel + 1
		y := make([]float64, outSteps*f)
		for t := range outSteps {
			acc := y[t*f : (t+1)*f]
			for o := range acc {
				acc[o] = float64(cv.Bias[o])
			}
			// Input window rows t..t+Kernel-1 against kernel rows k.
			for k := range c.Kernel {
				for in := range ch {
					xv := x[(t+k)*ch+in]
					w := cv.Kernel[(k*ch+in)*f : (k*ch+in+1)*f]
					for o, wv := range w {
						acc[o] += xv * float64(wv)
					}
				}
			}
			for o := range acc {
				acc[o] = max(acc[o], 0)
			}
		}
		if i == len(hd.Convs)-1 {
			// GlobalMaxPooling1D.
			pooled = slices.Clone(y[:f])
			for t := 1; t < outSteps; t++ {
				for o := range f {
					pooled[o] = max(pooled[o], y[t*f+o])
				}
			}
			break
		}
		// MaxPooling1D(Pool), VALID.
		poolSteps := (outSteps-c.Pool)/c.Pool + 1
		z := make([]float64, poolSteps*f)
		for t := range poolSteps {
			for o := range f {
				m := math.Inf(-1)
				for q := range c.Pool {
					m = max(m, y[(t*c.Pool+q)*f+o])
				}
				z[t*f+o] = m
			}
		}
		x, steps, ch = z, poolSteps, f
	}
	hidden := make([]float64, c.Dense)
	for j := range hidden {
		hidden[j] = float64(hd.Hidden.Bias[j])
	}
	for i, v := range pooled {
		w := hd.Hidden.Kernel[i*c.Dense : (i+1)*c.Dense]
		for j, wv := range w {
			hidden[j] += v * float64(wv)
		}
	}
	logit := float64(hd.Out.Bias[0])
	for j, v := range hidden {
		logit += max(v, 0) * float64(hd.Out.Kernel[j])
	}
	return logit
}
