package duckdb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// ErrUnavailable is wrapped by Available's error when the reader cannot run.
var ErrUnavailable = errors.New("duckdb reader unavailable")

// queryTimeout bounds one query; DuckDB answers the tests' queries in well
// under a second, so hitting it means something hangs.
const queryTimeout = 2 * time.Minute

var (
	once     sync.Once
	nodePath string
	script   string
	availErr error
)

// Available reports whether queries can run: node on PATH and
// tools/duckdb installed (its node_modules/@duckdb/node-api) in the
// repository found by walking up from the working directory to go.mod.
// The result is computed once per process.
func Available() error {
	once.Do(func() { nodePath, script, availErr = locate() })
	return availErr
}

func locate() (node, query string, err error) {
	root, err := repoRoot()
	if err != nil {
		return "", "", err
	}
	return locateIn(root)
}

// locateIn finds node and the installed tools/duckdb under the repository
// root.
func locateIn(root string) (node, query string, err error) {
	dir := filepath.Join(root, "tools", "duckdb")
	query = filepath.Join(dir, "query.mjs")
	if _, err := os.Stat(query); err != nil {
		return "", "", fmt.Errorf("%w: %s missing", ErrUnavailable, query)
	}
	api := filepath.Join(dir, "node_modules", "@duckdb", "node-api", "package.json")
	if _, err := os.Stat(api); err != nil {
		return "", "", fmt.Errorf("%w: @duckdb/node-api not installed in %s: run `make tools`", ErrUnavailable, dir)
	}
	node, err = exec.LookPath("node")
	if err != nil {
		return "", "", fmt.Errorf("%w: node not found on PATH (install Node.js and npm, then run `make tools`)", ErrUnavailable)
	}
	return node, query, nil
}

// repoRoot walks up from the working directory to the folder holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("%w: working directory: %w", ErrUnavailable, err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w: no go.mod above the working directory", ErrUnavailable)
		}
		dir = parent
	}
}

// Run executes sql in a fresh in-memory DuckDB and returns the result rows,
// each a map from column name to value (see the package doc for types).
func Run(ctx context.Context, sql string) ([]map[string]any, error) {
	var rows []map[string]any
	if err := run(ctx, []string{sql}, &rows); err != nil {
		return nil, err
	}
	return rows, nil
}

// RunAll executes the statements in order on one connection of one fresh
// in-memory DuckDB (one node process, so much cheaper than several Runs)
// and returns each one's rows.
func RunAll(ctx context.Context, sqls ...string) ([][]map[string]any, error) {
	if len(sqls) == 0 {
		return nil, nil
	}
	if len(sqls) == 1 {
		rows, err := Run(ctx, sqls[0])
		if err != nil {
			return nil, err
		}
		return [][]map[string]any{rows}, nil
	}
	var results [][]map[string]any
	if err := run(ctx, sqls, &results); err != nil {
		return nil, err
	}
	if len(results) != len(sqls) {
		return nil, fmt.Errorf("duckdb: %d results for %d queries", len(results), len(sqls))
	}
	return results, nil
}

// run starts query.mjs with sqls and decodes its stdout into out.
func run(ctx context.Context, sqls []string, out any) error {
	if err := Available(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, nodePath, append([]string{script}, sqls...)...)
	cmd.Dir = filepath.Dir(script)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("duckdb query %q: %w: %s", abbreviate(strings.Join(sqls, "; ")), err, strings.TrimSpace(stderr.String()))
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		return fmt.Errorf("duckdb query %q: decode output: %w", abbreviate(strings.Join(sqls, "; ")), err)
	}
	return nil
}

// Query runs sql (see Run) for a test. When the reader is unavailable it
// skips the test naming what to install, or fails it under
// SCORE_REQUIRE_FIXTURES=1; a failing query fails the test.
func Query(t testing.TB, sql string) []map[string]any {
	t.Helper()
	return QueryAll(t, sql)[0]
}

// QueryAll is Query for several statements run in one process (RunAll).
func QueryAll(t testing.TB, sqls ...string) [][]map[string]any {
	t.Helper()
	Require(t)
	results, err := RunAll(context.Background(), sqls...)
	if err != nil {
		t.Fatal(err)
	}
	return results
}

// Require skips (or, under SCORE_REQUIRE_FIXTURES=1, fails) t when the
// reader is unavailable. Call it before expensive set-up that is only
// useful when the file can be checked.
func Require(t testing.TB) {
	t.Helper()
	require(t, Available())
}

func require(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		msg := err.Error() + " (the independent Parquet reader; `make tools` installs it)"
		if os.Getenv("SCORE_REQUIRE_FIXTURES") == "1" {
			t.Fatal(msg + "; SCORE_REQUIRE_FIXTURES=1 makes this a failure")
			return
		}
		t.Skip(msg)
	}
}

// Literal quotes s as a SQL string literal, for file paths in queries.
func Literal(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Float32 converts a value from a FLOAT column to float32: nil -> ok false;
// float64 -> exact; "NaN", "Infinity", "-Infinity" -> those values.
func Float32(v any) (f float32, ok bool) {
	switch x := v.(type) {
	case float64:
		return float32(x), true
	case string:
		switch x {
		case "NaN":
			return float32(math.NaN()), true
		case "Infinity":
			return float32(math.Inf(1)), true
		case "-Infinity":
			return float32(math.Inf(-1)), true
		}
	}
	return 0, false
}

func abbreviate(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
