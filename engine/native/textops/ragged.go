package textops

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

func raggedDefs() []op.Def {
	return []op.Def{{
		Spec: "RaggedTensorToTensor(shape: Tshape, values: T, default_value: T, row_partition_tensors: num_row_partition_tensors * Tindex) -> (result: T); " +
			"T: type; Tindex: type; Tshape: type; num_row_partition_tensors: int; row_partition_types: list(string)",
		Kernel: raggedToTensor,
	}}
}

// level describes one ragged dimension: for each element of the level, its
// parent in the level above and its position inside that parent.
type level struct {
	parent []int
	pos    []int
	width  int // natural size: the longest row
}

// raggedToTensor implements RaggedTensorToTensor for the partition
// encodings TensorFlow emits: [FIRST_DIM_SIZE, VALUE_ROWIDS, ...] and
// [ROW_SPLITS, ...]. The result is filled with default_value (broadcast to
// the values' inner shape); each dim of `shape` that is >= 0 fixes the output
// size, truncating longer rows and padding shorter ones, and -1 (or an
// unknown-rank shape) takes the natural bounding size.
func raggedToTensor(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	types, err := op.Strings(c, "row_partition_types")
	if err != nil {
		return nil, err
	}
	shapeT, values, def, parts := in[0], in[1], in[2], in[3:]
	if len(types) != len(parts) {
		return nil, c.Errorf("%d row_partition_types for %d row_partition_tensors", len(types), len(parts))
	}
	if len(types) == 0 {
		return nil, c.Errorf("no row partitions")
	}
	if values.Rank() < 1 {
		return nil, c.Errorf("values must have rank >= 1, got %s", values)
	}
	var nrows int
	switch types[0] {
	case "FIRST_DIM_SIZE":
		v, err := intsOf(c, "first_dim_size", parts[0])
		if err != nil {
			return nil, err
		}
		if len(v) != 1 || v[0] < 0 {
			return nil, c.Errorf("FIRST_DIM_SIZE must be a non-negative scalar, got %s", parts[0])
		}
		nrows = int(v[0])
		types, parts = types[1:], parts[1:]
	case "ROW_SPLITS":
		nrows = parts[0].NumElements() - 1
		if nrows < 0 {
			return nil, c.Errorf("row_splits must not be empty")
		}
	default:
		return nil, c.Errorf("unsupported first row partition type %q", types[0])
	}
	levels := make([]level, len(types))
	parents := nrows
	for k, typ := range types {
		v, err := intsOf(c, "row_partition_tensors", parts[k])
		if err != nil {
			return nil, err
		}
		var lv level
		switch typ {
		case "VALUE_ROWIDS":
			lv, err = fromRowIDs(v, parents)
		case "ROW_SPLITS":
			lv, err = fromSplits(v, parents)
		default:
			return nil, c.Errorf("unsupported row partition type %q at level %d", typ, k)
		}
		if err != nil {
			return nil, c.Errorf("row partition %d (%s): %v", k, typ, err)
		}
		levels[k] = lv
		parents = len(lv.parent)
	}
	if parents != values.Dim(0) {
		return nil, c.Errorf("row partitions describe %d values, values has %d", parents, values.Dim(0))
	}
	inner := values.Shape()[1:]
	natural := append([]int{nrows}, make([]int, len(levels))...)
	for k, lv := range levels {
		natural[k+1] = lv.width
	}
	natural = append(natural, inner...)
	outShape, err := outputShape(c, shapeT, natural, len(levels)+1)
	if err != nil {
		return nil, err
	}
	innerSize := tensor.NumElements(inner)
	if !defaultFits(def.Shape(), inner) {
		return nil, c.Errorf("default_value %s does not broadcast to the values' inner shape %s", def, tensor.ShapeString(inner))
	}
	out, err := tensor.Zeros(values.DType(), outShape)
	if err != nil {
		return nil, c.Errorf("result %s: %v", tensor.ShapeString(outShape), err)
	}
	if def.DType() != values.DType() {
		return nil, c.Errorf("default_value %s does not match values %s", def, values)
	}
	fillDefault(out.Data(), def.Data(), innerSize)
	// Strides of the output over its ragged dims.
	strides := make([]int, len(levels)+1)
	s := tensor.NumElements(outShape[len(levels)+1:])
	for k := len(levels); k >= 0; k-- {
		strides[k] = s
		s *= outShape[k]
	}
	offs := make([]int, nrows)
	for r := range offs {
		offs[r] = -1
		if r < outShape[0] {
			offs[r] = r * strides[0]
		}
	}
	for k, lv := range levels {
		next := make([]int, len(lv.parent))
		for j, p := range lv.parent {
			next[j] = -1
			if offs[p] >= 0 && lv.pos[j] < outShape[k+1] {
				next[j] = offs[p] + lv.pos[j]*strides[k+1]
			}
		}
		offs = next
	}
	copyBlocks(out.Data(), values.Data(), offs, innerSize)
	return []*tensor.Tensor{out}, nil
}

func fromRowIDs(ids []int64, parents int) (level, error) {
	lv := level{parent: make([]int, len(ids)), pos: make([]int, len(ids))}
	prev, run := int64(-1), 0
	for i, id := range ids {
		if id < 0 || id >= int64(parents) {
			return lv, errf("value_rowids[%d] = %d out of range [0, %d)", i, id, parents)
		}
		if id < prev {
			return lv, errf("value_rowids must be sorted, got %d after %d", id, prev)
		}
		if id != prev {
			run = 0
		}
		lv.parent[i], lv.pos[i] = int(id), run
		run++
		lv.width = max(lv.width, run)
		prev = id
	}
	return lv, nil
}

