package flowops

import (
	"reflect"
	"testing"

	"github.com/scorekit/score/tensor"
)

func shapeT(dims ...int32) *tensor.Tensor {
	if len(dims) == 1 && dims[0] == -1 {
		return tensor.Scalar(int32(-1))
	}
	return tensor.Must(tensor.Int32, []int{len(dims)}, dims)
}

var listAttrs = map[string]any{"element_dtype": tensor.Float, "shape_type": tensor.Int32}

// TestTensorListLSTMPattern runs the loop Keras' standard_lstm exports:
// FromTensor(inputs[T,B,F]) and Reserve(T) feed a While whose body does
// GetItem(t) -> f -> SetItem(t); Stack gives [T,B,F]. f doubles and adds t.
func TestTensorListLSTMPattern(t *testing.T) {
	const T, B, F = 5, 2, 3
	x := make([]float32, T*B*F)
	for i := range x {
		x[i] = float32(i)
	}
	in := f32([]int{T, B, F}, x...)
	inList := mustRun(t, newCtx(t, "TensorListFromTensor", nil, listAttrs), in, shapeT(-1, F))[0]
	outList := mustRun(t, newCtx(t, "TensorListReserve", nil, listAttrs), shapeT(-1, F), tensor.Scalar(int32(T)))[0]
	get := newCtx(t, "TensorListGetItem", nil, listAttrs)
	set := newCtx(t, "TensorListSetItem", nil, listAttrs)
	w := newCtx(t, "StatelessWhile", nil, map[string]any{"cond": fn("cond"), "body": fn("body"),
		"T": []tensor.DType{tensor.Int32, tensor.Variant, tensor.Variant}})
	w.funcs["cond"] = func(a []*tensor.Tensor) ([]*tensor.Tensor, error) {
		return []*tensor.Tensor{tensor.Scalar(tensor.MustValues[int32](a[0])[0] < T)}, nil
	}
	w.funcs["body"] = func(a []*tensor.Tensor) ([]*tensor.Tensor, error) {
		step := tensor.MustValues[int32](a[0])[0]
		item, err := run(get, a[1], a[0], shapeT(-1, F))
		if err != nil {
			return nil, err
		}
		v := tensor.MustValues[float32](item[0])
		y := make([]float32, len(v))
		for i := range v {
			y[i] = 2*v[i] + float32(step)
		}
		nl, err := run(set, a[2], a[0], f32(item[0].Shape(), y...))
		if err != nil {
			return nil, err
		}
		return []*tensor.Tensor{i32(step + 1), a[1], nl[0]}, nil
	}
	out := mustRun(t, w, i32(0), inList, outList)
	stacked := mustRun(t, newCtx(t, "TensorListStack", nil, map[string]any{"element_dtype": tensor.Float, "num_elements": T}), out[2], shapeT(-1, F))[0]
	want := make([]float32, len(x))
	for s := 0; s < T; s++ {
		for i := 0; i < B*F; i++ {
			want[s*B*F+i] = 2*x[s*B*F+i] + float32(s)
		}
	}
	if !reflect.DeepEqual(stacked.Shape(), []int{T, B, F}) || !reflect.DeepEqual(tensor.MustValues[float32](stacked), want) {
		t.Errorf("stacked %v = %v, want %v", stacked.Shape(), stacked.Data(), want)
	}
	// The reserved list the loop started from is unchanged (copy on write):
	// its items are unset, so GetItem yields zeros of the element shape.
	z := mustRun(t, get, outList, i32(0), shapeT(B, F))[0]
	if !reflect.DeepEqual(tensor.MustValues[float32](z), make([]float32, B*F)) {
		t.Errorf("original list changed: item 0 = %v", z.Data())
	}
	if _, err := run(get, outList, i32(0), shapeT(-1, F)); err == nil {
		t.Error("unset item with a partial shape returned")
	}
	if _, err := run(get, inList, i32(T), shapeT(-1)); err == nil {
		t.Error("out-of-range GetItem accepted")
	}
}

func TestTensorListPushPopShapeConcat(t *testing.T) {
	l := mustRun(t, newCtx(t, "EmptyTensorList", nil, listAttrs), shapeT(-1), tensor.Scalar(int32(-1)))[0]
	push := newCtx(t, "TensorListPushBack", nil, listAttrs)
	l1 := mustRun(t, push, l, f32([]int{2}, 1, 2))[0]
	l2 := mustRun(t, push, l1, f32([]int{1}, 3))[0]
	length := newCtx(t, "TensorListLength", nil, nil)
	if n := tensor.MustValues[int32](mustRun(t, length, l1)[0])[0]; n != 1 {
		t.Errorf("len(l1) = %d after a later push, want 1", n)
	}
	cat := mustRun(t, newCtx(t, "TensorListConcatV2", nil, listAttrs), l2, shapeT(-1), tensor.Must(tensor.Int64, []int{0}, []int64{}))
	if !reflect.DeepEqual(tensor.MustValues[float32](cat[0]), []float32{1, 2, 3}) || !reflect.DeepEqual(tensor.MustValues[int64](cat[1]), []int64{2, 1}) {
		t.Errorf("concat = %v %v", cat[0].Data(), cat[1].Data())
	}
	pop := mustRun(t, newCtx(t, "TensorListPopBack", nil, listAttrs), l2, shapeT(-1))
	if !reflect.DeepEqual(tensor.MustValues[float32](pop[1]), []float32{3}) || tensor.MustValues[int32](mustRun(t, length, pop[0])[0])[0] != 1 {
		t.Errorf("pop = %v", pop[1].Data())
	}
	if n := tensor.MustValues[int32](mustRun(t, length, l2)[0])[0]; n != 2 {
		t.Errorf("pop changed its input list: len %d", n)
	}
	if _, err := run(newCtx(t, "TensorListStack", nil, listAttrs), l2, shapeT(-1)); err == nil {
		t.Error("stacking ragged items accepted")
	}
	es := newCtx(t, "TensorListElementShape", nil, map[string]any{"shape_type": tensor.Int64})
	if got := mustRun(t, es, l)[0]; got.Rank() != 0 || tensor.MustValues[int64](got)[0] != -1 {
		t.Errorf("unknown element shape = %v", got.Data())
	}
	r := mustRun(t, newCtx(t, "TensorListReserve", nil, listAttrs), shapeT(-1, 4), tensor.Scalar(int32(2)))[0]
	if got := tensor.MustValues[int64](mustRun(t, es, r)[0]); !reflect.DeepEqual(got, []int64{-1, 4}) {
		t.Errorf("element shape = %v", got)
	}
	if _, err := run(newCtx(t, "TensorListSetItem", nil, listAttrs), r, i32(0), f32([]int{1, 3}, 1, 2, 3)); err == nil {
		t.Error("item of the wrong shape accepted")
	}
	if _, err := run(newCtx(t, "TensorListSetItem", nil, listAttrs), r, i32(0), tensor.Must(tensor.Int32, []int{1, 4}, []int32{1, 2, 3, 4})); err == nil {
		t.Error("item of the wrong dtype accepted")
	}
	if _, err := run(newCtx(t, "TensorListReserve", nil, listAttrs), shapeT(-1), tensor.Scalar(int32(-3))); err == nil {
		t.Error("negative num_elements accepted")
	}
	// Stack of an empty list with a known element shape is [0, ...].
	e := mustRun(t, newCtx(t, "TensorListStack", nil, listAttrs), l, shapeT(2, 3))[0]
	if !reflect.DeepEqual(e.Shape(), []int{0, 2, 3}) {
		t.Errorf("empty stack shape = %v", e.Shape())
	}
}
