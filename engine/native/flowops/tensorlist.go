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
