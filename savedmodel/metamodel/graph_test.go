package metamodel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// small configs covering one, two and three conv blocks, pools that drop
// a tail (odd lengths) and a pool of 3.
var smallConfigs = []Config{
	{SeqLen: 7, EmbedDim: 3, VocabSize: 12, Filters: []int{3}, Kernel: 2, Pool: 2, Dense: 3, Heads: 2, Seed: 7},
	{SeqLen: 11, EmbedDim: 4, VocabSize: 40, Filters: []int{3, 5}, Kernel: 3, Pool: 2, Dense: 4, Heads: 3, Seed: 8},
	{SeqLen: 40, EmbedDim: 5, VocabSize: 300, Filters: []int{4, 6, 5}, Kernel: 3, Pool: 3, Dense: 6, Heads: 2, Seed: 9},
}

func readSavedModel(t *testing.T, dir string) *tfpb.SavedModel {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "saved_model.pb"))
	if err != nil {
		t.Fatal(err)
	}
	var sm tfpb.SavedModel
	if err := proto.Unmarshal(b, &sm); err != nil {
		t.Fatalf("decode saved_model.pb: %v", err)
	}
	return &sm
}

// runGraph loads dir the way TensorFlow's LoadSavedModel does (restore op
// with the checkpoint prefix and asset paths fed, then the main op) in
// the test interpreter and runs serving_default on rows; out[row][head].
func runGraph(t *testing.T, dir string, rows [][]string) [][]float64 {
	t.Helper()
	mg := readSavedModel(t, dir).MetaGraphs[0]
	s := newSession(mg.GraphDef)
	feeds := map[string]*val{}
	for _, a := range mg.CollectionDef["saved_model_assets"].GetAnyList().GetValue() {
		var def tfpb.AssetFileDef
		if err := a.UnmarshalTo(&def); err != nil {
			t.Fatalf("asset Any: %v", err)
		}
		feeds[def.TensorInfo.GetName()] = &val{dt: tensor.String, s: []string{filepath.Join(dir, "assets", def.Filename)}}
	}
	restoreFeeds := map[string]*val{mg.SaverDef.FilenameTensorName: {dt: tensor.String, s: []string{filepath.Join(dir, "variables", "variables")}}}
	for k, v := range feeds {
		restoreFeeds[k] = v
	}
	if _, err := s.run(restoreFeeds, nil, []string{mg.SaverDef.RestoreOpName}); err != nil {
		t.Fatalf("restore: %v", err)
	}
	mainOp := mg.CollectionDef["saved_model_main_op"].GetNodeList().GetValue()
	if len(mainOp) != 1 {
		t.Fatalf("saved_model_main_op lists %v, want one node", mainOp)
	}
	if _, err := s.run(feeds, nil, mainOp); err != nil {
		t.Fatalf("main op: %v", err)
	}
	sig := mg.SignatureDef[SignatureKey]
	in := sig.Inputs[InputKey]
	var flat []string
	for _, r := range rows {
		flat = append(flat, r...)
	}
	width := 0
	if len(rows) > 0 {
		width = len(rows[0])
	}
	keys := make([]string, 0, len(sig.Outputs))
	for k := range sig.Outputs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var fetches []string
	for _, k := range keys {
		fetches = append(fetches, sig.Outputs[k].GetName())
	}
	outs, err := s.run(map[string]*val{in.GetName(): {dt: tensor.String, shape: []int{len(rows), width}, s: flat}}, fetches, nil)
	if err != nil {
		t.Fatalf("run signature: %v", err)
	}
	res := make([][]float64, len(rows))
	for i := range res {
		for h, o := range outs {
			if !slices.Equal(o.shape, []int{len(rows), 1}) {
				t.Fatalf("output %s has shape %v", keys[h], o.shape)
			}
			res[i] = append(res[i], o.f[i])
		}
	}
	return res
}

