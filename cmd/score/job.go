package main

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

// job holds every setting of a scoring run. Each field is bound to a flag
// whose name is the YAML key with '_' replaced by '-'.
type job struct {
	Model        string
	ModelVersion int64
	Tags         []string
	Signature    string
	Engine       string
	Threads      int
	Device       string
	TFLibrary    string

	In          []string
	Out         string
	TextColumn  string
	IDColumn    string
	LabelCols   []string
	Delimiter   string
	Header      string
	InvalidUTF8 string
	SkipUnknown bool
	Format      string
	Quoting     string

	InputKey   string
	InputKind  string
	Tokenizer  string
	Lower      string
	Filters    string
	MaxLen     int
	Padding    string
	Truncating string
	PadToken   string
	OOVToken   string
	Vocab      string
	NumWords   int

	Outputs    []string
	ClassNames []string // output=name1,name2,... (repeatable)

	BatchSize     int
	BatchBytes    int
	Workers       int
	InFlight      int
	FailOnBadRows bool
	MaxRejected   int64

	Report   string
	Progress string

	// Dataset mode (--out DIR/ or an existing directory); see dataset.go.
	Shard       string
	Shards      int
	PartRows    int64
	Overwrite   bool
	GracePeriod time.Duration
	LockTTL     time.Duration
	LockWait    time.Duration
	MetricsFile string
	MetricsPush string
	MetricsJob  string
	StageDir    string
	Publish     string

	getenv func(string) string // for JOB_COMPLETION_INDEX; nil = os.Getenv
}

// bindRunFlags declares the run flags on fs, bound to j, with defaults.
func bindRunFlags(fs *pflag.FlagSet, j *job) {
	fs.StringVar(&j.Model, "model", "", "SavedModel directory (or a folder of numbered versions)")
	fs.Int64Var(&j.ModelVersion, "model-version", 0, "pin a numbered version folder (0 = highest)")
	fs.StringSliceVar(&j.Tags, "tags", []string{"serve"}, "MetaGraphDef tag set")
	fs.StringVar(&j.Signature, "signature", "serving_default", "signature key to run")
	fs.StringVar(&j.Engine, "engine", "native", "engine: auto, native or tensorflow")
	fs.IntVar(&j.Threads, "threads", 0, "engine compute threads (0 = one per CPU)")
	fs.StringVar(&j.Device, "device", "", "engine device: cpu or gpu (tensorflow engine)")
	fs.StringVar(&j.TFLibrary, "tf-library", "", "path of libtensorflow.so.2 (tensorflow engine; also SCORE_TF_LIBRARY)")

	fs.StringArrayVar(&j.In, "in", nil, "input file, directory or glob (repeatable)")
	fs.StringVar(&j.Out, "out", "", "output file: .parquet, .csv or .jsonl")
	fs.StringVar(&j.TextColumn, "text-column", "", "text column (Parquet, CSV, JSONL); default: detected")
	fs.StringVar(&j.IDColumn, "id-column", "", "id column; default: id if present")
	fs.StringSliceVar(&j.LabelCols, "label-columns", nil, "extra input columns copied to the output")
	fs.StringVar(&j.Delimiter, "delimiter", "", "CSV delimiter (default: by extension)")
	fs.StringVar(&j.Header, "header", "auto", "CSV header: auto, yes or no")
	fs.StringVar(&j.InvalidUTF8, "invalid-utf8", "reject", "text that is not UTF-8: repair (count) or reject (per row)")
	fs.BoolVar(&j.SkipUnknown, "skip-unknown", false, "skip input files of unknown type instead of failing")
	fs.StringVar(&j.Format, "format", "", "read every input as this format: parquet, csv, tsv, jsonl, txt (default: by extension)")
	fs.StringVar(&j.Quoting, "quoting", "auto", "CSV quoting: auto (on for CSV, off for TSV), on or off")

	fs.StringVar(&j.InputKey, "input-key", "", "signature input to feed (default: the only one)")
	fs.StringVar(&j.InputKind, "input-kind", "", "text, tokens or ids (default: from the signature)")
	fs.StringVar(&j.Tokenizer, "tokenizer", "spacy", "keras, textvectorization, whitespace or spacy")
	fs.StringVar(&j.Lower, "lower", "", "lower-case tokens: true or false (default: the tokenizer's)")
	fs.StringVar(&j.Filters, "filters", "", "keras tokenizer: characters to filter (default: Keras')")
	fs.IntVar(&j.MaxLen, "max-len", 0, "tokens per row (default: from the signature)")
	fs.StringVar(&j.Padding, "padding", "", "pad pre or post (default: the tokenizer's; pre as Keras pad_sequences, post for textvectorization)")
	fs.StringVar(&j.Truncating, "truncating", "", "truncate pre or post (default: the tokenizer's, as --padding)")
	fs.StringVar(&j.PadToken, "pad-token", "", "pad token for string token inputs")
	fs.StringVar(&j.OOVToken, "oov-token", "", "out-of-vocabulary token")
	fs.StringVar(&j.Vocab, "vocab", "", "vocabulary for id inputs: one token per line, Keras Tokenizer JSON or word_index JSON")
	fs.IntVar(&j.NumWords, "num-words", 0, "Keras Tokenizer num_words (0 = all)")

	fs.StringSliceVar(&j.Outputs, "outputs", nil, "signature outputs to write (default: all)")
	fs.StringArrayVar(&j.ClassNames, "class-names", nil, "column names for a [batch,k] output: OUTPUT=name1,name2,... (repeatable)")

	fs.IntVar(&j.BatchSize, "batch-size", 256, "documents per engine batch")
	fs.IntVar(&j.BatchBytes, "batch-bytes", 16<<20, "text bytes per engine batch")
	fs.IntVar(&j.Workers, "workers", 0, "tokenizer workers (0 = one per CPU)")
	fs.IntVar(&j.InFlight, "in-flight", 2, "batches the engine runs at once")
	fs.BoolVar(&j.FailOnBadRows, "fail-on-bad-rows", false, "stop at the first unreadable row")
	fs.Int64Var(&j.MaxRejected, "max-rejected", -1, "exit 3 when more rows are rejected (-1 = no limit)")

	fs.StringVar(&j.Report, "report", "", "write the run report as JSON to this file")
	fs.StringVar(&j.Progress, "progress", "auto", "auto, bar, log or none")

	fs.StringVar(&j.Shard, "shard", "", "dataset mode: score shard K of N (K/N, 0-based)")
	fs.IntVar(&j.Shards, "shards", 0, "dataset mode: N shards, this one from JOB_COMPLETION_INDEX (Indexed Job)")
	fs.Int64Var(&j.PartRows, "part-rows", 1000000, "dataset mode: estimated rows per part file (0 = one part per shard)")
	fs.BoolVar(&j.Overwrite, "overwrite", false, "dataset mode: replace output of another model or config")
	fs.DurationVar(&j.GracePeriod, "grace-period", 20*time.Second, "dataset mode: after SIGTERM, time the current part may take to finish")
	fs.DurationVar(&j.LockTTL, "lock-ttl", time.Minute, "dataset mode: a lock whose heartbeat is older is stale")
	fs.DurationVar(&j.LockWait, "lock-wait", 0, "dataset mode: wait this long for a live lock before exiting 4")
	fs.StringVar(&j.MetricsFile, "metrics-file", "", "write Prometheus metrics (text format) to this file")
	fs.StringVar(&j.MetricsPush, "metrics-push", "", "push Prometheus metrics to this Pushgateway URL")
	fs.StringVar(&j.MetricsJob, "metrics-job", "score", "Pushgateway job name")
	fs.StringVar(&j.StageDir, "stage-dir", "", "local copies of s3:// and gs:// inputs (default: the temp directory)")
	fs.StringVar(&j.Publish, "publish", "", "dataset mode: copy the committed dataset to this s3:// or gs:// URL")
}

