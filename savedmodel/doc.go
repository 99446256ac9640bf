// Package savedmodel reads TensorFlow SavedModel directories in pure Go:
// version-folder resolution (TF Serving layout), saved_model.pb or
// saved_model.pbtxt, MetaGraphDef selection by tag set, signatures, assets,
// the restore and init ops a session-style loader runs, and a description of
// the model (what `score inspect` prints). Variables live in the tensor bundle
// read by the bundle subpackage; TensorProto conversion is in tensorproto.go.
//
// Contract: every function here only reads files; none keeps a file open.
// Malformed or truncated files give an error naming the file and what is
// wrong, never a panic. A Model is immutable after Load and safe for
// concurrent reads; its MetaGraph must not be modified by callers.
//
// What Load decides follows TensorFlow's C++ loader (loader.cc,
// loader_util.cc, reader.cc): the MetaGraphDef whose tag set equals the
// requested one; assets from asset_file_def, else the saved_model_assets
// collection; the init op from the __saved_model_init_op signature, else the
// saved_model_main_op collection, else legacy_init_op. One extension:
// graphs with none of those but a table_initializer collection (tf.Transform
// exports, which TF's loader leaves to the caller's tables_initializer) get
// those ops as InitOps, with InitSource saying so.
package savedmodel
