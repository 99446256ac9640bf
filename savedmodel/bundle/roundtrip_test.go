package bundle

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

func writeBundle(t testing.TB, prefix string, tensors map[string]*tensor.Tensor, order []string) {
	t.Helper()
	w, err := Create(prefix)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range order {
		if err := w.Add(k, tensors[k]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
}

func TestRoundTrip(t *testing.T) {
	long := strings.Repeat("x", 300)
	tensors := map[string]*tensor.Tensor{
		"f32":       tensor.Must(tensor.Float, []int{2, 3}, []float32{1, -2, 3.5, 0, 1e-30, -7}),
		"f64":       tensor.Must(tensor.Double, []int{2}, []float64{1.25, -3}),
		"i64":       tensor.Scalar(int64(-9)),
		"i32":       tensor.Must(tensor.Int32, []int{3}, []int32{1, 2, 3}),
		"u8":        tensor.Must(tensor.Uint8, []int{2}, []uint8{255, 1}),
		"i8":        tensor.Must(tensor.Int8, []int{2}, []int8{-128, 1}),
		"i16":       tensor.Must(tensor.Int16, []int{1}, []int16{-300}),
		"u16":       tensor.Must(tensor.Uint16, []int{1}, []uint16{60000}),
		"half":      tensor.Must(tensor.Half, []int{1}, []uint16{0x3c00}),
		"u32":       tensor.Must(tensor.Uint32, []int{1}, []uint32{1 << 31}),
		"u64":       tensor.Must(tensor.Uint64, []int{1}, []uint64{1 << 63}),
		"bool":      tensor.Must(tensor.Bool, []int{3}, []bool{true, false, true}),
		"c64":       tensor.Must(tensor.Complex64, []int{1}, []complex64{complex(1, -1)}),
		"c128":      tensor.Must(tensor.Complex128, []int{1}, []complex128{complex(2, 3)}),
		"empty":     tensor.Must(tensor.Float, []int{0, 4}, []float32{}),
		"str":       tensor.Must(tensor.String, []int{2, 2}, []string{"", "a", "héllo\x00", long}),
		"strscalar": tensor.Scalar("only"),
		"strempty":  tensor.Must(tensor.String, []int{0}, []string{}),
	}
	// Add in reverse order: the writer must sort the index.
	var order []string
	for k := range tensors {
		order = append(order, k)
	}
	for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
		order[i], order[j] = order[j], order[i]
	}
	prefix := filepath.Join(t.TempDir(), "sub", "variables")
	writeBundle(t, prefix, tensors, order)
	r, err := Open(prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := r.Keys(); len(got) != len(tensors) {
		t.Fatalf("keys %v", got)
	}
	for k, want := range tensors {
		got, err := r.Tensor(k)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if got.DType() != want.DType() || !reflect.DeepEqual(got.Shape(), want.Shape()) || !reflect.DeepEqual(got.Data(), want.Data()) {
			t.Errorf("%s: got %v %v, want %v %v", k, got, got.Data(), want, want.Data())
		}
	}
	if _, err := r.Tensor("nope"); err == nil || !strings.Contains(err.Error(), "no such key") {
		t.Errorf("missing key: %v", err)
	}
	matches, _ := filepath.Glob(prefix + "*tempstate*")
	if len(matches) != 0 {
		t.Errorf("temporary files left: %v", matches)
	}
}

func TestWriterRejects(t *testing.T) {
	w, err := Create(filepath.Join(t.TempDir(), "v"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add("", tensor.Scalar(float32(1))); err == nil {
		t.Error("empty key accepted")
	}
	if err := w.Add("a", tensor.Scalar(float32(1))); err != nil {
		t.Fatal(err)
	}
	if err := w.Add("a", tensor.Scalar(float32(2))); err == nil {
		t.Error("duplicate key accepted")
	}
	res, _ := tensor.Zeros(tensor.Resource, []int{1})
	if err := w.Add("r", res); err == nil {
		t.Error("resource tensor accepted")
	}
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	if err := w.Finish(); err == nil {
		t.Error("second Finish accepted")
	}
}

// Enough keys to fill several 256 KiB data blocks: the index then has one
// entry per block with LevelDB's shortest separators, and every block keeps
// the 16-entry restart rule.
func TestManyBlocks(t *testing.T) {
	tensors := map[string]*tensor.Tensor{}
	var order []string
	for i := 0; i < 12000; i++ {
		k := fmt.Sprintf("layer_%05d/kernel/.ATTRIBUTES/VARIABLE_VALUE", i)
		tensors[k] = tensor.Scalar(float32(i))
		order = append(order, k)
	}
	prefix := filepath.Join(t.TempDir(), "variables")
	writeBundle(t, prefix, tensors, order)
	idx, err := os.ReadFile(IndexFile(prefix))
	if err != nil {
		t.Fatal(err)
	}
	tb, err := parseTable(idx)
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.blocks) < 2 {
		t.Fatalf("%d data blocks, want several", len(tb.blocks))
	}
	checkLayout(t, "ours", tb)
	for i, blk := range tb.blocks {
		last := blk[len(blk)-1].key
		sep := tb.index[i].key
		if sep < last || (i+1 < len(tb.blocks) && sep >= tb.blocks[i+1][0].key) {
			t.Errorf("separator %d %q not in [%q, next first key)", i, sep, last)
		}
	}
	r, err := Open(prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, i := range []int{0, 5000, 11999} {
		if got := scalarF32(t, r, order[i]); got != float32(i) {
			t.Errorf("%s = %v", order[i], got)
		}
	}
}

func TestSeparators(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"abc", "abd", "abc"},     // adjacent bytes: no shorter key fits
		{"abc", "abz", "abd"},     // bump the first differing byte
		{"ab", "abc", "ab"},       // prefix: unchanged
		{"a\xffz", "b", "a\xffz"}, // 0xff cannot be bumped... a < b by one: unchanged
		{"helloworld", "hz", "hf"},
	}
	for _, c := range cases {
		if got := shortestSeparator(c.a, c.b); got != c.want {
			t.Errorf("shortestSeparator(%q, %q) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
	if got := shortSuccessor("_CHECKPOINTABLE_OBJECT_GRAPH"); got != "`" {
		t.Errorf("shortSuccessor = %q, want \"`\" (as in TF's file)", got)
	}
	if got := shortSuccessor("\xff\xffa"); got != "\xff\xffb" {
		t.Errorf("shortSuccessor = %q", got)
	}
}

func TestMaskCRC(t *testing.T) {
	for _, c := range []uint32{0, 1, 0xdeadbeef, 0xffffffff} {
		if unmaskCRC(maskCRC(c)) != c {
			t.Errorf("unmask(mask(%#x)) != %#x", c, c)
		}
	}
	// CRC-32C check value from RFC 3720 / iSCSI: "123456789" -> 0xe3069283.
	if got := crcExtend(0, []byte("123456789")); got != 0xe3069283 {
		t.Errorf("crc32c = %#x", got)
	}
}

func smallBundle(t *testing.T) (string, []byte, []byte) {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "variables")
	writeBundle(t, prefix, map[string]*tensor.Tensor{
		"a": tensor.Scalar(float32(0.5)),
		"s": tensor.Must(tensor.String, []int{2}, []string{"hello", "world"}),
	}, []string{"a", "s"})
	idx, _ := os.ReadFile(IndexFile(prefix))
	data, _ := os.ReadFile(DataFile(prefix, 0, 1))
	return prefix, idx, data
}

func TestCorruptIndex(t *testing.T) {
	prefix, idx, _ := smallBundle(t)
	// Every byte of every block and of the magic is covered by a check.
	blocksEnd := len(idx) - footerLen
	for i := 0; i < len(idx); i++ {
		if i >= blocksEnd && i < len(idx)-8 {
			continue // footer handles and padding
		}
		bad := append([]byte(nil), idx...)
		bad[i] ^= 0x20
		os.WriteFile(IndexFile(prefix), bad, 0o644)
		if r, err := Open(prefix); err == nil {
			r.Close()
			t.Errorf("flipped byte %d of %d: no error", i, len(idx))
		} else if !strings.Contains(err.Error(), "variables.index") {
			t.Errorf("error does not name the file: %v", err)
		}
	}
	for n := 0; n < len(idx); n++ {
		os.WriteFile(IndexFile(prefix), idx[:n], 0o644)
		if r, err := Open(prefix); err == nil {
			r.Close()
			t.Errorf("index truncated to %d bytes: no error", n)
		}
	}
	bad := append([]byte(nil), idx...)
	bad[0] ^= 1
	os.WriteFile(IndexFile(prefix), bad, 0o644)
	if _, err := Open(prefix); err == nil || !strings.Contains(err.Error(), "block 0: crc mismatch") {
		t.Errorf("flipped first byte: %v", err)
	}
}

func TestCorruptData(t *testing.T) {
	prefix, _, data := smallBundle(t)
	for i := range data {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x01
		os.WriteFile(DataFile(prefix, 0, 1), bad, 0o644)
		r, err := Open(prefix)
		if err != nil {
			t.Fatal(err)
		}
		_, errA := r.Tensor("a")
		_, errS := r.Tensor("s")
		if errA == nil && errS == nil {
			t.Errorf("flipped data byte %d: no error", i)
		}
		r.Close()
	}
	os.WriteFile(DataFile(prefix, 0, 1), data[:len(data)-1], 0o644)
	r, err := Open(prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Tensor("s"); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("truncated data: %v", err)
	}
	os.Remove(DataFile(prefix, 0, 1))
	if _, err := Open(prefix); err == nil || !strings.Contains(err.Error(), "variables.data-00000-of-00001") {
		t.Errorf("missing data file: %v", err)
	}
}

func TestHeaderChecks(t *testing.T) {
	entry := map[string]*tfpb.BundleEntryProto{}
	cases := []struct {
		h    *tfpb.BundleHeaderProto
		want string
	}{
		{&tfpb.BundleHeaderProto{NumShards: 0}, "num_shards"},
		{&tfpb.BundleHeaderProto{NumShards: 1, Endianness: tfpb.BundleHeaderProto_BIG}, "big-endian"},
		{&tfpb.BundleHeaderProto{NumShards: 1, Version: &tfpb.VersionDef{Producer: 1, MinConsumer: 2}}, "reader version"},
		{&tfpb.BundleHeaderProto{NumShards: 1, Version: &tfpb.VersionDef{Producer: 1, BadConsumers: []int32{1}}}, "marked bad"},
		{&tfpb.BundleHeaderProto{NumShards: 1, Version: &tfpb.VersionDef{Producer: -1}}, "producer"},
	}
	for _, c := range cases {
		idx, err := buildIndex(c.h, entry)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parseIndex(idx); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("header %v: error %v, want %q", c.h, err, c.want)
		}
	}
	// Entries pointing at a shard that does not exist.
	idx, _ := buildIndex(&tfpb.BundleHeaderProto{NumShards: 1}, map[string]*tfpb.BundleEntryProto{"x": {ShardId: 3}})
	if _, err := parseIndex(idx); err == nil || !strings.Contains(err.Error(), "shard 3") {
		t.Errorf("bad shard: %v", err)
	}
	// A sliced entry is reported, not misread.
	prefix := filepath.Join(t.TempDir(), "v")
	writeBundle(t, prefix, map[string]*tensor.Tensor{"x": tensor.Scalar(float32(1))}, []string{"x"})
	r, err := Open(prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.entries["x"].Slices = []*tfpb.TensorSliceProto{{}}
	if _, err := r.Tensor("x"); !errors.Is(err, ErrSliced) {
		t.Errorf("sliced entry: %v", err)
	}
	r.entries["x"].Slices = nil
	r.Close()
	if _, err := r.Tensor("x"); err == nil {
		t.Error("Tensor after Close: no error")
	}
}

func TestStringRecord(t *testing.T) {
	vals := []string{"a", "", "long string"}
	rec, crc := appendStrings(nil, vals)
	got, crc2, err := decodeStrings(rec, 3)
	if err != nil || crc != crc2 || !reflect.DeepEqual(got, vals) {
		t.Fatalf("decode: %v %v %x %x", got, err, crc, crc2)
	}
	// Independent construction: varint lengths, masked CRC of uint32 lengths.
	var lens []byte
	var l32 []byte
	for _, s := range vals {
		lens = binary.AppendUvarint(lens, uint64(len(s)))
		l32 = binary.LittleEndian.AppendUint32(l32, uint32(len(s)))
	}
	if string(rec[:len(lens)]) != string(lens) {
		t.Fatalf("lengths % x, want % x", rec[:len(lens)], lens)
	}
	if m := binary.LittleEndian.Uint32(rec[len(lens):]); m != maskCRC(crcExtend(0, l32)) {
		t.Fatalf("length checksum %#x", m)
	}
	for _, bad := range []struct {
		b []byte
		n int
	}{
		{rec[:len(rec)-1], 3}, {rec, 4}, {rec, 2}, {rec[:2], 3}, {[]byte{0xff, 0xff, 0xff}, 1},
	} {
		if _, _, err := decodeStrings(bad.b, bad.n); err == nil {
			t.Errorf("decodeStrings(% x, %d): no error", bad.b, bad.n)
		}
	}
}
