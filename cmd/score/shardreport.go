package main

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/scorekit/score/dataset"
	"github.com/scorekit/score/internal/atomicfile"
	"github.com/scorekit/score/pipeline"
	"github.com/scorekit/score/shard"
)

// shardReport sums the pipeline reports of one shard's parts.
type shardReport struct {
	Shard            string             `json:"shard"`
	Parts            int                `json:"parts"`
	PartsWritten     int                `json:"parts_written"`
	PartsSkipped     int                `json:"parts_skipped"`
	Read             int64              `json:"documents_read"`
	Scored           int64              `json:"documents_scored"`
	Rejected         int64              `json:"documents_rejected"`
	RejectedByReason map[string]int64   `json:"rejected_by_reason"`
	Warnings         map[string]int64   `json:"warnings"`
	StageSeconds     map[string]float64 `json:"stage_seconds"`
	EngineBusyRatio  float64            `json:"engine_busy_ratio"`
	Seconds          float64            `json:"seconds"`
	Committed        bool               `json:"committed"`
	Status           string             `json:"status"` // ok, failed, interrupted, locked
	Error            string             `json:"error,omitempty"`
	Finished         time.Time          `json:"finished_at"`
}

func newShardReport(s shard.Spec, parts int) *shardReport {
	return &shardReport{Shard: s.String(), Parts: parts, RejectedByReason: map[string]int64{},
		Warnings: map[string]int64{}, StageSeconds: map[string]float64{}}
}

// add folds one part's report in.
func (r *shardReport) add(p *pipeline.Report) {
	if p == nil {
		return
	}
	r.Read += p.Read
	r.Scored += p.Scored
	r.Rejected += p.Rejected
	for k, v := range p.RejectedByReason {
		r.RejectedByReason[k] += v
	}
	for k, v := range p.Warnings {
		r.Warnings[k] += v
	}
	for k, v := range p.StageSeconds {
		r.StageSeconds[k] += v
	}
	if busy := r.StageSeconds["engine"] + r.StageSeconds["engine_wait"]; busy > 0 {
		r.EngineBusyRatio = r.StageSeconds["engine"] / busy
	}
}

func (r *shardReport) progress() pipeline.Progress {
	return pipeline.Progress{Read: r.Read, Scored: r.Scored, Rejected: r.Rejected}
}

// finish sets the status from the run's error.
func (r *shardReport) finish(err error) {
	r.Finished = time.Now().UTC()
	r.Status = statusOf(err)
	if err != nil {
		r.Error = err.Error()
	}
}

func statusOf(err error) string {
	var in interruptedError
	var l lockedError
	var rj rejectedError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &in) || errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.As(err, &l):
		return "locked"
	case errors.As(err, &rj):
		return "rejected"
	}
	return "failed"
}

// save writes the report into the dataset and, if asked, to --report.
func (r *shardReport) save(dir string, s shard.Spec, extra string) error {
	data, _ := json.MarshalIndent(r, "", "  ")
	data = append(data, '\n')
	paths := []string{dataset.ReportPath(dir, s)}
	if extra != "" {
		paths = append(paths, extra)
	}
	for _, p := range paths {
		if err := atomicfile.WriteFile(p, data); err != nil {
			return err
		}
	}
	return nil
}
