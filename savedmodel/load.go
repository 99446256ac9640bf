package savedmodel

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/scorekit/score/savedmodel/tfpb"
)

// Collection and signature keys of TensorFlow's loader (constants.py).
const (
	InitOpSignatureKey   = "__saved_model_init_op"
	MainOpCollection     = "saved_model_main_op"
	LegacyInitCollection = "legacy_init_op"
	AssetsCollection     = "saved_model_assets"
	TableInitCollection  = "table_initializer"
	assetTypeURL         = "type.googleapis.com/tensorflow.AssetFileDef"
)

// DefaultTags is the tag set used when LoadOptions.Tags is empty.
var DefaultTags = []string{"serve"}

// LoadOptions selects what Load reads.
type LoadOptions struct {
	// Tags selects the MetaGraphDef whose tag set equals this set;
	// empty means {"serve"}.
	Tags []string
	// Version pins a numbered version folder; 0 takes the highest.
	Version int64
}

// Asset is a file the graph reads at init time (e.g. a vocabulary); the
// loader feeds Path to the tensor TensorName.
type Asset struct {
	TensorName string `json:"tensor"`
	Filename   string `json:"filename"`
	Path       string `json:"path"`
}

// Model is a loaded SavedModel: the selected MetaGraphDef and what a
// session-style loader needs to restore and initialise it.
type Model struct {
	Dir     string // the model directory (the version folder, if any)
	Version int64  // the version folder's number, 0 without one
	Format  string // "pb" or "pbtxt"
	File    string // the path of saved_model.pb(txt)
	Tags    []string

	MetaGraph *tfpb.MetaGraphDef
	// AvailableTags lists the tag set of every MetaGraphDef in the file.
	AvailableTags [][]string

	// VariablesPrefix is Dir/variables/variables, or "" when
	// variables/variables.index does not exist (nothing to restore).
	VariablesPrefix string
	Assets          []Asset
	// InitOps are the node names to run after restore, with the asset
	// feeds; InitSource names where they came from: "signature",
	// "saved_model_main_op", "legacy_init_op", "table_initializer" or "".
	InitOps    []string
	InitSource string
	// RestoreOp and FilenameTensor come from saver_def: run RestoreOp with
	// FilenameTensor fed the VariablesPrefix. Empty without a saver.
	RestoreOp      string
	FilenameTensor string

	TFVersion     string
	TFGitVersion  string
	GraphProducer int32
}

// Load resolves dir (see Resolve), reads its SavedModel and selects the
// MetaGraphDef for opts.Tags.
func Load(dir string, opts LoadOptions) (*Model, error) {
	modelDir, v, err := Resolve(dir, opts.Version)
	if err != nil {
		return nil, err
	}
	m := &Model{Dir: modelDir, Version: v, Format: "pb", File: filepath.Join(modelDir, FilePB)}
	data, err := os.ReadFile(m.File)
	if errors.Is(err, os.ErrNotExist) {
		m.Format, m.File = "pbtxt", filepath.Join(modelDir, FilePBTxt)
		data, err = os.ReadFile(m.File)
	}
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	sm, err := Parse(data, m.Format == "pbtxt")
	if err != nil {
		return nil, fmt.Errorf("load model: %s: %w", m.File, err)
	}
	tags := opts.Tags
	if len(tags) == 0 {
		tags = DefaultTags
	}
	m.Tags = sortedSet(tags)
	for _, mg := range sm.MetaGraphs {
		have := sortedSet(mg.GetMetaInfoDef().GetTags())
		m.AvailableTags = append(m.AvailableTags, have)
		if m.MetaGraph == nil && slices.Equal(have, m.Tags) {
			m.MetaGraph = mg
		}
	}
	if m.MetaGraph == nil {
		var sets []string
		for _, s := range m.AvailableTags {
			sets = append(sets, "{"+strings.Join(s, ",")+"}")
		}
		return nil, fmt.Errorf("load model: %s: no MetaGraphDef with tags {%s} (available tag sets: %s)", m.File, strings.Join(m.Tags, ","), listOrNone(sets))
	}
	if err := m.fill(); err != nil {
		return nil, fmt.Errorf("load model: %s: %w", m.File, err)
	}
	return m, nil
}

// Parse decodes a SavedModel from binary protobuf or TensorFlow's text
// format (enum names, expanded Any values; unknown fields are skipped, and
// expanded Any values of unknown types keep their type URL but lose their
// content, as binary Any values of unknown types stay opaque).
func Parse(data []byte, isText bool) (*tfpb.SavedModel, error) {
	sm := &tfpb.SavedModel{}
	var err error
	if isText {
		err = prototext.UnmarshalOptions{DiscardUnknown: true, Resolver: lenientResolver{}}.Unmarshal(data, sm)
	} else {
		err = proto.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(data, sm)
	}
	if err != nil {
		return nil, fmt.Errorf("parse SavedModel (%d bytes): %w", len(data), err)
	}
	if len(sm.MetaGraphs) == 0 {
		return nil, fmt.Errorf("parse SavedModel (%d bytes): no MetaGraphDef", len(data))
	}
	return sm, nil
}

// lenientResolver resolves Any type URLs in text format through the global
// registry and maps unknown ones to Empty, whose fields DiscardUnknown drops.
type lenientResolver struct{}

