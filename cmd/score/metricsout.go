package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/scorekit/score/internal/atomicfile"
	"github.com/scorekit/score/metrics"
	"github.com/scorekit/score/pipeline"
	"github.com/scorekit/score/shard"
)

// pushTimeout bounds the Pushgateway request; a nightly job must not hang
// on its metrics.
const pushTimeout = 10 * time.Second

// runMetrics turns a run report into Prometheus metrics.
func runMetrics(r *shardReport, s shard.Spec) *metrics.Set {
	m := &metrics.Set{Const: map[string]string{"shard": fmt.Sprintf("%d", s.Index), "shards": fmt.Sprintf("%d", s.Count)}}
	add := func(name, help string, t metrics.Type, labels map[string]string, v float64) {
		// Names are constants here; Add fails only on a programming error.
		if err := m.Add(name, help, t, labels, v); err != nil {
			panic(err)
		}
	}
	add("score_documents_read_total", "Documents read.", metrics.Counter, nil, float64(r.Read))
	add("score_documents_scored_total", "Documents scored.", metrics.Counter, nil, float64(r.Scored))
	add("score_documents_rejected_total", "Documents rejected (written with their reason).", metrics.Counter, nil, float64(r.Rejected))
	for _, k := range slices.Sorted(maps.Keys(r.RejectedByReason)) {
		add("score_documents_rejected_by_reason_total", "Documents rejected, by reason.", metrics.Counter, map[string]string{"reason": k}, float64(r.RejectedByReason[k]))
	}
	for _, k := range []string{"read", "tokenize", "engine", "engine_wait", "write"} {
		add("score_stage_seconds_total", "Seconds spent per pipeline stage, summed over its workers.", metrics.Counter, map[string]string{"stage": k}, r.StageSeconds[k])
	}
	add("score_engine_busy_ratio", "Engine time / (engine time + time the engine waited for input).", metrics.Gauge, nil, r.EngineBusyRatio)
	add("score_run_seconds", "Wall time of the run.", metrics.Gauge, nil, r.Seconds)
	add("score_parts", "Parts of this shard, by state.", metrics.Gauge, map[string]string{"state": "written"}, float64(r.PartsWritten))
	add("score_parts", "Parts of this shard, by state.", metrics.Gauge, map[string]string{"state": "skipped"}, float64(r.PartsSkipped))
	add("score_parts", "Parts of this shard, by state.", metrics.Gauge, map[string]string{"state": "planned"}, float64(r.Parts))
	ok := 0.0
	if r.Status == "ok" {
		ok = 1
	}
	add("score_last_run_success", "1 if the run succeeded, else 0.", metrics.Gauge, map[string]string{"status": r.Status}, ok)
	add("score_last_run_timestamp_seconds", "When the run ended (Unix time).", metrics.Gauge, nil, float64(r.Finished.UnixNano())/1e9)
	return m
}

// emitMetrics writes the run's metrics to --metrics-file and pushes them
// to --metrics-push, as the job asks.
func emitMetrics(j *job, r *shardReport, s shard.Spec, stderr io.Writer) error {
	if j.MetricsFile == "" && j.MetricsPush == "" {
		return nil
	}
	m := runMetrics(r, s)
	if j.MetricsFile != "" {
		var b bytes.Buffer
		if err := m.WriteText(&b); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(j.MetricsFile, b.Bytes()); err != nil {
			return fmt.Errorf("write metrics %s: %w", j.MetricsFile, err)
		}
	}
	if j.MetricsPush != "" {
		// The root context may be cancelled by SIGTERM: push anyway.
		ctx, cancel := context.WithTimeout(context.Background(), pushTimeout)
		defer cancel()
		if err := m.Push(ctx, nil, j.MetricsPush, j.MetricsJob, fmt.Sprintf("%d", s.Index)); err != nil {
			fmt.Fprintf(stderr, "score: %v\n", err)
			return err
		}
	}
	return nil
}

// emitFileMetrics emits the metrics of a single-file run.
func emitFileMetrics(j *job, rep *pipeline.Report, runErr error) error {
	if j.MetricsFile == "" && j.MetricsPush == "" {
		return nil
	}
	r := newShardReport(shard.All, 1)
	r.add(rep)
	r.Seconds = rep.Seconds
	if runErr == nil {
		r.PartsWritten = 1
	}
	r.finish(runErr)
	return emitMetrics(j, r, shard.All, io.Discard)
}
