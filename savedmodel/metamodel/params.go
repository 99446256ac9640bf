package metamodel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Params are the weights of a meta model, laid out exactly as the
// checkpoint stores them (row-major float32).
type Params struct {
	Config Config
	// Vocab is the vocabulary file's lines (see Vocabulary).
	Vocab []string
	// Embedding is [VocabSize, EmbedDim]; row PadID is all zeros.
	Embedding []float32
	Heads     []Head

	index map[string]int // word -> id, built by IDs
}

// Head holds one head's weights.
type Head struct {
	// Convs[i] is conv block i: Kernel [Kernel, in, Filters[i]] (Keras
	// Conv1D layout), Bias [Filters[i]].
	Convs []Dense
	// Hidden is the Dense(Dense)+Relu layer: Kernel [lastFilters, Dense].
	Hidden Dense
	// Out is the Dense(1)+Sigmoid layer: Kernel [Dense, 1], Bias [1].
	Out Dense
}

// Dense is a kernel and its bias (also used for conv layers).
type Dense struct {
	Kernel, Bias []float32
}

// Variable is one checkpoint variable: its key (= the VariableV2 node
// name), shape and values.
type Variable struct {
	Name   string
	Shape  []int
	Values []float32
}

// Variables lists every variable in checkpoint key order (byte-wise
// sorted, as TF1's Saver writes them).
func (p *Params) Variables() []Variable {
	c := p.Config
	vars := []Variable{{embeddingVar, []int{c.VocabSize, c.EmbedDim}, p.Embedding}}
	for h, hd := range p.Heads {
		in := c.EmbedDim
		for i, cv := range hd.Convs {
			scope := HeadName(h) + "/" + layerName("conv1d", i)
			vars = append(vars,
				Variable{scope + "/kernel", []int{c.Kernel, in, c.Filters[i]}, cv.Kernel},
				Variable{scope + "/bias", []int{c.Filters[i]}, cv.Bias})
			in = c.Filters[i]
		}
		scope := HeadName(h) + "/"
		vars = append(vars,
			Variable{scope + "dense/kernel", []int{in, c.Dense}, hd.Hidden.Kernel},
			Variable{scope + "dense/bias", []int{c.Dense}, hd.Hidden.Bias},
			Variable{scope + "dense_1/kernel", []int{c.Dense, 1}, hd.Out.Kernel},
			Variable{scope + "dense_1/bias", []int{1}, hd.Out.Bias})
	}
	sortVariables(vars)
	return vars
}

const embeddingVar = "embedding"

// layerName numbers layers as Keras does: conv1d, conv1d_1, conv1d_2, ...
func layerName(base string, i int) string {
	if i == 0 {
		return base
	}
	return fmt.Sprintf("%s_%d", base, i)
}

// PCG streams of the weights: one for the embedding, one per head, one
// for the calibration rows, so head h's weights do not depend on Heads.
const (
	embedStream = 1
	headStream  = 1 << 32
	calibStream = 2
	calibRows   = 6
)

// NewParams draws the weights of cfg from cfg.Seed (math/rand/v2 PCG):
// uniform embedding rows (row PadID zero), Glorot-uniform kernels, small
// uniform biases. Each head's output layer is then calibrated on a few
// fixed random rows so that its sigmoid spreads over (0, 1) instead of
// saturating: the logit is rescaled to a standard deviation between 0.6
// and 1.2 and shifted to a mean between -1 and 1 (both drawn per head).
func NewParams(cfg Config) (*Params, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Filters = append([]int(nil), cfg.Filters...)
	p := &Params{Config: cfg, Vocab: Vocabulary(cfg)}
	r := rand.New(rand.NewPCG(cfg.Seed, embedStream))
	p.Embedding = uniform(r, cfg.VocabSize*cfg.EmbedDim, 0.5)
	clear(p.Embedding[PadID*cfg.EmbedDim : (PadID+1)*cfg.EmbedDim])

	calib := calibrationRows(cfg)
	p.Heads = make([]Head, cfg.Heads)
	// Heads are independent (own PCG stream each), so drawing them in
	// parallel changes nothing but the time taken.
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), cfg.Heads) {
		wg.Go(func() {
			for h := range next {
				p.Heads[h] = newHead(cfg, h, p, calib)
			}
		})
	}
	for h := range p.Heads {
		next <- h
	}
	close(next)
	wg.Wait()
	p.buildIndex()
	return p, nil
}

