// Package duckdb is the Go side of the independent Parquet reader that
// score's tests check their output with: DuckDB, run through Node.js from
// tools/duckdb (installed by `make tools`). It shares no code with the
// writer, so a test that writes a file with package writer and reads it back
// here checks the file, not the writer against itself.
//
// Contract:
//   - Available reports whether node and the installed tools/duckdb are
//     there, naming what is missing and what to run.
//   - Query runs one SQL string and returns its rows; when the reader is not
//     available it skips the test with that message, or fails it when
//     SCORE_REQUIRE_FIXTURES=1 (set by CI).
//   - Run is the same without a testing.TB, for callers that want the error.
//
// Value types in returned rows (from tools/duckdb/query.mjs): NULL -> nil;
// VARCHAR -> string; BOOLEAN -> bool; every number -> float64 (a FLOAT
// column's value converts back to float32 exactly; 64-bit integers outside
// ±(2^53-1) arrive as decimal strings); NaN and ±Inf -> the strings "NaN",
// "Infinity", "-Infinity"; lists -> []any; structs and maps -> map[string]any
// and []any. Float32 converts a value to float32 with those rules.
//
// Each call starts a node process (about 0.1 s), so tests should ask for
// what they need in few queries.
package duckdb
