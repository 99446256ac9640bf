// Package bundle reads and writes TensorFlow's tensor bundle, the checkpoint
// format of a SavedModel's variables/ folder: <prefix>.index, a LevelDB-style
// table (SSTable) mapping each checkpoint key to a BundleEntryProto, and
// <prefix>.data-NNNNN-of-NNNNN shards holding the tensor bytes.
//
// Reading: Open parses and checks the whole index up front (footer magic,
// masked CRC32C of every block, Snappy-compressed or plain blocks, the header
// entry's shard count, endianness and version) and maps the data shards
// read-only into memory. Tensor checks each tensor's CRC32C before returning
// it. Numeric tensors may alias the mapping (no copy), so a Tensor obtained
// from a Reader must not be used after the Reader's Close. A Reader is safe
// for concurrent use by several goroutines until Close.
//
// Writing: Create, Add (in any order), Finish produce the same bytes that
// TensorFlow's BundleWriter produces: one shard, uncompressed blocks, restart
// interval 16 in data blocks and 1 in the index block, an empty metaindex
// block, and a header entry {num_shards: 1, version {producer: 1}}.
//
// Every length read from a file is bounded by the file's size before it is
// used; malformed input yields an error naming the file and the problem,
// never a panic. Sliced (partitioned) entries are reported as unsupported.
package bundle
