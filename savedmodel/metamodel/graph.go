package metamodel

import (
	"fmt"

	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// builder appends NodeDefs in creation order, as TF's Python graph does.
type builder struct {
	nodes []*tfpb.NodeDef
	names map[string]bool
	err   error
}

func newBuilder() *builder { return &builder{names: map[string]bool{}} }

// attrs is a NodeDef's attribute map.
type attrs = map[string]*tfpb.AttrValue

// node adds a node. shapes become its _output_shapes annotation
// (unknownRank where nothing is known), as GraphDefs exported with add_shapes=True
// carry. A repeated name is recorded as the builder's error.
func (b *builder) node(name, op string, inputs []string, at attrs, shapes ...[]int) string {
	if b.names[name] {
		b.fail(fmt.Errorf("build graph: duplicate node name %q", name))
		return name
	}
	b.names[name] = true
	if at == nil {
		at = attrs{}
	}
	if len(shapes) > 0 {
		list := &tfpb.AttrValue_ListValue{}
		for _, s := range shapes {
			list.Shape = append(list.Shape, shapeProto(s))
		}
		at["_output_shapes"] = &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: list}}
	}
	b.nodes = append(b.nodes, &tfpb.NodeDef{Name: name, Op: op, Input: inputs, Attr: at})
	return name
}

// onCPU sets the device of the last node added.
func (b *builder) onCPU() { b.nodes[len(b.nodes)-1].Device = "/device:CPU:0" }

func (b *builder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// constant adds a Const holding t, encoded as TF's make_tensor_proto
// does: one number in its typed *_val field, several as tensor_content,
// strings in string_val.
func (b *builder) constant(name string, t *tensor.Tensor) string {
	var p *tfpb.TensorProto
	switch vals := t.Data().(type) {
	case []float32:
		if len(vals) == 1 {
			p = &tfpb.TensorProto{FloatVal: vals}
		}
	case []int32:
		if len(vals) == 1 {
			p = &tfpb.TensorProto{IntVal: vals}
		}
	case []int64:
		if len(vals) == 1 {
			p = &tfpb.TensorProto{Int64Val: vals}
		}
	}
	if p != nil {
		p.Dtype, p.TensorShape = tfpb.DataType(t.DType()), shapeProto(t.Shape())
	} else {
		var err error
		if p, err = savedmodel.EncodeTensor(t); err != nil {
			b.fail(fmt.Errorf("build graph: const %s: %w", name, err))
			return name
		}
	}
	return b.constProto(name, p, t.Shape())
}

// zeros adds a float Const of the given shape holding the single value
// float_val 0, which TensorFlow repeats to fill the shape (how
// tf.zeros writes small constants).
func (b *builder) zeros(name string, shape []int) string {
	p := &tfpb.TensorProto{Dtype: tfpb.DataType(tensor.Float), TensorShape: shapeProto(shape), FloatVal: []float32{0}}
	return b.constProto(name, p, shape)
}

func (b *builder) constProto(name string, p *tfpb.TensorProto, shape []int) string {
	return b.node(name, "Const", nil, attrs{
		"dtype": {Value: &tfpb.AttrValue_Type{Type: p.Dtype}},
		"value": {Value: &tfpb.AttrValue_Tensor{Tensor: p}},
	}, shape)
}

func (b *builder) scalarInt32(name string, v int32) string {
	return b.constant(name, tensor.Scalar(v))
}

func (b *builder) scalarString(name, v string) string {
	return b.constant(name, tensor.Scalar(v))
}

// unknownRank stands for a shape of unknown rank in shape arguments (nil
// and empty dims are scalars).
var unknownRank = []int{-2}

// shapeProto converts dims (-1 unknown) to a TensorShapeProto.
func shapeProto(dims []int) *tfpb.TensorShapeProto {
	if len(dims) == 1 && dims[0] == unknownRank[0] {
		return &tfpb.TensorShapeProto{UnknownRank: true}
	}
	return savedmodel.ShapeToProto(dims)
}

func typeAttr(dt tensor.DType) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_Type{Type: tfpb.DataType(dt)}}
}

func typesAttr(dts ...tensor.DType) *tfpb.AttrValue {
	l := &tfpb.AttrValue_ListValue{}
	for _, dt := range dts {
		l.Type = append(l.Type, tfpb.DataType(dt))
	}
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: l}}
}

func intAttr(v int64) *tfpb.AttrValue { return &tfpb.AttrValue{Value: &tfpb.AttrValue_I{I: v}} }

func intsAttr(v ...int64) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: &tfpb.AttrValue_ListValue{I: v}}}
}

func boolAttr(v bool) *tfpb.AttrValue { return &tfpb.AttrValue{Value: &tfpb.AttrValue_B{B: v}} }

func strAttr(v string) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_S{S: []byte(v)}}
}

func shapeAttr(dims []int) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_Shape{Shape: shapeProto(dims)}}
}

// colocate is the _class attribute TF puts on ops pinned next to a variable.
func colocate(node string) *tfpb.AttrValue {
	return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: &tfpb.AttrValue_ListValue{S: [][]byte{[]byte("loc:@" + node)}}}}
}

func ctrl(node string) string { return "^" + node }

func out(node string, i int) string {
	if i == 0 {
		return node
	}
	return fmt.Sprintf("%s:%d", node, i)
}
