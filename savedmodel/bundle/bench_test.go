package bundle

import (
	"path/filepath"
	"testing"

	"github.com/scorekit/score/tensor"
)

// BenchmarkOpenLarge opens a bundle holding a 300000x100 float32 embedding
// (120 MB) written by Writer and reads the embedding (CRC check included;
// the tensor aliases the mapped file, no copy).
func BenchmarkOpenLarge(b *testing.B) {
	prefix := filepath.Join(b.TempDir(), "variables")
	vals := make([]float32, 300000*100)
	for i := range vals {
		vals[i] = float32(i%1000) * 0.001
	}
	writeBundle(b, prefix, map[string]*tensor.Tensor{
		"embeddings": tensor.Must(tensor.Float, []int{300000, 100}, vals),
		"bias":       tensor.Must(tensor.Float, []int{100}, vals[:100]),
	}, []string{"embeddings", "bias"})
	b.SetBytes(int64(len(vals) * 4))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := Open(prefix)
		if err != nil {
			b.Fatal(err)
		}
		ten, err := r.Tensor("embeddings")
		if err != nil {
			b.Fatal(err)
		}
		if ten.Dim(0) != 300000 {
			b.Fatal(ten)
		}
		r.Close()
	}
}
