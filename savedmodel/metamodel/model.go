package metamodel

import (
	"fmt"

	"github.com/scorekit/score/tensor"
)

// Node and tensor names a caller of the written model needs.
const (
	// InputKey is the signature input key and the Placeholder's name.
	InputKey = "tokens"
	// SignatureKey and Method name the one SignatureDef.
	SignatureKey = "serving_default"
	Method       = "tensorflow/serving/predict"
	// VocabFile is the asset's file name inside assets/.
	VocabFile = "vocab.txt"

	tableNode     = "string_to_index/hash_table"
	tableInitNode = "string_to_index/hash_table/table_init"
	assetNode     = "string_to_index/hash_table/table_init/asset_filepath"
	mainOpNode    = "group_deps"
)

// OutputName is the graph tensor of head h's sigmoid output.
func OutputName(h int) string { return HeadName(h) + "/dense_1/Sigmoid:0" }

// varInfo records what the saver and the collections need of a variable.
type varInfo struct {
	name, initial string
	shape         []int
}

// model holds the state of one graph build.
type model struct {
	*builder
	cfg  Config
	vars []varInfo
	// exportPath is the asset path baked into the asset Const, as TF1
	// leaves the exporting machine's path there; loaders feed the real one.
	exportPath string
}

// variable adds a TF1 RefVariable: VariableV2, an initializer subgraph
// (Glorot/Keras uniform when limit > 0, zeros otherwise), Assign and read.
// It returns the name of the read Identity.
func (m *model) variable(name string, shape []int, limit float64) string {
	f32 := tensor.Float
	loc := colocate(name)
	var initial string
	if limit > 0 {
		s := name + "/Initializer/random_uniform"
		dims := make([]int32, len(shape))
		for i, d := range shape {
			dims[i] = int32(d)
		}
		shapeC := m.constant(s+"/shape", tensor.Must(tensor.Int32, []int{len(dims)}, dims))
		lo := m.constant(s+"/min", tensor.Scalar(float32(-limit)))
		hi := m.constant(s+"/max", tensor.Scalar(float32(limit)))
		for _, n := range m.nodes[len(m.nodes)-3:] {
			n.Attr["_class"] = loc
		}
		rnd := m.node(s+"/RandomUniform", "RandomUniform", []string{shapeC}, attrs{
			"T": typeAttr(tensor.Int32), "dtype": typeAttr(f32), "seed": intAttr(0), "seed2": intAttr(0), "_class": loc,
		}, shape)
		sub := m.node(s+"/sub", "Sub", []string{hi, lo}, attrs{"T": typeAttr(f32), "_class": loc}, []int{})
		mul := m.node(s+"/mul", "Mul", []string{rnd, sub}, attrs{"T": typeAttr(f32), "_class": loc}, shape)
		initial = m.node(s, "Add", []string{mul, lo}, attrs{"T": typeAttr(f32), "_class": loc}, shape)
	} else {
		initial = m.zeros(name+"/Initializer/zeros", shape)
		m.nodes[len(m.nodes)-1].Attr["_class"] = loc
	}
	m.node(name, "VariableV2", nil, attrs{
		"container": strAttr(""), "shared_name": strAttr(""), "dtype": typeAttr(f32), "shape": shapeAttr(shape),
	}, shape)
	m.node(name+"/Assign", "Assign", []string{name, initial}, attrs{
		"T": typeAttr(f32), "_class": loc, "use_locking": boolAttr(true), "validate_shape": boolAttr(true),
	}, shape)
	read := m.node(name+"/read", "Identity", []string{name}, attrs{"T": typeAttr(f32), "_class": loc}, shape)
	m.vars = append(m.vars, varInfo{name: name, initial: initial, shape: shape})
	return read
}

