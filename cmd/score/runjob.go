package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/tensorflow"
	"github.com/scorekit/score/internal/atomicfile"
	"github.com/scorekit/score/pipeline"
	"github.com/scorekit/score/reader"
	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/tokenize"
	"github.com/scorekit/score/writer"
)

// runJob scores a corpus as j says.
func runJob(ctx context.Context, j *job, stdout, stderr io.Writer) error {
	if err := checkJob(j); err != nil {
		return err
	}
	if isDatasetOut(j.Out) {
		return runDataset(ctx, j, stdout, stderr)
	}
	if _, err := stageInputs(ctx, j, stderr); err != nil {
		return err
	}
	plan, err := prepare(ctx, j, stderr)
	if err != nil {
		return err
	}
	defer plan.model.Close()

	progress := newProgress(j.Progress, stderr, plan.found.EstimatedRows)
	defer progress.done()
	opts := plan.pipelineOptions(j)
	opts.Progress = progress.update
	rep, runErr := pipeline.Run(ctx, plan.model, opts)
	progress.done()
	if rep != nil {
		rep.WriteText(stderr)
		if j.Report != "" {
			if err := writeReport(j.Report, rep); err != nil && runErr == nil {
				runErr = err
			}
		}
		if err := emitFileMetrics(j, rep, runErr); err != nil && runErr == nil {
			runErr = err
		}
	}
	if runErr != nil {
		return runErr
	}
	if j.MaxRejected >= 0 && rep.Rejected > j.MaxRejected {
		return rejectedError{fmt.Errorf("%d rows rejected, more than --max-rejected %d (see the error column of %s)", rep.Rejected, j.MaxRejected, j.Out)}
	}
	fmt.Fprintf(stdout, "wrote %s: %d rows\n", j.Out, rep.Scored+rep.Rejected)
	return nil
}

func checkJob(j *job) error {
	var missing []string
	if j.Model == "" {
		missing = append(missing, "--model")
	}
	if len(j.In) == 0 {
		missing = append(missing, "--in")
	}
	if j.Out == "" {
		missing = append(missing, "--out")
	}
	if len(missing) > 0 {
		return usageError{fmt.Errorf("missing %s (see score --help)", strings.Join(missing, ", "))}
	}
	if !isDatasetOut(j.Out) {
		if err := writer.CheckPath(j.Out); err != nil {
			return usageError{fmt.Errorf("--out: %w", err)}
		}
		if err := checkOutDir(j.Out); err != nil {
			return usageError{fmt.Errorf("--out: %w", err)}
		}
	}
	if j.BatchSize <= 0 || j.InFlight <= 0 {
		return usageError{fmt.Errorf("--batch-size and --in-flight must be positive")}
	}
	switch j.Progress {
	case "auto", "bar", "log", "none":
	default:
		return usageError{fmt.Errorf("--progress %q: want auto, bar, log or none", j.Progress)}
	}
	return checkDatasetFlags(j)
}

// jobPlan is everything resolved before any data is read.
type jobPlan struct {
	model  engine.Model
	inputs *reader.Walk // found again when read: no list of files is held
	// found is what a first pass over the inputs found: their number, the
	// rows they hold where known, the files left out.
	found    reader.WalkStats
	ropts    reader.Options
	feed     pipeline.FeedOptions
	classes  map[string][]string
	metadata map[string]string
}