// randomRows mixes vocabulary words, unknown words and padding (at the
// end and in the middle).
func randomRows(cfg Config, n int, seed uint64) [][]string {
	r := rand.New(rand.NewPCG(seed, 1))
	vocab := Vocabulary(cfg)
	oov := OOVWords(cfg, 5)
	rows := make([][]string, n)
	for i := range rows {
		words := make([]string, r.IntN(cfg.SeqLen+1))
		for j := range words {
			switch k := r.IntN(20); {
			case k == 0:
				words[j] = oov[r.IntN(len(oov))]
			case k == 1:
				words[j] = ""
			default:
				words[j] = vocab[r.IntN(len(vocab))]
			}
		}
		rows[i] = Pad(words, cfg.SeqLen)
	}
	return rows
}

// TestGraphMatchesReference is the central check: the written graph,
// executed op by op from its own attributes and checkpoint, computes what
// Reference computes from the weights.
func TestGraphMatchesReference(t *testing.T) {
	for i, cfg := range smallConfigs {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			dir := t.TempDir()
			if err := Write(dir, cfg); err != nil {
				t.Fatal(err)
			}
			p, err := NewParams(cfg)
			if err != nil {
				t.Fatal(err)
			}
			rows := randomRows(cfg, 9, uint64(i))
			rows = append(rows, Pad(nil, cfg.SeqLen), Pad([]string{"The", "the"}, cfg.SeqLen))
			want, err := Reference(p, rows)
			if err != nil {
				t.Fatal(err)
			}
			got := runGraph(t, dir, rows)
			for r := range rows {
				for h := range cfg.Heads {
					if d := math.Abs(got[r][h] - float64(want[r][h])); d > 1e-6 {
						t.Errorf("row %d head %d: graph %.9f, reference %.9f", r, h, got[r][h], want[r][h])
					}
				}
			}
		})
	}
}

