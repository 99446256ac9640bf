package writer

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/scorekit/score/internal/arrowpool"
	"github.com/scorekit/score/internal/duckdb"
)

var testMeta = map[string]string{
	MetaModel:        "models/demo36",
	MetaFingerprint:  "sha256:0123abcd",
	MetaSignature:    "serving_default",
	MetaEngine:       "native",
	MetaTokenizer:    `{"lower":true,"max_len":256}`,
	MetaScoreVersion: "0.1.0-test",
	"custom key":     "välue with 'quotes'",
}

// checkRows compares DuckDB's rows (ordered by file_row_number) with rows.
func checkRows(t *testing.T, s Schema, got []map[string]any, rows []Row) {
	t.Helper()
	if len(got) != len(rows) {
		t.Fatalf("read %d rows, wrote %d", len(got), len(rows))
	}
	cols := s.Columns()
	bad := 0
	for i := range rows {
		for c, name := range cols {
			want := expectedCell(s, &rows[i], c)
			v, ok := got[i][name]
			if !ok {
				t.Fatalf("row %d: column %q missing", i, name)
			}
			if !cellMatches(want, v) {
				t.Errorf("row %d (%s) column %q: got %#v, want %#v", i, rows[i].ID, name, v, want)
				if bad++; bad > 10 {
					t.FailNow()
				}
			}
		}
	}
}

// cellMatches compares a value written (see expectedCell) with DuckDB's
// JSON form of it.
func cellMatches(want, got any) bool {
	switch w := want.(type) {
	case nil:
		return got == nil
	case string:
		return got == w
	case int64:
		f, ok := got.(float64)
		return ok && int64(f) == w && float64(w) == f
	case float32:
		f, ok := duckdb.Float32(got)
		if g, isF := got.(float64); isF && float64(float32(g)) != g {
			return false // not a float32 value: the column is not FLOAT
		}
		return ok && sameFloat(f, w)
	}
	return false
}

func TestParquetRoundTrip(t *testing.T) {
	duckdb.Require(t)
	s := testSchema()
	rows := makeRows(s, 0, 500, 1)
	path := filepath.Join(t.TempDir(), "scores.parquet")
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	// Batches of 97 across row groups of 64: row groups fill across Write
	// calls and Write calls span row groups.
	writeAll(t, path, s, Options{Metadata: testMeta, RowGroupRows: 64, Allocator: mem}, rows, 97)
	mem.AssertSize(t, 0)

	res := duckdb.QueryAll(t,
		selectAll(path),
		"SELECT name, type, repetition_type FROM parquet_schema("+q(path)+") WHERE type IS NOT NULL",
		"DESCRIBE SELECT * FROM read_parquet("+q(path)+")",
		`SELECT count(DISTINCT row_group_id) AS groups, max(row_group_num_rows) AS biggest,
			count(*) FILTER (WHERE compression <> 'ZSTD') AS not_zstd FROM parquet_metadata(`+q(path)+")",
		kvQuery(path))
	checkRows(t, s, res[0], rows)

	// Types and nullability, from the Parquet schema itself.
	schemaRows := res[1]
	cols := s.Columns()
	if len(schemaRows) != len(cols) {
		t.Fatalf("parquet_schema has %d leaf columns, want %d", len(schemaRows), len(cols))
	}
	for i, r := range schemaRows {
		wantType, wantRep := "BYTE_ARRAY", "OPTIONAL"
		switch {
		case i < 2:
			wantRep = "REQUIRED"
		case i == 2:
			wantType, wantRep = "INT64", "REQUIRED"
		case i >= 3+len(s.Fields) && i < 3+len(s.Fields)+s.Width():
			wantType = "FLOAT"
		}
		if r["name"] != cols[i] || r["type"] != wantType || r["repetition_type"] != wantRep {
			t.Errorf("column %d: got %v %v %v, want %s %s %s", i, r["name"], r["type"], r["repetition_type"], cols[i], wantType, wantRep)
		}
	}
	for i, r := range res[2] {
		want := "VARCHAR"
		switch {
		case i == 2:
			want = "BIGINT"
		case i >= 3+len(s.Fields) && i < 3+len(s.Fields)+s.Width():
			want = "FLOAT"
		}
		if r["column_type"] != want {
			t.Errorf("DESCRIBE column %d %v: type %v, want %s", i, r["column_name"], r["column_type"], want)
		}
	}

	// Row groups bounded, zstd everywhere.
	rg := res[3]
	if rg[0]["groups"] != float64(8) || rg[0]["biggest"] != float64(64) || rg[0]["not_zstd"] != float64(0) {
		t.Errorf("row groups: %v, want 8 groups of at most 64 rows, all ZSTD", rg[0])
	}

	checkMetadata(t, res[4], s, testMeta)
}