// prepare loads the model, expands the inputs and checks the tokenizer and
// output settings; it reads no documents (only the inputs' headers and
// Parquet footers, which checks the text and id columns). validate stops here.
func prepare(ctx context.Context, j *job, stderr io.Writer) (*jobPlan, error) {
	ropts, err := readerOptions(j)
	if err != nil {
		return nil, err
	}
	inputs, err := reader.NewWalk(j.In, ropts)
	var found reader.WalkStats
	if err == nil {
		found, err = inputs.Scan()
	}
	if err != nil {
		// A path that does not exist or a format score does not know is the
		// user's to fix (2); an input that cannot be read is a failure (1).
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, reader.ErrNoMatch) || errors.Is(err, reader.ErrUnknownFormat) || errors.Is(err, reader.ErrNoTextColumn) {
			return nil, usageError{err}
		}
		return nil, err
	}
	feed, err := feedOptions(j)
	if err != nil {
		return nil, err
	}
	classes, err := parseClassNames(j.ClassNames)
	if err != nil {
		return nil, err
	}
	sm, err := savedmodel.Load(j.Model, savedmodel.LoadOptions{Tags: j.Tags, Version: j.ModelVersion})
	if err != nil {
		return nil, err
	}
	fingerprint, err := sm.Fingerprint()
	if err != nil {
		return nil, err
	}
	if j.Engine == tensorflow.Name || j.Engine == engine.Auto {
		// Say which library is about to be loaded: a crash inside
		// libtensorflow's first load then has its context on stderr.
		if v, p, err := tensorflow.Probe(map[string]string{tensorflow.ExtraLibrary: j.TFLibrary}); err == nil {
			fmt.Fprintf(stderr, "score: loading libtensorflow %s from %s\n", v, p)
		}
	}
	m, skipped, err := engines().Load(ctx, j.Engine, j.Model, engine.LoadOptions{
		Tags: j.Tags, Signature: j.Signature, Version: j.ModelVersion, Threads: j.Threads, Device: j.Device,
		Extra: map[string]string{"tf_library": j.TFLibrary},
	})
	if err != nil {
		return nil, fmt.Errorf("load model %s: %w", j.Model, err)
	}
	for _, s := range skipped {
		fmt.Fprintf(stderr, "score: engine auto: skipped %v\n", s)
	}
	info := m.Info()
	fmt.Fprintf(stderr, "score: model %s (version %d, TF %s), engine %s on %s\n", sm.Dir, sm.Version, sm.TFVersion, info["engine"], info["device"])
	sig, _ := json.Marshal(m.Signature())
	tok, _ := json.Marshal(feed.Tokenize)
	eng, _ := json.Marshal(info)
	md := map[string]string{
		"score.version":           version,
		"score.model_path":        sm.Dir,
		"score.model_version":     strconv.FormatInt(sm.Version, 10),
		"score.model_fingerprint": fingerprint,
		"score.tf_version":        sm.TFVersion,
		"score.signature":         string(sig),
		"score.tokenizer":         string(tok),
		"score.engine":            string(eng),
		"score.created_at":        time.Now().UTC().Format(time.RFC3339),
	}
	return &jobPlan{model: m, inputs: inputs, found: found, ropts: ropts, feed: feed, classes: classes, metadata: md}, nil
}

func (p *jobPlan) pipelineOptions(j *job) pipeline.Options {
	return pipeline.Options{
		Inputs: p.inputs, Skipped: p.found.Skipped, Reader: p.ropts, Feed: p.feed, Outputs: j.Outputs, ClassNames: p.classes,
		BatchSize: j.BatchSize, BatchBytes: j.BatchBytes, TokenizeWorkers: j.Workers, InFlight: j.InFlight,
		FailOnBadRows: j.FailOnBadRows,
		OpenWriter: func(s writer.Schema) (writer.Writer, error) {
			md := map[string]string{}
			for k, v := range p.metadata {
				md[k] = v
			}
			return writer.Create(j.Out, s, writer.Options{Metadata: md})
		},
	}
}

func readerOptions(j *job) (reader.Options, error) {
	o := reader.Options{TextColumn: j.TextColumn, IDColumn: j.IDColumn, LabelColumns: j.LabelCols,
		CSVHeader: j.Header, InvalidUTF8: j.InvalidUTF8, SkipUnknown: j.SkipUnknown, Format: j.Format, Quoting: j.Quoting}
	switch d := j.Delimiter; {
	case d == "":
	case d == `\t` || d == "tab":
		o.CSVDelimiter = '\t'
	case len([]rune(d)) == 1:
		o.CSVDelimiter = []rune(d)[0]
	default:
		return o, usageError{fmt.Errorf("--delimiter %q: want one character", d)}
	}
	if o.InvalidUTF8 != "repair" && o.InvalidUTF8 != "reject" {
		return o, usageError{fmt.Errorf("--invalid-utf8 %q: want repair or reject", o.InvalidUTF8)}
	}
	return o, nil
}

func feedOptions(j *job) (pipeline.FeedOptions, error) {
	t := tokenize.Options{Mode: tokenize.Mode(j.Tokenizer), Filters: j.Filters, Padding: j.Padding,
		Truncating: j.Truncating, PadToken: j.PadToken, OOVToken: j.OOVToken, NumWords: j.NumWords}
	if j.Lower != "" {
		b, err := strconv.ParseBool(j.Lower)
		if err != nil {
			return pipeline.FeedOptions{}, usageError{fmt.Errorf("--lower %q: want true or false", j.Lower)}
		}
		t.Lower = &b
	}
	if j.Vocab != "" {
		v, err := tokenize.LoadVocab(j.Vocab)
		if err != nil {
			return pipeline.FeedOptions{}, usageError{err}
		}
		t.Vocab = v
	}
	return pipeline.FeedOptions{InputKey: j.InputKey, Kind: tokenize.InputKind(j.InputKind), SeqLen: j.MaxLen, Tokenize: t}, nil
}

func parseClassNames(specs []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, s := range specs {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" || v == "" {
			return nil, usageError{fmt.Errorf("--class-names %q: want OUTPUT=name1,name2,...", s)}
		}
		out[k] = strings.Split(v, ",")
	}
	return out, nil
}

// writeReport writes the JSON report atomically.
func writeReport(path string, rep *pipeline.Report) error {
	var b bytes.Buffer
	if err := rep.WriteJSON(&b); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, b.Bytes())
}
