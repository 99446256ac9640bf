package textops

import (
	"fmt"
	"sync"

	"github.com/scorekit/score/tensor"
)

// Table is a lookup table resource (HashTableV2 or MutableHashTableV2) with
// scalar keys (string or an integer type, held as int64) and scalar values.
// Find, Size and Export may run concurrently; Insert and Import lock it.
type Table struct {
	Name      string
	KeyType   tensor.DType
	ValueType tensor.DType
	Mutable   bool

	mu          sync.RWMutex
	initialized bool
	skeys       map[string]int // key -> index into keys/vals
	ikeys       map[int64]int
	keys        []any // string or int64, in insertion order (for Export)
	vals        any   // typed slice of ValueType
}

// NewTable returns an empty table.
func NewTable(name string, keyType, valueType tensor.DType, mutable bool) (*Table, error) {
	switch keyType {
	case tensor.String, tensor.Int64, tensor.Int32:
	default:
		return nil, fmt.Errorf("table %s: unsupported key type %s", name, keyType)
	}
	vals, err := tensor.MakeSlice(valueType, 0)
	if err != nil || valueType == tensor.Resource || valueType == tensor.Variant {
		return nil, fmt.Errorf("table %s: unsupported value type %s", name, valueType)
	}
	return &Table{Name: name, KeyType: keyType, ValueType: valueType, Mutable: mutable,
		skeys: map[string]int{}, ikeys: map[int64]int{}, vals: vals}, nil
}

// Size is the number of entries.
func (t *Table) Size() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.keys)
}

// Initialized reports whether a static table was initialised.
func (t *Table) Initialized() bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.initialized
}

// keyList flattens a key tensor to string or int64 keys.
func (t *Table) keyList(keys *tensor.Tensor) ([]string, []int64, error) {
	if keys.DType() != t.KeyType {
		return nil, nil, fmt.Errorf("table %s: key dtype %s, table wants %s", t.Name, keys.DType(), t.KeyType)
	}
	switch v := keys.Data().(type) {
	case []string:
		return v, nil, nil
	case []int64:
		return nil, v, nil
	case []int32:
		out := make([]int64, len(v))
		for i, x := range v {
			out[i] = int64(x)
		}
		return nil, out, nil
	}
	return nil, nil, fmt.Errorf("table %s: unsupported keys %s", t.Name, keys)
}

// insert adds or (mutable tables) overwrites pairs; a static table refuses
// a key already present with a different value, as TensorFlow does.
func (t *Table) insertLocked(keys, vals *tensor.Tensor) error {
	if vals.DType() != t.ValueType {
		return fmt.Errorf("table %s: value dtype %s, table wants %s", t.Name, vals.DType(), t.ValueType)
	}
	if keys.NumElements() != vals.NumElements() {
		return fmt.Errorf("table %s: %d keys but %d values", t.Name, keys.NumElements(), vals.NumElements())
	}
	sk, ik, err := t.keyList(keys)
	if err != nil {
		return err
	}
	for i := 0; i < keys.NumElements(); i++ {
		var idx int
		var ok bool
		var k any
		if sk != nil {
			k = sk[i]
			idx, ok = t.skeys[sk[i]]
		} else {
			k = ik[i]
			idx, ok = t.ikeys[ik[i]]
		}
		if ok {
			if t.Mutable {
				setValue(t.vals, idx, vals.Data(), i)
				continue
			}
			if !sameValue(t.vals, idx, vals.Data(), i) {
				return fmt.Errorf("table %s: HashTable has different value for same key. Key %v has %v and trying to add value %v",
					t.Name, k, valueAt(t.vals, idx), valueAt(vals.Data(), i))
			}
			continue
		}
		idx = len(t.keys)
		t.keys = append(t.keys, k)
		t.vals = appendValue(t.vals, vals.Data(), i)
		if sk != nil {
			t.skeys[sk[i]] = idx
		} else {
			t.ikeys[ik[i]] = idx
		}
	}
	return nil
}

// Init fills a static table once; later calls are no-ops (TensorFlow's
// initializer ops on an initialised table). fill runs under the write lock.
func (t *Table) Init(fill func(insert func(keys, vals *tensor.Tensor) error) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.initialized && !t.Mutable {
		return nil
	}
	if err := fill(t.insertLocked); err != nil {
		t.clearLocked()
		return err
	}
	t.initialized = true
	return nil
}

// Import replaces a mutable table's contents (LookupTableImportV2) or
// initialises a static one.
func (t *Table) Import(keys, vals *tensor.Tensor) error {
	if !t.Mutable {
		return t.Init(func(insert func(k, v *tensor.Tensor) error) error { return insert(keys, vals) })
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.clearLocked()
	return t.insertLocked(keys, vals)
}

// Insert adds or overwrites pairs (LookupTableInsertV2, mutable tables).
func (t *Table) Insert(keys, vals *tensor.Tensor) error {
	if !t.Mutable {
		return fmt.Errorf("table %s: insert into a static HashTable", t.Name)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.insertLocked(keys, vals)
}

func (t *Table) clearLocked() {
	t.skeys, t.ikeys, t.keys = map[string]int{}, map[int64]int{}, nil
	t.vals, _ = tensor.MakeSlice(t.ValueType, 0)
	t.initialized = false
}

// Find looks up every key; missing keys take def, which is a scalar or has
// the keys' shape. The result has the keys' shape.
func (t *Table) Find(keys, def *tensor.Tensor) (*tensor.Tensor, error) {
	out, err := tensor.Zeros(t.ValueType, keys.Shape())
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", t.Name, err)
	}
	if err := t.FindInto(out, keys, def); err != nil {
		return nil, err
	}
	return out, nil
}

// FindInto is Find storing into out, a tensor of the keys' shape and the
// table's value type, every element of which it overwrites.
func (t *Table) FindInto(out, keys, def *tensor.Tensor) error {
	if def.DType() != t.ValueType {
		return fmt.Errorf("table %s: default_value dtype %s, table wants %s", t.Name, def.DType(), t.ValueType)
	}
	if def.NumElements() != 1 && !sameShape(def.Shape(), keys.Shape()) {
		return fmt.Errorf("table %s: default_value %s must be a scalar or have the keys' shape %s", t.Name, def, keys)
	}
	if out.DType() != t.ValueType || !sameShape(out.Shape(), keys.Shape()) {
		return fmt.Errorf("table %s: output %s for keys %s", t.Name, out, keys)
	}
	sk, ik, err := t.keyList(keys)
	if err != nil {
		return err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	if err := findValues(t, sk, ik, out.Data(), def.Data()); err != nil {
		return fmt.Errorf("table %s: %w", t.Name, err)
	}
	return nil
}

// Export returns all keys and values (insertion order).
func (t *Table) Export() (*tensor.Tensor, *tensor.Tensor, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	n := len(t.keys)
	kdata, _ := tensor.MakeSlice(t.KeyType, n)
	for i, k := range t.keys {
		switch d := kdata.(type) {
		case []string:
			d[i] = k.(string)
		case []int64:
			d[i] = k.(int64)
		case []int32:
			d[i] = int32(k.(int64))
		}
	}
	kt, err := tensor.New(t.KeyType, []int{n}, kdata)
	if err != nil {
		return nil, nil, err
	}
	vt, err := tensor.New(t.ValueType, []int{n}, t.vals) // appended with the keys
	if err != nil {
		return nil, nil, fmt.Errorf("table %s: %w", t.Name, err)
	}
	return kt, vt.Clone(), nil
}
