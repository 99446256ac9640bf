package textops

import (
	"testing"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// BenchmarkKerasStandardizeSplit measures the TextVectorization front end
// (StringLower, punctuation strip, StringSplitV2) on real corpus lines.
func BenchmarkKerasStandardizeSplit(b *testing.B) {
	lines := corpusLines(b)
	const kerasStrip = `[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_` + "`" + `{|}~']`
	in := strs([]int{len(lines)}, lines...)
	res := op.NewResources()
	lower := newCtx(b, "StringLower", res, nil)
	strip := newCtx(b, "StaticRegexReplace", res, map[string]any{"pattern": kerasStrip, "rewrite": ""})
	split := newCtx(b, "StringSplitV2", res, nil)
	bytes := 0
	for _, l := range lines {
		bytes += len(l)
	}
	b.SetBytes(int64(bytes))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x := mustRun(b, lower, in)[0]
		x = mustRun(b, strip, x)[0]
		mustRun(b, split, x, tensor.Scalar(""))
	}
}

func BenchmarkLookupFind(b *testing.B) {
	res := op.NewResources()
	words := make([]string, 20000)
	ids := make([]int64, len(words))
	for i := range words {
		words[i] = "w" + itoa(int64(i))
		ids[i] = int64(i)
	}
	h := mustRun(b, newCtx(b, "HashTableV2", res, map[string]any{"key_dtype": tensor.String, "value_dtype": tensor.Int64}))[0]
	mustRun(b, newCtx(b, "LookupTableImportV2", res, nil), h, strs([]int{len(words)}, words...), tensor.Must(tensor.Int64, []int{len(ids)}, ids))
	keys := strs([]int{4096}, words[:4096]...)
	find := newCtx(b, "LookupTableFindV2", res, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		mustRun(b, find, h, keys, tensor.Scalar(int64(1)))
	}
}

func BenchmarkFingerprint64(b *testing.B) {
	s := []byte("Dispatch Taxi Affiliation")
	b.SetBytes(int64(len(s)))
	for i := 0; i < b.N; i++ {
		Fingerprint64(s)
	}
}
