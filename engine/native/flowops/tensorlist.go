package flowops

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// TensorList is the value behind a DT_VARIANT TensorList handle. It is
// immutable once published in a tensor: every modifying op builds a new one.
type TensorList struct {
	DType tensor.DType
	Shape []int // element shape: nil unknown rank, -1 unknown dims
	Items []*tensor.Tensor
}

func listDefs() []op.Def {
	return []op.Def{
		{Spec: "EmptyTensorList(element_shape: shape_type, max_num_elements: int32) -> (handle: variant); element_dtype: type; shape_type: type", Kernel: emptyList},
		{Spec: "TensorListReserve(element_shape: shape_type, num_elements: int32) -> (handle: variant); element_dtype: type; shape_type: type", Kernel: reserveList},
		{Spec: "TensorListFromTensor(tensor: element_dtype, element_shape: shape_type) -> (output_handle: variant); element_dtype: type; shape_type: type", Kernel: listFromTensor},
		{Spec: "TensorListStack(input_handle: variant, element_shape: int32) -> (tensor: element_dtype); element_dtype: type; num_elements: int = -1", Kernel: listStack},
		{Spec: "TensorListGetItem(input_handle: variant, index: int32, element_shape: int32) -> (item: element_dtype); element_dtype: type", Kernel: listGetItem},
		{Spec: "TensorListSetItem(input_handle: variant, index: int32, item: element_dtype) -> (output_handle: variant); element_dtype: type; resize_if_index_out_of_bounds: bool = false", Kernel: listSetItem},
		{Spec: "TensorListLength(input_handle: variant) -> (length: int32)", Kernel: listLength},
		{Spec: "TensorListElementShape(input_handle: variant) -> (element_shape: shape_type); shape_type: type", Kernel: listElementShape},
		{Spec: "TensorListPushBack(input_handle: variant, tensor: element_dtype) -> (output_handle: variant); element_dtype: type", Kernel: listPushBack},
		{Spec: "TensorListPopBack(input_handle: variant, element_shape: int32) -> (output_handle: variant, tensor: element_dtype); element_dtype: type", Kernel: listPopBack},
		{Spec: "TensorListConcatV2(input_handle: variant, element_shape: shape_type, leading_dims: int64) -> (tensor: element_dtype, lengths: int64); element_dtype: type; shape_type: type", Kernel: listConcat},
	}
}

func listTensor(l *TensorList) *tensor.Tensor { return tensor.Must(tensor.Variant, nil, []any{l}) }

func listArg(c op.Context, t *tensor.Tensor) (*TensorList, error) {
	v, ok := t.Data().([]any)
	if !ok || t.DType() != tensor.Variant || len(v) != 1 {
		return nil, c.Errorf("expected a scalar TensorList variant, got %s", t)
	}
	l, ok := v[0].(*TensorList)
	if !ok {
		return nil, c.Errorf("variant holds %T, not a TensorList", v[0])
	}
	if dt, err := op.Type(c, "element_dtype"); err == nil && dt != l.DType {
		return nil, c.Errorf("list of %s used as element_dtype %s", l.DType, dt)
	}
	return l, nil
}

// shapeArg reads an element_shape input: a scalar -1 is an unknown rank.
func shapeArg(c op.Context, t *tensor.Tensor) ([]int, error) {
	var dims []int
	switch v := t.Data().(type) {
	case []int32:
		for _, d := range v {
			dims = append(dims, int(d))
		}
	case []int64:
		for _, d := range v {
			dims = append(dims, int(d))
		}
	default:
		return nil, c.Errorf("element_shape must be int32 or int64, got %s", t)
	}
	if t.Rank() == 0 {
		if dims[0] != -1 {
			return nil, c.Errorf("a scalar element_shape must be -1, got %d", dims[0])
		}
		return nil, nil
	}
	if t.Rank() != 1 {
		return nil, c.Errorf("element_shape must be a scalar or vector, got %s", t)
	}
	for _, d := range dims {
		if d < -1 {
			return nil, c.Errorf("invalid element_shape dimension %d", d)
		}
	}
	if dims == nil {
		dims = []int{}
	}
	return dims, nil
}

