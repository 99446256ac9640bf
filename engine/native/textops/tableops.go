package textops

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

func tableDefs() []op.Def {
	const tableAttrs = "; container: string = ''; shared_name: string = ''; use_node_name_sharing: bool = false; key_dtype: type; value_dtype: type; experimental_is_anonymous: bool = false"
	return []op.Def{
		{Spec: "HashTableV2() -> (table_handle: resource)" + tableAttrs, Stateful: true, Kernel: tableKernel(false)},
		{Spec: "MutableHashTableV2() -> (table_handle: resource)" + tableAttrs, Stateful: true, Kernel: tableKernel(true)},
		{Spec: "LookupTableFindV2(table_handle: resource, keys: Tin, default_value: Tout) -> (values: Tout); Tin: type; Tout: type", Stateful: true, Kernel: lookupFind},
		{Spec: "LookupTableSizeV2(table_handle: resource) -> (size: int64)", Stateful: true, Kernel: lookupSize},
		{Spec: "LookupTableImportV2(table_handle: resource, keys: Tin, values: Tout); Tin: type; Tout: type", Stateful: true, Kernel: lookupImport},
		{Spec: "LookupTableInsertV2(table_handle: resource, keys: Tin, values: Tout); Tin: type; Tout: type", Stateful: true, Kernel: lookupInsert},
		{Spec: "LookupTableExportV2(table_handle: resource) -> (keys: Tkeys, values: Tvalues); Tkeys: type; Tvalues: type", Stateful: true, Kernel: lookupExport},
		{Spec: "InitializeTableV2(table_handle: resource, keys: Tkey, values: Tval); Tkey: type; Tval: type", Stateful: true, Kernel: initTable},
		{Spec: "InitializeTableFromTextFileV2(table_handle: resource, filename: string); key_index: int; value_index: int; vocab_size: int = -1; delimiter: string = '\t'; offset: int = 0",
			Stateful: true, Kernel: initTableFromTextFile},
	}
}

// TableKey is the c.Resources() key of a lookup table: container and
// shared_name, the node name standing in for an empty shared_name.
func TableKey(container, sharedName, node string) string {
	if sharedName == "" {
		sharedName = node
	}
	return "table:" + container + "/" + sharedName
}

func tableKernel(mutable bool) op.Kernel {
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		container, err := op.String(c, "container")
		if err != nil {
			return nil, err
		}
		shared, err := op.String(c, "shared_name")
		if err != nil {
			return nil, err
		}
		kt, err := op.Type(c, "key_dtype")
		if err != nil {
			return nil, err
		}
		vt, err := op.Type(c, "value_dtype")
		if err != nil {
			return nil, err
		}
		key := TableKey(container, shared, c.Node())
		r, err := c.Resources().LookupOrCreate(key, func() (any, error) {
			return NewTable(key, kt, vt, mutable)
		})
		if err != nil {
			return nil, c.Errorf("%v", err)
		}
		t, ok := r.(*Table)
		if !ok {
			return nil, c.Errorf("resource %s is %T, not a lookup table", key, r)
		}
		if t.KeyType != kt || t.ValueType != vt || t.Mutable != mutable {
			return nil, c.Errorf("table %s exists with key %s, value %s; node wants %s -> %s", key, t.KeyType, t.ValueType, kt, vt)
		}
		return []*tensor.Tensor{op.ResourceTensor(t)}, nil
	}
}

func lookupFind(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	t, err := op.ResourceArg[*Table](c, in[0])
	if err != nil {
		return nil, err
	}
	out, err := op.Dirty(c, t.ValueType, in[1].Shape()) // FindInto stores every element
	if err != nil {
		return nil, err
	}
	if err := t.FindInto(out, in[1], in[2]); err != nil {
		return nil, c.Errorf("%v", err)
	}
	return []*tensor.Tensor{out}, nil
}

func lookupSize(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	t, err := op.ResourceArg[*Table](c, in[0])
	if err != nil {
		return nil, err
	}
	return []*tensor.Tensor{tensor.Scalar(int64(t.Size()))}, nil
}

