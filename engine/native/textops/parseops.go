package textops

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

func parseDefs() []op.Def {
	return []op.Def{
		{Spec: "ParseExample(serialized: string, names: string, sparse_keys: Nsparse * string, dense_keys: Ndense * string, dense_defaults: Tdense) -> " +
			"(sparse_indices: Nsparse * int64, sparse_values: sparse_types, sparse_shapes: Nsparse * int64, dense_values: Tdense); " +
			"Nsparse: int; Ndense: int; sparse_types: list(type); Tdense: list(type); dense_shapes: list(shape)", Kernel: parseExampleV1},
		{Spec: "ParseExampleV2(serialized: string, names: string, sparse_keys: string, dense_keys: string, ragged_keys: string, dense_defaults: Tdense) -> " +
			"(sparse_indices: num_sparse * int64, sparse_values: sparse_types, sparse_shapes: num_sparse * int64, dense_values: Tdense, ragged_values: ragged_value_types, ragged_row_splits: ragged_split_types); " +
			"Tdense: list(type); num_sparse: int; sparse_types: list(type); ragged_value_types: list(type); ragged_split_types: list(type); dense_shapes: list(shape)", Kernel: parseExampleV2},
	}
}

// exampleSpec is what to extract from each Example.
type exampleSpec struct {
	sparseKeys  []string
	sparseTypes []tensor.DType
	denseKeys   []string
	denseTypes  []tensor.DType
	denseShapes [][]int
	defaults    []*tensor.Tensor
}

func keyStrings(c op.Context, what string, ts ...*tensor.Tensor) ([]string, error) {
	var out []string
	for _, t := range ts {
		v, ok := t.Data().([]string)
		if !ok || t.Rank() > 1 {
			return nil, c.Errorf("%s must be string scalars or a vector, got %s", what, t)
		}
		out = append(out, v...)
	}
	return out, nil
}

func (s *exampleSpec) readAttrs(c op.Context) error {
	var err error
	if s.sparseTypes, err = op.Types(c, "sparse_types"); err != nil {
		return err
	}
	if s.denseTypes, err = op.Types(c, "Tdense"); err != nil {
		return err
	}
	v, ok := c.Attr("dense_shapes")
	if !ok {
		return c.Errorf("missing attr \"dense_shapes\"")
	}
	l, ok := v.Value.(*tfpb.AttrValue_List)
	if !ok {
		return c.Errorf("attr \"dense_shapes\" is not a list")
	}
	for _, sp := range l.List.GetShape() {
		dims, known := savedmodel.ShapeFromProto(sp)
		if !known {
			return c.Errorf("dense_shapes must have known ranks")
		}
		s.denseShapes = append(s.denseShapes, dims)
	}
	if len(s.sparseKeys) != len(s.sparseTypes) || len(s.denseKeys) != len(s.denseTypes) ||
		len(s.denseShapes) != len(s.denseTypes) || len(s.defaults) != len(s.denseTypes) {
		return c.Errorf("%d sparse keys for %d sparse_types; %d dense keys, %d Tdense, %d dense_shapes, %d defaults",
			len(s.sparseKeys), len(s.sparseTypes), len(s.denseKeys), len(s.denseTypes), len(s.denseShapes), len(s.defaults))
	}
	return nil
}

func parseExampleV1(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	ns, err := op.Int(c, "Nsparse")
	if err != nil {
		return nil, err
	}
	nd, err := op.Int(c, "Ndense")
	if err != nil {
		return nil, err
	}
	if int(2+2*ns+2*nd) != len(in) {
		return nil, c.Errorf("%d inputs for Nsparse %d, Ndense %d", len(in), ns, nd)
	}
	var s exampleSpec
	if s.sparseKeys, err = keyStrings(c, "sparse_keys", in[2:2+ns]...); err != nil {
		return nil, err
	}
	if s.denseKeys, err = keyStrings(c, "dense_keys", in[2+ns:2+ns+nd]...); err != nil {
		return nil, err
	}
	s.defaults = in[2+ns+nd:]
	if err := s.readAttrs(c); err != nil {
		return nil, err
	}
	if in[0].Rank() != 1 {
		return nil, c.Errorf("serialized must be a vector, got %s", in[0])
	}
	return parseBatch(c, in[0], &s)
}

