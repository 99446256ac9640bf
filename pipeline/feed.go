package pipeline

import (
	"fmt"
	"strings"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/tensor"
	"github.com/scorekit/score/tokenize"
)

// Feeder turns the texts of a batch into the model's input tensor.
// It is immutable and safe for concurrent use.
type Feeder struct {
	Key    string
	Kind   tokenize.InputKind
	DType  tensor.DType
	SeqLen int // tokens and ids kinds
	rank   int // text kind: 1 -> [n], 2 -> [n,1]
	enc    *tokenize.Encoder
	// bufs holds the data slices of inputs given back by recycle: every
	// element of a row is written by the encoders, so a reused slice needs
	// no clearing. A bounded channel, not a sync.Pool: garbage collections
	// empty a sync.Pool (after one cycle in its victim cache), and a long
	// run collects every few hundred milliseconds.
	bufs chan any
}

// feederBufs is how many input slices a Feeder keeps for reuse: more than
// the pipeline's batches in flight.
const feederBufs = 32

// FeedOptions choose the signature input and how to tokenize for it.
type FeedOptions struct {
	InputKey string             // "" = the signature's only input
	Kind     tokenize.InputKind // "" = detected from the signature
	SeqLen   int                // 0 = from the signature
	Tokenize tokenize.Options
}

// NewFeeder plans the input side of a run from the model's signature.
func NewFeeder(sig engine.Signature, o FeedOptions) (*Feeder, error) {
	var in engine.TensorSpec
	switch {
	case o.InputKey != "":
		var ok bool
		if in, ok = sig.Input(o.InputKey); !ok {
			return nil, fmt.Errorf("signature %s has no input %q (inputs: %s)", sig.Key, o.InputKey, keys(sig.Inputs))
		}
	case len(sig.Inputs) == 1:
		in = sig.Inputs[0]
	default:
		return nil, fmt.Errorf("signature %s has %d inputs (%s): choose one with --input-key", sig.Key, len(sig.Inputs), keys(sig.Inputs))
	}
	f := &Feeder{Key: in.Key, DType: in.DType, Kind: o.Kind, bufs: make(chan any, feederBufs)}
	if f.Kind == "" {
		f.Kind = tokenize.DetectKind(in.DType, in.Shape)
	}
	switch f.Kind {
	case tokenize.KindText:
		if in.DType != tensor.String {
			return nil, fmt.Errorf("input %s is %s: raw text needs a string input", in.Key, in.DType)
		}
		f.rank = 2
		if !in.UnknownRank && len(in.Shape) == 1 {
			f.rank = 1
		}
		return f, nil
	case tokenize.KindTokens, tokenize.KindIDs:
	default:
		return nil, fmt.Errorf("input %s: unknown input kind %q", in.Key, f.Kind)
	}
	f.SeqLen = o.SeqLen
	if f.SeqLen == 0 && !in.UnknownRank && len(in.Shape) == 2 && in.Shape[1] > 0 {
		f.SeqLen = in.Shape[1]
	}
	if f.SeqLen <= 0 {
		return nil, fmt.Errorf("input %s %s: sequence length unknown, set --max-len", in.Key, tensor.ShapeString(in.Shape))
	}
	switch {
	case f.Kind == tokenize.KindTokens && in.DType != tensor.String:
		return nil, fmt.Errorf("input %s is %s: string tokens need a string input", in.Key, in.DType)
	case f.Kind == tokenize.KindIDs && in.DType != tensor.Int32 && in.DType != tensor.Int64 && in.DType != tensor.Float:
		return nil, fmt.Errorf("input %s is %s: token ids need an int32, int64 or float32 input", in.Key, in.DType)
	case f.Kind == tokenize.KindIDs && o.Tokenize.Vocab == nil:
		return nil, fmt.Errorf("input %s takes token ids: give the vocabulary with --vocab", in.Key)
	}
	topts := o.Tokenize
	topts.MaxLen = f.SeqLen
	enc, err := tokenize.New(topts)
	if err != nil {
		return nil, fmt.Errorf("tokenizer for input %s: %w", in.Key, err)
	}
	f.enc = enc
	return f, nil
}

// Build returns the input tensors for texts.
func (f *Feeder) Build(texts []string) (map[string]*tensor.Tensor, error) {
	n := len(texts)
	var t *tensor.Tensor
	var err error
	switch f.Kind {
	case tokenize.KindText:
		shape := []int{n, 1}
		if f.rank == 1 {
			shape = []int{n}
		}
		t, err = tensor.New(tensor.String, shape, append([]string(nil), texts...))
	case tokenize.KindTokens:
		data := reuse[string](f.bufs, n*f.SeqLen)
		w := f.enc.Worker()
		for i, s := range texts {
			w.EncodeStrings(s, data[i*f.SeqLen:(i+1)*f.SeqLen])
		}
		w.Close()
		t, err = tensor.New(tensor.String, []int{n, f.SeqLen}, data)
	default:
		t, err = f.buildIDs(texts)
	}
	if err != nil {
		return nil, fmt.Errorf("build input %s: %w", f.Key, err)
	}
	return map[string]*tensor.Tensor{f.Key: t}, nil
}

func (f *Feeder) buildIDs(texts []string) (*tensor.Tensor, error) {
	n, L := len(texts), f.SeqLen
	shape := []int{n, L}
	w := f.enc.Worker()
	defer w.Close()
	switch f.DType {
	case tensor.Int64:
		ids := reuse[int64](f.bufs, n*L)
		for i, s := range texts {
			w.EncodeIDs(s, ids[i*L:(i+1)*L])
		}
		return tensor.New(tensor.Int64, shape, ids)
	case tensor.Int32:
		ids := reuse[int32](f.bufs, n*L)
		for i, s := range texts {
			w.EncodeIDs32(s, ids[i*L:(i+1)*L])
		}
		return tensor.New(tensor.Int32, shape, ids)
	default:
		ids := reuse[float32](f.bufs, n*L)
		for i, s := range texts {
			w.EncodeFloat32(s, ids[i*L:(i+1)*L])
		}
		return tensor.New(tensor.Float, shape, ids)
	}
}

// reuse returns a slice of n elements, a recycled one when pool has one
// of that type with room. Its elements are not cleared.
func reuse[T any](pool chan any, n int) []T {
	select {
	case p := <-pool:
		if b, ok := p.([]T); ok && cap(b) >= n {
			return b[:n]
		}
	default:
	}
	return make([]T, n)
}

// KeepsText reports whether the inputs Build makes share memory with the
// texts (raw text and string tokens do; ids do not), so that the texts must
// stay valid until the engine has run them.
func (f *Feeder) KeepsText() bool {
	return f.Kind == tokenize.KindText || f.Kind == tokenize.KindTokens
}

// recycle takes back the token and id inputs that Build made, once the
// engine has run them (engines never keep their inputs, see engine.Model).
func (f *Feeder) recycle(feeds map[string]*tensor.Tensor) {
	if f.Kind == tokenize.KindText {
		return
	}
	t := feeds[f.Key]
	if t == nil {
		return
	}
	switch d := t.Data().(type) {
	case []string, []int64, []int32, []float32:
		select {
		case f.bufs <- d:
		default:
		}
	}
}

// Settings describes the feeding for output metadata.
func (f *Feeder) Settings() map[string]string {
	return map[string]string{"input_key": f.Key, "input_kind": string(f.Kind), "seq_len": fmt.Sprint(f.SeqLen)}
}

func keys(specs []engine.TensorSpec) string {
	k := make([]string, len(specs))
	for i, s := range specs {
		k[i] = s.Key
	}
	return strings.Join(k, ", ")
}
