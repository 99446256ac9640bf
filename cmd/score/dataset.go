package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/scorekit/score/dataset"
	"github.com/scorekit/score/pipeline"
	"github.com/scorekit/score/reader"
	"github.com/scorekit/score/shard"
	"github.com/scorekit/score/storage"
	"github.com/scorekit/score/writer"
)

// isDatasetOut is the one rule for dataset mode: --out ends in a path
// separator, or names an existing directory.
func isDatasetOut(out string) bool {
	if strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(os.PathSeparator)) {
		return true
	}
	st, err := os.Stat(out)
	return err == nil && st.IsDir()
}

// checkDatasetFlags rejects dataset flags on a single-file run and bad
// values on a dataset run.
func checkDatasetFlags(j *job) error {
	if storage.IsRemote(j.Out) {
		return usageError{fmt.Errorf("--out %s: write a local or mounted dataset directory (--out DIR/) and add --publish %s", j.Out, j.Out)}
	}
	if !isDatasetOut(j.Out) {
		if j.Publish != "" {
			return usageError{fmt.Errorf("--publish needs a dataset output: --out DIR/ (trailing slash)")}
		}
		if j.Shard != "" || j.Shards != 0 {
			return usageError{fmt.Errorf("--shard and --shards need a dataset output: --out DIR/ (trailing slash)")}
		}
		return nil
	}
	if j.PartRows < 0 || j.GracePeriod < 0 || j.LockTTL <= 0 || j.LockWait < 0 {
		return usageError{fmt.Errorf("--part-rows, --grace-period and --lock-wait must not be negative, --lock-ttl must be positive")}
	}
	return nil
}

// configHash hashes the settings that change what the output holds (not
// how fast it is made): inputs, reader, tokenizer, signature and outputs.
func configHash(j *job) string {
	c := struct {
		Tags                                            []string
		Signature, Engine                               string
		ModelVersion                                    int64
		In                                              []string
		TextColumn, IDColumn                            string
		LabelCols                                       []string
		Delimiter, Header, InvalidUTF8, Format, Quoting string
		SkipUnknown                                     bool
		InputKey, InputKind, Tokenizer, Lower, Filters  string
		MaxLen, NumWords                                int
		Padding, Truncating, PadToken, OOVToken, Vocab  string
		Outputs, ClassNames                             []string
		FailOnBadRows                                   bool
	}{j.Tags, j.Signature, j.Engine, j.ModelVersion, j.In, j.TextColumn, j.IDColumn, j.LabelCols,
		j.Delimiter, j.Header, j.InvalidUTF8, j.Format, j.Quoting, j.SkipUnknown,
		j.InputKey, j.InputKind, j.Tokenizer, j.Lower, j.Filters, j.MaxLen, j.NumWords,
		j.Padding, j.Truncating, j.PadToken, j.OOVToken, j.Vocab, j.Outputs, j.ClassNames, j.FailOnBadRows}
	data, _ := json.Marshal(c)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:16]
}

