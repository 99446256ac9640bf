package writer

import (
	"sync"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// pooledZstd is the Parquet zstd codec with a bounded, long-lived pool of
// encoders whose window fits a Parquet page (1 MiB). arrow-go's own codec
// keeps its encoders in a sync.Pool, which every garbage collection empties:
// each page after a GC then allocates a fresh encoder with a 16 MiB history,
// and those bursts, not the pipeline's data, set a long run's peak memory.
// The encoders run at zstd's fastest level: a score file is mostly
// float32 scores, which no level compresses much (scoring the aclImdb slice
// with 36 heads: 4.64 MB at the fastest level, 4.63 MB at the default), and
// the default level cost ~10% of the feed's CPU time.
// Decoding and other levels are left to arrow-go's codec.
type pooledZstd struct {
	base compress.Codec
	encs chan *zstd.Encoder
}

const zstdPoolSize = 8

func (p *pooledZstd) get() *zstd.Encoder {
	select {
	case e := <-p.encs:
		return e
	default:
	}
	// A 256 KiB window: the encoder's history is live heap for the whole
	// run (2 MiB with a 1 MiB window), and the pages it compresses came out
	// no larger (the memory benchmark's output: 381,314 bytes against
	// 381,961).
	e, err := zstd.NewWriter(nil, zstd.WithZeroFrames(true), zstd.WithEncoderLevel(zstd.SpeedFastest),
		zstd.WithEncoderConcurrency(1), zstd.WithAllLitEntropyCompression(true), zstd.WithWindowSize(256<<10))
	if err != nil {
		panic(err) // only on invalid options, which are constants here
	}
	return e
}

func (p *pooledZstd) put(e *zstd.Encoder) {
	select {
	case p.encs <- e:
	default:
	}
}

func (p *pooledZstd) Encode(dst, src []byte) []byte {
	e := p.get()
	defer p.put(e)
	return e.EncodeAll(src, dst[:0])
}

func (p *pooledZstd) EncodeLevel(dst, src []byte, level int) []byte {
	if level != compress.DefaultCompressionLevel {
		return p.base.EncodeLevel(dst, src, level)
	}
	return p.Encode(dst, src)
}

func (p *pooledZstd) CompressBound(n int64) int64   { return p.base.CompressBound(n) }
func (p *pooledZstd) Decode(dst, src []byte) []byte { return p.base.Decode(dst, src) }

func (p *pooledZstd) DecodeWithError(dst, src []byte) ([]byte, error) {
	return compress.Decode(p.base, dst, src)
}

var zstdOnce sync.Once

// UsePooledZstd replaces arrow-go's process-wide Parquet zstd codec with
// pooledZstd (same format, bounded memory). Call it once at start-up,
// before any Parquet file is read or written: arrow-go's codec table is not
// safe to change while it is in use.
func UsePooledZstd() {
	zstdOnce.Do(func() {
		base, err := compress.GetCodec(compress.Codecs.Zstd)
		if err != nil {
			return
		}
		compress.RegisterCodec(compress.Codecs.Zstd, &pooledZstd{base: base, encs: make(chan *zstd.Encoder, zstdPoolSize)})
	})
}
