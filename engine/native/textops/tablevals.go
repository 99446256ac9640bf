package textops

import "fmt"

// Typed-slice helpers for table values: the value slice is one of the Go
// slice types tensor uses.

func appendValue(dst, src any, i int) any {
	switch d := dst.(type) {
	case []int64:
		return append(d, src.([]int64)[i])
	case []int32:
		return append(d, src.([]int32)[i])
	case []string:
		return append(d, src.([]string)[i])
	case []float32:
		return append(d, src.([]float32)[i])
	case []float64:
		return append(d, src.([]float64)[i])
	case []bool:
		return append(d, src.([]bool)[i])
	}
	panic(fmt.Sprintf("textops: table value slice %T", dst)) // NewTable refuses other types
}

func setValue(dst any, j int, src any, i int) {
	switch d := dst.(type) {
	case []int64:
		d[j] = src.([]int64)[i]
	case []int32:
		d[j] = src.([]int32)[i]
	case []string:
		d[j] = src.([]string)[i]
	case []float32:
		d[j] = src.([]float32)[i]
	case []float64:
		d[j] = src.([]float64)[i]
	case []bool:
		d[j] = src.([]bool)[i]
	}
}

func valueAt(s any, i int) any {
	switch d := s.(type) {
	case []int64:
		return d[i]
	case []int32:
		return d[i]
	case []string:
		return d[i]
	case []float32:
		return d[i]
	case []float64:
		return d[i]
	case []bool:
		return d[i]
	}
	return nil
}

func sameValue(a any, j int, b any, i int) bool { return valueAt(a, j) == valueAt(b, i) }

// findValues stores into dst, for each key (sk or ik, whichever is set),
// its value or else the default (one value, or one per key). The caller
// holds t.mu.
func findValues(t *Table, sk []string, ik []int64, dst, def any) error {
	switch d := dst.(type) {
	case []int64:
		return findT(t, sk, ik, d, def)
	case []int32:
		return findT(t, sk, ik, d, def)
	case []string:
		return findT(t, sk, ik, d, def)
	case []float32:
		return findT(t, sk, ik, d, def)
	case []float64:
		return findT(t, sk, ik, d, def)
	case []bool:
		return findT(t, sk, ik, d, def)
	}
	return fmt.Errorf("unsupported value slice %T", dst)
}

func findT[T any](t *Table, sk []string, ik []int64, dst []T, def any) error {
	vals, ok := t.vals.([]T)
	if !ok {
		return fmt.Errorf("values %T do not match the output %T", t.vals, dst)
	}
	d, ok := def.([]T)
	if !ok {
		return fmt.Errorf("default value %T does not match values %T", def, t.vals)
	}
	if sk != nil {
		findIn(t.skeys, sk[:len(dst)], vals, d, dst)
	} else {
		findIn(t.ikeys, ik[:len(dst)], vals, d, dst)
	}
	return nil
}

// findIn stores vals[index[k]] for each key k, or the default (one value,
// or one per key) for a key index lacks.
func findIn[K comparable, T any](index map[K]int, keys []K, vals, def, dst []T) {
	for i, k := range keys {
		switch j, ok := index[k]; {
		case ok:
			dst[i] = vals[j]
		case len(def) == 1:
			dst[i] = def[0]
		default:
			dst[i] = def[i]
		}
	}
}
