package main

import (
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/scorekit/score/pipeline"
)

// progress shows a run's progress: a bar with documents/s and ETA on a
// terminal, structured log lines every logEvery otherwise (as in a CronJob).
type progress struct {
	mu       sync.Mutex
	bar      *progressbar.ProgressBar
	log      *slog.Logger
	last     time.Time
	every    time.Duration
	total    int64
	finished bool
}

const logEvery = 10 * time.Second

func newProgress(mode string, w io.Writer, total int64) *progress {
	p := &progress{total: total, every: logEvery}
	if mode == "auto" {
		mode = "log"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			mode = "bar"
		}
	}
	switch mode {
	case "bar":
		p.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("scoring"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("docs"),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	case "log":
		p.log = slog.New(slog.NewJSONHandler(w, nil))
	}
	return p
}

func (p *progress) update(s pipeline.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	done := s.Scored + s.Rejected
	if p.bar != nil {
		_ = p.bar.Set64(done)
		return
	}
	if p.log != nil && time.Since(p.last) >= p.every {
		p.last = time.Now()
		rate := float64(done) / s.Elapsed.Seconds()
		attrs := []any{"read", s.Read, "scored", s.Scored, "rejected", s.Rejected, "docs_per_second", int64(rate)}
		if p.total > 0 && rate > 0 {
			attrs = append(attrs, "total", p.total, "eta_seconds", int64(float64(p.total-done)/rate))
		}
		p.log.Info("progress", attrs...)
	}
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.finished = true
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
