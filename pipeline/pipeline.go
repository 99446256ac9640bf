package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/reader"
	"github.com/scorekit/score/tensor"
	"github.com/scorekit/score/writer"
)

// Options configure a run. Zero values get sensible defaults.
type Options struct {
	// Inputs are read in order: a reader.List, or a reader.Walk, which
	// lists no files, so memory does not grow with their number.
	Inputs reader.Inputs
	// Skipped are the files the input expansion left out; the report
	// counts them by reason.
	Skipped []reader.Skipped
	Reader  reader.Options
	Feed    FeedOptions
	// Outputs selects signature outputs to write; empty = all.
	Outputs    []string
	ClassNames map[string][]string

	BatchSize       int // records per engine batch (default 256)
	BatchBytes      int // text bytes per batch (default 16 MiB)
	TokenizeWorkers int // default: one per CPU
	InFlight        int // batches run by the engine at once (default 2)
	FailOnBadRows   bool

	// OpenWriter opens the output once the schema is known. The runner
	// closes it on success and aborts it on failure.
	OpenWriter func(writer.Schema) (writer.Writer, error)
	// Progress, if set, is called from the writer stage after each batch.
	Progress func(Progress)
}

// Progress is a snapshot for progress bars and log lines.
type Progress struct {
	Read, Scored, Rejected int64
	Elapsed                time.Duration
}

type batch struct {
	seq   int
	recs  []reader.Record
	valid []int // indices of recs fed to the engine
	texts []string
	warn  []string                  // per valid record: "null_text", "empty_text" or ""
	feeds map[string]*tensor.Tensor // the model input for texts, built by a tokenizer worker
	// results
	scores  []float32 // len(valid)*width, row-major
	rowErrs map[int]string
}

// Run scores every record of o.Inputs with m and writes them in input order.
// It returns a report even when it fails (with what was done so far).
func Run(ctx context.Context, m engine.Model, o Options) (*Report, error) {
	o = withDefaults(o)
	start := time.Now()
	rep := newReport(m)
	for _, s := range o.Skipped {
		rep.FilesSkipped[s.Reason]++
	}
	feeder, err := NewFeeder(m.Signature(), o.Feed)
	if err != nil {
		return rep, err
	}
	plan, err := planOutputs(ctx, m, feeder, o.Outputs, o.ClassNames)
	if err != nil {
		return rep, err
	}
	if o.Reader.Arena == nil {
		// Texts live in reused blocks, given back once tokenized or run
		// (releaseTexts): far fewer garbage collections.
		o.Reader.Arena = reader.NewTextArena(reader.ArenaOptions{})
		defer o.Reader.Arena.Close() // after every stage has stopped
	}
	if o.Inputs == nil {
		return rep, errors.New("no inputs")
	}
	src, err := reader.OpenInputs(o.Inputs, o.Reader)
	if err != nil {
		return rep, err
	}
	defer src.Close()
	w, err := o.OpenWriter(writer.Schema{Fields: outputFieldNames(src.Columns(), plan), Outputs: plan.cols})
	if err != nil {
		return rep, err
	}
	r := &runner{o: o, m: m, feeder: feeder, plan: plan, src: src, w: w, rep: rep, start: start}
	inFlight := 3*o.InFlight + o.TokenizeWorkers + 4 // the channels' room, and a batch in each stage
	r.spare, r.spareRecs = make(chan *batch, inFlight), make(chan []reader.Record, inFlight)
	err = r.run(ctx)
	rep.finish(time.Since(start))
	if err != nil {
		if aerr := w.Abort(); aerr != nil {
			err = errors.Join(err, fmt.Errorf("abort output: %w", aerr))
		}
		return rep, err
	}
	if err := w.Close(); err != nil {
		return rep, fmt.Errorf("close output: %w", err)
	}
	if err := rep.check(); err != nil {
		return rep, err
	}
	return rep, nil
}

func withDefaults(o Options) Options {
	if o.BatchSize <= 0 {
		o.BatchSize = 256
	}
	if o.BatchBytes <= 0 {
		o.BatchBytes = 16 << 20
	}
	if o.TokenizeWorkers <= 0 {
		o.TokenizeWorkers = runtime.NumCPU()
	}
	if o.InFlight <= 0 {
		o.InFlight = 2
	}
	return o
}

type runner struct {
	o      Options
	m      engine.Model
	feeder *Feeder
	plan   outputPlan
	src    reader.Source
	w      writer.Writer
	rep    *Report
	start  time.Time

	// Written batches come back for reuse: their structs and slices
	// (spare), their record slices (spareRecs, through the Batcher), and
	// the writer stage's rows (rows, vals, nulls: that stage's alone).
	spare     chan *batch
	spareRecs chan []reader.Record
	rows      []writer.Row
	vals      []string
	nulls     []bool
}