func lookupImport(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	t, err := op.ResourceArg[*Table](c, in[0])
	if err != nil {
		return nil, err
	}
	if err := t.Import(in[1], in[2]); err != nil {
		return nil, c.Errorf("%v", err)
	}
	return nil, nil
}

func lookupInsert(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	t, err := op.ResourceArg[*Table](c, in[0])
	if err != nil {
		return nil, err
	}
	if err := t.Insert(in[1], in[2]); err != nil {
		return nil, c.Errorf("%v", err)
	}
	return nil, nil
}

func lookupExport(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	t, err := op.ResourceArg[*Table](c, in[0])
	if err != nil {
		return nil, err
	}
	k, v, err := t.Export()
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	return []*tensor.Tensor{k, v}, nil
}

func initTable(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	t, err := op.ResourceArg[*Table](c, in[0])
	if err != nil {
		return nil, err
	}
	err = t.Init(func(insert func(k, v *tensor.Tensor) error) error { return insert(in[1], in[2]) })
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	return nil, nil
}

// TextFileSpec says how InitializeTableFromTextFileV2 reads a file.
type TextFileSpec struct {
	KeyIndex, ValueIndex int64 // -2 whole line, -1 line number, >= 0 column
	VocabSize            int64 // -1: all lines
	Delimiter            byte
	Offset               int64 // added to line numbers
}

// Special column indexes of TextFileSpec.
const (
	WholeLine  = -2
	LineNumber = -1
)

// ReadTextFileTable parses a table file as TensorFlow's TextFileLineIterator
// does: lines end at '\n', one trailing '\r' is dropped (so \r\n files read
// the same as \n files), a last line without '\n' counts, an empty line is
// an error ("empty line found"), a line with too few columns is an error,
// more lines than vocab_size are ignored and fewer are an error.
func ReadTextFileTable(name string, data []byte, spec TextFileSpec, keyType, valueType tensor.DType) (keys, vals *tensor.Tensor, err error) {
	kcol, err := newColumn(name, "key", spec.KeyIndex, keyType)
	if err != nil {
		return nil, nil, err
	}
	vcol, err := newColumn(name, "value", spec.ValueIndex, valueType)
	if err != nil {
		return nil, nil, err
	}
	var line int64
	for len(data) > 0 {
		if spec.VocabSize >= 0 && line >= spec.VocabSize {
			break
		}
		var ln []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			ln, data = data[:i], data[i+1:]
		} else {
			ln, data = data, nil
		}
		ln = bytes.TrimSuffix(ln, []byte{'\r'})
		if len(ln) == 0 {
			return nil, nil, errf("invalid content in %s: empty line found at line %d", name, line)
		}
		s := string(ln)
		var toks []string
		if spec.KeyIndex >= 0 || spec.ValueIndex >= 0 {
			toks = strings.Split(s, string(spec.Delimiter))
			if need := max(spec.KeyIndex, spec.ValueIndex); need >= int64(len(toks)) {
				return nil, nil, errf("invalid number of columns in %s line %d (%s): expected %d got %d", name, line, s, need, len(toks))
			}
		}
		if err := kcol.add(s, toks, line+spec.Offset, line); err != nil {
			return nil, nil, err
		}
		if err := vcol.add(s, toks, line+spec.Offset, line); err != nil {
			return nil, nil, err
		}
		line++
	}
	if spec.VocabSize >= 0 && line < spec.VocabSize {
		return nil, nil, errf("invalid vocab_size in %s: expected %d but got %d", name, spec.VocabSize, line)
	}
	return kcol.tensor(), vcol.tensor(), nil
}

// column collects one side (key or value) of a text-file table.
type column struct {
	file  string
	index int64
	dt    tensor.DType
	strs  []string
	i64   []int64
	f64   []float64
}

