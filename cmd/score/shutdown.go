package main

import (
	"context"
	"os"
	"sync"
	"time"
)

// shutdown turns SIGINT/SIGTERM into two steps: the first signal closes
// drain (start no new work) and cancels the root context after the grace
// period; a second signal, or a zero grace period, cancels at once. A
// single-file run keeps grace 0: the signal cancels it as before.
type shutdown struct {
	cancel context.CancelFunc
	drain  chan struct{}

	mu    sync.Mutex
	grace time.Duration
	fired int
	timer *time.Timer
}

type shutdownKey struct{}

func newShutdown(cancel context.CancelFunc) *shutdown {
	return &shutdown{cancel: cancel, drain: make(chan struct{})}
}

// shutdownFrom returns the run's shutdown, or one that never drains when
// ctx carries none (tests calling runJob directly).
func shutdownFrom(ctx context.Context) *shutdown {
	if s, ok := ctx.Value(shutdownKey{}).(*shutdown); ok {
		return s
	}
	return &shutdown{cancel: func() {}, drain: make(chan struct{})}
}

// setGrace sets the time work may go on after the first signal.
func (s *shutdown) setGrace(d time.Duration) {
	s.mu.Lock()
	s.grace = d
	s.mu.Unlock()
}

// Drain is closed at the first signal.
func (s *shutdown) Drain() <-chan struct{} { return s.drain }

func (s *shutdown) signal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fired++
	if s.fired > 1 || s.grace <= 0 {
		s.cancel()
		if s.fired == 1 {
			close(s.drain)
		}
		return
	}
	close(s.drain)
	s.timer = time.AfterFunc(s.grace, s.cancel)
}

// watch handles signals until done is closed.
func (s *shutdown) watch(sigs <-chan os.Signal, done <-chan struct{}) {
	for {
		select {
		case <-sigs:
			s.signal()
		case <-done:
			s.mu.Lock()
			if s.timer != nil {
				s.timer.Stop()
			}
			s.mu.Unlock()
			return
		}
	}
}
