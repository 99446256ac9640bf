// Package dataset keeps a score output directory that many shards write at
// once, and that is safe to kill, retry and rerun.
//
// Layout of DIR:
//
//	part-KKKKK-of-NNNNN-SSSSS-HHHHHHHHHHHH.parquet  one complete part (shard K of N, part S, input hash H)
//	_manifest.json                                 parts, rows, checksums, model fingerprint, config hash
//	_SUCCESS                                       empty; written last, after the manifest
//	_score/dataset.json                            the identity every part must share
//	_score/parts/<part>.json                       sidecar: rows, bytes, sha256 of a complete part
//	_score/locks/shard-KKKKK-of-NNNNN.lock         owner and heartbeat (mtime) of the shard's writer
//	_score/done/shard-KKKKK-of-NNNNN.json          the parts a finished shard wrote
//	_score/reports/shard-KKKKK-of-NNNNN.json       that shard's run report
//
// Names starting with '_' or '.' are ignored by Spark, DuckDB and pyarrow,
// so the directory reads as one table; temporary files are hidden
// (".part-....tmp-...") and renamed into place only when complete.
//
// Protocol:
//   - A part is complete and verified when its sidecar exists, names the
//     same identity, and the file's size, SHA-256 and Parquet footer row
//     count match it. The sidecar is written after the part is renamed into
//     place, and removed before a part is rewritten, so a kill between the
//     two leaves a part without sidecar, which is redone, never skipped.
//   - One writer per shard: Acquire creates the lock file exclusively and
//     touches it every TTL/3. A lock is stale when its heartbeat is older
//     than the TTL, or its owner is a dead process on this host (or an
//     earlier run in this same container). A stale lock is taken over; a
//     live one makes Acquire fail with ErrLocked. The holder checks the
//     lock before each part and closes Lost when another run owns it.
//   - Commit runs when every shard has a done record and no other shard
//     holds a live lock: it verifies every listed part, removes stray part
//     files, writes _manifest.json and then _SUCCESS, both atomically.
//     Commit is idempotent; two shards committing at once write the same
//     manifest.
package dataset