func newColumn(file, what string, index int64, dt tensor.DType) (*column, error) {
	switch {
	case index < WholeLine:
		return nil, errf("table file %s: invalid %s index %d", file, what, index)
	case index == WholeLine && dt != tensor.String:
		return nil, errf("table file %s: the whole line is a string, %s type is %s", file, what, dt)
	case index == LineNumber && dt != tensor.Int64 && dt != tensor.Int32:
		return nil, errf("table file %s: line numbers are integers, %s type is %s", file, what, dt)
	}
	switch dt {
	case tensor.String, tensor.Int64, tensor.Int32, tensor.Float, tensor.Double:
	default:
		return nil, errf("table file %s: unsupported %s type %s", file, what, dt)
	}
	return &column{file: file, index: index, dt: dt}, nil
}

func (c *column) add(line string, toks []string, lineNo, idx int64) error {
	var tok string
	switch c.index {
	case WholeLine:
		c.strs = append(c.strs, line)
		return nil
	case LineNumber:
		c.i64 = append(c.i64, lineNo)
		return nil
	default:
		tok = toks[c.index]
	}
	switch c.dt {
	case tensor.String:
		c.strs = append(c.strs, tok)
	case tensor.Int64, tensor.Int32:
		bits := 64
		if c.dt == tensor.Int32 {
			bits = 32
		}
		n, err := strconv.ParseInt(strings.TrimSpace(tok), 10, bits)
		if err != nil {
			return errf("field %s in line %d of %s is not a valid %s", tok, idx, c.file, c.dt)
		}
		c.i64 = append(c.i64, n)
	default:
		bits := 64
		if c.dt == tensor.Float {
			bits = 32
		}
		f, err := parseFloat(strings.TrimSpace(tok), bits)
		if err != nil {
			return errf("field %s in line %d of %s is not a valid %s", tok, idx, c.file, c.dt)
		}
		c.f64 = append(c.f64, f)
	}
	return nil
}

func (c *column) tensor() *tensor.Tensor {
	switch c.dt {
	case tensor.String:
		return tensor.Must(tensor.String, []int{len(c.strs)}, append([]string{}, c.strs...))
	case tensor.Int64:
		return tensor.Must(tensor.Int64, []int{len(c.i64)}, append([]int64{}, c.i64...))
	case tensor.Int32:
		out := make([]int32, len(c.i64))
		for i, v := range c.i64 {
			out[i] = int32(v)
		}
		return tensor.Must(tensor.Int32, []int{len(out)}, out)
	case tensor.Float:
		out := make([]float32, len(c.f64))
		for i, v := range c.f64 {
			out[i] = float32(v)
		}
		return tensor.Must(tensor.Float, []int{len(out)}, out)
	}
	return tensor.Must(tensor.Double, []int{len(c.f64)}, append([]float64{}, c.f64...))
}

func initTableFromTextFile(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	t, err := op.ResourceArg[*Table](c, in[0])
	if err != nil {
		return nil, err
	}
	name, err := scalarString(c, "filename", in[1])
	if err != nil {
		return nil, err
	}
	var spec TextFileSpec
	if spec.KeyIndex, err = op.Int(c, "key_index"); err != nil {
		return nil, err
	}
	if spec.ValueIndex, err = op.Int(c, "value_index"); err != nil {
		return nil, err
	}
	if spec.VocabSize, err = op.Int(c, "vocab_size"); err != nil {
		return nil, err
	}
	if spec.Offset, err = op.Int(c, "offset"); err != nil {
		return nil, err
	}
	delim, err := op.String(c, "delimiter")
	if err != nil {
		return nil, err
	}
	if len(delim) != 1 {
		return nil, c.Errorf("delimiter should be only 1 char, got %q", delim)
	}
	spec.Delimiter = delim[0]
	if t.Initialized() && !t.Mutable {
		return nil, nil
	}
	data, err := c.ReadFile(name)
	if err != nil {
		return nil, c.Errorf("read table file: %v", err)
	}
	keys, vals, err := ReadTextFileTable(name, data, spec, t.KeyType, t.ValueType)
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	if err := t.Init(func(insert func(k, v *tensor.Tensor) error) error { return insert(keys, vals) }); err != nil {
		return nil, c.Errorf("%v", err)
	}
	return nil, nil
}