func (lenientResolver) FindMessageByURL(url string) (protoreflect.MessageType, error) {
	if mt, err := protoregistry.GlobalTypes.FindMessageByURL(url); err == nil {
		return mt, nil
	}
	return (&emptypb.Empty{}).ProtoReflect().Type(), nil
}

func (lenientResolver) FindMessageByName(name protoreflect.FullName) (protoreflect.MessageType, error) {
	return protoregistry.GlobalTypes.FindMessageByName(name)
}

func (lenientResolver) FindExtensionByName(name protoreflect.FullName) (protoreflect.ExtensionType, error) {
	return protoregistry.GlobalTypes.FindExtensionByName(name)
}

func (lenientResolver) FindExtensionByNumber(m protoreflect.FullName, n protoreflect.FieldNumber) (protoreflect.ExtensionType, error) {
	return protoregistry.GlobalTypes.FindExtensionByNumber(m, n)
}

func sortedSet(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return slices.Compact(out)
}

// fill derives the loader fields from the selected MetaGraphDef.
func (m *Model) fill() error {
	mg := m.MetaGraph
	info := mg.GetMetaInfoDef()
	m.TFVersion = info.GetTensorflowVersion()
	m.TFGitVersion = info.GetTensorflowGitVersion()
	m.GraphProducer = mg.GetGraphDef().GetVersions().GetProducer()
	prefix := filepath.Join(m.Dir, VariablesDir, VariablesName)
	if st, err := os.Stat(prefix + ".index"); err == nil && st.Mode().IsRegular() {
		m.VariablesPrefix = prefix
	}
	if sd := mg.GetSaverDef(); sd != nil {
		m.RestoreOp = sd.GetRestoreOpName()
		m.FilenameTensor = sd.GetFilenameTensorName()
	}
	var err error
	if m.Assets, err = assets(mg, m.Dir); err != nil {
		return err
	}
	m.InitOps, m.InitSource, err = initOps(mg)
	return err
}

// assets lists AssetFileDefs: asset_file_def, else the saved_model_assets
// collection (Any-packed AssetFileDef, TF1 exports).
func assets(mg *tfpb.MetaGraphDef, dir string) ([]Asset, error) {
	defs := mg.GetAssetFileDef()
	if len(defs) == 0 {
		if c, ok := mg.GetCollectionDef()[AssetsCollection]; ok {
			list := c.GetAnyList()
			if list == nil {
				return nil, fmt.Errorf("collection %s is not an any_list", AssetsCollection)
			}
			for i, a := range list.GetValue() {
				if a.GetTypeUrl() != assetTypeURL {
					return nil, fmt.Errorf("collection %s item %d: type %q, want %s", AssetsCollection, i, a.GetTypeUrl(), assetTypeURL)
				}
				d := &tfpb.AssetFileDef{}
				if err := proto.Unmarshal(a.GetValue(), d); err != nil {
					return nil, fmt.Errorf("collection %s item %d: %w", AssetsCollection, i, err)
				}
				defs = append(defs, d)
			}
		}
	}
	var out []Asset
	for i, d := range defs {
		name := d.GetFilename()
		if name == "" || name != filepath.Base(name) || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
			return nil, fmt.Errorf("asset %d: bad filename %q", i, name)
		}
		out = append(out, Asset{
			TensorName: d.GetTensorInfo().GetName(),
			Filename:   name,
			Path:       filepath.Join(dir, AssetsDir, name),
		})
	}
	return out, nil
}

// initOps finds the init op as TensorFlow's loader does (see the package
// doc for the table_initializer extension).
func initOps(mg *tfpb.MetaGraphDef) ([]string, string, error) {
	if sig, ok := mg.GetSignatureDef()[InitOpSignatureKey]; ok {
		out, ok := sig.GetOutputs()[InitOpSignatureKey]
		if !ok {
			return nil, "", fmt.Errorf("signature %s has no output %s", InitOpSignatureKey, InitOpSignatureKey)
		}
		node, _, err := ParseTensorName(out.GetName())
		if err != nil {
			return nil, "", fmt.Errorf("signature %s: %w", InitOpSignatureKey, err)
		}
		return []string{node}, "signature", nil
	}
	for _, key := range []string{MainOpCollection, LegacyInitCollection} {
		c, ok := mg.GetCollectionDef()[key]
		if !ok {
			continue
		}
		nodes := c.GetNodeList().GetValue()
		if len(nodes) != 1 {
			return nil, "", fmt.Errorf("collection %s: want exactly one node, have %d", key, len(nodes))
		}
		node, _, err := ParseTensorName(nodes[0])
		if err != nil {
			return nil, "", fmt.Errorf("collection %s: %w", key, err)
		}
		return []string{node}, key, nil
	}
	if c, ok := mg.GetCollectionDef()[TableInitCollection]; ok {
		var out []string
		for _, n := range c.GetNodeList().GetValue() {
			node, _, err := ParseTensorName(n)
			if err != nil {
				return nil, "", fmt.Errorf("collection %s: %w", TableInitCollection, err)
			}
			out = append(out, node)
		}
		if len(out) > 0 {
			return out, TableInitCollection, nil
		}
	}
	return nil, "", nil
}
