package tensorflow

import (
	"bytes"
	"encoding/hex"
	"math"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// Bytes from docs/savedmodel-format.md §4.5, produced there by TF's own
// protobuf classes.
func TestSessionConfigDocBytes(t *testing.T) {
	cases := []struct {
		name string
		cfg  SessionConfig
		hex  string
	}{
		{"empty", SessionConfig{}, ""},
		{"allow_growth", SessionConfig{AllowGrowth: true}, "32 02 20 01"},
		{"memory_fraction", SessionConfig{MemoryFraction: 0.5}, "32 09 09 00 00 00 00 00 00 e0 3f"},
		{"visible_devices", SessionConfig{VisibleDevices: "0"}, "32 03 2a 01 30"},
		{"hide_gpus", SessionConfig{HideGPUs: true}, "0a 07 0a 03 47 50 55 10 00"},
		{"threads", SessionConfig{IntraOpThreads: 4, InterOpThreads: 2}, "10 04 28 02"},
	}
	for _, c := range cases {
		want, err := hex.DecodeString(stripSpaces(c.hex))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.cfg.Marshal(); !bytes.Equal(got, want) {
			t.Errorf("%s: got % x, want % x", c.name, got, want)
		}
	}
}

func stripSpaces(s string) string {
	return string(bytes.ReplaceAll([]byte(s), []byte(" "), nil))
}

// field is one decoded protobuf field.
type field struct {
	num protowire.Number
	typ protowire.Type
	v   uint64
	b   []byte
}

// decodeFields is an independent reader of one message level.
func decodeFields(t *testing.T, b []byte) []field {
	t.Helper()
	var out []field
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			t.Fatalf("bad tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.v, n = protowire.ConsumeVarint(b)
		case protowire.Fixed64Type:
			f.v, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			f.b, n = protowire.ConsumeBytes(b)
		default:
			t.Fatalf("unexpected wire type %d", typ)
		}
		if n < 0 {
			t.Fatalf("field %d: %v", num, protowire.ParseError(n))
		}
		b = b[n:]
		out = append(out, f)
	}
	return out
}

func only(t *testing.T, fs []field, num protowire.Number) field {
	t.Helper()
	var got []field
	for _, f := range fs {
		if f.num == num {
			got = append(got, f)
		}
	}
	if len(got) != 1 {
		t.Fatalf("field %d appears %d times in %+v", num, len(got), fs)
	}
	return got[0]
}

func TestSessionConfigAllFields(t *testing.T) {
	cfg := SessionConfig{
		AllowGrowth: true, MemoryFraction: 0.25, VisibleDevices: "0,1", HideGPUs: true,
		IntraOpThreads: 8, InterOpThreads: 3, AllowSoftPlacement: true, JIT: JITOff,
	}
	top := decodeFields(t, cfg.Marshal())
	if len(top) != 6 {
		t.Fatalf("got %d top-level fields, want 6: %+v", len(top), top)
	}
	entry := decodeFields(t, only(t, top, 1).b)
	if k := only(t, entry, 1); string(k.b) != "GPU" {
		t.Errorf("device_count key %q", k.b)
	}
	if v := only(t, entry, 2); v.typ != protowire.VarintType || v.v != 0 {
		t.Errorf("device_count value %+v", v)
	}
	if f := only(t, top, 2); f.v != 8 {
		t.Errorf("intra_op_parallelism_threads = %d", f.v)
	}
	if f := only(t, top, 5); f.v != 3 {
		t.Errorf("inter_op_parallelism_threads = %d", f.v)
	}
	gpu := decodeFields(t, only(t, top, 6).b)
	if f := only(t, gpu, 1); f.typ != protowire.Fixed64Type || math.Float64frombits(f.v) != 0.25 {
		t.Errorf("per_process_gpu_memory_fraction %+v", f)
	}
	if f := only(t, gpu, 4); f.v != 1 {
		t.Errorf("allow_growth %+v", f)
	}
	if f := only(t, gpu, 5); string(f.b) != "0,1" {
		t.Errorf("visible_device_list %q", f.b)
	}
	if f := only(t, top, 7); f.v != 1 {
		t.Errorf("allow_soft_placement %+v", f)
	}
	graph := decodeFields(t, only(t, top, 10).b)
	opt := decodeFields(t, only(t, graph, 3).b)
	if f := only(t, opt, 5); int32(int64(f.v)) != -1 {
		t.Errorf("global_jit_level = %d, want -1 (OFF)", int64(f.v))
	}
	// A negative int32 enum is a ten-byte varint.
	if n := len(appendInt32(nil, 5, -1)); n != 11 {
		t.Errorf("int32 -1 field is %d bytes, want 11", n)
	}
	// ON_2 = 2.
	opt2 := decodeFields(t, only(t, decodeFields(t, only(t, decodeFields(t, SessionConfig{JIT: JITOn2}.Marshal()), 10).b), 3).b)
	if f := only(t, opt2, 5); f.v != 2 {
		t.Errorf("global_jit_level = %d, want 2", f.v)
	}
}
