package savedmodel

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/prototext"

	"github.com/scorekit/score/internal/fixtures"
)

// textCopy writes the fixture's saved_model.pb as saved_model.pbtxt into a
// temp model dir, linking variables/ and assets/ from the fixture.
func textCopy(t *testing.T, fixtureDir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, FilePB))
	if err != nil {
		t.Fatal(err)
	}
	sm, err := Parse(data, false)
	if err != nil {
		t.Fatal(err)
	}
	txt, err := prototext.MarshalOptions{Multiline: true}.Marshal(sm)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FilePBTxt), txt, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{VariablesDir, AssetsDir} {
		if _, err := os.Stat(filepath.Join(fixtureDir, sub)); err == nil {
			if err := os.Symlink(filepath.Join(fixtureDir, sub), filepath.Join(dir, sub)); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

func TestTextFormatMatchesBinary(t *testing.T) {
	for _, name := range []string{
		"tfserving_half_plus_two_tf1/00000123", // Any-packed assets in a collection
		"tfserving_half_plus_two_tf2/00000123",
		"tfjs_node_test_objects/module_with_multiple_signatures",
	} {
		src := fixtures.SavedModel(t, name)
		bin := mustLoad(t, src, LoadOptions{})
		txt := mustLoad(t, textCopy(t, src), LoadOptions{})
		if txt.Format != "pbtxt" {
			t.Fatalf("%s: format %s", name, txt.Format)
		}
		db, err := Describe(bin)
		if err != nil {
			t.Fatal(err)
		}
		dt, err := Describe(txt)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []*Description{db, dt} {
			d.Dir, d.Format, d.Version = "", "", 0 // t.TempDir names are numbers
			for i := range d.Assets {
				d.Assets[i].Path = filepath.Base(d.Assets[i].Path)
			}
		}
		if !reflect.DeepEqual(db, dt) {
			t.Errorf("%s: text and binary descriptions differ:\n%+v\n%+v", name, db, dt)
		}
		if strings.HasPrefix(name, "tfserving") && (len(txt.Assets) != 1 || txt.Assets[0].Filename != "foo.txt") {
			t.Errorf("%s: assets %+v", name, txt.Assets)
		}
	}
}

// A hand-written file in TensorFlow's own text style: enum names, an
// expanded Any, and fields this reader does not know.
const tfStyleText = `
saved_model_schema_version: 1
meta_graphs {
  meta_info_def {
    tags: "serve"
    tensorflow_version: "1.15.0"
    some_future_field: "ignored"
    any_info {
      [type.googleapis.com/tensorflow.SomethingNew] { a: 1 b { c: "d" } }
    }
  }
  graph_def {
    node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
    node { name: "y" op: "Identity" input: "x" attr { key: "T" value { type: DT_FLOAT } } }
    versions { producer: 27 }
  }
  collection_def {
    key: "saved_model_assets"
    value {
      any_list {
        value {
          [type.googleapis.com/tensorflow.AssetFileDef] {
            tensor_info { name: "Const:0" dtype: DT_STRING }
            filename: "vocab.txt"
          }
        }
      }
    }
  }
  collection_def { key: "legacy_init_op" value { node_list { value: "init_all_tables" } } }
  signature_def {
    key: "serving_default"
    value {
      inputs { key: "in" value { name: "x:0" dtype: DT_FLOAT tensor_shape { dim { size: -1 } dim { size: 3 } } } }
      outputs { key: "out" value { name: "y:0" dtype: DT_FLOAT tensor_shape { unknown_rank: true } } }
      outputs { key: "nodtype" value { name: "y:0" } }
      method_name: "tensorflow/serving/predict"
    }
  }
}
`

func TestTensorFlowStyleText(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, FilePBTxt), []byte(tfStyleText), 0o644)
	m := mustLoad(t, dir, LoadOptions{Tags: []string{"serve"}})
	if got := m.MetaGraph.GetMetaInfoDef().GetAnyInfo().GetTypeUrl(); got != "type.googleapis.com/tensorflow.SomethingNew" {
		t.Errorf("Any of an unknown type: type URL %q", got)
	}
	if m.TFVersion != "1.15.0" || m.GraphProducer != 27 {
		t.Errorf("versions %q %d", m.TFVersion, m.GraphProducer)
	}
	if len(m.Assets) != 1 || m.Assets[0].Filename != "vocab.txt" || m.Assets[0].TensorName != "Const:0" {
		t.Errorf("assets %+v", m.Assets)
	}
	if len(m.InitOps) != 1 || m.InitOps[0] != "init_all_tables" {
		t.Errorf("init ops %v", m.InitOps)
	}
	s, err := m.Signature("serving_default")
	if err != nil {
		t.Fatal(err)
	}
	in := s.Inputs[0]
	if in.DType.String() != "float32" || !reflect.DeepEqual(in.Shape, []int{-1, 3}) || in.UnknownRank {
		t.Errorf("input %+v", in)
	}
	// Outputs sorted by key: nodtype (no dtype, no shape), out (unknown rank).
	if o := s.Outputs[0]; o.Key != "nodtype" || o.DType != 0 || !o.UnknownRank {
		t.Errorf("output without dtype/shape %+v", o)
	}
	if o := s.Outputs[1]; o.Key != "out" || !o.UnknownRank {
		t.Errorf("unknown-rank output %+v", o)
	}
	d, err := Describe(m)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Signatures[0].Ops; len(got) != 2 {
		t.Errorf("ops %v, want Identity and Placeholder", got)
	}
	var sb strings.Builder
	d.WriteText(&sb)
	for _, want := range []string{"<unknown dtype>", "<unknown rank>", "[?,3]", "init_all_tables"} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, sb.String())
		}
	}
}