// mergeShape merges two partial shapes; an incompatible pair is an error.
func mergeShape(c op.Context, a, b []int) ([]int, error) {
	if a == nil {
		return b, nil
	}
	if b == nil {
		return a, nil
	}
	if len(a) != len(b) {
		return nil, c.Errorf("incompatible element shapes %s and %s", tensor.ShapeString(a), tensor.ShapeString(b))
	}
	out := make([]int, len(a))
	for i := range a {
		switch {
		case a[i] < 0:
			out[i] = b[i]
		case b[i] < 0 || a[i] == b[i]:
			out[i] = a[i]
		default:
			return nil, c.Errorf("incompatible element shapes %s and %s", tensor.ShapeString(a), tensor.ShapeString(b))
		}
	}
	return out, nil
}

func fullyDefined(s []int) bool {
	if s == nil {
		return false
	}
	for _, d := range s {
		if d < 0 {
			return false
		}
	}
	return true
}

func newList(c op.Context, shapeT *tensor.Tensor, n int) (*TensorList, error) {
	dt, err := op.Type(c, "element_dtype")
	if err != nil {
		return nil, err
	}
	shape, err := shapeArg(c, shapeT)
	if err != nil {
		return nil, err
	}
	return &TensorList{DType: dt, Shape: shape, Items: make([]*tensor.Tensor, n)}, nil
}

func emptyList(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	l, err := newList(c, in[0], 0)
	if err != nil {
		return nil, err
	}
	return []*tensor.Tensor{listTensor(l)}, nil
}

func scalarInt(c op.Context, what string, t *tensor.Tensor) (int, error) {
	switch v := t.Data().(type) {
	case []int32:
		if len(v) == 1 {
			return int(v[0]), nil
		}
	case []int64:
		if len(v) == 1 {
			return int(v[0]), nil
		}
	}
	return 0, c.Errorf("%s must be an integer scalar, got %s", what, t)
}

// maxListLen bounds num_elements so a corrupt graph cannot ask for an
// absurd allocation.
const maxListLen = 1 << 28

func reserveList(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	n, err := scalarInt(c, "num_elements", in[1])
	if err != nil {
		return nil, err
	}
	if n < 0 || n > maxListLen {
		return nil, c.Errorf("num_elements %d out of range", n)
	}
	l, err := newList(c, in[0], n)
	if err != nil {
		return nil, err
	}
	return []*tensor.Tensor{listTensor(l)}, nil
}

func listFromTensor(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	t := in[0]
	if t.Rank() < 1 {
		return nil, c.Errorf("tensor must have rank >= 1, got %s", t)
	}
	l, err := newList(c, in[1], 0)
	if err != nil {
		return nil, err
	}
	if t.DType() != l.DType {
		return nil, c.Errorf("tensor %s does not match element_dtype %s", t, l.DType)
	}
	elem := t.Shape()[1:]
	if l.Shape, err = mergeShape(c, l.Shape, elem); err != nil {
		return nil, err
	}
	n := t.Dim(0)
	l.Items = make([]*tensor.Tensor, n)
	for i := range l.Items {
		if l.Items[i], err = row(t, i); err != nil {
			return nil, c.Errorf("%v", err)
		}
	}
	return []*tensor.Tensor{listTensor(l)}, nil
}

// row copies t[i] (along dim 0) into a new tensor.
func row(t *tensor.Tensor, i int) (*tensor.Tensor, error) {
	elem := t.Shape()[1:]
	size := tensor.NumElements(elem)
	data, err := tensor.MakeSlice(t.DType(), size)
	if err != nil {
		return nil, err
	}
	copySlice(data, 0, t.Data(), i*size, size)
	return tensor.New(t.DType(), elem, data)
}

func listLength(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	l, err := listArg(c, in[0])
	if err != nil {
		return nil, err
	}
	return []*tensor.Tensor{tensor.Scalar(int32(len(l.Items)))}, nil
}

