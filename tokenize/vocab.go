package tokenize

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
)

// Vocab maps tokens to ids. It is immutable and safe for concurrent use.
type Vocab struct {
	ids map[string]entry
	// Keras holds the Tokenizer config when the vocabulary came from a
	// Keras Tokenizer JSON (to_json() or a {config, word_index} object);
	// nil otherwise.
	Keras *KerasConfig
}

type entry struct {
	id  int64
	tok string // the key itself, so string rows can reuse it without allocating
}

// KerasConfig is the part of a Keras Tokenizer's config that decides
// tokenization. Pointers are nil when the file did not say.
type KerasConfig struct {
	Filters   *string
	Split     *string
	Lower     *bool
	NumWords  int // 0 = none
	OOVToken  string
	CharLevel bool
}

// ErrVocab is wrapped by every vocabulary loading error.
var ErrVocab = errors.New("invalid vocabulary")

// maxVocabFile bounds the vocabulary files LoadVocab reads.
const maxVocabFile = 1 << 30

// NewVocab builds a vocabulary from a token -> id map (ids must be >= 0).
func NewVocab(words map[string]int64) (*Vocab, error) {
	v := &Vocab{ids: make(map[string]entry, len(words))}
	for w, id := range words {
		if id < 0 {
			return nil, fmt.Errorf("new vocabulary: %w: token %q has id %d < 0", ErrVocab, w, id)
		}
		v.ids[w] = entry{id, w}
	}
	return v, nil
}

// NewVocabList builds a vocabulary from a token list: tokens[i] gets id
// offset+i (a TextVectorization/StringLookup vocabulary, e.g. "" and
// "[UNK]" first, has offset 0). A token listed twice is an error.
func NewVocabList(tokens []string, offset int) (*Vocab, error) {
	if offset < 0 {
		return nil, fmt.Errorf("new vocabulary: %w: offset %d < 0", ErrVocab, offset)
	}
	v := &Vocab{ids: make(map[string]entry, len(tokens))}
	for i, t := range tokens {
		if prev, dup := v.ids[t]; dup {
			return nil, fmt.Errorf("new vocabulary: %w: token %q at %d and %d", ErrVocab, t, prev.id-int64(offset), i)
		}
		v.ids[t] = entry{int64(offset + i), t}
	}
	return v, nil
}

// LoadVocab reads a vocabulary file: a JSON object (a Keras Tokenizer
// to_json() document, whose config.word_index is a JSON string, or any
// object with a word_index member, or a plain {"word": id} object), else one
// token per line with line number = id (see ParseVocab for offsets).
func LoadVocab(path string) (*Vocab, error) { return LoadVocabOffset(path, 0) }

// LoadVocabOffset is LoadVocab where a line file's first token gets id
// offset (e.g. 1 for a word list whose id 0 is padding).
func LoadVocabOffset(path string, offset int) (*Vocab, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("load vocabulary: %w", err)
	}
	if st.Size() > maxVocabFile {
		return nil, fmt.Errorf("load vocabulary %s: %w: %d bytes (limit %d)", path, ErrVocab, st.Size(), maxVocabFile)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load vocabulary: %w", err)
	}
	v, err := ParseVocab(data, offset)
	if err != nil {
		return nil, fmt.Errorf("load vocabulary %s: %w", path, err)
	}
	return v, nil
}

// ParseVocab parses the bytes of a vocabulary file (see LoadVocab). Lines
// end at \n; a trailing \r is removed; a final empty line after the last \n
// is not a token; other empty lines are tokens (TextVectorization saves ""
// as id 0). A token listed twice is an error.
func ParseVocab(data []byte, offset int) (*Vocab, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(t, &obj); err == nil {
			return parseJSONVocab(obj)
		}
	}
	if offset < 0 {
		return nil, fmt.Errorf("%w: offset %d < 0", ErrVocab, offset)
	}
	text := string(data)
	text = strings.TrimSuffix(text, "\n")
	v := &Vocab{ids: make(map[string]entry, strings.Count(text, "\n")+1)}
	if len(data) == 0 {
		return v, nil
	}
	for line := 0; ; line++ {
		tok, rest, more := strings.Cut(text, "\n")
		tok = strings.TrimSuffix(tok, "\r")
		if prev, dup := v.ids[tok]; dup {
			return nil, fmt.Errorf("%w: line %d: token %q already on line %d", ErrVocab, line+1, tok, prev.id-int64(offset)+1)
		}
		v.ids[tok] = entry{int64(offset + line), tok}
		if !more {
			break
		}
		text = rest
	}
	return v, nil
}

