package textops

import (
	"math/rand"
	"reflect"
	"testing"

	"github.com/scorekit/score/tensor"
)

// denseRef pads/truncates rows (each value a block of inner floats) to
// [nrows, width, inner] with a nested loop.
func denseRef(rows [][][]float32, nrows, width, inner int, def float32) []float32 {
	out := make([]float32, 0, nrows*width*inner)
	for r := 0; r < nrows; r++ {
		for j := 0; j < width; j++ {
			for k := 0; k < inner; k++ {
				v := def
				if r < len(rows) && j < len(rows[r]) {
					v = rows[r][j][k]
				}
				out = append(out, v)
			}
		}
	}
	return out
}

func TestRaggedToTensorRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for iter := 0; iter < 300; iter++ {
		nrows := rng.Intn(6)
		inner := 1 + rng.Intn(2)
		rows := make([][][]float32, nrows)
		var flat []float32
		var rowids []int64
		splits := []int64{0}
		maxLen := 0
		for r := range rows {
			n := rng.Intn(5)
			maxLen = max(maxLen, n)
			for j := 0; j < n; j++ {
				v := make([]float32, inner)
				for k := range v {
					v[k] = float32(rng.Intn(100) + 1)
				}
				rows[r] = append(rows[r], v)
				flat = append(flat, v...)
				rowids = append(rowids, int64(r))
			}
			splits = append(splits, splits[len(splits)-1]+int64(n))
		}
		nvals := len(rowids)
		values := tensor.Must(tensor.Float, []int{nvals, inner}, append([]float32{}, flat...))
		width := -1
		if rng.Intn(2) == 0 {
			width = rng.Intn(6)
		}
		wantW := width
		if width < 0 {
			wantW = maxLen
		}
		want := denseRef(rows, nrows, wantW, inner, -1)
		shape := tensor.Must(tensor.Int64, []int{3}, []int64{-1, int64(width), -1})
		def := tensor.Scalar(float32(-1))
		// FIRST_DIM_SIZE + VALUE_ROWIDS (what Keras emits).
		c := newCtx(t, "RaggedTensorToTensor", nil, map[string]any{
			"row_partition_types": []string{"FIRST_DIM_SIZE", "VALUE_ROWIDS"}, "num_row_partition_tensors": 2,
			"T": tensor.Float, "Tindex": tensor.Int64, "Tshape": tensor.Int64})
		out := mustRun(t, c, shape, values, def, tensor.Scalar(int64(nrows)), tensor.Must(tensor.Int64, []int{nvals}, append([]int64{}, rowids...)))[0]
		if !reflect.DeepEqual(out.Shape(), []int{nrows, wantW, inner}) || !reflect.DeepEqual(tensor.MustValues[float32](out), want) {
			t.Fatalf("rowids case %d: got %v %v, want %v", iter, out.Shape(), out.Data(), want)
		}
		// ROW_SPLITS, with a default of the inner shape.
		c = newCtx(t, "RaggedTensorToTensor", nil, map[string]any{
			"row_partition_types": []string{"ROW_SPLITS"}, "num_row_partition_tensors": 1,
			"T": tensor.Float, "Tindex": tensor.Int64, "Tshape": tensor.Int64})
		defv := make([]float32, inner)
		for k := range defv {
			defv[k] = -1
		}
		out = mustRun(t, c, shape, values, tensor.Must(tensor.Float, []int{inner}, defv), tensor.Must(tensor.Int64, []int{len(splits)}, append([]int64{}, splits...)))[0]
		if !reflect.DeepEqual(tensor.MustValues[float32](out), want) {
			t.Fatalf("splits case %d: got %v, want %v", iter, out.Data(), want)
		}
	}
}

func TestRaggedToTensorKerasShapeAndErrors(t *testing.T) {
	attrs := map[string]any{"row_partition_types": []string{"FIRST_DIM_SIZE", "VALUE_ROWIDS"}, "num_row_partition_tensors": 2}
	c := newCtx(t, "RaggedTensorToTensor", nil, attrs)
	vals := tensor.Must(tensor.Int64, []int{5}, []int64{5, 6, 7, 8, 9})
	ids := tensor.Must(tensor.Int64, []int{5}, []int64{0, 0, 0, 2, 2})
	// Keras output_sequence_length=4 with int32 shape [-1, 4]; 4 rows.
	out := mustRun(t, c, tensor.Must(tensor.Int32, []int{2}, []int32{-1, 4}), vals, tensor.Scalar(int64(0)), tensor.Scalar(int64(4)), ids)[0]
	want := []int64{5, 6, 7, 0, 0, 0, 0, 0, 8, 9, 0, 0, 0, 0, 0, 0}
	if !reflect.DeepEqual(out.Shape(), []int{4, 4}) || !reflect.DeepEqual(tensor.MustValues[int64](out), want) {
		t.Errorf("got %v %v", out.Shape(), out.Data())
	}
	// Truncation to 2 columns and 2 rows; unknown-rank shape (scalar -1).
	out = mustRun(t, c, tensor.Must(tensor.Int64, []int{2}, []int64{2, 2}), vals, tensor.Scalar(int64(0)), tensor.Scalar(int64(4)), ids)[0]
	if !reflect.DeepEqual(tensor.MustValues[int64](out), []int64{5, 6, 0, 0}) {
		t.Errorf("truncated = %v", out.Data())
	}
	out = mustRun(t, c, tensor.Scalar(int64(-1)), vals, tensor.Scalar(int64(0)), tensor.Scalar(int64(3)), ids)[0]
	if !reflect.DeepEqual(out.Shape(), []int{3, 3}) {
		t.Errorf("natural shape = %v", out.Shape())
	}
	bad := [][]int64{{0, 2, 1, 1, 1}, {0, 0, 0, 5, 5}, {-1, 0, 0, 0, 0}}
	for _, b := range bad {
		if _, err := c.run(tensor.Scalar(int64(-1)), vals, tensor.Scalar(int64(0)), tensor.Scalar(int64(4)), tensor.Must(tensor.Int64, []int{5}, b)); err == nil {
			t.Errorf("bad rowids %v accepted", b)
		}
	}
	if _, err := c.run(tensor.Scalar(int64(-1)), vals, tensor.Scalar(int64(0)), tensor.Scalar(int64(4)), tensor.Must(tensor.Int64, []int{4}, []int64{0, 0, 0, 0})); err == nil {
		t.Error("rowids shorter than values accepted")
	}
}

// Two ragged levels: [[[1,2],[3]], [], [[4,5,6]]] via ROW_SPLITS twice.
func TestRaggedToTensorTwoLevels(t *testing.T) {
	c := newCtx(t, "RaggedTensorToTensor", nil, map[string]any{"row_partition_types": []string{"ROW_SPLITS", "ROW_SPLITS"}, "num_row_partition_tensors": 2})
	vals := tensor.Must(tensor.Int32, []int{6}, []int32{1, 2, 3, 4, 5, 6})
	outer := tensor.Must(tensor.Int64, []int{4}, []int64{0, 2, 2, 3})
	innerS := tensor.Must(tensor.Int64, []int{4}, []int64{0, 2, 3, 6})
	out := mustRun(t, c, tensor.Scalar(int64(-1)), vals, tensor.Scalar(int32(0)), outer, innerS)[0]
	want := []int32{1, 2, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 4, 5, 6, 0, 0, 0}
	if !reflect.DeepEqual(out.Shape(), []int{3, 2, 3}) || !reflect.DeepEqual(tensor.MustValues[int32](out), want) {
		t.Errorf("got %v %v", out.Shape(), out.Data())
	}
}
