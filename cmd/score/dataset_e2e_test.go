package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/scorekit/score/dataset"
	"github.com/scorekit/score/internal/duckdb"
	"github.com/scorekit/score/internal/fixtures"
)

// corpusArgs returns --in arguments for a small corpus: the demo corpus,
// or a slice of the real aclImdb corpus when not -short.
func corpusArgs(t *testing.T, docs string) []string {
	t.Helper()
	base := filepath.Join(demoDir, "corpus", "aclImdb")
	if !testing.Short() && docs == "real" {
		base = filepath.Join(fixtures.Corpus(t, "aclimdb"), "aclImdb")
		return []string{"--in", filepath.Join(base, "test", "pos", "1?_*.txt"), "--in", filepath.Join(base, "train", "neg", "2?_*.txt")}
	}
	switch docs {
	case "large":
		return []string{"--in", filepath.Join(base, "test", "pos", "1*_*.txt")}
	}
	return []string{"--in", filepath.Join(base, "test", "pos", "1?_*.txt"), "--in", filepath.Join(base, "train", "neg", "2?_*.txt")}
}

func modelArgs() []string {
	return []string{"--model", filepath.Join(demoDir, "model"), "--progress", "none"}
}

func args(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// rows reads Parquet files back with DuckDB in a stable order.
func rows(t *testing.T, glob string) []map[string]any {
	t.Helper()
	return duckdb.Query(t, "SELECT * FROM read_parquet("+duckdb.Literal(glob)+") ORDER BY source, row")
}

func readManifest(t *testing.T, dir string) dataset.Manifest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, dataset.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m dataset.Manifest
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, dataset.SuccessName)); err != nil {
		t.Fatalf("no _SUCCESS: %v", err)
	}
	return m
}

func sameRows(t *testing.T, got, want []map[string]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("row %d differs:\n got %v\nwant %v", i, got[i], want[i])
		}
	}
}

func TestShardedRunsMatchSingleRun(t *testing.T) {
	duckdb.Require(t)
	tmp := t.TempDir()
	corpus := corpusArgs(t, "real")
	single := filepath.Join(tmp, "single.parquet")
	mustScore(t, args(modelArgs(), corpus, []string{"--out", single})...)
	want := rows(t, single)
	if len(want) < 10 {
		t.Fatalf("corpus too small: %d rows", len(want))
	}

	out := filepath.Join(tmp, "ds") + "/"
	const n = 3
	var wg sync.WaitGroup
	res := make([]result, n)
	for k := 0; k < n; k++ {
		cmd, o, e := scoreCmd([]string{"JOB_COMPLETION_INDEX=" + string(rune('0'+k))},
			args(modelArgs(), corpus, []string{"--out", out, "--shards", "3", "--part-rows", "4"})...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := cmd.Wait()
			res[k] = result{stdout: o.String(), stderr: e.String()}
			var ee *execExitError
			if errors.As(err, &ee) {
				res[k].code = ee.ExitCode()
			} else if err != nil {
				res[k].code = -1
			}
		}()
	}
	wg.Wait()
	committed := 0
	for k, r := range res {
		if r.code != 0 {
			t.Fatalf("shard %d: exit %d\n%s%s", k, r.code, r.stdout, r.stderr)
		}
		if strings.Contains(r.stdout, "committed") {
			committed++
		}
	}
	if committed == 0 {
		t.Fatalf("no shard committed the dataset: %+v", res)
	}
	m := readManifest(t, out)
	var sum int64
	shards := map[int]bool{}
	for _, p := range m.Parts {
		sum += p.Rows
		shards[p.Shard] = true
	}
	if m.Rows != int64(len(want)) || sum != m.Rows || len(shards) != n {
		t.Fatalf("manifest: %d rows (parts sum %d) over shards %v; want %d rows over %d shards", m.Rows, sum, shards, len(want), n)
	}
	sameRows(t, rows(t, filepath.Join(out, "*.parquet")), want)
}

// checkVisible fails when a final name in dir is not a complete Parquet
// file: anything not hidden ('.', '_') must be a part that parses.
func checkVisible(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, e := range ents {
		n := e.Name()
		if strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") {
			continue
		}
		if !strings.HasPrefix(n, "part-") || !strings.HasSuffix(n, ".parquet") {
			return errors.New("unexpected visible file " + n)
		}
		pf, err := file.OpenParquetFile(filepath.Join(dir, n), false)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed as stale meanwhile
		}
		if err != nil {
			return errors.New("visible part " + n + " does not parse: " + err.Error())
		}
		pf.Close()
	}
	return nil
}

// watchVisible polls dir until stop is closed and reports the first
// violation of checkVisible.
func watchVisible(dir string, stop <-chan struct{}) <-chan error {
	out := make(chan error, 1)
	go func() {
		defer close(out)
		for {
			if err := checkVisible(dir); err != nil {
				out <- err
				return
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return out
}

func TestKilledRunsResumeToCleanOutput(t *testing.T) {
	duckdb.Require(t)
	tmp := t.TempDir()
	corpus := corpusArgs(t, "small")
	common := []string{"--part-rows", "3"}
	clean := filepath.Join(tmp, "clean") + "/"
	t0 := time.Now()
	mustScore(t, args(modelArgs(), corpus, common, []string{"--out", clean})...)
	took := time.Since(t0)
	want := rows(t, filepath.Join(clean, "*.parquet"))
	cleanM := readManifest(t, clean)

	out := filepath.Join(tmp, "killed") + "/"
	stop := make(chan struct{})
	violations := watchVisible(filepath.Join(tmp, "killed"), stop)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for try := 0; try < 4; try++ {
		cmd, o, e := scoreCmd(nil, args(modelArgs(), corpus, common, []string{"--out", out})...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(took))))
		cmd.Process.Signal(syscall.SIGKILL)
		r := wait(t, cmd, o, e)
		t.Logf("try %d: exit %d %s", try, r.code, strings.TrimSpace(r.stdout))
		if r.code == 0 {
			// It finished first: act out a kill between a part's rename
			// and its sidecar by removing one sidecar.
			sc, _ := filepath.Glob(filepath.Join(tmp, "killed", "_score", "parts", "*.json"))
			os.Remove(sc[rng.IntN(len(sc))])
		}
	}
	r := mustScore(t, args(modelArgs(), corpus, common, []string{"--out", out})...)
	close(stop)
	if err := <-violations; err != nil {
		t.Fatal(err)
	}
	t.Logf("final: %s", strings.TrimSpace(r.stdout))
	m := readManifest(t, out)
	if len(m.Parts) != len(cleanM.Parts) || m.Rows != cleanM.Rows {
		t.Fatalf("manifest after kills: %d parts %d rows; clean run %d parts %d rows", len(m.Parts), m.Rows, len(cleanM.Parts), cleanM.Rows)
	}
	for i := range m.Parts {
		if m.Parts[i].Name != cleanM.Parts[i].Name || m.Parts[i].Rows != cleanM.Parts[i].Rows {
			t.Fatalf("part %d: %+v, clean run %+v", i, m.Parts[i], cleanM.Parts[i])
		}
	}
	ents, _ := os.ReadDir(filepath.Join(tmp, "killed"))
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left after a complete run: %s", e.Name())
		}
	}
	sameRows(t, rows(t, filepath.Join(out, "*.parquet")), want)
}