func parseJSONVocab(obj map[string]json.RawMessage) (*Vocab, error) {
	var cfg map[string]json.RawMessage
	if raw, ok := obj["config"]; ok {
		if err := json.Unmarshal(raw, &cfg); err != nil {
			return nil, fmt.Errorf("%w: config: %v", ErrVocab, err)
		}
	}
	raw, ok := obj["word_index"]
	if !ok && cfg != nil {
		raw, ok = cfg["word_index"]
	}
	if !ok {
		return parseWordIndex(obj, nil)
	}
	// to_json() stores word_index as a JSON string holding JSON.
	var inner string
	if err := json.Unmarshal(raw, &inner); err == nil {
		raw = json.RawMessage(inner)
	}
	var wi map[string]json.RawMessage
	if err := json.Unmarshal(raw, &wi); err != nil {
		return nil, fmt.Errorf("%w: word_index: %v", ErrVocab, err)
	}
	kc, err := kerasConfig(cfg)
	if err != nil {
		return nil, err
	}
	return parseWordIndex(wi, kc)
}

func parseWordIndex(wi map[string]json.RawMessage, kc *KerasConfig) (*Vocab, error) {
	v := &Vocab{ids: make(map[string]entry, len(wi)), Keras: kc}
	for w, raw := range wi {
		var f float64
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, fmt.Errorf("%w: word %q: id %s is not a number", ErrVocab, w, truncate(raw))
		}
		if f < 0 || f != math.Trunc(f) || f > 1<<53 {
			return nil, fmt.Errorf("%w: word %q: id %v is not a non-negative integer", ErrVocab, w, f)
		}
		v.ids[w] = entry{int64(f), w}
	}
	return v, nil
}

func kerasConfig(cfg map[string]json.RawMessage) (*KerasConfig, error) {
	if cfg == nil {
		return nil, nil
	}
	kc := &KerasConfig{}
	str := func(k string) (*string, error) {
		raw, ok := cfg[k]
		if !ok || string(raw) == "null" {
			return nil, nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("%w: config.%s: %v", ErrVocab, k, err)
		}
		return &s, nil
	}
	var err error
	if kc.Filters, err = str("filters"); err != nil {
		return nil, err
	}
	if kc.Split, err = str("split"); err != nil {
		return nil, err
	}
	oov, err := str("oov_token")
	if err != nil {
		return nil, err
	}
	if oov != nil {
		kc.OOVToken = *oov
	}
	for k, dst := range map[string]**bool{"lower": &kc.Lower} {
		if raw, ok := cfg[k]; ok && string(raw) != "null" {
			var b bool
			if err := json.Unmarshal(raw, &b); err != nil {
				return nil, fmt.Errorf("%w: config.%s: %v", ErrVocab, k, err)
			}
			*dst = &b
		}
	}
	if raw, ok := cfg["char_level"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &kc.CharLevel); err != nil {
			return nil, fmt.Errorf("%w: config.char_level: %v", ErrVocab, err)
		}
	}
	if raw, ok := cfg["num_words"]; ok && string(raw) != "null" {
		var f float64
		if err := json.Unmarshal(raw, &f); err != nil || f < 0 || f > math.MaxInt32 || f != math.Trunc(f) {
			return nil, fmt.Errorf("%w: config.num_words %s", ErrVocab, truncate(raw))
		}
		kc.NumWords = int(f)
	}
	return kc, nil
}

func truncate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

// Len returns the number of tokens.
func (v *Vocab) Len() int { return len(v.ids) }

// ID returns the id of tok.
func (v *Vocab) ID(tok string) (int64, bool) {
	en, ok := v.ids[tok]
	return en.id, ok
}

// Options returns tokenizer options for ModeKeras that reproduce the
// Keras Tokenizer this vocabulary came from (filters, split, lower,
// num_words, oov_token, char_level); base supplies the rest (MaxLen,
// padding...).
func (v *Vocab) Options(base Options) Options {
	o := base
	o.Mode, o.Vocab = ModeKeras, v
	if kc := v.Keras; kc != nil {
		if kc.Filters != nil {
			o.Filters, o.NoFilters = *kc.Filters, *kc.Filters == ""
		}
		if kc.Split != nil {
			o.Split = *kc.Split
		}
		if kc.Lower != nil {
			o.Lower = Bool(*kc.Lower)
		}
		o.NumWords, o.OOVToken, o.CharLevel = kc.NumWords, kc.OOVToken, kc.CharLevel
	}
	return o
}
