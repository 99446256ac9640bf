package savedmodel

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/tensor"
)

func tiText(ti TensorInfo) string {
	shape := "<unknown rank>"
	if !ti.UnknownRank {
		shape = tensor.ShapeString(ti.Shape)
	}
	var v, i, d string
	if ti.Sparse != nil {
		v, i, d = ti.Sparse.Values, ti.Sparse.Indices, ti.Sparse.DenseShape
	}
	return normTI(ti.Key, ti.DType.String(), shape, v, i, d, ti.Name)
}

// Every model a SOURCE.md inspects: load it and compare tags, versions,
// graph sizes, signatures (keys, methods, tensor names, dtypes, shapes,
// sparse parts), reachable ops per signature and variables.
func TestFixturesAgainstSourceMD(t *testing.T) {
	root := fixtures.Path(t, "fixtures/savedmodels")
	for _, want := range parseSourceMDs(t) {
		t.Run(want.rel, func(t *testing.T) {
			m, err := Load(filepath.Join(root, want.rel), LoadOptions{Tags: want.tags})
			if err != nil {
				t.Fatal(err)
			}
			if m.Format != "pb" || m.TFVersion != want.tfVersion || m.TFGitVersion != want.git || m.GraphProducer != want.producer {
				t.Errorf("format %s TF %q git %q producer %d; want pb %q %q %d", m.Format, m.TFVersion, m.TFGitVersion, m.GraphProducer, want.tfVersion, want.git, want.producer)
			}
			d, err := Describe(m)
			if err != nil {
				t.Fatal(err)
			}
			if d.GraphNodes != want.graphNodes || d.Functions != want.functions || d.StrippedDefaultAttrs != want.stripped || d.GraphMinConsumer != want.minConsumer {
				t.Errorf("nodes %d funcs %d stripped %v min_consumer %d; want %d %d %v %d", d.GraphNodes, d.Functions, d.StrippedDefaultAttrs, d.GraphMinConsumer, want.graphNodes, want.functions, want.stripped, want.minConsumer)
			}
			if got := m.SignatureKeys(); len(got) != len(want.sigs) {
				t.Errorf("signatures %v, SOURCE.md has %d", got, len(want.sigs))
			}
			for _, sd := range d.Signatures {
				ws, ok := want.sigs[sd.Key]
				if !ok {
					t.Errorf("signature %q not in SOURCE.md", sd.Key)
					continue
				}
				if sd.Method != ws.method {
					t.Errorf("%s: method %q want %q", sd.Key, sd.Method, ws.method)
				}
				var ins, outs []string
				for _, ti := range sd.Inputs {
					ins = append(ins, tiText(ti))
				}
				for _, ti := range sd.Outputs {
					outs = append(outs, tiText(ti))
				}
				if !reflect.DeepEqual(ins, ws.ins) || !reflect.DeepEqual(outs, ws.outs) {
					t.Errorf("%s:\n ins  %q\n want %q\n outs %q\n want %q", sd.Key, ins, ws.ins, outs, ws.outs)
				}
				ops := map[string]int{}
				for _, o := range sd.Ops {
					ops[o.Op] = o.Count
				}
				if !reflect.DeepEqual(ops, ws.ops) || len(sd.FunctionsUsed) != ws.funcs {
					t.Errorf("%s: ops (%d funcs) %v\n want (%d funcs) %v", sd.Key, len(sd.FunctionsUsed), ops, ws.funcs, ws.ops)
				}
			}
			vars := map[string]string{}
			for _, v := range d.Variables {
				vars[v.Key] = v.DType.String() + " " + tensor.ShapeString(v.Shape)
			}
			for k, w := range want.vars {
				if vars[k] != w {
					t.Errorf("variable %s: %q, want %q", k, vars[k], w)
				}
			}
			var sb strings.Builder
			if err := d.WriteText(&sb); err != nil || !strings.Contains(sb.String(), want.tfVersion) {
				t.Errorf("WriteText: %v", err)
			}
		})
	}
}