func listElementShape(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	l, err := listArg(c, in[0])
	if err != nil {
		return nil, err
	}
	dt, err := op.Type(c, "shape_type")
	if err != nil {
		return nil, err
	}
	dims := []int64{-1}
	shape := []int{}
	if l.Shape != nil {
		dims = make([]int64, len(l.Shape))
		for i, d := range l.Shape {
			dims[i] = int64(d)
		}
		shape = []int{len(dims)}
	}
	if dt == tensor.Int32 {
		d32 := make([]int32, len(dims))
		for i, d := range dims {
			d32[i] = int32(d)
		}
		return []*tensor.Tensor{tensor.Must(tensor.Int32, shape, d32)}, nil
	}
	return []*tensor.Tensor{tensor.Must(tensor.Int64, shape, dims)}, nil
}

// item returns element i, or zeros of the element shape for an unset one
// (TensorFlow does the same and errors when that shape is not known).
func item(c op.Context, l *TensorList, i int, want []int) (*tensor.Tensor, error) {
	if t := l.Items[i]; t != nil {
		return t, nil
	}
	shape, err := mergeShape(c, l.Shape, want)
	if err != nil {
		return nil, err
	}
	if !fullyDefined(shape) {
		return nil, c.Errorf("item %d is unset and the element shape %s is not fully defined", i, shapeStr(shape))
	}
	z, err := tensor.Zeros(l.DType, shape)
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	return z, nil
}

func shapeStr(s []int) string {
	if s == nil {
		return "<unknown>"
	}
	return tensor.ShapeString(s)
}

func listGetItem(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	l, err := listArg(c, in[0])
	if err != nil {
		return nil, err
	}
	i, err := scalarInt(c, "index", in[1])
	if err != nil {
		return nil, err
	}
	if i < 0 || i >= len(l.Items) {
		return nil, c.Errorf("trying to access element %d in a list with %d elements", i, len(l.Items))
	}
	want, err := shapeArg(c, in[2])
	if err != nil {
		return nil, err
	}
	t, err := item(c, l, i, want)
	if err != nil {
		return nil, err
	}
	return []*tensor.Tensor{t}, nil
}

func checkItem(c op.Context, l *TensorList, t *tensor.Tensor) error {
	if t.DType() != l.DType {
		return c.Errorf("item %s does not match the list's element type %s", t, l.DType)
	}
	if _, err := mergeShape(c, l.Shape, t.Shape()); err != nil {
		return err
	}
	return nil
}

// clone copies the list header and items slice (the items are immutable
// tensors and are shared).
func (l *TensorList) clone(extra int) *TensorList {
	items := make([]*tensor.Tensor, len(l.Items), len(l.Items)+extra)
	copy(items, l.Items)
	return &TensorList{DType: l.DType, Shape: l.Shape, Items: items}
}

func listSetItem(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	l, err := listArg(c, in[0])
	if err != nil {
		return nil, err
	}
	i, err := scalarInt(c, "index", in[1])
	if err != nil {
		return nil, err
	}
	resize, err := op.Bool(c, "resize_if_index_out_of_bounds")
	if err != nil {
		return nil, err
	}
	if err := checkItem(c, l, in[2]); err != nil {
		return nil, err
	}
	if i < 0 || (i >= len(l.Items) && (!resize || i >= maxListLen)) {
		return nil, c.Errorf("trying to modify element %d in a list with %d elements", i, len(l.Items))
	}
	out := l.clone(0)
	for len(out.Items) <= i {
		out.Items = append(out.Items, nil)
	}
	out.Items[i] = in[2]
	return []*tensor.Tensor{listTensor(out)}, nil
}

func listPushBack(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	l, err := listArg(c, in[0])
	if err != nil {
		return nil, err
	}
	if err := checkItem(c, l, in[1]); err != nil {
		return nil, err
	}
	out := l.clone(1)
	out.Items = append(out.Items, in[1])
	return []*tensor.Tensor{listTensor(out)}, nil
}

func listPopBack(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	l, err := listArg(c, in[0])
	if err != nil {
		return nil, err
	}
	if len(l.Items) == 0 {
		return nil, c.Errorf("trying to pop from an empty list")
	}
	want, err := shapeArg(c, in[1])
	if err != nil {
		return nil, err
	}
	last, err := item(c, l, len(l.Items)-1, want)
	if err != nil {
		return nil, err
	}
	out := l.clone(0)
	out.Items = out.Items[:len(out.Items)-1]
	return []*tensor.Tensor{listTensor(out), last}, nil
}

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
