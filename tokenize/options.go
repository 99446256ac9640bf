package tokenize

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unicode/utf8"
)

// Mode selects the splitting rules.
type Mode string

// The modes. Each one reproduces a reference tokenizer; doc.go lists the
// rules and the known differences.
const (
	// ModeKeras is keras.preprocessing.text.Tokenizer / text_to_word_sequence:
	// Python str.lower, every Filters character replaced by Split, split on
	// Split, empty pieces dropped.
	ModeKeras Mode = "keras"
	// ModeTextVectorization is Keras TextVectorization with
	// standardize="lower_and_strip_punctuation" and split="whitespace":
	// ASCII-only lowering (tf.strings.lower), removal of the 32 ASCII
	// punctuation bytes, split on ASCII whitespace (tf.strings.split).
	ModeTextVectorization Mode = "textvectorization"
	// ModeWhitespace is tf.strings.split with sep=None: runs of ASCII
	// whitespace (space, \t, \n, \v, \f, \r) separate tokens. Lowering
	// (ASCII) only when Options.Lower is set.
	ModeWhitespace Mode = "whitespace"
	// ModeSpacy is a rule-based approximation of spaCy's English tokenizer
	// (en_core_web_sm): special cases, prefix/suffix/infix splitting, URL
	// matching. Lower-cased (Python str.lower) unless Lower is false.
	ModeSpacy Mode = "spacy"
)

// Padding and truncating sides, as in Keras pad_sequences.
const (
	Pre  = "pre"
	Post = "post"
)

// DefaultFilters is the Keras Tokenizer default filter set.
const DefaultFilters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n"

// Options configure an Encoder. The zero value of each field means the
// mode's default; only Mode is required.
type Options struct {
	Mode Mode
	// Lower overrides the mode's lower-casing: nil means the default (keras:
	// true, textvectorization: true, whitespace: false, spacy: true).
	Lower *bool
	// Filters (keras mode) are the characters replaced by Split before
	// splitting. nil-equivalent "" means DefaultFilters; set NoFilters to
	// filter nothing.
	Filters   string
	NoFilters bool
	// Split (keras mode) is the separator; "" means " ".
	Split string
	// CharLevel (keras mode) makes every character a token (Keras
	// Tokenizer(char_level=True): lower-cased, not filtered).
	CharLevel bool
	// MaxLen is the fixed row length L (the model's sequence length). The
	// Encode methods write len(row) tokens; MaxLen is what callers size rows
	// with (Encoder.MaxLen).
	MaxLen int
	// Padding and Truncating are "pre" or "post". "" means "pre" (the Keras
	// pad_sequences defaults), except in textvectorization mode, where it
	// means "post" like the layer's own output_sequence_length.
	Padding, Truncating string
	// PadToken fills string rows; the pad id is always 0.
	PadToken string
	// OOVToken: in id rows, tokens missing from Vocab (or with id >=
	// NumWords) get Vocab's id of OOVToken, as Keras Tokenizer(oov_token=)
	// does; without it they are dropped. In string rows (with Vocab set)
	// such tokens are replaced by OOVToken; without it they are kept.
	OOVToken string
	// Vocab maps tokens to ids; required by the id encoders.
	Vocab *Vocab
	// NumWords is Keras Tokenizer num_words: ids >= NumWords are dropped, or
	// mapped to the OOV id when OOVToken is set. 0 means no limit.
	NumWords int
}

// Encoder turns documents into tokens, token rows and id rows. It is
// immutable after New and safe for concurrent use; its methods allocate
// little (see doc.go).
type Encoder struct {
	mode       Mode
	lower      bool
	maxLen     int
	padPost    bool
	truncPost  bool
	pad        string
	oov        string
	oovID      int64
	hasOOV     bool
	vocab      *Vocab
	numWords   int64
	split      string
	splitBytes []byte
	charLevel  bool
	splitRune  rune      // keras: the one-rune separator, or -1 for the general path
	asciiSep   [128]bool // keras: ASCII filters and the split rune
	wideFilter []rune    // keras: non-ASCII filters
	// keras: the separators after lowering, for splitBlocks
	kerasSep    [256]uint8
	kerasBlocks blockRules
	wsBlocks    blockRules // whitespace mode
	// spacy: chunk caches, one per goroutine at a time
	spacyCaches chan *chunkCache
	pool        sync.Pool
}

