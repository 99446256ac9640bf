package textops

import (
	"strings"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

func splitDefs() []op.Def {
	return []op.Def{
		{Spec: "StringSplitV2(input: string, sep: string) -> (indices: int64, values: string, shape: int64); maxsplit: int = -1", Kernel: stringSplitV2},
		{Spec: "StringSplit(input: string, delimiter: string) -> (indices: int64, values: string, shape: int64); skip_empty: bool = true", Kernel: stringSplit},
	}
}

// SplitV2 splits s as TensorFlow's StringSplitV2 does, which follows Python's
// str.split: with sep "" runs of ASCII whitespace separate tokens and no
// empty token is produced; otherwise sep is matched exactly and empty tokens
// are kept. maxsplit > 0 limits the splits, the rest of the string (after
// the separator, and for sep "" after the following whitespace) becoming
// the last token; maxsplit 0 returns s whole.
func SplitV2(s, sep string, maxsplit int) []string {
	if maxsplit == 0 {
		return []string{s}
	}
	var out []string
	if sep == "" {
		i, splits := 0, 0
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		for i < len(s) {
			j := i
			for j < len(s) && !isSpace(s[j]) {
				j++
			}
			out = append(out, s[i:j])
			for j < len(s) && isSpace(s[j]) {
				j++
			}
			i = j
			splits++
			if maxsplit > 0 && splits == maxsplit {
				return append(out, s[i:])
			}
		}
		return out
	}
	for splits := 0; ; splits++ {
		if maxsplit > 0 && splits == maxsplit {
			break
		}
		k := strings.Index(s, sep)
		if k < 0 {
			break
		}
		out = append(out, s[:k])
		s = s[k+len(sep):]
	}
	return append(out, s)
}

// splitOld is the old StringSplit: every byte of delim is a delimiter; an
// empty delim splits into single bytes.
func splitOld(s, delim string, skipEmpty bool) []string {
	var out []string
	if delim == "" {
		for i := 0; i < len(s); i++ {
			out = append(out, s[i:i+1])
		}
		return out
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && strings.IndexByte(delim, s[i]) < 0 {
			continue
		}
		if tok := s[start:i]; !skipEmpty || tok != "" {
			out = append(out, tok)
		}
		start = i + 1
	}
	return out
}

// sparseSplit builds the (indices, values, shape) SparseTensor of tokens.
func sparseSplit(c op.Context, in *tensor.Tensor, split func(string) []string) ([]*tensor.Tensor, error) {
	src, err := stringsIn(c, "input", in)
	if err != nil {
		return nil, err
	}
	if in.Rank() != 1 {
		return nil, c.Errorf("input must be a vector, got %s", in)
	}
	var idx []int64
	var vals []string
	maxCols := 0
	for row, s := range src {
		toks := split(s)
		for col, tok := range toks {
			idx = append(idx, int64(row), int64(col))
			vals = append(vals, tok)
		}
		maxCols = max(maxCols, len(toks))
	}
	if vals == nil {
		vals, idx = []string{}, []int64{}
	}
	return []*tensor.Tensor{
		tensor.Must(tensor.Int64, []int{len(vals), 2}, idx),
		tensor.Must(tensor.String, []int{len(vals)}, vals),
		tensor.Must(tensor.Int64, []int{2}, []int64{int64(len(src)), int64(maxCols)}),
	}, nil
}

func stringSplitV2(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	sep, err := scalarString(c, "sep", in[1])
	if err != nil {
		return nil, err
	}
	maxsplit, err := op.Int(c, "maxsplit")
	if err != nil {
		return nil, err
	}
	return sparseSplit(c, in[0], func(s string) []string { return SplitV2(s, sep, int(maxsplit)) })
}

func stringSplit(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	delim, err := scalarString(c, "delimiter", in[1])
	if err != nil {
		return nil, err
	}
	skip, err := op.Bool(c, "skip_empty")
	if err != nil {
		return nil, err
	}
	return sparseSplit(c, in[0], func(s string) []string { return splitOld(s, delim, skip) })
}