// buildForward adds the input, the vocabulary table, the embedding and
// every head.
func (m *model) buildForward() {
	c := m.cfg
	str, i64, f32 := tensor.String, tensor.Int64, tensor.Float
	rows := []int{-1, c.SeqLen}
	tokens := m.node(InputKey, "Placeholder", nil, attrs{"dtype": typeAttr(str), "shape": shapeAttr(rows)}, rows)

	// tf.contrib.lookup.index_table_from_file(vocab, default_value=-1):
	// whole line -> line number.
	table := m.node(tableNode, "HashTableV2", nil, attrs{
		"container":             strAttr(""),
		"shared_name":           strAttr(fmt.Sprintf("hash_table_%s_-1_-2_-1", m.exportPath)),
		"use_node_name_sharing": boolAttr(false),
		"key_dtype":             typeAttr(str),
		"value_dtype":           typeAttr(i64),
	}, []int{})
	def := m.constant(tableNode+"/Const", tensor.Scalar(int64(-1)))
	asset := m.scalarString(assetNode, m.exportPath)
	m.node(tableInitNode, "InitializeTableFromTextFileV2", []string{table, asset}, attrs{
		"key_index": intAttr(-2), "value_index": intAttr(-1), "vocab_size": intAttr(-1), "delimiter": strAttr("\t"),
	})
	found := m.node("hash_table_Lookup/LookupTableFindV2", "LookupTableFindV2", []string{table, tokens, def}, attrs{
		"Tin": typeAttr(str), "Tout": typeAttr(i64),
	}, rows)

	// ids = where(tokens == "", PadID, line + FirstWordID); a missing
	// word's -1 becomes OOVID.
	two := m.constant("token_ids/add/y", tensor.Scalar(int64(FirstWordID)))
	shifted := m.node("token_ids/add", "AddV2", []string{found, two}, attrs{"T": typeAttr(i64)}, rows)
	empty := m.scalarString("token_ids/Equal/y", "")
	isPad := m.node("token_ids/Equal", "Equal", []string{tokens, empty}, attrs{
		"T": typeAttr(str), "incompatible_shape_error": boolAttr(true),
	}, rows)
	pad := m.constant("token_ids/SelectV2/t", tensor.Scalar(int64(PadID)))
	ids := m.node("token_ids/SelectV2", "SelectV2", []string{isPad, pad, shifted}, attrs{"T": typeAttr(i64)}, rows)

	// Keras Embedding on a TF1 RefVariable: GatherV2 reads the variable
	// itself, not its read Identity.
	m.variable(embeddingVar, []int{c.VocabSize, c.EmbedDim}, 0.05)
	axis := m.scalarInt32("embedding_lookup/axis", 0)
	m.nodes[len(m.nodes)-1].Attr["_class"] = colocate(embeddingVar)
	seq := []int{-1, c.SeqLen, c.EmbedDim}
	g := m.node("embedding_lookup", "GatherV2", []string{embeddingVar, ids, axis}, attrs{
		"Tparams": typeAttr(f32), "Tindices": typeAttr(i64), "Taxis": typeAttr(tensor.Int32),
		"batch_dims": intAttr(0), "_class": colocate(embeddingVar),
	}, seq)
	x := m.node("embedding_lookup/Identity", "Identity", []string{g}, attrs{"T": typeAttr(f32)}, seq)

	for h := range c.Heads {
		m.buildHead(h, x)
	}
}