func parseExampleV2(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	var s exampleSpec
	var err error
	if s.sparseKeys, err = keyStrings(c, "sparse_keys", in[2]); err != nil {
		return nil, err
	}
	if s.denseKeys, err = keyStrings(c, "dense_keys", in[3]); err != nil {
		return nil, err
	}
	ragged, err := keyStrings(c, "ragged_keys", in[4])
	if err != nil {
		return nil, err
	}
	if len(ragged) > 0 {
		return nil, c.Errorf("ragged features are not supported (%d ragged keys)", len(ragged))
	}
	s.defaults = in[5:]
	if err := s.readAttrs(c); err != nil {
		return nil, err
	}
	if in[0].Rank() > 1 {
		return nil, c.Errorf("serialized must be a scalar or vector, got %s", in[0])
	}
	return parseBatch(c, in[0], &s)
}

func kindOf(dt tensor.DType) int {
	switch dt {
	case tensor.String:
		return 1
	case tensor.Float:
		return 2
	case tensor.Int64:
		return 3
	}
	return 0
}

func kindName(k int) string {
	return [...]string{"none", "bytes_list (string)", "float_list (float)", "int64_list (int64)"}[k]
}

// featureLen is the number of values a feature holds.
func featureLen(f *Feature) int { return len(f.Bytes) + len(f.Floats) + len(f.Ints) }

