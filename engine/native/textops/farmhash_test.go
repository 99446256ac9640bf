package textops

import "testing"

// Vectors: the farmhashna Hash64 column ("oh64na", generated from Google's
// C++ FarmHash) of the dgryski/go-farm test table; FarmHash's Fingerprint64
// is farmhashna::Hash64. They cover every length branch (0, 1-3, 4-7, 8-16,
// 17-32, 33-64 and the 64-byte loop with 1 and several blocks).
var fingerprintVectors = []struct {
	want uint64
	in   string
}{
	{0x9ae16a3b2f90404f, ""},
	{0xb3454265b6df75e3, "a"},
	{0x24a5b3a074e7f369, "abc"},
	{0x1a5502de4a1f8101, "abcd"},
	{0xc329379e6a03c2cd, "abcdef"},
	{0xfee9d22990c82909, "abcdefgh"},
	{0x4283d4ef43627f64, "0123456789'01234"},
	{0x46a7416ed4861e3b, "0123456789=012345"},
	{0xd78d5f852d522e6a, "0123456789$0123456789!0"},
	{0xb944f8a16261e414, "C is as portable as Stonehedge!!"},
	{0xe8f89ab6df9bdd25, "Discard medicine more than two years old."},
	{0x5a0a6efd52e84e2a, "How can you write a big system without C++?  -Paul Glick"},
	{0x55182f8859eca4ce, "For every action there is an equal and opposite government program."},
	{0xabcdb319fcf2826c, "You remind me of a TV show, but that's all right: I watch it anyway."},
	{0x7e85d7b050ed2967, "There is no reason for any individual to have a computer in their home. -Ken Olsen, 1977"},
	{0x098eff6958c5e91a, "The fugacity of a constituent in a mixture of gases at a given temperature is proportional to its mole fraction.  Lewis-Randall Rule"},
	{0xc3f02c4ffd5d71e6, "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum."},
}

func TestFingerprint64Vectors(t *testing.T) {
	for _, v := range fingerprintVectors {
		if got := Fingerprint64([]byte(v.in)); got != v.want {
			t.Errorf("Fingerprint64(%q) (len %d) = %#016x, want %#016x", v.in, len(v.in), got, v.want)
		}
	}
}

// TensorFlow's string_to_hash_bucket_op_test: ['a','b','c','d'] into 10
// buckets gives [9, 2, 2, 5].
func TestFingerprint64TFBuckets(t *testing.T) {
	want := []uint64{9, 2, 2, 5}
	for i, s := range []string{"a", "b", "c", "d"} {
		if got := Fingerprint64([]byte(s)) % 10; got != want[i] {
			t.Errorf("bucket(%q) = %d, want %d", s, got, want[i])
		}
	}
}

// SipHash-2-4 vectors from the SipHash paper (Aumasson & Bernstein, appendix
// A / the reference vectors.h): key 00..0f, message 00..(n-1).
func TestSipHash24Vectors(t *testing.T) {
	k0, k1 := uint64(0x0706050403020100), uint64(0x0f0e0d0c0b0a0908)
	msg := make([]byte, 15)
	for i := range msg {
		msg[i] = byte(i)
	}
	cases := []struct {
		n    int
		want uint64
	}{
		{0, 0x726fdb47dd0e0e31},
		{1, 0x74f839c593dc67fd},
		{15, 0xa129ca6149be45e5},
	}
	for _, cs := range cases {
		if got := SipHash24(k0, k1, msg[:cs.n]); got != cs.want {
			t.Errorf("SipHash24(len %d) = %#016x, want %#016x", cs.n, got, cs.want)
		}
	}
}
