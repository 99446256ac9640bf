// Package storage moves score's inputs and finished datasets between the
// local file system and object storage through gocloud.dev/blob: s3://
// (and S3-compatible servers through ?endpoint=...&use_path_style=true),
// gs://, and file:// for tests. Local paths stay the default everywhere.
//
// Contract:
//   - A location is scheme://bucket/prefix?options; the prefix selects a
//     "directory" inside the bucket.
//   - Fetch copies every object under a location into a local directory
//     (each file written under a hidden temporary name and renamed when
//     complete) and returns the local paths in key order; hidden names
//     ('.' or '_' in any path element) are skipped.
//   - Publish copies a committed dataset directory (one with _SUCCESS and a
//     manifest) to a location: the manifest's parts first, then
//     _manifest.json, then _SUCCESS. Object stores make an object visible
//     only when its upload completes, so a reader that waits for _SUCCESS
//     sees the whole dataset and never a partial part. Publishing again is
//     idempotent.
//   - Every call takes a context; cancelling it abandons uploads (a
//     cancelled blob write is never made visible).
package storage
