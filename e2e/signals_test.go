package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scorekit/score/savedmodel/metamodel"
)

var (
	bigOnce  sync.Once
	bigModel string // the 36-head demo model
	bigInput string // a JSONL corpus that keeps it busy for a while
	bigErr   error
)

// busyRun returns a model and input that take score many seconds: the
// default 36-head meta model on 30,000 documents.
func busyRun(t *testing.T) (model, input string) {
	t.Helper()
	bigOnce.Do(func() {
		dir := filepath.Join(filepath.Dir(smallModel), "busy")
		bigModel, bigInput = filepath.Join(dir, "model"), filepath.Join(dir, "docs.jsonl")
		if bigErr = metamodel.Write(bigModel, metamodel.Default()); bigErr != nil {
			return
		}
		var b strings.Builder
		for i := range 30000 {
			fmt.Fprintf(&b, "{\"text\": \"review %d: a good movie with a great cast, but the plot was weak and boring at times. %d/10\"}\n", i, i%10)
		}
		bigErr = os.WriteFile(bigInput, []byte(b.String()), 0o644)
	})
	if bigErr != nil {
		t.Fatal(bigErr)
	}
	return bigModel, bigInput
}

// TestSignals starts a long run, signals it once it is scoring, and checks
// the exit and that nothing is left at --out.
func TestSignals(t *testing.T) {
	model, input := busyRun(t)
	for _, tc := range []struct {
		name string
		sig  syscall.Signal
	}{{"SIGKILL", syscall.SIGKILL}, {"SIGINT", syscall.SIGINT}, {"SIGTERM", syscall.SIGTERM}} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "scores.parquet")
			cmd := exec.Command(scoreBin, "--model", model, "--in", input, "--out", out, "--progress", "log", "--batch-size", "64")
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			loaded := make(chan struct{})
			var mu sync.Mutex
			var log strings.Builder
			go func() {
				sc := bufio.NewScanner(stderr)
				once := sync.Once{}
				for sc.Scan() {
					mu.Lock()
					log.WriteString(sc.Text() + "\n")
					mu.Unlock()
					if strings.HasPrefix(sc.Text(), "score: model ") {
						once.Do(func() { close(loaded) })
					}
				}
				once.Do(func() { close(loaded) })
			}()
			<-loaded
			time.Sleep(700 * time.Millisecond) // let it write some batches
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatalf("signal: %v (the run ended before it)", err)
			}
			err = cmd.Wait()
			mu.Lock()
			stderrText := log.String()
			mu.Unlock()
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("run ended with %v before the signal took effect; stderr:\n%s", err, stderrText)
			}
			ws := ee.Sys().(syscall.WaitStatus)
			if tc.sig == syscall.SIGKILL {
				if !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
					t.Fatalf("wait status %v, want killed", ws)
				}
				noFileAt(t, out) // a hidden temporary file may stay behind
				return
			}
			if ee.ExitCode() != 130 {
				t.Errorf("exit %d after %s, want 130; stderr:\n%s", ee.ExitCode(), tc.name, stderrText)
			}
			noFileAt(t, out)
			// A clean stop also removes its temporary file.
			if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 0 {
				t.Errorf("left behind after %s: %v", tc.name, ents)
			}
		})
	}
}