// parseBatch parses every serialized Example and assembles TensorFlow's
// outputs: per sparse key (indices, values, dense shape), per dense key a
// [batch] + dense_shape tensor (a leading -1 in dense_shape pads the rows to
// the longest example with the default).
func parseBatch(c op.Context, ser *tensor.Tensor, s *exampleSpec) ([]*tensor.Tensor, error) {
	docs := ser.Data().([]string)
	scalar := ser.Rank() == 0
	want := map[string]bool{}
	for _, k := range append(append([]string{}, s.sparseKeys...), s.denseKeys...) {
		want[k] = true
	}
	parsed := make([]map[string]*Feature, len(docs))
	for i, d := range docs {
		m, err := ParseExample([]byte(d), want)
		if err != nil {
			return nil, c.Errorf("could not parse example input %d: %v", i, err)
		}
		parsed[i] = m
	}
	check := func(key string, dt tensor.DType, i int, f *Feature) error {
		if f.Kind != 0 && f.Kind != kindOf(dt) {
			return c.Errorf("name: <unknown>, feature: %s (example %d): data types don't match: expected %s, got %s", key, i, kindName(kindOf(dt)), kindName(f.Kind))
		}
		return nil
	}
	ns := len(s.sparseKeys)
	out := make([]*tensor.Tensor, 3*ns, 3*ns+len(s.denseKeys))
	for j, key := range s.sparseKeys {
		dt := s.sparseTypes[j]
		if kindOf(dt) == 0 {
			return nil, c.Errorf("sparse feature %s: unsupported type %s", key, dt)
		}
		var idx []int64
		vals := newValues(dt)
		maxLen := 0
		for i, m := range parsed {
			f := m[key]
			if f == nil {
				continue
			}
			if err := check(key, dt, i, f); err != nil {
				return nil, err
			}
			n := featureLen(f)
			for p := 0; p < n; p++ {
				if !scalar {
					idx = append(idx, int64(i))
				}
				idx = append(idx, int64(p))
			}
			vals.add(f)
			maxLen = max(maxLen, n)
		}
		rank := 2
		shape := []int64{int64(len(docs)), int64(maxLen)}
		if scalar {
			rank, shape = 1, []int64{int64(maxLen)}
		}
		if idx == nil {
			idx = []int64{}
		}
		out[j] = tensor.Must(tensor.Int64, []int{len(idx) / rank, rank}, idx)
		out[ns+j] = vals.tensor()
		out[2*ns+j] = tensor.Must(tensor.Int64, []int{rank}, shape)
	}
	for k, key := range s.denseKeys {
		t, err := denseFeature(c, parsed, key, s.denseTypes[k], s.denseShapes[k], s.defaults[k], scalar, check)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func denseFeature(c op.Context, parsed []map[string]*Feature, key string, dt tensor.DType, shape []int, def *tensor.Tensor,
	scalar bool, check func(string, tensor.DType, int, *Feature) error) (*tensor.Tensor, error) {
	if kindOf(dt) == 0 || def.DType() != dt {
		return nil, c.Errorf("dense feature %s: type %s with a %s default", key, dt, def)
	}
	variable := len(shape) > 0 && shape[0] < 0
	inner := shape
	if variable {
		inner = shape[1:]
	}
	for _, d := range inner {
		if d < 0 {
			return nil, c.Errorf("dense feature %s: shape %s has an unknown inner dimension", key, tensor.ShapeString(shape))
		}
	}
	innerSize := tensor.NumElements(inner)
	rows := 1
	if variable {
		rows = 0
		for i, m := range parsed {
			if f := m[key]; f != nil {
				if err := check(key, dt, i, f); err != nil {
					return nil, err
				}
				n := featureLen(f)
				if innerSize == 0 || n%innerSize != 0 {
					return nil, c.Errorf("key: %s, index: %d: number of values %d is not a multiple of %d", key, i, n, innerSize)
				}
				rows = max(rows, n/innerSize)
			}
		}
		if def.NumElements() != 1 {
			return nil, c.Errorf("dense feature %s: a variable-length feature needs a scalar default, got %s", key, def)
		}
	}
	per := rows * innerSize
	vals := newValues(dt)
	for i, m := range parsed {
		f := m[key]
		if f != nil && f.Kind != 0 {
			if err := check(key, dt, i, f); err != nil {
				return nil, err
			}
			n := featureLen(f)
			if !variable && n != per {
				return nil, c.Errorf("name: <unknown>, key: %s, index: %d: number of %s values != expected: values size %d but output shape %s",
					key, i, dt, n, tensor.ShapeString(shape))
			}
			vals.add(f)
			vals.fill(def, per-n)
			continue
		}
		switch def.NumElements() {
		case 0:
			return nil, c.Errorf("name: <unknown>, feature: %s (data type: %s) is required but could not be found (example %d)", key, dt, i)
		case 1:
			vals.fill(def, per)
		case per:
			vals.addTensor(def)
		default:
			return nil, c.Errorf("dense feature %s: default %s does not fit shape %s", key, def, tensor.ShapeString(shape))
		}
	}
	outShape := append([]int{}, shape...)
	if variable {
		outShape[0] = rows
	}
	if !scalar {
		outShape = append([]int{len(parsed)}, outShape...)
	}
	t := vals.tensor()
	r, err := t.Reshape(outShape)
	if err != nil {
		return nil, c.Errorf("dense feature %s: %v", key, err)
	}
	return r, nil
}

// values accumulates feature values of one dtype.
type values struct {
	dt     tensor.DType
	strs   []string
	floats []float32
	ints   []int64
}

func newValues(dt tensor.DType) *values { return &values{dt: dt} }

func (v *values) add(f *Feature) {
	v.strs = append(v.strs, f.Bytes...)
	v.floats = append(v.floats, f.Floats...)
	v.ints = append(v.ints, f.Ints...)
}

func (v *values) fill(def *tensor.Tensor, n int) {
	for ; n > 0; n-- {
		switch d := def.Data().(type) {
		case []string:
			v.strs = append(v.strs, d[0])
		case []float32:
			v.floats = append(v.floats, d[0])
		case []int64:
			v.ints = append(v.ints, d[0])
		}
	}
}

func (v *values) addTensor(t *tensor.Tensor) {
	switch d := t.Data().(type) {
	case []string:
		v.strs = append(v.strs, d...)
	case []float32:
		v.floats = append(v.floats, d...)
	case []int64:
		v.ints = append(v.ints, d...)
	}
}

func (v *values) tensor() *tensor.Tensor {
	switch v.dt {
	case tensor.String:
		return tensor.Must(tensor.String, []int{len(v.strs)}, append([]string{}, v.strs...))
	case tensor.Float:
		return tensor.Must(tensor.Float, []int{len(v.floats)}, append([]float32{}, v.floats...))
	}
	return tensor.Must(tensor.Int64, []int{len(v.ints)}, append([]int64{}, v.ints...))
}
