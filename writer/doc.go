// Package writer writes score's scored output files: Parquet (the default,
// via arrow-go), CSV and JSON Lines (for small jobs), chosen by the output
// path's extension. It never imports an engine: model outputs arrive as
// float32 values already laid out by Schema.
//
// # Layout
//
// Every format has the same columns, in this order:
//
//	id      string            the input's row id
//	source  string            the input file (or member) the row came from
//	row     int64             the row's index within source
//	<field> string, nullable  one per Schema.Fields (e.g. label, rating, split)
//	<score> float32, nullable one per output value (Schema.Outputs); null when the row was rejected
//	error   string, nullable  why the row was rejected; null when it was scored
//	warning string, nullable  e.g. "empty_text"; null when none
//
// An output Column of Width 1 is one column named Name; Width k > 1 is k
// columns "<Name>_<i>" (i from 0), or "<Name>_<Names[i]>" when class names
// are given. Column names must be unique; Create reports collisions.
//
// Null versus empty: Row.Fields holds strings and Row.FieldNull marks the
// ones that are null (a missing value, as opposed to ""); a nil Fields makes
// every field null. Row.Scores nil makes every score null (a rejected row).
// Error and Warning are null when "". CSV cannot tell null from "": both are
// an empty cell. JSONL writes null.
//
// Float32 values are written bit-exact in Parquet; CSV and JSONL print them
// with the shortest text that parses back to the same float32
// (strconv 'g', -1, 32); JSONL writes NaN and ±Inf, which JSON numbers
// cannot hold, as the strings "NaN", "+Inf", "-Inf".
//
// # Atomic output
//
// Create writes to a hidden temporary file in the destination's directory
// (".<name>.tmp-<pid>-<random>"). Close flushes, fsyncs the file, renames it
// to the final path and fsyncs the directory: until Close returns nil the
// final path is untouched, even if the process is killed. Abort removes the
// temporary file. A killed process can leave a hidden temporary file behind,
// never a partial output.
//
// # Parquet
//
// Parquet files hold the layout above with zstd compression (Options.
// Compression), row groups of at most Options.RowGroupRows rows, and in the
// file's key-value metadata every Options.Metadata entry plus MetaSchema
// (the Schema as JSON). Panics from the arrow and parquet encoders are turned
// into errors at this package's boundary; after one, the Writer only accepts
// Abort.
//
// Head prints the first rows of an output file as an aligned table for
// people (`score head FILE`).
package writer