// TestGraphLayout checks the TF1 SavedModelBuilder conventions engines
// and TensorFlow rely on.
func TestGraphLayout(t *testing.T) {
	cfg := smallConfigs[1]
	dir := t.TempDir()
	if err := Write(dir, cfg); err != nil {
		t.Fatal(err)
	}
	sm := readSavedModel(t, dir)
	if sm.SavedModelSchemaVersion != 1 || len(sm.MetaGraphs) != 1 {
		t.Fatalf("schema %d with %d meta graphs", sm.SavedModelSchemaVersion, len(sm.MetaGraphs))
	}
	mg := sm.MetaGraphs[0]
	if !slices.Equal(mg.MetaInfoDef.Tags, []string{"serve"}) || mg.MetaInfoDef.TensorflowVersion != TFVersion {
		t.Errorf("meta info %v", mg.MetaInfoDef)
	}
	if mg.GraphDef.Versions.GetProducer() != GraphProducer || len(mg.AssetFileDef) != 0 || mg.ObjectGraphDef != nil {
		t.Errorf("versions %v, %d asset_file_def, object graph %v", mg.GraphDef.Versions, len(mg.AssetFileDef), mg.ObjectGraphDef != nil)
	}

	nodes := map[string]*tfpb.NodeDef{}
	for _, n := range mg.GraphDef.Node {
		if nodes[n.Name] != nil {
			t.Fatalf("duplicate node %s", n.Name)
		}
		nodes[n.Name] = n
	}
	for _, n := range mg.GraphDef.Node {
		for _, in := range n.Input {
			name, _ := splitName(in)
			if name[0] == '^' {
				name = name[1:]
			}
			if nodes[name] == nil {
				t.Errorf("node %s: input %q does not exist", n.Name, in)
			}
		}
		if _, ok := n.Attr["_output_shapes"]; !ok && n.Op != "NoOp" && n.Op != "SaveV2" &&
			n.Op != "MergeV2Checkpoints" && n.Op != "InitializeTableFromTextFileV2" {
			t.Errorf("node %s (%s) has no _output_shapes", n.Name, n.Op)
		}
	}

	// Saver: RestoreV2 names = sorted variables = checkpoint keys, and
	// save/Assign_i writes RestoreV2:i into variable i.
	sd := mg.SaverDef
	if sd.FilenameTensorName != "save/Const:0" || sd.RestoreOpName != "save/restore_all" || sd.Version != tfpb.SaverDef_V2 || !sd.Sharded {
		t.Errorf("saver_def %v", sd)
	}
	names := constStrings(t, nodes["save/RestoreV2/tensor_names"])
	p, _ := NewParams(cfg)
	var want []string
	for _, v := range p.Variables() {
		want = append(want, v.Name)
		if n := nodes[v.Name]; n == nil || n.Op != "VariableV2" {
			t.Errorf("variable %s is not a VariableV2 node", v.Name)
		}
	}
	if !slices.Equal(names, want) || !slices.IsSorted(names) {
		t.Errorf("restore names %v, want %v", names, want)
	}
	restoreShard := nodes["save/restore_shard"]
	if len(restoreShard.Input) != len(want) {
		t.Fatalf("restore_shard has %d inputs, want %d", len(restoreShard.Input), len(want))
	}
	for i, in := range restoreShard.Input {
		a := nodes[in[1:]]
		if a.Op != "Assign" || a.Input[0] != want[i] || a.Input[1] != out("save/RestoreV2", i) {
			t.Errorf("restore assign %d: %s(%v)", i, a.Op, a.Input)
		}
	}

	// Init op, table and asset.
	if got := mg.CollectionDef["saved_model_main_op"].GetNodeList().GetValue(); !slices.Equal(got, []string{mainOpNode}) {
		t.Errorf("main op collection %v", got)
	}
	anys := mg.CollectionDef["saved_model_assets"].GetAnyList().GetValue()
	if len(anys) != 1 || anys[0].TypeUrl != "type.googleapis.com/tensorflow.AssetFileDef" {
		t.Fatalf("assets collection %v", anys)
	}
	var asset tfpb.AssetFileDef
	if err := anys[0].UnmarshalTo(&asset); err != nil {
		t.Fatal(err)
	}
	if asset.Filename != VocabFile || asset.TensorInfo.GetName() != assetNode+":0" || nodes[assetNode].Op != "Const" {
		t.Errorf("asset %v", &asset)
	}
	vocab, err := os.ReadFile(filepath.Join(dir, "assets", VocabFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := Vocabulary(cfg)
	if string(vocab) != joinLines(lines) || len(lines) != cfg.VocabSize-2 {
		t.Errorf("vocab.txt does not hold the %d vocabulary words", cfg.VocabSize-2)
	}
	table := nodes[tableNode]
	if table.Op != "HashTableV2" || len(table.Attr["shared_name"].GetS()) == 0 {
		t.Errorf("table node %v", table)
	}

	// Signature.
	sig := mg.SignatureDef[SignatureKey]
	if sig.MethodName != Method || len(sig.Inputs) != 1 || len(sig.Outputs) != cfg.Heads {
		t.Fatalf("signature %v", sig)
	}
	if in := sig.Inputs[InputKey]; in.GetName() != "tokens:0" || in.Dtype != tfpb.DataType_DT_STRING ||
		!slices.Equal(shapeDims(in.TensorShape), []int64{-1, int64(cfg.SeqLen)}) {
		t.Errorf("input %v", in)
	}
	for h := range cfg.Heads {
		o := sig.Outputs[HeadName(h)]
		if o == nil || o.Dtype != tfpb.DataType_DT_FLOAT || !slices.Equal(shapeDims(o.TensorShape), []int64{-1, 1}) {
			t.Errorf("output %s: %v", HeadName(h), o)
			continue
		}
		name, _ := splitName(o.GetName())
		if nodes[name].Op != "Sigmoid" {
			t.Errorf("output %s comes from %s", HeadName(h), nodes[name].Op)
		}
	}
}

func constStrings(t *testing.T, n *tfpb.NodeDef) []string {
	t.Helper()
	var out []string
	for _, b := range n.Attr["value"].GetTensor().GetStringVal() {
		out = append(out, string(b))
	}
	return out
}

func shapeDims(s *tfpb.TensorShapeProto) []int64 {
	var d []int64
	for _, x := range s.GetDim() {
		d = append(d, x.Size)
	}
	return d
}

func joinLines(lines []string) string {
	s := ""
	for _, l := range lines {
		s += l + "\n"
	}
	return s
}
