package writer

import (
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/compress"
)

// TestMain runs the whole package with the pooled zstd codec in place, as
// cmd/score does, so every Parquet round trip below (read back by DuckDB)
// also checks the codec.
func TestMain(m *testing.M) {
	UsePooledZstd()
	os.Exit(m.Run())
}

func TestPooledZstdIsRegistered(t *testing.T) {
	c, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := c.(*pooledZstd)
	if !ok {
		t.Fatalf("zstd codec is %T, want *pooledZstd", c)
	}
	src := []byte("score score score: the same page compresses " + string(make([]byte, 4096)))
	enc := p.Encode(nil, src)
	if len(enc) >= len(src) {
		t.Fatalf("encoded %d bytes to %d", len(src), len(enc))
	}
	// Decode with arrow-go's own codec: the format is plain zstd.
	dec, err := compress.Decode(p.base, make([]byte, len(src)), enc)
	if err != nil || string(dec) != string(src) {
		t.Fatalf("round trip through arrow's decoder: %v", err)
	}
}
