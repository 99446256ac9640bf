package numeric

import (
	"strings"
	"testing"

	"github.com/scorekit/score/tensor"
)

// FuzzStridedSlice feeds arbitrary begin/end/strides/masks (they come from
// the model file) to StridedSlice over a 3×4×5 tensor: the kernel must either
// return an error naming the node or a result whose size matches its
// shape, never panic. Each element of a result must be an input element.
func FuzzStridedSlice(f *testing.F) {
	f.Add(int64(0), int64(1), int64(1), int64(0), int64(0), int64(0), int64(0), int64(1), int64(2))
	f.Add(int64(-1), int64(0), int64(-1), int64(3), int64(3), int64(0), int64(0), int64(0), int64(1))
	f.Add(int64(0), int64(0), int64(1), int64(0), int64(0), int64(1), int64(2), int64(0), int64(2))
	f.Add(int64(1), int64(100), int64(2), int64(1), int64(0), int64(2), int64(1), int64(4), int64(3))
	x := f32([]int{3, 4, 5}, seq(60)...)
	f.Fuzz(func(t *testing.T, b, e, s, bm, em, elm, nam, shrink, n int64) {
		n = n%4 + 1
		if n < 1 {
			n += 4
		}
		bs, es, ss := make([]int64, n), make([]int64, n), make([]int64, n)
		for i := range bs {
			bs[i], es[i], ss[i] = b+int64(i), e-int64(i), s+int64(i%2)
			if ss[i] > 10 || ss[i] < -10 {
				ss[i] %= 10
			}
		}
		at := attrs{"begin_mask": aI(bm & 31), "end_mask": aI(em & 31), "ellipsis_mask": aI(elm & 31),
			"new_axis_mask": aI(nam & 31), "shrink_axis_mask": aI(shrink & 31)}
		out, err := run(t, "StridedSlice", at, x, i64([]int{int(n)}, bs...), i64([]int{int(n)}, es...), i64([]int{int(n)}, ss...))
		if err != nil {
			if strings.Contains(err.Error(), "invalid inputs") {
				t.Fatalf("kernel panicked: %v", err) // recovered by guarded
			}
			return
		}
		got := out[0]
		if got.NumElements() != prod(got.Shape()) {
			t.Fatalf("size mismatch %v", got.Shape())
		}
		for _, v := range tensor.MustValues[float32](got) {
			if v < 0 || v >= 60 || v != float32(int(v)) {
				t.Fatalf("value %v is not an input element", v)
			}
		}
	})
}
