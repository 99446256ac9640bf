package flowops

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// gatherItems resolves every item and checks they share one shape.
func gatherItems(c op.Context, l *TensorList, want []int) ([]*tensor.Tensor, []int, error) {
	shape, err := mergeShape(c, l.Shape, want)
	if err != nil {
		return nil, nil, err
	}
	items := make([]*tensor.Tensor, len(l.Items))
	for i := range items {
		if items[i], err = item(c, l, i, shape); err != nil {
			return nil, nil, err
		}
	}
	return items, shape, nil
}

func listStack(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	l, err := listArg(c, in[0])
	if err != nil {
		return nil, err
	}
	want, err := shapeArg(c, in[1])
	if err != nil {
		return nil, err
	}
	if n, err := op.Int(c, "num_elements"); err == nil && n >= 0 && int(n) != len(l.Items) {
		return nil, c.Errorf("list has %d elements, num_elements is %d", len(l.Items), n)
	}
	items, shape, err := gatherItems(c, l, want)
	if err != nil {
		return nil, err
	}
	var elem []int
	switch {
	case len(items) > 0:
		elem = items[0].Shape()
	case fullyDefined(shape):
		elem = shape
	default:
		return nil, c.Errorf("cannot stack an empty list with element shape %s", shapeStr(shape))
	}
	size := tensor.NumElements(elem)
	data, err := tensor.MakeSlice(l.DType, size*len(items))
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	for i, t := range items {
		if !sameShape(t.Shape(), elem) {
			return nil, c.Errorf("element %d has shape %s, element 0 has %s", i, tensor.ShapeString(t.Shape()), tensor.ShapeString(elem))
		}
		copySlice(data, i*size, t.Data(), 0, size)
	}
	out, err := tensor.New(l.DType, append([]int{len(items)}, elem...), data)
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	return []*tensor.Tensor{out}, nil
}

// listConcat concatenates the items along their first dimension.
func listConcat(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	l, err := listArg(c, in[0])
	if err != nil {
		return nil, err
	}
	want, err := shapeArg(c, in[1])
	if err != nil {
		return nil, err
	}
	items := make([]*tensor.Tensor, len(l.Items))
	for i, t := range l.Items {
		if t == nil {
			return nil, c.Errorf("cannot concat a list with unset element %d", i)
		}
		items[i] = t
	}
	if len(items) == 0 {
		if want == nil || len(want) == 0 || !fullyDefined(want[1:]) {
			return nil, c.Errorf("cannot concat an empty list with element shape %s", shapeStr(want))
		}
		z, _ := tensor.Zeros(l.DType, append([]int{0}, want[1:]...))
		return []*tensor.Tensor{z, tensor.Must(tensor.Int64, []int{0}, []int64{})}, nil
	}
	inner := items[0].Shape()
	if len(inner) == 0 {
		return nil, c.Errorf("concat needs elements of rank >= 1")
	}
	inner = inner[1:]
	rows, lengths := 0, make([]int64, len(items))
	for i, t := range items {
		if t.Rank() != len(inner)+1 || !sameShape(t.Shape()[1:], inner) {
			return nil, c.Errorf("element %d has shape %s, incompatible with %s", i, tensor.ShapeString(t.Shape()), tensor.ShapeString(inner))
		}
		lengths[i] = int64(t.Dim(0))
		rows += t.Dim(0)
	}
	data, err := tensor.MakeSlice(l.DType, rows*tensor.NumElements(inner))
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	off := 0
	for _, t := range items {
		copySlice(data, off, t.Data(), 0, t.NumElements())
		off += t.NumElements()
	}
	out, err := tensor.New(l.DType, append([]int{rows}, inner...), data)
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	return []*tensor.Tensor{out, tensor.Must(tensor.Int64, []int{len(lengths)}, lengths)}, nil
}

// copySlice copies n elements src[so:] to dst[do:] for any tensor slice type.
func copySlice(dst any, do int, src any, so, n int) {
	switch d := dst.(type) {
	case []float32:
		copy(d[do:do+n], src.([]float32)[so:so+n])
	case []float64:
		copy(d[do:do+n], src.([]float64)[so:so+n])
	case []int32:
		copy(d[do:do+n], src.([]int32)[so:so+n])
	case []int64:
		copy(d[do:do+n], src.([]int64)[so:so+n])
	case []string:
		copy(d[do:do+n], src.([]string)[so:so+n])
	case []bool:
		copy(d[do:do+n], src.([]bool)[so:so+n])
	case []uint8:
		copy(d[do:do+n], src.([]uint8)[so:so+n])
	case []int8:
		copy(d[do:do+n], src.([]int8)[so:so+n])
	case []int16:
		copy(d[do:do+n], src.([]int16)[so:so+n])
	case []uint16:
		copy(d[do:do+n], src.([]uint16)[so:so+n])
	case []uint32:
		copy(d[do:do+n], src.([]uint32)[so:so+n])
	case []uint64:
		copy(d[do:do+n], src.([]uint64)[so:so+n])
	case []complex64:
		copy(d[do:do+n], src.([]complex64)[so:so+n])
	case []complex128:
		copy(d[do:do+n], src.([]complex128)[so:so+n])
	case []any:
		copy(d[do:do+n], src.([]any)[so:so+n])
	}
}