// ErrOptions is wrapped by every error New returns.
var ErrOptions = errors.New("invalid tokenizer options")

// New checks opts and builds an Encoder.
func New(opts Options) (*Encoder, error) {
	e := &Encoder{mode: opts.Mode, maxLen: opts.MaxLen, pad: opts.PadToken, vocab: opts.Vocab, oov: opts.OOVToken}
	switch opts.Mode {
	case ModeKeras, ModeTextVectorization, ModeSpacy:
		e.lower = true
	case ModeWhitespace:
	case "":
		return nil, fmt.Errorf("new tokenizer: %w: mode is empty (keras, textvectorization, whitespace or spacy)", ErrOptions)
	default:
		return nil, fmt.Errorf("new tokenizer: %w: unknown mode %q (keras, textvectorization, whitespace or spacy)", ErrOptions, opts.Mode)
	}
	if opts.Lower != nil {
		e.lower = *opts.Lower
	}
	if opts.MaxLen < 0 {
		return nil, fmt.Errorf("new tokenizer: %w: max length %d < 0", ErrOptions, opts.MaxLen)
	}
	if opts.NumWords < 0 {
		return nil, fmt.Errorf("new tokenizer: %w: num_words %d < 0", ErrOptions, opts.NumWords)
	}
	e.numWords = int64(opts.NumWords)
	var err error
	def := ""
	if opts.Mode == ModeTextVectorization {
		def = Post
	}
	if e.padPost, err = side("padding", cmp.Or(opts.Padding, def)); err != nil {
		return nil, err
	}
	if e.truncPost, err = side("truncating", cmp.Or(opts.Truncating, def)); err != nil {
		return nil, err
	}
	if opts.OOVToken != "" && opts.Vocab != nil {
		id, ok := opts.Vocab.ID(opts.OOVToken)
		if !ok {
			return nil, fmt.Errorf("new tokenizer: %w: oov token %q is not in the vocabulary", ErrOptions, opts.OOVToken)
		}
		e.oovID, e.hasOOV = id, true
	}
	if opts.Mode == ModeKeras {
		e.setKerasSeparators(opts)
		e.setKerasBlocks()
		e.charLevel = opts.CharLevel
	} else if opts.CharLevel {
		return nil, fmt.Errorf("new tokenizer: %w: char_level needs keras mode", ErrOptions)
	}
	if opts.Mode == ModeWhitespace {
		e.setWhitespaceBlocks()
	}
	if opts.Mode == ModeSpacy {
		e.spacyCaches = make(chan *chunkCache, runtime.GOMAXPROCS(0))
	}
	e.pool.New = func() any { return new(scratch) }
	return e, nil
}

func side(what, v string) (post bool, err error) {
	switch v {
	case "", Pre:
		return false, nil
	case Post:
		return true, nil
	}
	return false, fmt.Errorf("new tokenizer: %w: %s %q (want pre or post)", ErrOptions, what, v)
}

func (e *Encoder) setKerasSeparators(opts Options) {
	filters := opts.Filters
	if filters == "" && !opts.NoFilters {
		filters = DefaultFilters
	}
	if opts.NoFilters {
		filters = ""
	}
	e.split = opts.Split
	if e.split == "" {
		e.split = " "
	}
	e.splitBytes = []byte(e.split)
	e.splitRune = -1
	if r, n := utf8.DecodeRuneInString(e.split); n == len(e.split) && r != utf8.RuneError {
		e.splitRune = r
	}
	for _, r := range filters {
		if r < utf8.RuneSelf {
			e.asciiSep[r] = true
		} else {
			e.wideFilter = append(e.wideFilter, r)
		}
	}
	if e.splitRune >= 0 && e.splitRune < utf8.RuneSelf {
		e.asciiSep[e.splitRune] = true
	}
}

// Mode returns the encoder's mode.
func (e *Encoder) Mode() Mode { return e.mode }

// MaxLen returns Options.MaxLen.
func (e *Encoder) MaxLen() int { return e.maxLen }

// Lower reports whether tokens are lower-cased.
func (e *Encoder) Lower() bool { return e.lower }

// Bool returns a pointer to v, for Options.Lower.
func Bool(v bool) *bool { return &v }
