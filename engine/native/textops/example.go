package textops

import (
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// Feature is one decoded tf.train.Feature: exactly one of the lists is
// non-nil (an empty list of a kind is a non-nil empty slice), or Kind is 0
// when the Feature message set no list.
type Feature struct {
	Kind   int // 1 bytes_list, 2 float_list, 3 int64_list
	Bytes  []string
	Floats []float32
	Ints   []int64
}

// maxExampleValues bounds the values one Example may declare through packed
// lengths, so a hostile length cannot force a huge allocation up front.
const maxExampleValues = 1 << 26

// ParseExample decodes a serialized tf.train.Example, keeping only the
// features in want (all features when want is nil). Unknown fields are
// skipped; a repeated map key keeps its last value, as protobuf maps do.
func ParseExample(b []byte, want map[string]bool) (map[string]*Feature, error) {
	out := map[string]*Feature{}
	err := eachField(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		if num != 1 || typ != protowire.BytesType { // Example.features
			return nil
		}
		return eachField(v, func(num protowire.Number, typ protowire.Type, entry []byte) error {
			if num != 1 || typ != protowire.BytesType { // Features.feature map entry
				return nil
			}
			var key string
			var val []byte
			if err := eachField(entry, func(num protowire.Number, typ protowire.Type, v []byte) error {
				switch {
				case num == 1 && typ == protowire.BytesType:
					key = string(v)
				case num == 2 && typ == protowire.BytesType:
					val = v
				}
				return nil
			}); err != nil {
				return err
			}
			if want != nil && !want[key] {
				return nil
			}
			f, err := parseFeature(val)
			if err != nil {
				return fmt.Errorf("feature %q: %w", key, err)
			}
			out[key] = f
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachField walks the fields of one message; fn gets the raw bytes of
// length-delimited fields and nil for others.
func eachField(b []byte, fn func(protowire.Number, protowire.Type, []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("bad tag: %w", protowire.ParseError(n))
		}
		b = b[n:]
		var v []byte
		if typ == protowire.BytesType {
			v, n = protowire.ConsumeBytes(b)
		} else {
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return fmt.Errorf("field %d: %w", num, protowire.ParseError(n))
		}
		b = b[n:]
		if err := fn(num, typ, v); err != nil {
			return err
		}
	}
	return nil
}

func parseFeature(b []byte) (*Feature, error) {
	f := &Feature{}
	err := eachField(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		if typ != protowire.BytesType || num < 1 || num > 3 {
			return nil
		}
		// A later list of another kind replaces the earlier (oneof).
		f.Kind = int(num)
		f.Bytes, f.Floats, f.Ints = nil, nil, nil
		switch num {
		case 1:
			f.Bytes = []string{}
			return eachField(v, func(n protowire.Number, t protowire.Type, s []byte) error {
				if n == 1 && t == protowire.BytesType {
					if len(f.Bytes) >= maxExampleValues {
						return fmt.Errorf("too many values")
					}
					f.Bytes = append(f.Bytes, string(s))
				}
				return nil
			})
		case 2:
			f.Floats = []float32{}
			return eachScalar(v, func(x uint64, t protowire.Type) {
				if t == protowire.Fixed32Type {
					f.Floats = append(f.Floats, math.Float32frombits(uint32(x)))
				}
			}, protowire.Fixed32Type)
		default:
			f.Ints = []int64{}
			return eachScalar(v, func(x uint64, t protowire.Type) {
				if t == protowire.VarintType {
					f.Ints = append(f.Ints, int64(x))
				}
			}, protowire.VarintType)
		}
	})
	return f, err
}

// eachScalar walks field 1 of a FloatList/Int64List in packed or unpacked
// form, calling fn with each value and its wire type.
func eachScalar(b []byte, fn func(uint64, protowire.Type), elem protowire.Type) error {
	count := 0
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("bad tag: %w", protowire.ParseError(n))
		}
		b = b[n:]
		if num == 1 && typ == protowire.BytesType { // packed
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return fmt.Errorf("packed values: %w", protowire.ParseError(m))
			}
			b = b[m:]
			for len(v) > 0 {
				var x uint64
				var k int
				if elem == protowire.Fixed32Type {
					var x32 uint32
					x32, k = protowire.ConsumeFixed32(v)
					x = uint64(x32)
				} else {
					x, k = protowire.ConsumeVarint(v)
				}
				if k < 0 {
					return fmt.Errorf("packed value: %w", protowire.ParseError(k))
				}
				v = v[k:]
				if count++; count > maxExampleValues {
					return fmt.Errorf("too many values")
				}
				fn(x, elem)
			}
			continue
		}
		var x uint64
		switch typ {
		case protowire.Fixed32Type:
			var x32 uint32
			x32, n = protowire.ConsumeFixed32(b)
			x = uint64(x32)
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return fmt.Errorf("field %d: %w", num, protowire.ParseError(n))
		}
		b = b[n:]
		if num == 1 {
			if count++; count > maxExampleValues {
				return fmt.Errorf("too many values")
			}
			fn(x, typ)
		}
	}
	return nil
}