func fromSplits(splits []int64, parents int) (level, error) {
	if len(splits) != parents+1 {
		return level{}, errf("row_splits has %d entries for %d rows", len(splits), parents)
	}
	if splits[0] != 0 {
		return level{}, errf("row_splits must start with 0, got %d", splits[0])
	}
	n := splits[len(splits)-1]
	if n < 0 || n > 1<<40 {
		return level{}, errf("invalid row_splits end %d", n)
	}
	lv := level{parent: make([]int, n), pos: make([]int, n)}
	for p := 0; p < parents; p++ {
		a, b := splits[p], splits[p+1]
		if b < a || b > n {
			return lv, errf("row_splits must be non-decreasing and <= %d, got %d after %d", n, b, a)
		}
		for j := a; j < b; j++ {
			lv.parent[j], lv.pos[j] = p, int(j-a)
		}
		lv.width = max(lv.width, int(b-a))
	}
	return lv, nil
}

// outputShape merges the requested shape (−1 = natural) with the natural one.
func outputShape(c op.Context, shapeT *tensor.Tensor, natural []int, raggedDims int) ([]int, error) {
	req, err := intsOf(c, "shape", shapeT)
	if err != nil {
		return nil, err
	}
	out := append([]int(nil), natural...)
	if shapeT.Rank() == 0 {
		return out, nil // unknown rank: natural shape
	}
	if len(req) != len(natural) {
		return nil, c.Errorf("shape %v has rank %d, the result has rank %d", req, len(req), len(natural))
	}
	for i, d := range req {
		if d < -1 {
			return nil, c.Errorf("invalid shape dimension %d", d)
		}
		if d >= 0 {
			if i >= raggedDims && int(d) != natural[i] {
				return nil, c.Errorf("shape dimension %d is %d but the values' inner dimension is %d", i, d, natural[i])
			}
			out[i] = int(d)
		}
	}
	return out, nil
}

// defaultFits: default_value's shape is a suffix of inner (numpy broadcast
// with size-1 dims allowed).
func defaultFits(def, inner []int) bool {
	if len(def) > len(inner) {
		return false
	}
	off := len(inner) - len(def)
	for i, d := range def {
		if d != 1 && d != inner[off+i] {
			return false
		}
	}
	return true
}

// fillDefault writes def, broadcast to blocks of innerSize, over all of dst.
func fillDefault(dst, def any, innerSize int) {
	switch d := dst.(type) {
	case []float32:
		fillT(d, def.([]float32), innerSize)
	case []float64:
		fillT(d, def.([]float64), innerSize)
	case []int32:
		fillT(d, def.([]int32), innerSize)
	case []int64:
		fillT(d, def.([]int64), innerSize)
	case []string:
		fillT(d, def.([]string), innerSize)
	case []bool:
		fillT(d, def.([]bool), innerSize)
	case []uint8:
		fillT(d, def.([]uint8), innerSize)
	case []int8:
		fillT(d, def.([]int8), innerSize)
	case []int16:
		fillT(d, def.([]int16), innerSize)
	case []uint16:
		fillT(d, def.([]uint16), innerSize)
	case []uint32:
		fillT(d, def.([]uint32), innerSize)
	case []uint64:
		fillT(d, def.([]uint64), innerSize)
	case []complex64:
		fillT(d, def.([]complex64), innerSize)
	case []complex128:
		fillT(d, def.([]complex128), innerSize)
	case []any:
		fillT(d, def.([]any), innerSize)
	}
}

func fillT[T any](dst, def []T, innerSize int) {
	if len(def) == 0 || innerSize == 0 {
		return
	}
	if len(def) == 1 {
		v := def[0]
		for i := range dst {
			dst[i] = v
		}
		return
	}
	// def is a suffix of the inner block: repeat it.
	for i := range dst {
		dst[i] = def[(i%innerSize)%len(def)]
	}
}

// copyBlocks copies value block i (innerSize elements) to dst at offs[i]
// unless offs[i] < 0.
func copyBlocks(dst, src any, offs []int, innerSize int) {
	switch d := dst.(type) {
	case []float32:
		copyT(d, src.([]float32), offs, innerSize)
	case []float64:
		copyT(d, src.([]float64), offs, innerSize)
	case []int32:
		copyT(d, src.([]int32), offs, innerSize)
	case []int64:
		copyT(d, src.([]int64), offs, innerSize)
	case []string:
		copyT(d, src.([]string), offs, innerSize)
	case []bool:
		copyT(d, src.([]bool), offs, innerSize)
	case []uint8:
		copyT(d, src.([]uint8), offs, innerSize)
	case []int8:
		copyT(d, src.([]int8), offs, innerSize)
	case []int16:
		copyT(d, src.([]int16), offs, innerSize)
	case []uint16:
		copyT(d, src.([]uint16), offs, innerSize)
	case []uint32:
		copyT(d, src.([]uint32), offs, innerSize)
	case []uint64:
		copyT(d, src.([]uint64), offs, innerSize)
	case []complex64:
		copyT(d, src.([]complex64), offs, innerSize)
	case []complex128:
		copyT(d, src.([]complex128), offs, innerSize)
	case []any:
		copyT(d, src.([]any), offs, innerSize)
	}
}

func copyT[T any](dst, src []T, offs []int, innerSize int) {
	for i, o := range offs {
		if o >= 0 {
			copy(dst[o:o+innerSize], src[i*innerSize:(i+1)*innerSize])
		}
	}
}