// newHead draws head h and calibrates its output layer; p.Embedding must
// be set.
func newHead(cfg Config, h int, p *Params, calib [][]int) Head {
	r := rand.New(rand.NewPCG(cfg.Seed, headStream+uint64(h)))
	var hd Head
	in := cfg.EmbedDim
	for _, f := range cfg.Filters {
		hd.Convs = append(hd.Convs, Dense{
			Kernel: uniform(r, cfg.Kernel*in*f, glorot(cfg.Kernel*in, cfg.Kernel*f)),
			Bias:   uniform(r, f, 0.05),
		})
		in = f
	}
	hd.Hidden = Dense{uniform(r, in*cfg.Dense, glorot(in, cfg.Dense)), uniform(r, cfg.Dense, 0.05)}
	hd.Out = Dense{uniform(r, cfg.Dense, glorot(cfg.Dense, 1)), []float32{0}}
	wantStd := 0.6 + 0.6*r.Float64()
	wantMean := 2*r.Float64() - 1
	calibrate(p, &hd, calib, wantStd, wantMean)
	return hd
}

// glorot is the Glorot-uniform limit sqrt(6 / (fan_in + fan_out)).
func glorot(fanIn, fanOut int) float64 { return math.Sqrt(6 / float64(fanIn+fanOut)) }

func uniform(r *rand.Rand, n int, limit float64) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32((2*r.Float64() - 1) * limit)
	}
	return out
}

// calibrationRows are id rows of several fill levels (full down to
// all padding), ids drawn uniformly from 1 (unknown) to VocabSize-1,
// padding after the tokens.
func calibrationRows(cfg Config) [][]int {
	r := rand.New(rand.NewPCG(cfg.Seed, calibStream))
	fill := []float64{1, 0.7, 0.4, 0.2, 0.1, 0}
	rows := make([][]int, calibRows)
	for i := range rows {
		row := make([]int, cfg.SeqLen)
		n := int(math.Round(fill[i%len(fill)] * float64(cfg.SeqLen)))
		for t := range n {
			row[t] = 1 + r.IntN(cfg.VocabSize-1)
		}
		rows[i] = row
	}
	return rows
}

// calibrate rescales head h's output kernel and sets its bias so that the
// logits of rows have the given standard deviation and mean.
func calibrate(p *Params, hd *Head, rows [][]int, wantStd, wantMean float64) {
	var sum, sum2 float64
	for _, row := range rows {
		z := headLogit(p, hd, row) - float64(hd.Out.Bias[0])
		sum += z
		sum2 += z * z
	}
	n := float64(len(rows))
	mean := sum / n
	std := math.Sqrt(max(sum2/n-mean*mean, 0))
	scale := 1.0
	if std > 1e-6 {
		scale = min(wantStd/std, 1e6)
	}
	for i := range hd.Out.Kernel {
		hd.Out.Kernel[i] = float32(float64(hd.Out.Kernel[i]) * scale)
	}
	hd.Out.Bias[0] = float32(wantMean - mean*scale)
}

func sortVariables(v []Variable) {
	slices.SortFunc(v, func(a, b Variable) int { return strings.Compare(a.Name, b.Name) })
}

// buildIndex fills the word -> id map used by IDs.
func (p *Params) buildIndex() {
	p.index = make(map[string]int, len(p.Vocab))
	for i, w := range p.Vocab {
		if _, dup := p.index[w]; !dup {
			p.index[w] = FirstWordID + i
		}
	}
}

func sortVarInfos(v []varInfo) {
	slices.SortFunc(v, func(a, b varInfo) int { return strings.Compare(a.name, b.name) })
}
