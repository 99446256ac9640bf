package numeric

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// TestKernelsNeverPanic runs every op on combinations of awkward inputs
// (empty, scalar, mismatched dtypes, odd shapes) with default attrs plus the
// required ones; a kernel may fail, but through an error, not a panic
// (which guarded would report as "invalid inputs").
func TestKernelsNeverPanic(t *testing.T) {
	pool := []*tensor.Tensor{
		f32([]int{2, 3}, 1, -2, 3, 0, 5, 6),
		f32([]int{}, 2),
		f32([]int{0}),
		i32([]int{}, 1),
		i32([]int{2}, 1, -1),
		i32([]int{1, 2}, 0, 2),
		i64([]int{3}, 2, 0, 9),
		tensor.Must(tensor.Bool, []int{2}, []bool{true, false}),
		tensor.Must(tensor.String, []int{1}, []string{"a"}),
		f32([]int{1, 2, 3, 1}, 1, 2, 3, 4, 5, 6),
		f32([]int{2, 1, 2}, 1, 2, 3, 4),
		i64([]int{2, 2}, 1, 0, 0, 1),
		i32([]int{3, 2}, 0, 1, 1, 0, 2, 1),
		tensor.Must(tensor.Double, []int{2}, []float64{1, 2}),
		i32([]int{4}, 1, 1, 1, 1),
	}
	required := attrs{
		"strides": aIs(1, 1, 1, 1), "ksize": aIs(1, 1, 2, 1), "padding": aS("SAME"), "num_split": aI(2),
		"num": aI(2), "N": aI(2), "mode": aS("REFLECT"), "DstT": aT(tensor.Float), "dtype": aT(tensor.Float),
	}
	variant := attrs{"axis": aI(-1), "keep_dims": aB(true), "transpose_a": aB(true), "adj_y": aB(true),
		"shrink_axis_mask": aI(1), "new_axis_mask": aI(2), "ellipsis_mask": aI(1), "begin_mask": aI(3),
		"batch_dims": aI(1), "exclusive": aB(true), "reverse": aB(true), "squeeze_dims": aIs(0),
		"padding": aS("VALID"), "data_format": aS("NCHW"), "out_type": aT(tensor.Int64), "output_type": aT(tensor.Int32),
		"incompatible_shape_error": aB(false), "index_type": aT(tensor.Int64)}
	for k, v := range required {
		if _, ok := variant[k]; !ok {
			variant[k] = v
		}
	}
	for _, name := range testSet.Names() {
		def, _ := testSet.Lookup(name)
		nIn := 0
		for _, a := range def.Inputs {
			if a.NumberAttr != "" {
				nIn += 2
			} else {
				nIn++
			}
		}
		if name == "ResourceGather" {
			continue // needs a resource; covered in TestGather
		}
		r := rand.New(rand.NewSource(14))
		for seed := 0; seed < 400; seed++ {
			in := make([]*tensor.Tensor, nIn)
			for i := range in {
				in[i] = pool[r.Intn(len(pool))]
			}
			at := required
			if seed%2 == 1 {
				at = variant
			}
			c := &fakeCtx{node: "n", def: def, attrs: at, res: op.NewResources(), threads: 2}
			_, err := def.Kernel(c, in)
			if err != nil && strings.Contains(err.Error(), "invalid inputs") {
				t.Errorf("%s panicked on %v: %v", name, in, err)
				break
			}
		}
	}
}
