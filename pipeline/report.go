package pipeline

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/scorekit/score/engine"
)

type stage int

const (
	stageRead stage = iota
	stageTokenize
	stageEngine
	stageEngineWait
	stageWrite
	numStages
)

var stageNames = [numStages]string{"read", "tokenize", "engine", "engine_wait", "write"}

// Report accounts for a run: every row read was scored or rejected.
type Report struct {
	mu sync.Mutex

	Engine           map[string]string `json:"engine"`
	Read             int64             `json:"documents_read"`
	Scored           int64             `json:"documents_scored"`
	Rejected         int64             `json:"documents_rejected"`
	RejectedByReason map[string]int64  `json:"rejected_by_reason"`
	Warnings         map[string]int64  `json:"warnings"`
	// FilesSkipped counts the files the input expansion left out
	// (Options.Skipped), by reason: hidden, not a review of an IMDb
	// folder, named more than once, of unknown type (--skip-unknown).
	FilesSkipped map[string]int64 `json:"files_skipped"`
	Batches      int64            `json:"batches"`
	// StageSeconds is the time spent in each stage, summed over its
	// goroutines: read, tokenize, engine (in Run), engine_wait (engine
	// workers idle, waiting for input), write.
	StageSeconds map[string]float64 `json:"stage_seconds"`
	// EngineWaitRatio is engine_wait / (engine + engine_wait): how much the
	// engine was starved by the input side.
	EngineWaitRatio float64 `json:"engine_wait_ratio"`
	Seconds         float64 `json:"seconds"`
	DocsPerSecond   float64 `json:"documents_per_second"`

	stages [numStages]time.Duration
}

func newReport(m engine.Model) *Report {
	return &Report{Engine: m.Info(), RejectedByReason: map[string]int64{}, Warnings: map[string]int64{}, FilesSkipped: map[string]int64{}}
}

func (r *Report) addStage(s stage, d time.Duration) {
	r.mu.Lock()
	r.stages[s] += d
	r.mu.Unlock()
}

func (r *Report) addRead() {
	r.mu.Lock()
	r.Read++
	r.mu.Unlock()
}

func (r *Report) addBatch() {
	r.mu.Lock()
	r.Batches++
	r.mu.Unlock()
}

func (r *Report) reject(reason string) {
	r.mu.Lock()
	r.Rejected++
	r.RejectedByReason[reason]++
	r.mu.Unlock()
}

func (r *Report) scoredRow(warning string) {
	r.mu.Lock()
	r.Scored++
	if warning != "" {
		r.Warnings[warning]++
	}
	r.mu.Unlock()
}

func (r *Report) snapshot() Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Progress{Read: r.Read, Scored: r.Scored, Rejected: r.Rejected}
}

func (r *Report) finish(total time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.StageSeconds = map[string]float64{}
	for s, d := range r.stages {
		r.StageSeconds[stageNames[s]] = d.Seconds()
	}
	if busy := r.stages[stageEngine] + r.stages[stageEngineWait]; busy > 0 {
		r.EngineWaitRatio = r.stages[stageEngineWait].Seconds() / busy.Seconds()
	}
	r.Seconds = total.Seconds()
	if r.Seconds > 0 {
		r.DocsPerSecond = float64(r.Scored+r.Rejected) / r.Seconds
	}
}

// check verifies the accounting invariant read = scored + rejected.
func (r *Report) check() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Read != r.Scored+r.Rejected {
		return fmt.Errorf("internal error: read %d rows but scored %d and rejected %d", r.Read, r.Scored, r.Rejected)
	}
	return nil
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes a short human summary.
func (r *Report) WriteText(w io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(w, "read %d, scored %d, rejected %d in %.2fs (%.0f docs/s) with engine %s on %s\n",
		r.Read, r.Scored, r.Rejected, r.Seconds, r.DocsPerSecond, r.Engine["engine"], r.Engine["device"])
	for _, k := range slices.Sorted(maps.Keys(r.RejectedByReason)) {
		fmt.Fprintf(w, "  rejected %-16s %d\n", k, r.RejectedByReason[k])
	}
	for _, k := range slices.Sorted(maps.Keys(r.Warnings)) {
		fmt.Fprintf(w, "  warning  %-16s %d\n", k, r.Warnings[k])
	}
	for _, k := range slices.Sorted(maps.Keys(r.FilesSkipped)) {
		fmt.Fprintf(w, "  files skipped, %s: %d\n", k, r.FilesSkipped[k])
	}
	fmt.Fprintf(w, "  stage seconds:")
	for _, n := range stageNames {
		fmt.Fprintf(w, " %s %.2f", n, r.StageSeconds[n])
	}
	fmt.Fprintf(w, "; engine waited %.1f%% of its time for input\n", 100*r.EngineWaitRatio)
}