func (r *runner) run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	toTok := make(chan *batch, r.o.InFlight+r.o.TokenizeWorkers)
	toEng := make(chan *batch, r.o.InFlight+1)
	toOut := make(chan *batch, r.o.InFlight+1)

	g.Go(func() error { defer close(toTok); return r.readStage(ctx, toTok) })

	var tokWG sync.WaitGroup
	for range r.o.TokenizeWorkers {
		tokWG.Add(1)
		g.Go(func() error { defer tokWG.Done(); return r.tokenizeStage(ctx, toTok, toEng) })
	}
	g.Go(func() error { tokWG.Wait(); close(toEng); return nil })

	var engWG sync.WaitGroup
	for range r.o.InFlight {
		engWG.Add(1)
		g.Go(func() error { defer engWG.Done(); return r.engineStage(ctx, toEng, toOut) })
	}
	g.Go(func() error { engWG.Wait(); close(toOut); return nil })

	g.Go(func() error { return r.writeStage(ctx, toOut) })
	return g.Wait()
}

func send(ctx context.Context, ch chan<- *batch, b *batch) error {
	select {
	case ch <- b:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *runner) readStage(ctx context.Context, out chan<- *batch) error {
	b := Batcher{MaxCount: r.o.BatchSize, MaxBytes: r.o.BatchBytes, Spare: r.spareRecs}
	seq := 0
	flush := func() error {
		recs := b.Flush()
		if recs == nil {
			return nil
		}
		seq++
		nb := &batch{}
		select {
		case nb = <-r.spare:
		default:
		}
		nb.seq, nb.recs = seq, recs
		return send(ctx, out, nb)
	}
	for {
		t0 := time.Now()
		rec, err := r.src.Next(ctx)
		r.rep.addStage(stageRead, time.Since(t0))
		if errors.Is(err, io.EOF) {
			return flush()
		}
		if err != nil {
			return fmt.Errorf("read input: %w", err)
		}
		r.rep.addRead()
		if rec.Err != nil && r.o.FailOnBadRows {
			return fmt.Errorf("bad row (--fail-on-bad-rows): %w", rec.Err)
		}
		if b.Add(rec) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
}

func (r *runner) tokenizeStage(ctx context.Context, in <-chan *batch, out chan<- *batch) error {
	for {
		var b *batch
		select {
		case b = <-in:
		case <-ctx.Done():
			return ctx.Err()
		}
		if b == nil {
			return nil
		}
		t0 := time.Now()
		for i, rec := range b.recs {
			if rec.Err == nil {
				b.valid = append(b.valid, i)
				b.texts = append(b.texts, rec.Text)
				b.warn = append(b.warn, textWarning(rec))
			}
		}
		if len(b.texts) > 0 {
			feeds, err := r.feeder.Build(b.texts)
			if err != nil {
				return err
			}
			b.feeds = feeds
		}
		if !r.feeder.KeepsText() {
			releaseTexts(b) // ids hold nothing of the text
		}
		r.rep.addStage(stageTokenize, time.Since(t0))
		if err := send(ctx, out, b); err != nil {
			return err
		}
	}
}

func (r *runner) engineStage(ctx context.Context, in <-chan *batch, out chan<- *batch) error {
	for {
		var b *batch
		t0 := time.Now()
		select {
		case b = <-in:
		case <-ctx.Done():
			return ctx.Err()
		}
		if b == nil {
			return nil
		}
		r.rep.addStage(stageEngineWait, time.Since(t0))
		if len(b.valid) > 0 {
			scores, rowErrs, err := r.score(ctx, len(b.valid), b.feeds, b.scores)
			if err != nil {
				return err
			}
			b.scores, b.rowErrs = scores, rowErrs
			r.feeder.recycle(b.feeds)
			b.feeds = nil
		}
		releaseTexts(b) // the inputs, made of the texts, are run
		if err := send(ctx, out, b); err != nil {
			return err
		}
	}
}

// score runs the n documents of all through the model. When the engine
// rejects the batch, the batch is split in halves (views of the inputs'
// rows) until the failing rows are isolated; those are returned in rowErrs
// (by document index) and the rest are scored.
func (r *runner) score(ctx context.Context, n int, all map[string]*tensor.Tensor, buf []float32) ([]float32, map[int]string, error) {
	flat := grow(buf, n*r.plan.width)
	var rowErrs map[int]string // made at the first failing row
	var rec func(lo, hi int) error
	rec = func(lo, hi int) error {
		feeds := all
		if lo != 0 || hi != n {
			feeds = make(map[string]*tensor.Tensor, len(all))
			for k, t := range all {
				v, err := t.Rows(lo, hi)
				if err != nil {
					return fmt.Errorf("split input %s: %w", k, err)
				}
				feeds[k] = v
			}
		}
		t0 := time.Now()
		outs, runErr := r.m.Run(ctx, feeds)
		r.rep.addStage(stageEngine, time.Since(t0))
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if runErr == nil {
			s, err := r.plan.scores(outs, hi-lo)
			if err != nil {
				return err
			}
			copy(flat[lo*r.plan.width:], s)
			return nil
		}
		if hi-lo == 1 {
			if rowErrs == nil {
				rowErrs = map[int]string{}
			}
			rowErrs[lo] = "engine: " + runErr.Error()
			return nil
		}
		mid := (lo + hi) / 2
		if err := rec(lo, mid); err != nil {
			return err
		}
		return rec(mid, hi)
	}
	if err := rec(0, n); err != nil {
		return nil, nil, err
	}
	return flat, rowErrs, nil
}

func (r *runner) writeStage(ctx context.Context, in <-chan *batch) error {
	pending := map[int]*batch{}
	next := 1
	for {
		var b *batch
		select {
		case b = <-in:
		case <-ctx.Done():
			return ctx.Err()
		}
		if b == nil {
			if len(pending) > 0 {
				return fmt.Errorf("internal error: %d batches never written", len(pending))
			}
			return nil
		}
		pending[b.seq] = b
		for pending[next] != nil {
			b := pending[next]
			delete(pending, next)
			next++
			if err := r.writeBatch(b); err != nil {
				return err
			}
			r.recycle(b)
		}
	}
}

// recycle clears a written batch and hands it and its record slice back
// for reuse by later batches (dropping them when enough are waiting).
func (r *runner) recycle(b *batch) {
	clear(b.recs)
	select {
	case r.spareRecs <- b.recs[:0]:
	default:
	}
	clear(b.texts)
	clear(b.warn)
	*b = batch{valid: b.valid[:0], texts: b.texts[:0], warn: b.warn[:0], scores: b.scores[:0]}
	select {
	case r.spare <- b:
	default:
	}
}

// grow returns s with length n, reusing its array when it has room; the
// elements are zeroed.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

func (r *runner) writeBatch(b *batch) error {
	t0 := time.Now()
	cols := r.src.Columns()
	// The rows and their field values, in buffers the next batch reuses
	// (writers keep nothing of the rows they are given).
	r.rows = grow(r.rows, len(b.recs))
	r.vals, r.nulls = grow(r.vals, len(cols)*len(b.recs)), grow(r.nulls, len(cols)*len(b.recs))
	rows, vals, nulls := r.rows, r.vals, r.nulls
	vi := 0
	for i, rec := range b.recs {
		row := writer.Row{ID: rec.ID, Source: rec.Source, Row: rec.Row}
		if len(cols) > 0 {
			k := i * len(cols)
			row.Fields, row.FieldNull = vals[k:k+len(cols):k+len(cols)], nulls[k:k+len(cols):k+len(cols)]
			fieldValues(rec, cols, row.Fields, row.FieldNull)
		}
		switch {
		case rec.Err != nil:
			row.Error = rec.Err.Error()
			r.rep.reject("unreadable_row")
		case b.rowErrs[vi] != "":
			row.Error = fmt.Sprintf("%s row %d: %s", rec.Source, rec.Row, b.rowErrs[vi])
			r.rep.reject("engine_error")
			vi++
		default:
			row.Scores = b.scores[vi*r.plan.width : (vi+1)*r.plan.width]
			row.Warning = b.warn[vi]
			vi++
			r.rep.scoredRow(row.Warning)
		}
		rows[i] = row
	}
	if err := r.w.Write(rows); err != nil {
		return fmt.Errorf("write batch %d: %w", b.seq, err)
	}
	r.rep.addStage(stageWrite, time.Since(t0))
	r.rep.addBatch()
	if r.o.Progress != nil {
		s := r.rep.snapshot()
		s.Elapsed = time.Since(r.start)
		r.o.Progress(s)
	}
	return nil
}

// outputFieldNames names the input's layout fields in the output. A field
// whose name the output already uses (id, source, row, error, warning or a
// score column: e.g. when re-scoring a score output) is written as
// input_<name>.
func outputFieldNames(cols []string, plan outputPlan) []string {
	taken := map[string]bool{}
	for _, c := range (writer.Schema{Outputs: plan.cols}).Columns() {
		taken[c] = true
	}
	out := make([]string, len(cols))
	for i, c := range cols {
		name := c
		for taken[name] {
			name = "input_" + name
		}
		taken[name] = true
		out[i] = name
	}
	return out
}

// fieldValues lays out a record's layout fields in column order into out
// and null (len(cols) each); a field the record does not have is null.
func fieldValues(rec reader.Record, cols []string, out []string, null []bool) {
	for i, c := range cols {
		v, ok := rec.Fields[c]
		out[i], null[i] = v, !ok
	}
}

// textWarning flags a readable record whose text is null or blank (it is
// scored as an empty document).
func textWarning(rec reader.Record) string {
	switch {
	case rec.Null:
		return "null_text"
	case isBlank(rec.Text):
		return "empty_text"
	}
	return ""
}

// releaseTexts gives the batch's texts back to the reader's arena once
// nothing will read them again: after tokenizing when the model input holds
// nothing of them (ids), else after the engine has run the input (string
// tokens and raw texts are views of the text). Releasing twice is harmless.
func releaseTexts(b *batch) {
	clear(b.texts)
	for i := range b.recs {
		b.recs[i].Release()
	}
}

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
		default:
			return false
		}
	}
	return true
}
