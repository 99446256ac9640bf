// The score command: `score --model m/ --in data/ --out scores.parquet` and
// its subcommands inspect, demo, validate and head. main is one line calling
// run, which returns the exit code, so the whole command is testable in
// process.
//
// Settings come from, in increasing precedence: defaults, the --config YAML
// file, SCORE_* environment variables (SCORE_BATCH_SIZE for --batch-size),
// and flags.
package main