// selectAll reads every row of a Parquet file in file order.
func selectAll(path string) string {
	return "SELECT * FROM read_parquet(" + q(path) + ", file_row_number=true) ORDER BY file_row_number"
}

// kvQuery reads a Parquet file's key-value metadata as text.
func kvQuery(path string) string {
	return "SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(" + q(path) + ")"
}

// checkMetadata checks the rows of kvQuery against md and s.
func checkMetadata(t *testing.T, kv []map[string]any, s Schema, md map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, r := range kv {
		got[r["k"].(string)] = r["v"].(string)
	}
	for k, v := range md {
		if got[k] != v {
			t.Errorf("metadata %q = %q, want %q", k, got[k], v)
		}
	}
	var back Schema
	if err := json.Unmarshal([]byte(got[MetaSchema]), &back); err != nil {
		t.Fatalf("metadata %s: %v", MetaSchema, err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Errorf("metadata schema = %+v, want %+v", back, s)
	}
	if len(got) != len(md)+1 {
		t.Errorf("metadata has %d keys, want %d: %v", len(got), len(md)+1, got)
	}
}

// Real model outputs: the arxiv fixture's [12,30] softmax with its 30 class
// names (which contain spaces and dots) as column names.
func TestParquetRealClassifierOutputs(t *testing.T) {
	dir := fixturesArxiv(t)
	exp, classes := loadArxiv(t, dir)
	duckdb.Require(t)
	s := Schema{Fields: []string{"text"}, Outputs: []Column{{Name: "journal", Width: len(classes), Names: classes}}}
	var rows []Row
	for i, probs := range exp.Outputs {
		r := Row{ID: fmt.Sprint(i), Source: "expected_outputs.derived.json", Row: int64(i), Fields: []string{exp.Inputs[i]}}
		for _, p := range probs {
			r.Scores = append(r.Scores, float32(p))
		}
		rows = append(rows, r)
	}
	path := filepath.Join(t.TempDir(), "arxiv.parquet")
	writeAll(t, path, s, Options{}, rows, 5)
	res := duckdb.QueryAll(t, selectAll(path),
		// The class-name columns are addressable by SQL under their own names.
		`SELECT sum("journal_`+classes[0]+`") AS s FROM read_parquet(`+q(path)+")",
		kvQuery(path),
		"SELECT path_in_schema AS p, encodings AS e FROM parquet_metadata("+q(path)+")")
	checkRows(t, s, res[0], rows)
	sum := res[1]
	// Scores are never dictionary-encoded (random-ish floats gain nothing).
	scoreCol := map[string]bool{}
	for _, c := range s.ScoreColumns() {
		scoreCol[c] = true
	}
	for _, r := range res[3] {
		if scoreCol[r["p"].(string)] && strings.Contains(r["e"].(string), "DICTIONARY") {
			t.Errorf("score column %q encoded %v", r["p"], r["e"])
		}
	}
	var want float64
	for _, r := range rows {
		want += float64(r.Scores[0])
	}
	if f, ok := sum[0]["s"].(float64); !ok || f-want > 1e-9 || want-f > 1e-9 {
		t.Errorf("sum of first class column = %v, want %v", sum[0]["s"], want)
	}
	checkMetadata(t, res[2], s, nil)
}

func TestParquetEmptyFile(t *testing.T) {
	duckdb.Require(t)
	s := testSchema()
	path := filepath.Join(t.TempDir(), "empty.parquet")
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	writeAll(t, path, s, Options{Allocator: mem}, nil, 1)
	mem.AssertSize(t, 0)
	res := duckdb.QueryAll(t, "SELECT count(*) AS n FROM read_parquet("+q(path)+")", kvQuery(path))
	if res[0][0]["n"] != float64(0) {
		t.Fatalf("count = %v, want 0", res[0][0]["n"])
	}
	checkMetadata(t, res[1], s, nil)
}

func TestParquetCompressionOption(t *testing.T) {
	duckdb.Require(t)
	s := Schema{Outputs: []Column{{Name: "p", Width: 2}}}
	rows := makeRows(s, 0, 50, 3)
	dir := t.TempDir()
	cases := []struct{ opt, want string }{{"snappy", "SNAPPY"}, {"none", "UNCOMPRESSED"}, {"gzip", "GZIP"}, {"lz4", "LZ4_RAW"}}
	var sqls []string
	for _, c := range cases {
		path := filepath.Join(dir, c.opt+".parquet")
		writeAll(t, path, s, Options{Compression: c.opt}, rows, 50)
		sqls = append(sqls, "SELECT DISTINCT compression AS c FROM parquet_metadata("+q(path)+")", selectAll(path))
	}
	res := duckdb.QueryAll(t, sqls...)
	for i, c := range cases {
		got := res[2*i]
		if len(got) != 1 || got[0]["c"] != c.want {
			t.Errorf("%s: compression %v, want %s", c.opt, got, c.want)
		}
		checkRows(t, s, res[2*i+1], rows)
	}
	if _, err := Create(filepath.Join(dir, "x.parquet"), s, Options{Compression: "lzma"}); err == nil {
		t.Error("unknown compression accepted")
	}
	if n := len(dirNames(t, dir)); n != len(cases) {
		t.Errorf("dir has %d entries after a refused Create, want %d", n, len(cases))
	}
}

// One row per Write into row groups of 7: 43 row groups, the last short.
func TestParquetManyRowGroups(t *testing.T) {
	duckdb.Require(t)
	s := Schema{Fields: []string{"label"}, Outputs: []Column{{Name: "p", Width: 1}, {Name: "c", Width: 3, Names: []string{"a", "b", "c"}}}}
	rows := makeRows(s, 0, 300, 17)
	path := filepath.Join(t.TempDir(), "many.parquet")
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	writeAll(t, path, s, Options{RowGroupRows: 7, Allocator: mem}, rows, 1)
	mem.AssertSize(t, 0)
	res := duckdb.QueryAll(t, selectAll(path),
		`SELECT row_group_id AS g, any_value(row_group_num_rows) AS n FROM parquet_metadata(`+q(path)+`)
			GROUP BY row_group_id ORDER BY row_group_id`)
	checkRows(t, s, res[0], rows)
	groups := res[1]
	if len(groups) != 43 {
		t.Fatalf("%d row groups, want 43", len(groups))
	}
	for i, g := range groups {
		want := float64(7)
		if i == 42 {
			want = 300 - 42*7
		}
		if g["n"] != want {
			t.Errorf("row group %d has %v rows, want %v", i, g["n"], want)
		}
	}
}

// TestParquetPooledBuffersPoisoned writes many row groups through a pool
// that poisons every buffer freed to it, the way the default pool reuses
// them: a buffer freed while arrow still reads it would corrupt the file,
// which DuckDB reads back.
func TestParquetPooledBuffersPoisoned(t *testing.T) {
	duckdb.Require(t)
	s := Schema{Fields: []string{"label"}, Outputs: []Column{{Name: "p", Width: 1}, {Name: "c", Width: 3, Names: []string{"a", "b", "c"}}}}
	rows := makeRows(s, 0, 3000, 23)
	path := filepath.Join(t.TempDir(), "pooled.parquet")
	pool := arrowpool.New(64<<20, true)
	writeAll(t, path, s, Options{RowGroupRows: 250, Allocator: pool}, rows, 7)
	if pool.Idle() == 0 {
		t.Fatal("no buffer came back to the pool")
	}
	checkRows(t, s, duckdb.QueryAll(t, selectAll(path))[0], rows)
}
