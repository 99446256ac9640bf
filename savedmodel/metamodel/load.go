package metamodel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/scorekit/score/savedmodel/bundle"
	"github.com/scorekit/score/tensor"
)

// maxSideFile bounds the vocabulary and config files LoadParams reads.
const maxSideFile = 256 << 20

// LoadParams reads the weights of a meta model written by Write: the
// Config from assets.extra/metamodel.json, the vocabulary from
// assets/vocab.txt and every variable from the checkpoint, checking
// names, dtypes and shapes against the Config. It does not regenerate
// anything, so it also reads models whose files were edited (e.g. a
// variable overwritten for a test).
func LoadParams(dir string) (*Params, error) {
	fail := func(err error) (*Params, error) { return nil, fmt.Errorf("load meta model params %s: %w", dir, err) }
	raw, err := readBounded(filepath.Join(dir, "assets.extra", ConfigFile))
	if err != nil {
		return fail(err)
	}
	var cfg Config
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return fail(fmt.Errorf("decode %s: %w", ConfigFile, err))
	}
	if err := cfg.Validate(); err != nil {
		return fail(err)
	}
	raw, err = readBounded(filepath.Join(dir, "assets", VocabFile))
	if err != nil {
		return fail(err)
	}
	vocab := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if want := cfg.VocabSize - FirstWordID; len(vocab) != want {
		return fail(fmt.Errorf("%s has %d lines, the config says %d", VocabFile, len(vocab), want))
	}

	r, err := bundle.Open(filepath.Join(dir, "variables", "variables"))
	if err != nil {
		return fail(err)
	}
	defer r.Close()
	// Allocate nothing the checkpoint cannot fill: the config is outside
	// input too.
	var have int64
	for _, n := range r.ShardSizes() {
		have += n
	}
	if need := int64(cfg.numWeights()) * 4; need > have {
		return fail(fmt.Errorf("the config needs %d bytes of weights, the checkpoint holds %d", need, have))
	}
	// The layout (names and shapes) comes from a generated Params of the
	// same Config; its values are then replaced by the checkpoint's.
	shape, err := layout(cfg)
	if err != nil {
		return fail(err)
	}
	shape.Vocab = vocab
	for _, v := range shape.Variables() {
		t, err := r.Tensor(v.Name)
		if err != nil {
			return fail(err)
		}
		if t.DType() != tensor.Float || !slices.Equal(t.Shape(), v.Shape) {
			return fail(fmt.Errorf("variable %s is %s%v, want float32%v", v.Name, t.DType(), t.Shape(), v.Shape))
		}
		vals, err := tensor.Values[float32](t)
		if err != nil {
			return fail(fmt.Errorf("variable %s: %w", v.Name, err))
		}
		copy(v.Values, vals) // v.Values aliases shape's slices
	}
	if n := len(r.Keys()); n != len(shape.Variables()) {
		return fail(fmt.Errorf("checkpoint has %d tensors, the config needs %d", n, len(shape.Variables())))
	}
	shape.buildIndex()
	return shape, nil
}

// layout returns zero-valued Params of cfg with every slice allocated.
func layout(cfg Config) (*Params, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Filters = slices.Clone(cfg.Filters)
	p := &Params{Config: cfg, Embedding: make([]float32, cfg.VocabSize*cfg.EmbedDim), Heads: make([]Head, cfg.Heads)}
	for h := range p.Heads {
		in := cfg.EmbedDim
		for _, f := range cfg.Filters {
			p.Heads[h].Convs = append(p.Heads[h].Convs, Dense{make([]float32, cfg.Kernel*in*f), make([]float32, f)})
			in = f
		}
		p.Heads[h].Hidden = Dense{make([]float32, in*cfg.Dense), make([]float32, cfg.Dense)}
		p.Heads[h].Out = Dense{make([]float32, cfg.Dense), make([]float32, 1)}
	}
	return p, nil
}

func readBounded(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSideFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Base(name), err)
	}
	if len(b) > maxSideFile {
		return nil, fmt.Errorf("read %s: larger than %d bytes", filepath.Base(name), maxSideFile)
	}
	return b, nil
}
