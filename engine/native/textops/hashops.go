package textops

import (
	"encoding/binary"
	"fmt"
	"math/bits"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

func hashDefs() []op.Def {
	return []op.Def{
		{Spec: "StringToHashBucketFast(input: string) -> (output: int64); num_buckets: int", Kernel: hashBucketFast},
		{Spec: "StringToHashBucketStrong(input: string) -> (output: int64); num_buckets: int; key: list(int)", Kernel: hashBucketStrong},
	}
}

func hashBuckets(c op.Context, in *tensor.Tensor, h func(string) uint64) ([]*tensor.Tensor, error) {
	n, err := op.Int(c, "num_buckets")
	if err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, c.Errorf("num_buckets must be >= 1, got %d", n)
	}
	src, err := stringsIn(c, "input", in)
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(src))
	for i, s := range src {
		out[i] = int64(h(s) % uint64(n))
	}
	return []*tensor.Tensor{tensor.Must(tensor.Int64, in.Shape(), out)}, nil
}

func hashBucketFast(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	return hashBuckets(c, in[0], func(s string) uint64 { return Fingerprint64([]byte(s)) })
}

func hashBucketStrong(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	key, err := op.Ints(c, "key")
	if err != nil {
		return nil, err
	}
	if len(key) != 2 {
		return nil, c.Errorf("key must have 2 elements, got %d", len(key))
	}
	k0, k1 := uint64(key[0]), uint64(key[1])
	return hashBuckets(c, in[0], func(s string) uint64 { return SipHash24(k0, k1, []byte(s)) })
}

// SipHash24 is SipHash-2-4 with the 128-bit key (k0, k1), the keyed hash
// behind TensorFlow's StringToHashBucketStrong.
func SipHash24(k0, k1 uint64, m []byte) uint64 {
	v0 := k0 ^ 0x736f6d6570736575
	v1 := k1 ^ 0x646f72616e646f6d
	v2 := k0 ^ 0x6c7967656e657261
	v3 := k1 ^ 0x7465646279746573
	round := func() {
		v0 += v1
		v1 = bits.RotateLeft64(v1, 13) ^ v0
		v0 = bits.RotateLeft64(v0, 32)
		v2 += v3
		v3 = bits.RotateLeft64(v3, 16) ^ v2
		v0 += v3
		v3 = bits.RotateLeft64(v3, 21) ^ v0
		v2 += v1
		v1 = bits.RotateLeft64(v1, 17) ^ v2
		v2 = bits.RotateLeft64(v2, 32)
	}
	n := len(m)
	for len(m) >= 8 {
		w := binary.LittleEndian.Uint64(m)
		v3 ^= w
		round()
		round()
		v0 ^= w
		m = m[8:]
	}
	var last [8]byte
	copy(last[:], m)
	last[7] = byte(n)
	w := binary.LittleEndian.Uint64(last[:])
	v3 ^= w
	round()
	round()
	v0 ^= w
	v2 ^= 0xff
	for i := 0; i < 4; i++ {
		round()
	}
	return v0 ^ v1 ^ v2 ^ v3
}

func errf(format string, args ...any) error { return fmt.Errorf(format, args...) }
