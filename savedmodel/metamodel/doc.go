// Package metamodel writes synthetic "meta models": TF1-style SavedModels
// laid out as TensorFlow 1.15's SavedModelBuilder writes them, with many
// sigmoid heads over one shared text encoder. They feed `score demo`,
// tests and benchmarks, and come with an independent reference forward
// pass (Reference) to check engines against.
//
// # Files
//
// Write(dir, cfg) creates saved_model.pb, variables/variables.index and
// variables.data-00000-of-00001 (tensor bundle, one float32 entry per
// variable, keyed by variable name), assets/vocab.txt and
// assets.extra/metamodel.json (the Config; TensorFlow ignores the folder).
// Output is byte-for-byte deterministic in cfg.
//
// # Token ids
//
// The model takes strings. Each token becomes an embedding row id:
//
//	""                     -> PadID (0), whose embedding row is all zeros
//	line i of vocab.txt    -> FirstWordID + i (2 .. VocabSize-1)
//	any other token        -> OOVID (1), a trained-looking "unknown" row
//
// vocab.txt holds only real words (VocabSize-2 unique, non-empty lines of
// a-z letters), because InitializeTableFromTextFileV2 maps every line,
// including empty ones, and TF 1.15 has no line-number offset. The graph
// therefore computes
//
//	found = LookupTableFindV2(table, tokens, default -1)   // word -> line
//	ids   = SelectV2(Equal(tokens, ""), 0, AddV2(found, 2))
//
// so a missing word (-1) lands on 1 and the pad token on 0 (the mask-token
// pattern of Keras StringLookup). Matching is byte-exact: tokenisation and
// lower-casing happen before the model.
//
// # Graph (one MetaGraphDef, tags {"serve"})
//
//	tokens                 Placeholder string [-1, SeqLen]
//	string_to_index/...    HashTableV2 (shared_name set) initialised by
//	                       InitializeTableFromTextFileV2(key -2 = whole line,
//	                       value -1 = line number) from the asset Const
//	                       string_to_index/hash_table/table_init/asset_filepath
//	                       (holding the exporter's path; loaders must feed
//	                       <dir>/assets/vocab.txt); init op: collection
//	                       saved_model_main_op = group_deps -> init_all_tables
//	                       -> table_init; asset in collection
//	                       saved_model_assets (Any AssetFileDef) and
//	                       asset_filepaths
//	embedding              VariableV2 [VocabSize, EmbedDim] + Initializer +
//	                       Assign + embedding/read; embedding_lookup =
//	                       GatherV2(embedding (the ref itself, as TF1 Keras
//	                       does), ids, axis 0)
//	head_hh/conv1d[_i]     per filter count f: ExpandDims(x, 1),
//	                       ExpandDims(kernel/read [Kernel,in,f], 0), Conv2D
//	                       NHWC VALID strides 1, Squeeze([1]), BiasAdd, Relu
//	head_hh/max_pooling1d[_i]  between conv blocks, Keras' layout:
//	                       ExpandDims(x, 2), MaxPool ksize = strides =
//	                       [1, Pool, 1, 1] VALID, Squeeze([2])
//	head_hh/global_max_pooling1d/Max  after the last block: Max(axis 1)
//	head_hh/dense          MatMul + BiasAdd + Relu (Dense units)
//	head_hh/dense_1        MatMul + BiasAdd + Sigmoid -> [-1, 1]
//	init                   NoOp over every variable's Assign (never run it
//	                       on load: restore replaces it)
//	save/...               sharded V2 tf.train.Saver: save/Const (filename,
//	                       PlaceholderWithDefault), SaveV2 path, RestoreV2
//	                       over the variables sorted by name, save/Assign_i,
//	                       save/restore_shard, save/restore_all
//
// Signature serving_default (tensorflow/serving/predict): input "tokens",
// outputs "head_00" ... one per head, each float32 [-1, 1]. Every node
// carries _output_shapes, Assign/read/Gather carry _class colocation, the
// save shard ops are placed on /device:CPU:0, no default attrs are
// stripped and there is no stripped_op_list. meta_info_def says
// tensorflow_version TFVersion, git version GitVersion; graph producer
// GraphProducer. Ops reachable from the signature, restore and init:
// Placeholder, Const, PlaceholderWithDefault, Identity, NoOp, VariableV2,
// Assign, RestoreV2, HashTableV2, InitializeTableFromTextFileV2,
// LookupTableFindV2, AddV2, Equal, SelectV2, GatherV2, ExpandDims, Conv2D,
// Squeeze, BiasAdd, Relu, MaxPool, Max, MatMul, Sigmoid. Present but only
// on the save and initializer paths: RandomUniform, Sub, Mul, Add,
// StringJoin, ShardedFilename, SaveV2, Pack, MergeV2Checkpoints.
//
// # Weights
//
// NewParams draws all weights from Config.Seed with math/rand/v2 PCG
// streams (one for the embedding, one per head, so head h does not depend
// on Heads) and calibrates each head's output layer so its sigmoid
// spreads over (0, 1). LoadParams reads them back from a written model.
// Reference is a plain-loop float64 forward pass over Params.
package metamodel
