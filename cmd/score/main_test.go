package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/scorekit/score/internal/demo"
)

// scoreBin is the binary built once for the end-to-end tests; demoDir holds
// the demo model and corpus.
var scoreBin, demoDir string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "score-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	scoreBin = filepath.Join(tmp, "score")
	build := exec.Command("go", "build", "-o", scoreBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build score:", err)
		return 1
	}
	demoDir = filepath.Join(tmp, "demo")
	if err := demo.Write(demoDir); err != nil {
		fmt.Fprintln(os.Stderr, "write demo:", err)
		return 1
	}
	return m.Run()
}

// result is a finished process.
type result struct {
	code           int
	stdout, stderr string
}

// scoreCmd prepares the binary with args and extra environment.
func scoreCmd(env []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.Command(scoreBin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	return cmd, &out, &errb
}

func wait(t *testing.T, cmd *exec.Cmd, out, errb *bytes.Buffer) result {
	t.Helper()
	err := cmd.Wait()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run score: %v", err)
	}
	return r
}

// runScore runs the binary to the end.
func runScore(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd, out, errb := scoreCmd(env, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return wait(t, cmd, out, errb)
}

// mustScore runs the binary and fails the test unless it exits 0.
func mustScore(t *testing.T, args ...string) result {
	t.Helper()
	r := runScore(t, nil, args...)
	if r.code != 0 {
		t.Fatalf("score %v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

type execExitError = exec.ExitError
