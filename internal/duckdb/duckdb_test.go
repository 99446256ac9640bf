package duckdb

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestQueryTypes(t *testing.T) {
	rows := Query(t, `SELECT 42::BIGINT AS small, 9007199254740993::BIGINT AS big,
		'0.1'::FLOAT AS f, '-0.0'::FLOAT AS negzero, 'nan'::FLOAT AS nan, '-inf'::FLOAT AS ninf,
		NULL::VARCHAR AS nul, 'héllo "q"' AS s, true AS b, [1.5, 2.5]::FLOAT[] AS l`)
	if len(rows) != 1 {
		t.Fatalf("got %d rows, want 1", len(rows))
	}
	r := rows[0]
	if r["small"] != float64(42) {
		t.Errorf("small = %#v, want 42", r["small"])
	}
	if r["big"] != "9007199254740993" {
		t.Errorf("big = %#v, want the decimal string", r["big"])
	}
	if f, ok := Float32(r["f"]); !ok || math.Float32bits(f) != math.Float32bits(0.1) {
		t.Errorf("f = %#v, want float32(0.1) exactly", r["f"])
	}
	if f, ok := Float32(r["negzero"]); !ok || math.Float32bits(f) != 0x80000000 {
		t.Errorf("negzero = %#v, want -0", r["negzero"])
	}
	if f, ok := Float32(r["nan"]); !ok || !math.IsNaN(float64(f)) {
		t.Errorf("nan = %#v", r["nan"])
	}
	if f, ok := Float32(r["ninf"]); !ok || !math.IsInf(float64(f), -1) {
		t.Errorf("ninf = %#v", r["ninf"])
	}
	if v, ok := r["nul"]; !ok || v != nil {
		t.Errorf("nul = %#v, present %v; want nil", v, ok)
	}
	if _, ok := Float32(r["nul"]); ok {
		t.Error("Float32(nil) reported ok")
	}
	if r["s"] != `héllo "q"` || r["b"] != true {
		t.Errorf("s, b = %#v, %#v", r["s"], r["b"])
	}
	l, _ := r["l"].([]any)
	if len(l) != 2 || l[0] != 1.5 || l[1] != 2.5 {
		t.Errorf("l = %#v", r["l"])
	}
}

// Float32 values of every class survive the trip through DuckDB's text
// output: the reader is only useful for bit-exact checks if this holds.
func TestFloat32Exact(t *testing.T) {
	vals := []float32{float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32, math.MaxFloat32, 1.0 / 3, 16777217, 1e-38, 0.987654321}
	// One query for all values: each node start costs about half a second.
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = "SELECT " + strconv.Itoa(i) + " AS i, '" + formatG(v) + "'::FLOAT AS f"
	}
	rows := Query(t, strings.Join(parts, " UNION ALL ")+" ORDER BY i")
	if len(rows) != len(vals) {
		t.Fatalf("got %d rows, want %d", len(rows), len(vals))
	}
	for i, v := range vals {
		f, ok := Float32(rows[i]["f"])
		if !ok || math.Float32bits(f) != math.Float32bits(v) {
			t.Errorf("%s: got %#v (%v), want bits %08x", formatG(v), rows[i]["f"], f, math.Float32bits(v))
		}
	}
}

func TestLiteralPathWithQuote(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "it's a file.csv")
	if err := os.WriteFile(p, []byte("a,b\n1,x\n2,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rows := Query(t, "SELECT count(*) AS n, max(b) AS mb FROM read_csv("+Literal(p)+")")
	if rows[0]["n"] != float64(2) || rows[0]["mb"] != "y" {
		t.Fatalf("got %#v", rows)
	}
}

func TestQueryAll(t *testing.T) {
	res := QueryAll(t, "CREATE TABLE t AS SELECT range AS i FROM range(5)", "SELECT sum(i) AS s FROM t", "SELECT 'a' AS x UNION ALL SELECT 'b' ORDER BY x")
	if len(res) != 3 {
		t.Fatalf("got %d results, want 3", len(res))
	}
	if len(res[1]) != 1 || res[1][0]["s"] != float64(10) {
		t.Errorf("sum over a table made by the first statement = %v, want 10", res[1])
	}
	if len(res[2]) != 2 || res[2][0]["x"] != "a" || res[2][1]["x"] != "b" {
		t.Errorf("third result = %v", res[2])
	}
	_, err := RunAll(context.Background(), "SELECT 1", "SELECT * FROM missing_table_2")
	if err == nil || !strings.Contains(err.Error(), "query 2") {
		t.Errorf("err = %v, want one naming query 2", err)
	}
}

func TestLocateNamesWhatToRun(t *testing.T) {
	root := t.TempDir()
	_, _, err := locateIn(root)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "query.mjs") {
		t.Errorf("empty root: %v", err)
	}
	dir := filepath.Join(root, "tools", "duckdb")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "query.mjs"), nil, 0o644)
	_, _, err = locateIn(root)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "make tools") {
		t.Errorf("not installed: %v, want it to say `make tools`", err)
	}
}

// fakeTB records Skip and Fatal instead of stopping the test.
type fakeTB struct {
	testing.TB
	skipped, fataled string
}

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Skip(args ...any)  { f.skipped = fmt.Sprint(args...) }
func (f *fakeTB) Fatal(args ...any) { f.fataled = fmt.Sprint(args...) }

func TestRequireSkipsOrFails(t *testing.T) {
	unavailable := fmt.Errorf("%w: node not found", ErrUnavailable)
	t.Setenv("SCORE_REQUIRE_FIXTURES", "")
	f := &fakeTB{TB: t}
	require(f, unavailable)
	if f.fataled != "" || !strings.Contains(f.skipped, "make tools") {
		t.Errorf("without SCORE_REQUIRE_FIXTURES: skipped %q, fataled %q", f.skipped, f.fataled)
	}
	t.Setenv("SCORE_REQUIRE_FIXTURES", "1")
	f = &fakeTB{TB: t}
	require(f, unavailable)
	if f.skipped != "" || !strings.Contains(f.fataled, "SCORE_REQUIRE_FIXTURES=1") {
		t.Errorf("with SCORE_REQUIRE_FIXTURES=1: skipped %q, fataled %q", f.skipped, f.fataled)
	}
	f = &fakeTB{TB: t}
	require(f, nil)
	if f.skipped != "" || f.fataled != "" {
		t.Errorf("available: skipped %q, fataled %q", f.skipped, f.fataled)
	}
}
