// Package textops holds the native engine's kernels for TensorFlow's string,
// regex, hashing, ragged-to-dense and lookup-table ops (StringLower,
// StaticRegexReplace, StringSplitV2, StringToHashBucketFast,
// RaggedTensorToTensor, HashTableV2, InitializeTableFromTextFileV2,
// LookupTableFindV2, ...) and tf.Example parsing (ParseExample,
// ParseExampleV2: dense and sparse features), registered into an op.Set by
// Register.
//
// Contract: kernels follow TensorFlow's CPU semantics and errors (each error
// comes from c.Errorf and names the node). They never modify their inputs.
// Strings are Go strings holding TensorFlow's bytes unchanged; only the ops
// that TensorFlow runs in UTF-8 mode (regexes, encoding "utf-8",
// unit "UTF8_CHAR") interpret them as UTF-8.
//
// Lookup tables are session resources kept in c.Resources(), keyed by
// container and shared_name (the node name when shared_name is empty), so a
// table created by an init function is the one a serving function finds.
// A table is safe for concurrent Find, Size and Export; initialisation and
// inserts take its write lock. Table files are read only through
// c.ReadFile, never opened directly.
//
// Serialized tf.Example protos come from outside: ParseExample decodes them
// with bounds on every length and never panics on malformed bytes.
//
// Regexes are Go's regexp (RE2 syntax, as TensorFlow's RE2). Compiled
// patterns of the Static* ops are cached per session in c.Resources().
package textops
