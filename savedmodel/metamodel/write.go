package metamodel

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/scorekit/score/savedmodel/bundle"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// Versions recorded in the MetaInfoDef and GraphDef.
const (
	TFVersion     = "1.15.5"
	GitVersion    = "score-metamodel"
	GraphProducer = 27
)

// ConfigFile is where Write records the Config, under assets.extra/ (a
// folder TensorFlow's loader ignores); LoadParams reads it back.
const ConfigFile = "metamodel.json"

// exportDir is the path the asset Const holds, standing in for the
// exporting machine's directory as in real TF1 exports.
const exportDir = "/tmp/score-metamodel/export"

// SavedModel builds the saved_model.pb message of cfg.
func SavedModel(cfg Config) (*tfpb.SavedModel, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &model{builder: newBuilder(), cfg: cfg, exportPath: exportDir + "/assets/" + VocabFile}
	m.buildForward()

	assigns := make([]string, len(m.vars))
	for i, v := range m.vars {
		assigns[i] = ctrl(v.name + "/Assign")
	}
	m.node("init", "NoOp", assigns, nil)
	m.node("init_all_tables", "NoOp", []string{ctrl(tableInitNode)}, nil)
	m.node(mainOpNode, "NoOp", []string{ctrl("init_all_tables")}, nil)

	r := rand.New(rand.NewPCG(cfg.Seed, 0x73617665)) // "save"
	saver := m.buildSaver(fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64()))
	if m.err != nil {
		return nil, m.err
	}

	asset, err := anypb.New(&tfpb.AssetFileDef{
		TensorInfo: &tfpb.TensorInfo{Encoding: &tfpb.TensorInfo_Name{Name: assetNode + ":0"}},
		Filename:   VocabFile,
	})
	if err != nil {
		return nil, fmt.Errorf("build meta graph: asset: %w", err)
	}
	nodeList := func(v ...string) *tfpb.CollectionDef {
		return &tfpb.CollectionDef{Kind: &tfpb.CollectionDef_NodeList_{NodeList: &tfpb.CollectionDef_NodeList{Value: v}}}
	}
	varDefs := m.variableDefs()
	bytesList := func() *tfpb.CollectionDef {
		return &tfpb.CollectionDef{Kind: &tfpb.CollectionDef_BytesList_{BytesList: &tfpb.CollectionDef_BytesList{Value: varDefs}}}
	}

	sig := &tfpb.SignatureDef{
		Inputs: map[string]*tfpb.TensorInfo{InputKey: {
			Encoding:    &tfpb.TensorInfo_Name{Name: InputKey + ":0"},
			Dtype:       tfpb.DataType(tensor.String),
			TensorShape: shapeProto([]int{-1, cfg.SeqLen}),
		}},
		Outputs:    map[string]*tfpb.TensorInfo{},
		MethodName: Method,
	}
	for h := range cfg.Heads {
		sig.Outputs[HeadName(h)] = &tfpb.TensorInfo{
			Encoding:    &tfpb.TensorInfo_Name{Name: OutputName(h)},
			Dtype:       tfpb.DataType(tensor.Float),
			TensorShape: shapeProto([]int{-1, 1}),
		}
	}

	mg := &tfpb.MetaGraphDef{
		MetaInfoDef: &tfpb.MetaGraphDef_MetaInfoDef{
			Tags:                 []string{"serve"},
			TensorflowVersion:    TFVersion,
			TensorflowGitVersion: GitVersion,
		},
		GraphDef: &tfpb.GraphDef{Node: m.nodes, Versions: &tfpb.VersionDef{Producer: GraphProducer}},
		SaverDef: saver,
		CollectionDef: map[string]*tfpb.CollectionDef{
			"asset_filepaths":     nodeList(assetNode + ":0"),
			"saved_model_assets":  {Kind: &tfpb.CollectionDef_AnyList_{AnyList: &tfpb.CollectionDef_AnyList{Value: []*anypb.Any{asset}}}},
			"saved_model_main_op": nodeList(mainOpNode),
			"table_initializer":   nodeList(tableInitNode),
			"trainable_variables": bytesList(),
			"variables":           bytesList(),
		},
		SignatureDef: map[string]*tfpb.SignatureDef{SignatureKey: sig},
	}
	return &tfpb.SavedModel{SavedModelSchemaVersion: 1, MetaGraphs: []*tfpb.MetaGraphDef{mg}}, nil
}

// Write writes the meta model of cfg to dir (created if needed):
// saved_model.pb, variables/variables.{index,data-00000-of-00001},
// assets/vocab.txt and assets.extra/metamodel.json. The same cfg always
// gives the same bytes.
func Write(dir string, cfg Config) error {
	sm, err := SavedModel(cfg)
	if err != nil {
		return fmt.Errorf("write meta model %s: %w", dir, err)
	}
	p, err := NewParams(cfg)
	if err != nil {
		return fmt.Errorf("write meta model %s: %w", dir, err)
	}
	pb, err := proto.MarshalOptions{Deterministic: true}.Marshal(sm)
	if err != nil {
		return fmt.Errorf("write meta model %s: encode saved_model.pb: %w", dir, err)
	}
	conf, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return fmt.Errorf("write meta model %s: encode %s: %w", dir, ConfigFile, err)
	}
	files := []struct {
		rel  string
		data []byte
	}{
		{"saved_model.pb", pb},
		{filepath.Join("assets", VocabFile), []byte(strings.Join(p.Vocab, "\n") + "\n")},
		{filepath.Join("assets.extra", ConfigFile), append(conf, '\n')},
	}
	for _, f := range files {
		name := filepath.Join(dir, f.rel)
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return fmt.Errorf("write meta model: %w", err)
		}
		if err := os.WriteFile(name, f.data, 0o644); err != nil {
			return fmt.Errorf("write meta model: %w", err)
		}
	}
	if err := writeVariables(filepath.Join(dir, "variables", "variables"), p); err != nil {
		return fmt.Errorf("write meta model %s: %w", dir, err)
	}
	return nil
}

// writeVariables writes the checkpoint: one float32 entry per variable,
// keyed by variable name.
func writeVariables(prefix string, p *Params) error {
	w, err := bundle.Create(prefix)
	if err != nil {
		return err
	}
	for _, v := range p.Variables() {
		t, err := tensor.New(tensor.Float, v.Shape, v.Values)
		if err != nil {
			return fmt.Errorf("variable %s: %w", v.Name, err)
		}
		if err := w.Add(v.Name, t); err != nil {
			return err
		}
	}
	return w.Finish()
}
