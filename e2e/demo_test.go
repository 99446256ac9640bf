package e2e

import (
	"encoding/json"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/duckdb"
	"github.com/scorekit/score/savedmodel/metamodel"
	"github.com/scorekit/score/tokenize"
)

// doc is one expected output row of an IMDb-layout run.
type doc struct {
	id, path, text string
	row            int64 // 1-based row within path
}

// imdbDocs lists the review files under root (an aclImdb folder) in the
// order score must write them: paths in lexical order.
func imdbDocs(t *testing.T, root string, match func(rel string) bool) []doc {
	t.Helper()
	var docs []doc
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".txt") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if strings.Count(rel, "/") != 2 || (match != nil && !match(rel)) {
			return nil
		}
		text, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		docs = append(docs, doc{id: strings.TrimSuffix(rel, ".txt"), path: p, text: string(text), row: 1})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].path < docs[j].path })
	return docs
}

// referenceScores runs metamodel.Reference on texts tokenized as the CLI
// does by default: spaCy rules, lower-cased, padded and truncated "pre"
// to the signature's SeqLen, pad token "".
func referenceScores(t *testing.T, modelDir string, texts []string) [][]float32 {
	t.Helper()
	p, err := metamodel.LoadParams(modelDir)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := tokenize.New(tokenize.Options{Mode: tokenize.Mode("spacy"), Padding: "pre", Truncating: "pre", MaxLen: p.Config.SeqLen})
	if err != nil {
		t.Fatal(err)
	}
	rows := make([][]string, len(texts))
	for i, s := range texts {
		rows[i] = make([]string, p.Config.SeqLen)
		enc.EncodeStrings(s, rows[i])
	}
	want, err := metamodel.Reference(p, rows)
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// checkMetaScores checks an output file of a meta model run against the
// reference, row for row in the order of docs: ids, sources, rows and
// warnings of every row, the scores of every row (every = 1) or of every
// every-th row (the 36-head reference costs about 30 ms a row).
func checkMetaScores(t *testing.T, out, modelDir string, heads int, docs []doc, every int) {
	t.Helper()
	var texts []string
	for i, d := range docs {
		if i%every == 0 {
			texts = append(texts, d.text)
		}
	}
	want := referenceScores(t, modelDir, texts)
	got := duckdb.Query(t, "SELECT * FROM read_parquet("+duckdb.Literal(out)+")")
	if len(got) != len(docs) {
		t.Fatalf("%d output rows, want %d", len(got), len(docs))
	}
	bad := 0
	for i, r := range got {
		d := docs[i]
		if (d.id != "" && str(r["id"]) != d.id) || str(r["source"]) != d.path || num(t, r["row"]) != d.row {
			t.Fatalf("output row %d is id %v source %v row %v, want %q from %s row %d", i, r["id"], r["source"], r["row"], d.id, d.path, d.row)
		}
		if r["error"] != nil {
			t.Errorf("row %d (%s) rejected: %v", i, docs[i].id, r["error"])
			continue
		}
		for h := range heads {
			if i%every != 0 {
				break
			}
			v, ok := duckdb.Float32(r[metamodel.HeadName(h)])
			if ref := want[i/every][h]; !ok || math.Abs(float64(v-ref)) > 1e-5 {
				if bad++; bad <= 5 {
					t.Errorf("row %d (%s) %s = %v, reference %v", i, docs[i].id, metamodel.HeadName(h), r[metamodel.HeadName(h)], ref)
				}
			}
		}
		blank := strings.TrimSpace(docs[i].text) == ""
		if w := str(r["warning"]); blank != (w == "empty_text") {
			t.Errorf("row %d (%s): warning %q for text %q", i, docs[i].id, w, docs[i].text)
		}
	}
	if bad > 0 {
		t.Errorf("%d scores differ from the reference", bad)
	}
}

// TestMetaModelValues scores the small demo corpus in several batches
// running at once and checks every score, the order, the schema and the
// metadata.
func TestMetaModelValues(t *testing.T) {
	duckdb.Require(t)
	out := filepath.Join(t.TempDir(), "scores.parquet")
	rep := filepath.Join(t.TempDir(), "report.json")
	mustScore(t, append(smallArgs(), "--in", filepath.Join(smallDemo, "aclImdb"), "--out", out, "--report", rep,
		"--batch-size", "16", "--in-flight", "3", "--workers", "2")...)
	docs := imdbDocs(t, filepath.Join(smallDemo, "aclImdb"), nil)
	if len(docs) != smallDemoDocs {
		t.Fatalf("corpus has %d documents, want %d", len(docs), smallDemoDocs)
	}
	checkMetaScores(t, out, smallModel, smallConfig.Heads, docs, 1)
	checkAccounting(t, readReport(t, rep), out, smallDemoDocs)

	res := duckdb.QueryAll(t,
		"DESCRIBE SELECT * FROM read_parquet("+duckdb.Literal(out)+")",
		"SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata("+duckdb.Literal(out)+")")
	var schema []string
	for _, r := range res[0] {
		schema = append(schema, str(r["column_name"])+" "+str(r["column_type"]))
	}
	wantSchema := []string{"id VARCHAR", "source VARCHAR", "row BIGINT", "split VARCHAR", "label VARCHAR", "rating VARCHAR",
		"head_00 FLOAT", "head_01 FLOAT", "head_02 FLOAT", "head_03 FLOAT", "error VARCHAR", "warning VARCHAR"}
	if strings.Join(schema, ", ") != strings.Join(wantSchema, ", ") {
		t.Errorf("schema\n got %s\nwant %s", strings.Join(schema, ", "), strings.Join(wantSchema, ", "))
	}
	md := map[string]string{}
	for _, r := range res[1] {
		md[str(r["k"])] = str(r["v"])
	}
	for _, k := range []string{"score.version", "score.model_fingerprint", "score.signature", "score.tokenizer"} {
		if md[k] == "" {
			t.Errorf("metadata %s missing (have %v)", k, md)
		}
	}
	if fp := md["score.model_fingerprint"]; len(fp) < 16 {
		t.Errorf("model fingerprint %q looks empty", fp)
	}
	var sig struct {
		Key    string
		Inputs []struct {
			Key   string
			Shape []int
		}
	}
	if err := json.Unmarshal([]byte(md["score.signature"]), &sig); err != nil {
		t.Errorf("signature metadata %q: %v", md["score.signature"], err)
	} else if sig.Key != "serving_default" || len(sig.Inputs) != 1 || sig.Inputs[0].Key != "tokens" ||
		len(sig.Inputs[0].Shape) != 2 || sig.Inputs[0].Shape[1] != smallConfig.SeqLen {
		t.Errorf("signature metadata %+v, want serving_default with input tokens [-1,%d]", sig, smallConfig.SeqLen)
	}
	if !strings.Contains(strings.ToLower(md["score.tokenizer"]), "spacy") {
		t.Errorf("tokenizer metadata %q does not name spacy", md["score.tokenizer"])
	}
	// A second run gives the same fingerprint: it identifies the model.
	out2 := filepath.Join(t.TempDir(), "again.parquet")
	mustScore(t, append(smallArgs(), "--in", filepath.Join(smallDemo, "aclImdb", "test", "pos", "1_*.txt"), "--out", out2)...)
	rows := duckdb.Query(t, "SELECT decode(value) AS v FROM parquet_kv_metadata("+duckdb.Literal(out2)+") WHERE decode(key) = 'score.model_fingerprint'")
	if len(rows) != 1 || str(rows[0]["v"]) != md["score.model_fingerprint"] {
		t.Errorf("fingerprint of a second run: %v, want %s", rows, md["score.model_fingerprint"])
	}
}

// TestDemoFlow is `make demo`: score demo DIR writes the 36-head model and
// a corpus, and `score --model DIR/model --in DIR/corpus --out ...` scores
// all 2,000 documents with the reference's values. Under -short only a
// slice of the corpus is scored.
func TestDemoFlow(t *testing.T) {
	duckdb.Require(t)
	dir := t.TempDir()
	r := mustScore(t, "demo", dir)
	if !strings.Contains(r.stdout, filepath.Join(dir, "model")) {
		t.Errorf("demo output does not name the model folder:\n%s", r.stdout)
	}
	corpus := filepath.Join(dir, "corpus")
	in := corpus
	match := func(rel string) bool { return true }
	if testing.Short() {
		in = filepath.Join(corpus, "aclImdb", "test", "pos", "1?_*.txt")
		match = func(rel string) bool {
			ok, _ := filepath.Match("test/pos/1?_*.txt", rel)
			return ok
		}
	}
	out := filepath.Join(dir, "scores.parquet")
	r = mustScore(t, "--model", filepath.Join(dir, "model"), "--in", in, "--out", out, "--progress", "none")
	docs := imdbDocs(t, filepath.Join(corpus, "aclImdb"), match)
	if len(docs) < 4 || (!testing.Short() && len(docs) != 2000) {
		t.Fatalf("%d documents selected", len(docs))
	}
	if !strings.Contains(r.stdout, out) {
		t.Errorf("stdout does not name the output: %q", r.stdout)
	}
	every := 1
	if !testing.Short() {
		every = 25 // 80 of the 2,000 rows
	}
	checkMetaScores(t, out, filepath.Join(dir, "model"), metamodel.Default().Heads, docs, every)

	// score head prints the first rows as a table.
	h := mustScore(t, "head", "-n", "3", out)
	lines := strings.Split(strings.TrimSpace(h.stdout), "\n")
	if len(lines) < 4 || !strings.Contains(lines[0], "id") || !strings.Contains(lines[0], "head_00") {
		t.Fatalf("score head output:\n%s", h.stdout)
	}
	for i, d := range docs[:3] {
		if !strings.Contains(h.stdout, d.id) {
			t.Errorf("score head does not show row %d (%s):\n%s", i, d.id, h.stdout)
		}
	}
	if strings.Contains(h.stdout, docs[3].id) {
		t.Errorf("score head -n 3 shows a fourth row %s", docs[3].id)
	}
}