// runDataset scores this shard's parts into the dataset directory j.Out:
// lock the shard, check the identity, skip verified parts, write the rest,
// record the shard as done and commit the dataset if it is the last.
func runDataset(ctx context.Context, j *job, stdout, stderr io.Writer) (err error) {
	getenv := j.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	spec, err := shard.Resolve(j.Shard, j.Shards, getenv("JOB_COMPLETION_INDEX"))
	if err != nil {
		return usageError{err}
	}
	sd := shutdownFrom(ctx)
	sd.setGrace(j.GracePeriod)
	start := time.Now()
	dir := filepath.Clean(j.Out)

	origIn, err := stageInputs(ctx, j, stderr)
	if err != nil {
		return err
	}
	plan, err := prepare(ctx, j, stderr)
	if err != nil {
		return err
	}
	defer plan.model.Close()
	hashed := *j
	hashed.In = origIn
	all, err := reader.Collect(plan.inputs) // planning shards takes the whole list
	if err != nil {
		return err
	}
	parts, err := shard.Plan(all, spec, shard.Options{PartRows: j.PartRows})
	if err != nil {
		return err
	}
	id := dataset.Identity{ModelFingerprint: plan.metadata["score.model_fingerprint"], ConfigHash: configHash(&hashed), Shards: spec.Count, PartRows: j.PartRows}

	if err := os.MkdirAll(filepath.Dir(dataset.LockPath(dir, spec)), 0o777); err != nil {
		return fmt.Errorf("create dataset %s: %w", dir, err)
	}
	lock, err := dataset.Acquire(ctx, dataset.LockPath(dir, spec), dataset.NewOwner(), dataset.LockOptions{TTL: j.LockTTL, Wait: j.LockWait})
	if err != nil {
		if errors.Is(err, dataset.ErrLocked) {
			return lockedError{fmt.Errorf("shard %s of %s: %w", spec, dir, err)}
		}
		return err
	}
	defer func() {
		if rerr := lock.Release(); rerr != nil && err == nil {
			err = rerr
		}
	}()
	if err := dataset.Init(dir, id, j.Overwrite); err != nil {
		if errors.Is(err, dataset.ErrMismatch) {
			return usageError{err}
		}
		return err
	}
	if err := dataset.Begin(dir, spec, parts); err != nil {
		return err
	}

	rep := newShardReport(spec, len(parts))
	progress := newProgress(j.Progress, stderr, plan.found.EstimatedRows)
	defer progress.done()
	defer func() {
		rep.Seconds = time.Since(start).Seconds()
		rep.finish(err)
		progress.done()
		if werr := rep.save(dir, spec, j.Report); werr != nil && err == nil {
			err = werr
		}
		if merr := emitMetrics(j, rep, spec, stderr); merr != nil && err == nil {
			err = merr
		}
	}()

	for _, p := range parts {
		select {
		case <-sd.Drain():
			return interruptedError{fmt.Errorf("shard %s: interrupted: %d of %d parts done, the rest is left for a rerun", spec, rep.PartsWritten+rep.PartsSkipped, len(parts))}
		default:
		}
		if err := lock.Owned(); err != nil {
			return lockedError{err}
		}
		name := dataset.PartName(p)
		if _, ok, reason := dataset.Verify(dir, name, id); ok {
			rep.PartsSkipped++
			continue
		} else if _, serr := os.Stat(filepath.Join(dir, name)); serr == nil {
			fmt.Fprintf(stderr, "score: part %s: rewriting (%s)\n", name, reason)
		}
		if err := writePart(ctx, j, plan, lock, dir, name, p, rep, progress); err != nil {
			return err
		}
		if _, err := dataset.Record(dir, p, id); err != nil {
			return err
		}
		rep.PartsWritten++
	}
	if err := lock.Owned(); err != nil {
		return lockedError{err}
	}
	if j.MaxRejected >= 0 && rep.Rejected > j.MaxRejected {
		return rejectedError{fmt.Errorf("shard %s: %d rows rejected, more than --max-rejected %d (see the error column in %s)", spec, rep.Rejected, j.MaxRejected, dir)}
	}
	if err := dataset.Finish(dir, spec, parts, id); err != nil {
		return err
	}
	m, err := dataset.Commit(dir, dataset.CommitOptions{Self: &spec, TTL: j.LockTTL})
	if errors.Is(err, dataset.ErrIncomplete) {
		// Shards that finish together each find the others' locks, held
		// while they try to commit (and write their reports). Let go of
		// this one and try once more: of runs that do so, the last to let
		// go finds no lock left and commits.
		if rerr := lock.Release(); rerr != nil {
			return rerr
		}
		m, err = dataset.Commit(dir, dataset.CommitOptions{TTL: j.LockTTL})
	}
	switch {
	case errors.Is(err, dataset.ErrIncomplete):
		fmt.Fprintf(stdout, "shard %s of %s done: %d parts (%d written, %d already complete); %v\n",
			spec, dir, len(parts), rep.PartsWritten, rep.PartsSkipped, err)
		return nil
	case err != nil:
		return err
	}
	rep.Committed = true
	if j.Publish != "" {
		if _, err := storage.Publish(ctx, dir, j.Publish); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "published %s to %s\n", dir, j.Publish)
	}
	fmt.Fprintf(stdout, "shard %s of %s done: %d parts (%d written, %d already complete); committed %d parts, %d rows\n",
		spec, dir, len(parts), rep.PartsWritten, rep.PartsSkipped, len(m.Parts), m.Rows)
	return nil
}

// writePart runs the pipeline over one part, abandoning it (its temporary
// file removed) if the lock is lost or the root context is cancelled.
func writePart(ctx context.Context, j *job, plan *jobPlan, lock *dataset.Lock, dir, name string, p shard.Part, rep *shardReport, progress *progress) error {
	if err := dataset.Unrecord(dir, name); err != nil {
		return err
	}
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-lock.Lost():
			cancel()
		case <-pctx.Done():
		}
	}()
	opts := plan.pipelineOptions(j)
	opts.Inputs = reader.List(p.Inputs()) // this part's inputs, not the whole walk
	opts.Skipped = nil
	opts.OpenWriter = func(s writer.Schema) (writer.Writer, error) {
		md := map[string]string{}
		for k, v := range plan.metadata {
			md[k] = v
		}
		md["score.shard"] = p.Shard.String()
		md["score.part"] = name
		return writer.Create(filepath.Join(dir, name), s, writer.Options{Metadata: md})
	}
	base := rep.progress()
	opts.Progress = func(pr pipeline.Progress) {
		pr.Read += base.Read
		pr.Scored += base.Scored
		pr.Rejected += base.Rejected
		progress.update(pr)
	}
	prep, err := pipeline.Run(pctx, plan.model, opts)
	rep.add(prep)
	if err != nil {
		select {
		case <-lock.Lost():
			return lockedError{fmt.Errorf("part %s: %w", name, lock.Owned())}
		default:
		}
		return fmt.Errorf("part %s: %w", name, err)
	}
	return nil
}