// applySources fills every flag not set on the command line from the
// environment (SCORE_<FLAG>) and then from the config file, so flags beat
// the environment, which beats the file.
func applySources(fs *pflag.FlagSet, configPath string, getenv func(string) string) error {
	var cfg map[string]any
	if configPath != "" {
		data, err := os.ReadFile(configPath)
		if err != nil {
			return usageError{fmt.Errorf("read config: %w", err)}
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&cfg); err != nil {
			return usageError{fmt.Errorf("config %s: %w", configPath, err)}
		}
		var unknown []string
		for k := range cfg {
			if fs.Lookup(flagName(k)) == nil || flagName(k) == "config" {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			return usageError{fmt.Errorf("config %s: unknown key(s): %s", configPath, strings.Join(unknown, ", "))}
		}
	}
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed || f.Name == "config" {
			return
		}
		env := "SCORE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(env); v != "" {
			if e := f.Value.Set(v); e != nil {
				err = usageError{fmt.Errorf("environment %s: %w", env, e)}
			}
			return
		}
		v, ok := cfg[strings.ReplaceAll(f.Name, "-", "_")]
		if !ok {
			v, ok = cfg[f.Name]
		}
		if !ok {
			return
		}
		for _, s := range configValues(v) {
			if e := f.Value.Set(s); e != nil {
				err = usageError{fmt.Errorf("config %s: %s: %w", configPath, f.Name, e)}
				return
			}
		}
	})
	return err
}

func flagName(key string) string { return strings.ReplaceAll(key, "_", "-") }

// configValues turns a YAML value into the strings to Set on a flag: one per
// list element (repeatable flags and slices accumulate), "k=v1,v2" per map
// entry (class_names).
func configValues(v any) []string {
	switch x := v.(type) {
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, configValues(e)...)
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			out = append(out, k+"="+strings.Join(configValues(x[k]), ","))
		}
		return out
	case nil:
		return nil
	}
	return []string{fmt.Sprint(v)}
}
