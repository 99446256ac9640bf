package op

import (
	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// The attr accessors return an error naming the node when the attr is
// missing or of another kind.

func attr(c Context, name string) (*tfpb.AttrValue, error) {
	v, ok := c.Attr(name)
	if !ok {
		return nil, c.Errorf("missing attr %q", name)
	}
	return v, nil
}

// Int returns an int attr.
func Int(c Context, name string) (int64, error) {
	v, err := attr(c, name)
	if err != nil {
		return 0, err
	}
	x, ok := v.Value.(*tfpb.AttrValue_I)
	if !ok {
		return 0, c.Errorf("attr %q is not an int", name)
	}
	return x.I, nil
}

// Float returns a float attr.
func Float(c Context, name string) (float32, error) {
	v, err := attr(c, name)
	if err != nil {
		return 0, err
	}
	x, ok := v.Value.(*tfpb.AttrValue_F)
	if !ok {
		return 0, c.Errorf("attr %q is not a float", name)
	}
	return x.F, nil
}

// Bool returns a bool attr.
func Bool(c Context, name string) (bool, error) {
	v, err := attr(c, name)
	if err != nil {
		return false, err
	}
	x, ok := v.Value.(*tfpb.AttrValue_B)
	if !ok {
		return false, c.Errorf("attr %q is not a bool", name)
	}
	return x.B, nil
}

// String returns a string attr.
func String(c Context, name string) (string, error) {
	v, err := attr(c, name)
	if err != nil {
		return "", err
	}
	x, ok := v.Value.(*tfpb.AttrValue_S)
	if !ok {
		return "", c.Errorf("attr %q is not a string", name)
	}
	return string(x.S), nil
}

// Type returns a type attr.
func Type(c Context, name string) (tensor.DType, error) {
	v, err := attr(c, name)
	if err != nil {
		return 0, err
	}
	x, ok := v.Value.(*tfpb.AttrValue_Type)
	if !ok {
		return 0, c.Errorf("attr %q is not a type", name)
	}
	return tensor.DType(x.Type).Base(), nil
}

// Func returns a func attr.
func Func(c Context, name string) (*tfpb.NameAttrList, error) {
	v, err := attr(c, name)
	if err != nil {
		return nil, err
	}
	x, ok := v.Value.(*tfpb.AttrValue_Func)
	if !ok {
		return nil, c.Errorf("attr %q is not a func", name)
	}
	return x.Func, nil
}

// Shape returns a shape attr: dims with -1 for unknown, and whether the
// rank is known.
func Shape(c Context, name string) ([]int, bool, error) {
	v, err := attr(c, name)
	if err != nil {
		return nil, false, err
	}
	x, ok := v.Value.(*tfpb.AttrValue_Shape)
	if !ok {
		return nil, false, c.Errorf("attr %q is not a shape", name)
	}
	dims, known := savedmodel.ShapeFromProto(x.Shape)
	return dims, known, nil
}

// TensorAttr returns a tensor attr (e.g. Const's value), decoded.
func TensorAttr(c Context, name string) (*tensor.Tensor, error) {
	v, err := attr(c, name)
	if err != nil {
		return nil, err
	}
	x, ok := v.Value.(*tfpb.AttrValue_Tensor)
	if !ok {
		return nil, c.Errorf("attr %q is not a tensor", name)
	}
	t, err := savedmodel.DecodeTensor(x.Tensor)
	if err != nil {
		return nil, c.Errorf("attr %q: %v", name, err)
	}
	return t, nil
}

func list(c Context, name string) (*tfpb.AttrValue_ListValue, error) {
	v, err := attr(c, name)
	if err != nil {
		return nil, err
	}
	x, ok := v.Value.(*tfpb.AttrValue_List)
	if !ok {
		return nil, c.Errorf("attr %q is not a list", name)
	}
	if x.List == nil {
		return &tfpb.AttrValue_ListValue{}, nil
	}
	return x.List, nil
}

// Ints returns a list(int) attr.
func Ints(c Context, name string) ([]int64, error) {
	l, err := list(c, name)
	if err != nil {
		return nil, err
	}
	return l.I, nil
}

// Floats returns a list(float) attr.
func Floats(c Context, name string) ([]float32, error) {
	l, err := list(c, name)
	if err != nil {
		return nil, err
	}
	return l.F, nil
}

// Strings returns a list(string) attr.
func Strings(c Context, name string) ([]string, error) {
	l, err := list(c, name)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(l.S))
	for i, s := range l.S {
		out[i] = string(s)
	}
	return out, nil
}

// Types returns a list(type) attr.
func Types(c Context, name string) ([]tensor.DType, error) {
	l, err := list(c, name)
	if err != nil {
		return nil, err
	}
	out := make([]tensor.DType, len(l.Type))
	for i, t := range l.Type {
		out[i] = tensor.DType(t).Base()
	}
	return out, nil
}
