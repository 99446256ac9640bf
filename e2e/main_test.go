package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/demo"
	"github.com/scorekit/score/internal/duckdb"
	"github.com/scorekit/score/savedmodel/metamodel"
)

// Shared artifacts, written once by TestMain into a temporary folder.
var (
	scoreBin   string // the built binary
	repoRoot   string // the module root (score validate runs there)
	smallModel string // a small meta model (smallConfig)
	smallDemo  string // a demo corpus for smallModel: smallDemo/aclImdb/...
)

// smallConfig is a meta model small enough for a 2-core CI box; tests that
// do not need the 36-head demo model use it.
var smallConfig = metamodel.Config{
	SeqLen: 40, EmbedDim: 16, VocabSize: 5000, Filters: []int{8, 16},
	Kernel: 3, Pool: 2, Dense: 16, Heads: 4, Seed: 7,
}

const smallDemoDocs = 400

func TestMain(m *testing.M) { os.Exit(testMain(m)) }

func testMain(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "score-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	repoRoot = filepath.Dir(wd)
	// SCORE_E2E_BIN runs the tests against a binary built elsewhere (a
	// release build, or a cross-checked one); by default we build it.
	if scoreBin = os.Getenv("SCORE_E2E_BIN"); scoreBin == "" {
		scoreBin = filepath.Join(tmp, "score")
		build := exec.Command("go", "build", "-o", scoreBin, "./cmd/score")
		build.Dir = repoRoot
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: build score:", err)
			return 1
		}
	} else if scoreBin, err = filepath.Abs(scoreBin); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	smallModel = filepath.Join(tmp, "small-model")
	if err := metamodel.Write(smallModel, smallConfig); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	smallDemo = filepath.Join(tmp, "small-corpus")
	if err := demo.WriteCorpus(smallDemo, smallConfig, smallDemoDocs, 3); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	return m.Run()
}

// result is a finished score process.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// command prepares score with args; env is added to the environment.
func command(env []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.Command(scoreBin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	return cmd, &out, &errb
}

// finish waits for cmd and returns its result.
func finish(t *testing.T, cmd *exec.Cmd, out, errb *bytes.Buffer) result {
	t.Helper()
	err := cmd.Wait()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode() // -1 when killed by a signal
	} else if err != nil {
		t.Fatalf("score: %v", err)
	}
	return r
}

// scoreIn runs score to the end in dir ("" = the test's working
// directory) with env added to the environment.
func scoreIn(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd, out, errb := command(env, args...)
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return finish(t, cmd, out, errb)
}

func score(t *testing.T, args ...string) result {
	t.Helper()
	return scoreIn(t, "", nil, args...)
}

// mustScore runs score and fails the test unless it exits 0.
func mustScore(t *testing.T, args ...string) result {
	t.Helper()
	r := score(t, args...)
	if r.code != 0 {
		t.Fatalf("score %s: %v", strings.Join(args, " "), r)
	}
	return r
}

// wantExit runs score and checks its exit code.
func wantExit(t *testing.T, code int, args ...string) result {
	t.Helper()
	r := score(t, args...)
	if r.code != code {
		t.Fatalf("score %s: want exit %d, got %v", strings.Join(args, " "), code, r)
	}
	return r
}

// runReport is the part of the --report JSON the tests check, decoded
// independently of package pipeline.
type runReport struct {
	Read             int64            `json:"documents_read"`
	Scored           int64            `json:"documents_scored"`
	Rejected         int64            `json:"documents_rejected"`
	RejectedByReason map[string]int64 `json:"rejected_by_reason"`
	Warnings         map[string]int64 `json:"warnings"`
	FilesSkipped     map[string]int64 `json:"files_skipped"`
}

func readReport(t *testing.T, path string) runReport {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	var r runReport
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("report %s: %v", path, err)
	}
	return r
}

// checkAccounting checks read = scored + rejected, output rows = read, and
// the output's own scored/rejected split (error IS NULL or not).
func checkAccounting(t *testing.T, rep runReport, out string, wantRead int64) {
	t.Helper()
	if rep.Read != wantRead {
		t.Errorf("report: read %d rows, want %d", rep.Read, wantRead)
	}
	if rep.Read != rep.Scored+rep.Rejected {
		t.Errorf("report: read %d != scored %d + rejected %d", rep.Read, rep.Scored, rep.Rejected)
	}
	rows := duckdb.Query(t, "SELECT count(*) AS n, count(error) AS rejected FROM read_parquet("+duckdb.Literal(out)+")")
	n, rej := int64(rows[0]["n"].(float64)), int64(rows[0]["rejected"].(float64))
	if n != rep.Read || rej != rep.Rejected {
		t.Errorf("output has %d rows (%d with an error), report read %d rejected %d", n, rej, rep.Read, rep.Rejected)
	}
}

// noFileAt checks that path does not exist and that no temporary file
// of it is left in its directory under a visible name.
func noFileAt(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("%s exists after the run (stat: %v)", path, err)
	}
	ents, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, filepath.Base(path)) {
			t.Errorf("visible leftover %s next to --out", n)
		}
	}
}

// smallArgs returns the flags that select the small model, quietly.
func smallArgs() []string { return []string{"--model", smallModel, "--progress", "none"} }

func str(v any) string {
	s, _ := v.(string)
	return s
}

func num(t *testing.T, v any) int64 {
	t.Helper()
	f, ok := v.(float64)
	if !ok {
		t.Fatalf("value %v (%T) is not a number", v, v)
	}
	return int64(f)
}
