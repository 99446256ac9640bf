// Package e2e holds score's end-to-end tests. It has no library code: the
// tests build the real score binary once (TestMain runs `go build` on
// ./cmd/score from the repository root) and run it as a user would, on the
// real corpora and SavedModel fixtures in ../shared and on meta models the
// tests write into temporary folders. Outputs are read back with the
// independent Parquet reader of internal/duckdb (DuckDB from npm, installed
// by `make tools`), never with package writer.
//
// What the tests hold the binary to:
//   - values: meta model scores equal metamodel.Reference on the tokens the
//     CLI's tokenizer settings give; real fixture models agree with their
//     expected outputs and with the native engine run in process;
//   - order and schema: rows in input order, the documented columns and
//     types, the run's key-value metadata;
//   - accounting: read = scored + rejected in the --report JSON and output
//     rows = read, on every corpus and on bad input;
//   - exit codes (0, 1, 2, 3, 130), signals (SIGKILL, SIGINT, SIGTERM leave
//     no file at --out), usage errors, configs/*.yaml, inspect and head.
//
// SCORE_E2E_BIN=/path/to/score runs the tests against that binary instead
// of building one.
//
// Missing fixtures or a missing DuckDB skip the tests that need them (they
// fail under SCORE_REQUIRE_FIXTURES=1, as in CI). -short skips the one
// test that scores the whole aclImdb slice.
package e2e
