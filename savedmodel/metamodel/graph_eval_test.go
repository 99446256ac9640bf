package metamodel

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/bundle"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// This file is a deliberately small, test-only interpreter of the GraphDef
// that Write produces, following TensorFlow's session semantics (feeds
// override nodes, lazy evaluation from fetches and targets, VariableV2
// state, resource tables). It reads every attribute it depends on from the
// graph, so it checks that the graph means what Reference computes. It
// knows only the ops the meta model uses and fails loudly on others.

// val is a dense value: floats for float32, ints for int32/int64 and
// bools, strs for strings, handle for resources.
type val struct {
	dt     tensor.DType
	shape  []int
	f      []float64
	i      []int64
	s      []string
	handle string
}

func (v *val) n() int { return tensor.NumElements(v.shape) }

type session struct {
	nodes  map[string]*tfpb.NodeDef
	vars   map[string]*val
	tables map[string]map[string]int64
}

func newSession(g *tfpb.GraphDef) *session {
	s := &session{nodes: map[string]*tfpb.NodeDef{}, vars: map[string]*val{}, tables: map[string]map[string]int64{}}
	for _, n := range g.Node {
		s.nodes[n.Name] = n
	}
	return s
}

// run evaluates fetches (tensor names) after running targets (node
// names), with feeds keyed by tensor name.
func (s *session) run(feeds map[string]*val, fetches, targets []string) ([]*val, error) {
	r := &runState{s: s, feeds: feeds, done: map[string][]*val{}, busy: map[string]bool{}}
	for _, t := range targets {
		if _, err := r.node(t); err != nil {
			return nil, err
		}
	}
	var out []*val
	for _, f := range fetches {
		v, err := r.tensor(f)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

type runState struct {
	s     *session
	feeds map[string]*val
	done  map[string][]*val
	busy  map[string]bool
}

func splitName(t string) (string, int) {
	t = strings.TrimSuffix(t, ":0")
	if i := strings.LastIndexByte(t, ':'); i >= 0 {
		k, err := strconv.Atoi(t[i+1:])
		if err == nil {
			return t[:i], k
		}
	}
	return t, 0
}

func (r *runState) tensor(name string) (*val, error) {
	node, idx := splitName(name)
	if v, ok := r.feeds[fmt.Sprintf("%s:%d", node, idx)]; ok {
		return v, nil
	}
	outs, err := r.node(node)
	if err != nil {
		return nil, err
	}
	if idx >= len(outs) {
		return nil, fmt.Errorf("%s: output %d of %d", node, idx, len(outs))
	}
	return outs[idx], nil
}

func (r *runState) node(name string) ([]*val, error) {
	if v, ok := r.done[name]; ok {
		return v, nil
	}
	if r.busy[name] {
		return nil, fmt.Errorf("cycle at %s", name)
	}
	r.busy[name] = true
	n, ok := r.s.nodes[name]
	if !ok {
		return nil, fmt.Errorf("no node %q", name)
	}
	var in []*val
	for k, i := range n.Input {
		if k == 0 && n.Op == "Assign" {
			in = append(in, nil) // the ref is written, not read
			continue
		}
		if c, ok := strings.CutPrefix(i, "^"); ok {
			if _, err := r.node(c); err != nil {
				return nil, err
			}
			continue
		}
		v, err := r.tensor(i)
		if err != nil {
			return nil, err
		}
		in = append(in, v)
	}
	outs, err := r.s.exec(n, in)
	if err != nil {
		return nil, fmt.Errorf("%s (%s): %w", n.Name, n.Op, err)
	}
	r.done[name] = outs
	return outs, nil
}

func attrOf(n *tfpb.NodeDef, key string) (*tfpb.AttrValue, error) {
	a, ok := n.Attr[key]
	if !ok {
		return nil, fmt.Errorf("missing attr %q", key)
	}
	return a, nil
}

func fromTensor(t *tensor.Tensor) (*val, error) {
	v := &val{dt: t.DType(), shape: slices.Clone(t.Shape())}
	switch d := t.Data().(type) {
	case []float32:
		for _, x := range d {
			v.f = append(v.f, float64(x))
		}
	case []int32:
		for _, x := range d {
			v.i = append(v.i, int64(x))
		}
	case []int64:
		v.i = slices.Clone(d)
	case []string:
		v.s = slices.Clone(d)
	default:
		return nil, fmt.Errorf("dtype %s not handled", t.DType())
	}
	return v, nil
}

func scalarInt(v *val) (int, error) {
	if v.n() != 1 || v.i == nil {
		return 0, fmt.Errorf("want one integer, got %v", v.shape)
	}
	return int(v.i[0]), nil
}

func (s *session) exec(n *tfpb.NodeDef, in []*val) ([]*val, error) {
	one := func(v *val, err error) ([]*val, error) {
		if err != nil {
			return nil, err
		}
		return []*val{v}, nil
	}
	switch n.Op {
	case "Const":
		a, err := attrOf(n, "value")
		if err != nil {
			return nil, err
		}
		t, err := savedmodel.DecodeTensor(a.GetTensor())
		if err != nil {
			return nil, err
		}
		return one(fromTensor(t))
	case "Placeholder":
		return nil, fmt.Errorf("placeholder not fed")
	case "PlaceholderWithDefault", "Identity":
		return in[:1], nil
	case "NoOp":
		return nil, nil
	case "VariableV2":
		v, ok := s.vars[n.Name]
		if !ok {
			return nil, fmt.Errorf("uninitialised variable")
		}
		return []*val{v}, nil
	case "Assign":
		want, _ := savedmodel.ShapeFromProto(s.nodes[n.Input[0]].Attr["shape"].GetShape())
		if !slices.Equal(want, in[1].shape) {
			return nil, fmt.Errorf("assign %v to a %v variable", in[1].shape, want)
		}
		s.vars[n.Input[0]] = in[1]
		return in[1:2], nil
	case "RestoreV2":
		rd, err := bundle.Open(in[0].s[0])
		if err != nil {
			return nil, err
		}
		defer rd.Close()
		var outs []*val
		for i, key := range in[1].s {
			if in[2].s[i] != "" {
				return nil, fmt.Errorf("sliced restore")
			}
			t, err := rd.Tensor(key)
			if err != nil {
				return nil, err
			}
			if want := n.Attr["dtypes"].GetList().Type[i]; tensor.DType(want) != t.DType() {
				return nil, fmt.Errorf("%s: dtype %s, want %s", key, t.DType(), tensor.DType(want))
			}
			v, err := fromTensor(t)
			if err != nil {
				return nil, err
			}
			outs = append(outs, v)
		}
		return outs, nil
	case "HashTableV2":
		name := string(n.Attr["shared_name"].GetS())
		if name == "" {
			return nil, fmt.Errorf("no shared_name")
		}
		return []*val{{dt: tensor.Resource, handle: name}}, nil
	case "InitializeTableFromTextFileV2":
		if n.Attr["key_index"].GetI() != -2 || n.Attr["value_index"].GetI() != -1 || n.Attr["vocab_size"].GetI() != -1 {
			return nil, fmt.Errorf("only whole-line keys and line-number values are handled")
		}
		b, err := os.ReadFile(in[1].s[0])
		if err != nil {
			return nil, err
		}
		lines := strings.Split(string(b), "\n")
		if lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		t := map[string]int64{}
		for i, l := range lines {
			if _, dup := t[l]; dup {
				return nil, fmt.Errorf("duplicate key %q", l)
			}
			t[l] = int64(i)
		}
		s.tables[in[0].handle] = t
		return nil, nil
	case "LookupTableFindV2":
		t, ok := s.tables[in[0].handle]
		if !ok {
			return nil, fmt.Errorf("table %s not initialised", in[0].handle)
		}
		out := &val{dt: tensor.Int64, shape: in[1].shape, i: make([]int64, in[1].n())}
		for i, k := range in[1].s {
			if id, ok := t[k]; ok {
				out.i[i] = id
			} else {
				out.i[i] = in[2].i[0]
			}
		}
		return []*val{out}, nil
	case "AddV2":
		if in[1].n() != 1 {
			return nil, fmt.Errorf("only scalar y")
		}
		out := &val{dt: in[0].dt, shape: in[0].shape, i: make([]int64, len(in[0].i))}
		for i, x := range in[0].i {
			out.i[i] = x + in[1].i[0]
		}
		return []*val{out}, nil
	case "Equal":
		if in[1].n() != 1 || in[0].s == nil {
			return nil, fmt.Errorf("only strings against a scalar")
		}
		out := &val{dt: tensor.Bool, shape: in[0].shape, i: make([]int64, len(in[0].s))}
		for i, x := range in[0].s {
			if x == in[1].s[0] {
				out.i[i] = 1
			}
		}
		return []*val{out}, nil
	case "SelectV2":
		if in[1].n() != 1 || !slices.Equal(in[0].shape, in[2].shape) {
			return nil, fmt.Errorf("only a scalar then-branch")
		}
		out := &val{dt: in[2].dt, shape: in[2].shape, i: slices.Clone(in[2].i)}
		for i, c := range in[0].i {
			if c != 0 {
				out.i[i] = in[1].i[0]
			}
		}
		return []*val{out}, nil
	case "GatherV2":
		axis, err := scalarInt(in[2])
		if err != nil || axis != 0 {
			return nil, fmt.Errorf("only axis 0")
		}
		p := in[0]
		row := p.n() / p.shape[0]
		out := &val{dt: p.dt, shape: append(slices.Clone(in[1].shape), p.shape[1:]...)}
		for _, id := range in[1].i {
			if id < 0 || int(id) >= p.shape[0] {
				return nil, fmt.Errorf("index %d out of range", id)
			}
			out.f = append(out.f, p.f[int(id)*row:int(id+1)*row]...)
		}
		return []*val{out}, nil
	case "ExpandDims":
		d, err := scalarInt(in[1])
		if err != nil {
			return nil, err
		}
		if d < 0 {
			d += len(in[0].shape) + 1
		}
		shape := slices.Insert(slices.Clone(in[0].shape), d, 1)
		return []*val{{dt: in[0].dt, shape: shape, f: in[0].f}}, nil
	case "Squeeze":
		dims := n.Attr["squeeze_dims"].GetList().GetI()
		var shape []int
		for i, d := range in[0].shape {
			if slices.Contains(dims, int64(i)) {
				if d != 1 {
					return nil, fmt.Errorf("squeeze dim %d of size %d", i, d)
				}
				continue
			}
			shape = append(shape, d)
		}
		return []*val{{dt: in[0].dt, shape: shape, f: in[0].f}}, nil
	case "Conv2D", "MaxPool":
		return one(window(n, in))
	case "BiasAdd":
		c := in[1].n()
		out := &val{dt: in[0].dt, shape: in[0].shape, f: slices.Clone(in[0].f)}
		for i := range out.f {
			out.f[i] += in[1].f[i%c]
		}
		return []*val{out}, nil
	case "Relu", "Sigmoid":
		out := &val{dt: in[0].dt, shape: in[0].shape, f: slices.Clone(in[0].f)}
		for i, x := range out.f {
			if n.Op == "Relu" {
				out.f[i] = max(x, 0)
			} else {
				out.f[i] = 1 / (1 + math.Exp(-x))
			}
		}
		return []*val{out}, nil
	case "Max":
		axis, err := scalarInt(in[1])
		if err != nil || axis != 1 || len(in[0].shape) != 3 || n.Attr["keep_dims"].GetB() {
			return nil, fmt.Errorf("only axis 1 of rank 3 without keep_dims")
		}
		b, t, c := in[0].shape[0], in[0].shape[1], in[0].shape[2]
		out := &val{dt: in[0].dt, shape: []int{b, c}, f: make([]float64, b*c)}
		for i := range b {
			for k := range c {
				m := math.Inf(-1)
				for j := range t {
					m = max(m, in[0].f[(i*t+j)*c+k])
				}
				out.f[i*c+k] = m
			}
		}
		return []*val{out}, nil
	case "MatMul":
		if n.Attr["transpose_a"].GetB() || n.Attr["transpose_b"].GetB() {
			return nil, fmt.Errorf("transposes not handled")
		}
		a, b := in[0], in[1]
		rows, k, cols := a.shape[0], a.shape[1], b.shape[1]
		if b.shape[0] != k {
			return nil, fmt.Errorf("shapes %v x %v", a.shape, b.shape)
		}
		out := &val{dt: a.dt, shape: []int{rows, cols}, f: make([]float64, rows*cols)}
		for i := range rows {
			for j := range cols {
				var acc float64
				for q := range k {
					acc += a.f[i*k+q] * b.f[q*cols+j]
				}
				out.f[i*cols+j] = acc
			}
		}
		return []*val{out}, nil
	}
	return nil, fmt.Errorf("op not handled by the test interpreter")
}

// window computes Conv2D and MaxPool in NHWC with VALID padding, reading
// strides, ksize and dilations from the node.
func window(n *tfpb.NodeDef, in []*val) (*val, error) {
	if string(n.Attr["padding"].GetS()) != "VALID" || string(n.Attr["data_format"].GetS()) != "NHWC" {
		return nil, fmt.Errorf("only VALID NHWC")
	}
	st := n.Attr["strides"].GetList().GetI()
	x := in[0]
	N, H, W, C := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	var kh, kw, outC int
	if n.Op == "Conv2D" {
		if d := n.Attr["dilations"].GetList().GetI(); !slices.Equal(d, []int64{1, 1, 1, 1}) {
			return nil, fmt.Errorf("dilations %v", d)
		}
		f := in[1]
		kh, kw, outC = f.shape[0], f.shape[1], f.shape[3]
		if f.shape[2] != C {
			return nil, fmt.Errorf("filter %v on input %v", f.shape, x.shape)
		}
	} else {
		ks := n.Attr["ksize"].GetList().GetI()
		if ks[0] != 1 || ks[3] != 1 {
			return nil, fmt.Errorf("ksize %v", ks)
		}
		kh, kw, outC = int(ks[1]), int(ks[2]), C
	}
	if st[0] != 1 || st[3] != 1 {
		return nil, fmt.Errorf("strides %v", st)
	}
	sh, sw := int(st[1]), int(st[2])
	oh, ow := (H-kh+sh)/sh, (W-kw+sw)/sw
	out := &val{dt: x.dt, shape: []int{N, oh, ow, outC}, f: make([]float64, N*oh*ow*outC)}
	at := func(b, i, j, c int) float64 { return x.f[((b*H+i)*W+j)*C+c] }
	for b := range N {
		for i := range oh {
			for j := range ow {
				for o := range outC {
					acc := 0.0
					if n.Op == "MaxPool" {
						acc = math.Inf(-1)
					}
					for di := range kh {
						for dj := range kw {
							if n.Op == "MaxPool" {
								acc = max(acc, at(b, i*sh+di, j*sw+dj, o))
								continue
							}
							for c := range C {
								acc += at(b, i*sh+di, j*sw+dj, c) * in[1].f[((di*kw+dj)*C+c)*outC+o]
							}
						}
					}
					out.f[((b*oh+i)*ow+j)*outC+o] = acc
				}
			}
		}
	}
	return out, nil
}
