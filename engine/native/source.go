package native

import (
	"fmt"

	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/savedmodel/tfpb"
)

// modelSource is what the engine needs from a SavedModel directory.
type modelSource struct {
	dir             string // the version folder holding saved_model.pb
	version         int64  // numbered version folder, or 0
	tfVersion       string
	meta            *tfpb.MetaGraphDef
	variablesPrefix string // "" when there is no variables/variables.index
	assets          []assetFeed
	initOps         []string // node names to run after restore
	restoreOp       string   // saver_def.restore_op_name ("" if none)
	filenameTensor  string   // saver_def.filename_tensor_name
}

type assetFeed struct {
	tensor string // tensor to feed with the path
	path   string // <dir>/assets/<filename>
}

// openSource reads dir (a SavedModel folder, or a folder of numbered
// version folders) with savedmodel.Load.
func openSource(dir string, tags []string, version int64) (*modelSource, error) {
	m, err := savedmodel.Load(dir, savedmodel.LoadOptions{Tags: tags, Version: version})
	if err != nil {
		return nil, err
	}
	if m.MetaGraph.GetGraphDef() == nil {
		return nil, fmt.Errorf("load model %s: MetaGraphDef has no graph", m.Dir)
	}
	src := &modelSource{
		dir: m.Dir, version: m.Version, tfVersion: m.TFVersion, meta: m.MetaGraph,
		variablesPrefix: m.VariablesPrefix, initOps: m.InitOps,
		restoreOp: m.RestoreOp, filenameTensor: m.FilenameTensor,
	}
	for _, a := range m.Assets {
		if a.TensorName == "" {
			return nil, fmt.Errorf("load model %s: asset %s has no tensor to feed", m.Dir, a.Filename)
		}
		src.assets = append(src.assets, assetFeed{tensor: a.TensorName, path: a.Path})
	}
	return src, nil
}
