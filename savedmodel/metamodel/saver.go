package metamodel

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// buildSaver adds the save/ subgraph of a sharded V2 tf.train.Saver, laid
// out as TF 1.14/1.15 writes it, over the variables sorted by name, and
// returns its SaverDef. tempTag stands in for the uuid of the temporary
// shard directory.
func (m *model) buildSaver(tempTag string) *tfpb.SaverDef {
	str := tensor.String
	vars := append([]varInfo(nil), m.vars...)
	sortVarInfos(vars)
	names := make([]string, len(vars))
	dtypes := make([]tensor.DType, len(vars))
	for i, v := range vars {
		names[i] = v.name
		dtypes[i] = tensor.Float
	}
	strs := func(vals []string) *tensor.Tensor { return tensor.Must(str, []int{len(vals)}, vals) }
	blank := make([]string, len(vars))

	fin := m.scalarString("save/filename/input", "model")
	fn := m.node("save/filename", "PlaceholderWithDefault", []string{fin}, attrs{"dtype": typeAttr(str), "shape": shapeAttr([]int{})}, []int{})
	file := m.node("save/Const", "PlaceholderWithDefault", []string{fn}, attrs{"dtype": typeAttr(str), "shape": shapeAttr([]int{})}, []int{})
	part := m.scalarString("save/StringJoin/inputs_1", "_temp_"+tempTag+"/part")
	join := m.node("save/StringJoin", "StringJoin", []string{file, part}, attrs{"N": intAttr(2), "separator": strAttr("")}, []int{})
	nShards := m.scalarInt32("save/num_shards", 1)
	shard := m.scalarInt32("save/ShardedFilename/shard", 0)
	m.onCPU()
	sharded := m.node("save/ShardedFilename", "ShardedFilename", []string{join, shard, nShards}, nil, []int{})
	m.onCPU()
	tn := m.constant("save/SaveV2/tensor_names", strs(names))
	m.onCPU()
	ss := m.constant("save/SaveV2/shape_and_slices", strs(blank))
	m.onCPU()
	m.node("save/SaveV2", "SaveV2", append([]string{sharded, tn, ss}, names...), attrs{"dtypes": typesAttr(dtypes...)})
	m.onCPU()
	cd := m.node("save/control_dependency", "Identity", []string{sharded, ctrl("save/SaveV2")}, attrs{
		"T": typeAttr(str), "_class": colocate(sharded),
	}, []int{})
	m.onCPU()
	prefixes := m.node("save/MergeV2Checkpoints/checkpoint_prefixes", "Pack", []string{sharded, ctrl(cd)}, attrs{
		"N": intAttr(1), "T": typeAttr(str), "axis": intAttr(0),
	}, []int{1})
	m.onCPU()
	merge := m.node("save/MergeV2Checkpoints", "MergeV2Checkpoints", []string{prefixes, file}, attrs{"delete_old_dirs": boolAttr(true)})
	m.onCPU()
	saveID := m.node("save/Identity", "Identity", []string{file, ctrl(merge), ctrl(cd)}, attrs{"T": typeAttr(str)}, []int{})
	m.onCPU()

	rtn := m.constant("save/RestoreV2/tensor_names", strs(names))
	m.onCPU()
	rss := m.constant("save/RestoreV2/shape_and_slices", strs(blank))
	m.onCPU()
	unknown := make([][]int, len(vars))
	for i := range unknown {
		unknown[i] = unknownRank
	}
	restore := m.node("save/RestoreV2", "RestoreV2", []string{file, rtn, rss}, attrs{"dtypes": typesAttr(dtypes...)}, unknown...)
	m.onCPU()
	assigns := make([]string, len(vars))
	for i, v := range vars {
		name := "save/Assign"
		if i > 0 {
			name = fmt.Sprintf("save/Assign_%d", i)
		}
		m.node(name, "Assign", []string{v.name, out(restore, i)}, attrs{
			"T": typeAttr(tensor.Float), "_class": colocate(v.name), "use_locking": boolAttr(true), "validate_shape": boolAttr(true),
		}, v.shape)
		assigns[i] = ctrl(name)
	}
	shardOp := m.node("save/restore_shard", "NoOp", assigns, nil)
	m.onCPU()
	all := m.node("save/restore_all", "NoOp", []string{ctrl(shardOp)}, nil)
	m.onCPU()

	return &tfpb.SaverDef{
		FilenameTensorName:        file + ":0",
		SaveTensorName:            saveID + ":0",
		RestoreOpName:             all,
		MaxToKeep:                 5,
		Sharded:                   true,
		KeepCheckpointEveryNHours: 10000,
		Version:                   tfpb.SaverDef_V2,
	}
}

// variableDefs serialises each variable as the VariableDef proto TF1 keeps
// in the "variables" and "trainable_variables" collections (fields:
// 1 variable_name, 2 initializer_name, 3 snapshot_name,
// 6 initial_value_name, 7 trainable).
func (m *model) variableDefs() [][]byte {
	out := make([][]byte, len(m.vars))
	for i, v := range m.vars {
		var b []byte
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendString(b, v.name+":0")
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendString(b, v.name+"/Assign")
		b = protowire.AppendTag(b, 3, protowire.BytesType)
		b = protowire.AppendString(b, v.name+"/read:0")
		b = protowire.AppendTag(b, 6, protowire.BytesType)
		b = protowire.AppendString(b, v.initial+":0")
		b = protowire.AppendTag(b, 7, protowire.VarintType)
		b = protowire.AppendVarint(b, 1)
		out[i] = b
	}
	return out
}
