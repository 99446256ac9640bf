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
	var out []string
	splitV2(s, sep, maxsplit, func(tok string) { out = append(out, tok) })
	return out
}

// splitV2 is SplitV2 emitting each token.
func splitV2(s, sep string, maxsplit int, emit func(string)) {
	if maxsplit == 0 {
		emit(s)
		return
	}
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
			emit(s[i:j])
			for j < len(s) && isSpace(s[j]) {
				j++
			}
			i = j
			splits++
			if maxsplit > 0 && splits == maxsplit {
				emit(s[i:])
				return
			}
		}
		return
	}
	for splits := 0; ; splits++ {
		if maxsplit > 0 && splits == maxsplit {
			break
		}
		k := strings.Index(s, sep)
		if k < 0 {
			break
		}
		emit(s[:k])
		s = s[k+len(sep):]
	}
	emit(s)
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
func sparseSplit(c op.Context, in *tensor.Tensor, split func(string, func(string))) ([]*tensor.Tensor, error) {
	src, err := stringsIn(c, "input", in)
	if err != nil {
		return nil, err
	}
	if in.Rank() != 1 {
		return nil, c.Errorf("input must be a vector, got %s", in)
	}
	total := 0
	for _, s := range src {
		total += len(s)
	}
	vals := make([]string, 0, total/5+len(src))
	idx := make([]int64, 0, 2*cap(vals))
	maxCols := 0
	for row, s := range src {
		col := 0
		split(s, func(tok string) {
			idx = append(idx, int64(row), int64(col))
			vals = append(vals, tok)
			col++
		})
		maxCols = max(maxCols, col)
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
	return sparseSplit(c, in[0], func(s string, emit func(string)) { splitV2(s, sep, int(maxsplit), emit) })
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
	return sparseSplit(c, in[0], func(s string, emit func(string)) {
		for _, tok := range splitOld(s, delim, skip) {
			emit(tok)
		}
	})
}
