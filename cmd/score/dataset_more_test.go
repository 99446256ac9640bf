package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestTwoRunsOnOneOutputExactlyOneWins(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ds") + "/"
	a := args(modelArgs(), corpusArgs(t, "large"), []string{"--out", out, "--part-rows", "20"})
	var wg sync.WaitGroup
	res := make([]result, 2)
	for i := range res {
		cmd, o, e := scoreCmd(nil, a...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = wait(t, cmd, o, e)
		}()
	}
	wg.Wait()
	codes := []int{res[0].code, res[1].code}
	won, lost := -1, -1
	for i, c := range codes {
		switch c {
		case exitOK:
			won = i
		case exitLocked:
			lost = i
		}
	}
	if won < 0 || lost < 0 {
		t.Fatalf("exit codes %v, want one 0 and one %d\n%s\n%s", codes, exitLocked, res[0].stderr, res[1].stderr)
	}
	if !strings.Contains(res[lost].stderr, "another run owns this output") {
		t.Fatalf("loser's message: %s", res[lost].stderr)
	}
	m := readManifest(t, out)
	if m.Rows != 111 {
		t.Fatalf("manifest rows %d, want 111", m.Rows)
	}
}

func TestSIGTERMKeepsCompletedParts(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ds") + "/"
	a := args(modelArgs(), corpusArgs(t, "large"), []string{"--out", out, "--part-rows", "10", "--grace-period", "5s"})
	cmd, o, e := scoreCmd(nil, a...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sidecars := filepath.Join(out, "_score", "parts", "*.json")
	deadline := time.Now().Add(time.Minute)
	for {
		if m, _ := filepath.Glob(sidecars); len(m) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	r := wait(t, cmd, o, e)
	if r.code != exitInterrupted {
		t.Fatalf("exit %d after SIGTERM, want %d\n%s%s", r.code, exitInterrupted, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "_SUCCESS")); err == nil {
		t.Fatal("_SUCCESS written by an interrupted run")
	}
	if err := checkVisible(out); err != nil {
		t.Fatal(err)
	}
	kept, _ := filepath.Glob(sidecars)
	if len(kept) == 0 {
		t.Fatal("no completed part kept")
	}
	r = mustScore(t, a...)
	if !strings.Contains(r.stdout, "already complete") || strings.Contains(r.stdout, " 0 already complete") {
		t.Fatalf("rerun did not skip the kept parts: %s", r.stdout)
	}
	if m := readManifest(t, out); m.Rows != 111 || len(m.Parts) != 12 {
		t.Fatalf("manifest %d rows in %d parts, want 111 in 12", m.Rows, len(m.Parts))
	}
}

func TestOtherConfigRefusedUnlessOverwrite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ds") + "/"
	corpus := corpusArgs(t, "small")
	mustScore(t, args(modelArgs(), corpus, []string{"--out", out})...)
	first := readManifest(t, out)
	other := args(modelArgs(), corpus, []string{"--out", out, "--tokenizer", "whitespace"})
	r := runScore(t, nil, other...)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--overwrite") {
		t.Fatalf("other config: exit %d, want %d naming --overwrite\n%s", r.code, exitUsage, r.stderr)
	}
	if readManifest(t, out).ConfigHash != first.ConfigHash {
		t.Fatal("refused run changed the manifest")
	}
	mustScore(t, append(other, "--overwrite")...)
	if m := readManifest(t, out); m.ConfigHash == first.ConfigHash || m.Rows != first.Rows {
		t.Fatalf("after --overwrite: config %s rows %d; before %s rows %d", m.ConfigHash, m.Rows, first.ConfigHash, first.Rows)
	}
}

func TestMetricsPushAndFile(t *testing.T) {
	var mu sync.Mutex
	var method, path, ctype, body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		method, path, ctype, body = r.Method, r.URL.Path, r.Header.Get("Content-Type"), string(b)
		mu.Unlock()
	}))
	defer srv.Close()
	tmp := t.TempDir()
	mfile := filepath.Join(tmp, "metrics.prom")
	mustScore(t, args(modelArgs(), corpusArgs(t, "small"), []string{"--out", filepath.Join(tmp, "ds") + "/",
		"--shard", "1/2", "--metrics-push", srv.URL, "--metrics-job", "nightly", "--metrics-file", mfile})...)
	mu.Lock()
	defer mu.Unlock()
	if method != http.MethodPut || path != "/metrics/job/nightly/instance/1" || !strings.HasPrefix(ctype, "text/plain; version=0.0.4") {
		t.Fatalf("push: %s %s (%s)", method, path, ctype)
	}
	data, err := os.ReadFile(mfile)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != body {
		t.Fatalf("file and push differ:\n%s\n---\n%s", data, body)
	}
	read := metricValue(t, body, `score_documents_read_total{shard="1",shards="2"}`)
	scored := metricValue(t, body, `score_documents_scored_total{shard="1",shards="2"}`)
	rejected := metricValue(t, body, `score_documents_rejected_total{shard="1",shards="2"}`)
	if read == 0 || read != scored+rejected || read >= 20 {
		t.Fatalf("shard 1 of 2 over 20 docs: read %v scored %v rejected %v", read, scored, rejected)
	}
	if busy := metricValue(t, body, `score_engine_busy_ratio{shard="1",shards="2"}`); busy <= 0 || busy > 1 {
		t.Fatalf("engine busy ratio %v", busy)
	}
}

func TestShardFlagsNeedDatasetOutput(t *testing.T) {
	tmp := t.TempDir()
	r := runScore(t, nil, args(modelArgs(), corpusArgs(t, "small"), []string{"--out", filepath.Join(tmp, "x.parquet"), "--shard", "0/2"})...)
	if r.code != exitUsage {
		t.Fatalf("exit %d, want %d: %s", r.code, exitUsage, r.stderr)
	}
	r = runScore(t, nil, args(modelArgs(), corpusArgs(t, "small"), []string{"--out", filepath.Join(tmp, "d") + "/", "--shards", "2"})...)
	if r.code != exitUsage || !strings.Contains(r.stderr, "JOB_COMPLETION_INDEX") {
		t.Fatalf("--shards without index: exit %d: %s", r.code, r.stderr)
	}
}

// TestSIGTERMAbandonsPartAfterGrace: with a grace period too short for the
// current part, the part is abandoned: exit 130, its temporary file gone,
// only complete parts under final names.
func TestSIGTERMAbandonsPartAfterGrace(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ds") + "/"
	a := args(modelArgs(), corpusArgs(t, "large"), []string{"--out", out, "--part-rows", "40", "--grace-period", "1ms"})
	cmd, o, e := scoreCmd(nil, a...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if m, _ := filepath.Glob(filepath.Join(out, ".part-*.tmp-*")); len(m) > 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	r := wait(t, cmd, o, e)
	if r.code != exitInterrupted {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitInterrupted, r.stderr)
	}
	if m, _ := filepath.Glob(filepath.Join(out, ".part-*")); len(m) > 0 {
		t.Fatalf("abandoned part left temporary files: %v", m)
	}
	if err := checkVisible(out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "_SUCCESS")); err == nil {
		t.Fatal("_SUCCESS after an interrupted run")
	}
	mustScore(t, a...)
	if m := readManifest(t, out); m.Rows != 111 {
		t.Fatalf("rerun: %d rows, want 111", m.Rows)
	}
}