// buildHead adds head h on the embedded rows x: Keras layers conv1d,
// max_pooling1d, ..., global_max_pooling1d, dense, dense_1.
func (m *model) buildHead(h int, x string) {
	c := m.cfg
	f32 := tensor.Float
	T := typeAttr(f32)
	scope := HeadName(h) + "/"
	inLen, convLen, _ := c.lengths()
	in := c.EmbedDim
	for i, f := range c.Filters {
		ln := scope + layerName("conv1d", i)
		kernel := m.variable(ln+"/kernel", []int{c.Kernel, in, f}, glorot(c.Kernel*in, c.Kernel*f))
		bias := m.variable(ln+"/bias", []int{f}, 0)
		// tf.nn.conv1d (TF 1.15): ExpandDims(x, 1), ExpandDims(kernel, 0),
		// Conv2D NHWC VALID, Squeeze([1]).
		op := ln + "/conv1d"
		d1 := m.scalarInt32(op+"/ExpandDims/dim", 1)
		xe := m.node(op+"/ExpandDims", "ExpandDims", []string{x, d1}, attrs{"T": T, "Tdim": typeAttr(tensor.Int32)},
			[]int{-1, 1, inLen[i], in})
		d0 := m.scalarInt32(op+"/ExpandDims_1/dim", 0)
		ke := m.node(op+"/ExpandDims_1", "ExpandDims", []string{kernel, d0}, attrs{"T": T, "Tdim": typeAttr(tensor.Int32)},
			[]int{1, c.Kernel, in, f})
		conv := m.node(op, "Conv2D", []string{xe, ke}, attrs{
			"T": T, "data_format": strAttr("NHWC"), "dilations": intsAttr(1, 1, 1, 1), "explicit_paddings": intsAttr(),
			"padding": strAttr("VALID"), "strides": intsAttr(1, 1, 1, 1), "use_cudnn_on_gpu": boolAttr(true),
		}, []int{-1, 1, convLen[i], f})
		seq := []int{-1, convLen[i], f}
		sq := m.node(op+"/Squeeze", "Squeeze", []string{conv}, attrs{"T": T, "squeeze_dims": intsAttr(1)}, seq)
		ba := m.node(ln+"/BiasAdd", "BiasAdd", []string{sq, bias}, attrs{"T": T, "data_format": strAttr("NHWC")}, seq)
		x = m.node(ln+"/Relu", "Relu", []string{ba}, attrs{"T": T}, seq)
		in = f
		if i == len(c.Filters)-1 {
			break
		}
		// Keras MaxPooling1D (TF 1.15): ExpandDims(x, 2), MaxPool with
		// ksize = strides = [1, Pool, 1, 1], Squeeze([2]).
		pn := scope + layerName("max_pooling1d", i)
		pooled := inLen[i+1]
		d2 := m.scalarInt32(pn+"/ExpandDims/dim", 2)
		pe := m.node(pn+"/ExpandDims", "ExpandDims", []string{x, d2}, attrs{"T": T, "Tdim": typeAttr(tensor.Int32)},
			[]int{-1, convLen[i], 1, f})
		p := int64(c.Pool)
		mp := m.node(pn+"/MaxPool", "MaxPool", []string{pe}, attrs{
			"T": T, "data_format": strAttr("NHWC"), "ksize": intsAttr(1, p, 1, 1), "strides": intsAttr(1, p, 1, 1),
			"padding": strAttr("VALID"),
		}, []int{-1, pooled, 1, f})
		x = m.node(pn+"/Squeeze", "Squeeze", []string{mp}, attrs{"T": T, "squeeze_dims": intsAttr(2)}, []int{-1, pooled, f})
	}
	ri := m.scalarInt32(scope+"global_max_pooling1d/Max/reduction_indices", 1)
	x = m.node(scope+"global_max_pooling1d/Max", "Max", []string{x, ri}, attrs{
		"T": T, "Tidx": typeAttr(tensor.Int32), "keep_dims": boolAttr(false),
	}, []int{-1, in})

	dense := func(name string, in, units int, act string) string {
		kernel := m.variable(name+"/kernel", []int{in, units}, glorot(in, units))
		bias := m.variable(name+"/bias", []int{units}, 0)
		shape := []int{-1, units}
		mm := m.node(name+"/MatMul", "MatMul", []string{x, kernel}, attrs{
			"T": T, "transpose_a": boolAttr(false), "transpose_b": boolAttr(false),
		}, shape)
		ba := m.node(name+"/BiasAdd", "BiasAdd", []string{mm, bias}, attrs{"T": T, "data_format": strAttr("NHWC")}, shape)
		return m.node(name+"/"+act, act, []string{ba}, attrs{"T": T}, shape)
	}
	x = dense(scope+"dense", in, c.Dense, "Relu")
	dense(scope+"dense_1", c.Dense, 1, "Sigmoid")
}
