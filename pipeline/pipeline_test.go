package pipeline_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/native"
	"github.com/scorekit/score/internal/demo"
	"github.com/scorekit/score/pipeline"
	"github.com/scorekit/score/reader"
	"github.com/scorekit/score/savedmodel/metamodel"
	"github.com/scorekit/score/tokenize"
	"github.com/scorekit/score/writer"
)

// tinyConfig is a meta model small enough for fast tests: 3 heads over a
// 12-token input.
func tinyConfig() metamodel.Config {
	return metamodel.Config{SeqLen: 12, EmbedDim: 8, VocabSize: 400, Filters: []int{4, 6}, Kernel: 3, Pool: 2, Dense: 5, Heads: 3, Seed: 7}
}

type fixture struct {
	cfg    metamodel.Config
	model  string
	corpus string
	params *metamodel.Params
}

func newFixture(t testing.TB, docs int) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{cfg: tinyConfig(), model: filepath.Join(dir, "model"), corpus: filepath.Join(dir, "corpus")}
	if err := metamodel.Write(f.model, f.cfg); err != nil {
		t.Fatal(err)
	}
	if err := demo.WriteCorpus(f.corpus, f.cfg, docs, 3); err != nil {
		t.Fatal(err)
	}
	p, err := metamodel.LoadParams(f.model)
	if err != nil {
		t.Fatal(err)
	}
	f.params = p
	return f
}

func (f *fixture) load(t testing.TB) engine.Model {
	t.Helper()
	m, err := native.New().Load(context.Background(), f.model, engine.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func (f *fixture) inputs(t testing.TB) []reader.Input {
	t.Helper()
	in, err := reader.Expand([]string{f.corpus}, reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// expected reads the corpus on its own and scores it with the metamodel's
// plain-loop reference: the rows the output must hold, in order.
func (f *fixture) expected(t testing.TB, in []reader.Input) ([]reader.Record, [][]float32) {
	t.Helper()
	src, err := reader.OpenAll(in, reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	enc, err := tokenize.New(tokenize.Options{Mode: tokenize.ModeSpacy, MaxLen: f.cfg.SeqLen})
	if err != nil {
		t.Fatal(err)
	}
	var recs []reader.Record
	var rows [][]string
	for {
		r, err := src.Next(context.Background())
		if err != nil {
			break
		}
		recs = append(recs, r)
		row := make([]string, f.cfg.SeqLen)
		enc.EncodeStrings(r.Text, row)
		rows = append(rows, row)
	}
	want, err := metamodel.Reference(f.params, rows)
	if err != nil {
		t.Fatal(err)
	}
	return recs, want
}

func readJSONL(t testing.TB, path string) []map[string]any {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []map[string]any
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s line %d: %v", path, len(out)+1, err)
		}
		out = append(out, m)
	}
	return out
}

func options(in []reader.Input, out string) pipeline.Options {
	return pipeline.Options{
		Inputs:    reader.List(in),
		Feed:      pipeline.FeedOptions{Tokenize: tokenize.Options{Mode: tokenize.ModeSpacy}},
		BatchSize: 16, TokenizeWorkers: 3, InFlight: 3,
		OpenWriter: func(s writer.Schema) (writer.Writer, error) { return writer.Create(out, s, writer.Options{}) },
	}
}

// TestRunScoresInInputOrder runs the real native engine on a meta model with
// several batches in flight and checks every row's scores against the
// reference forward pass, in input order; the texts live in a poisoned
// arena whose blocks are reused as batches are written.
func TestRunScoresInInputOrder(t *testing.T) {
	f := newFixture(t, 1200) // several times what the stages hold at once
	in := f.inputs(t)
	out := filepath.Join(t.TempDir(), "scores.jsonl")
	// Texts in small blocks that are poisoned as soon as they come back: a
	// text released before its batch is done would change its scores.
	o := options(in, out)
	arena := reader.NewTextArena(reader.ArenaOptions{BlockBytes: 4 << 10, Poison: true})
	o.Reader.Arena = arena
	rep, err := pipeline.Run(context.Background(), f.load(t), o)
	if err != nil {
		t.Fatal(err)
	}
	if s := arena.Stats(); s.Reused == 0 {
		t.Fatalf("arena %+v: no block was reused", s)
	}
	recs, want := f.expected(t, in)
	rows := readJSONL(t, out)
	if len(rows) != len(recs) || rep.Read != int64(len(recs)) || rep.Scored+rep.Rejected != rep.Read {
		t.Fatalf("rows %d, records %d, report read %d scored %d rejected %d", len(rows), len(recs), rep.Read, rep.Scored, rep.Rejected)
	}
	if rep.Batches < 10 {
		t.Fatalf("only %d batches: the test should exercise reordering", rep.Batches)
	}
	empty := 0
	for i, row := range rows {
		if row["id"] != recs[i].ID || row["source"] != recs[i].Source {
			t.Fatalf("row %d is %v/%v, want %v/%v (order lost)", i, row["id"], row["source"], recs[i].ID, recs[i].Source)
		}
		for h := range f.cfg.Heads {
			got, ok := row[metamodel.HeadName(h)].(float64)
			if !ok {
				t.Fatalf("row %d: no score %s in %v", i, metamodel.HeadName(h), row)
			}
			if math.Abs(got-float64(want[i][h])) > 1e-5 {
				t.Fatalf("row %d (%s) head %d: %v, reference %v", i, recs[i].ID, h, got, want[i][h])
			}
		}
		if strings.TrimSpace(recs[i].Text) == "" {
			empty++
			if row["warning"] != "empty_text" {
				t.Errorf("row %d has empty text but warning %v", i, row["warning"])
			}
		}
	}
	if empty == 0 || int64(empty) != rep.Warnings["empty_text"] {
		t.Fatalf("empty texts: %d in corpus, %d reported", empty, rep.Warnings["empty_text"])
	}
}

// TestRunIsolatesFailingRows makes the engine fail every batch that holds a
// "poison" token: the runner must split batches down to the failing rows,
// reject exactly those with the engine's message and score the rest.
func TestRunIsolatesFailingRows(t *testing.T) {
	f := newFixture(t, 120)
	dir := t.TempDir()
	csv := filepath.Join(dir, "docs.csv")
	texts := []string{}
	var b strings.Builder
	b.WriteString("id,text\n")
	for i := range 100 {
		text := "good movie number " + strings.Repeat("x ", i%5)
		if i%17 == 3 {
			text = "this is poison for the engine"
		}
		texts = append(texts, text)
		b.WriteString(string(rune('a'+i%26)) + strings.Repeat("z", i/26) + "," + text + "\n")
	}
	if err := os.WriteFile(csv, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := reader.Expand([]string{csv}, reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "scores.jsonl")
	pm := &poisonModel{Model: f.load(t)}
	rep, err := pipeline.Run(context.Background(), pm, options(in, out))
	if err != nil {
		t.Fatal(err)
	}
	rows := readJSONL(t, out)
	if len(rows) != 100 {
		t.Fatalf("%d rows written, want 100", len(rows))
	}
	poisoned := 0
	for i, row := range rows {
		bad := strings.Contains(texts[i], "poison")
		msg, _ := row["error"].(string)
		switch {
		case bad:
			poisoned++
			if !strings.Contains(msg, "GatherV2") || !strings.Contains(msg, "row ") || row["head_00"] != nil {
				t.Errorf("row %d should be rejected naming the op and row, got error %q score %v", i, msg, row["head_00"])
			}
		case msg != "" || row["head_00"] == nil:
			t.Errorf("row %d should be scored, got error %q", i, msg)
		}
	}
	if rep.Rejected != int64(poisoned) || rep.RejectedByReason["engine_error"] != int64(poisoned) || rep.Scored != int64(100-poisoned) {
		t.Fatalf("report: scored %d rejected %d (%v), want %d rejected", rep.Scored, rep.Rejected, rep.RejectedByReason, poisoned)
	}
	if pm.failedRuns.Load() == 0 {
		t.Fatal("the engine never failed: the test proves nothing")
	}
}

// TestRunCancelLeavesNoOutput cancels a run after its first batch is
// written: Run must fail with the context's error and leave no output.
func TestRunCancelLeavesNoOutput(t *testing.T) {
	f := newFixture(t, 400)
	out := filepath.Join(t.TempDir(), "scores.parquet")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := options(f.inputs(t), out)
	o.Progress = func(pipeline.Progress) { cancel() }
	_, err := pipeline.Run(ctx, f.load(t), o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 0 {
		t.Fatalf("cancelled run left %v", entries)
	}
}

// TestRunAccountsUnreadableRows feeds rows that cannot be read (invalid
// UTF-8 under "reject"): they are written with null scores and the reader's
// reason, and read = scored + rejected.
func TestRunAccountsUnreadableRows(t *testing.T) {
	f := newFixture(t, 10)
	dir := t.TempDir()
	csv := filepath.Join(dir, "bad.csv")
	data := "id,text\n1,fine text\n2,caf\xe9 in cp1252\n3,\n4,also fine\n"
	if err := os.WriteFile(csv, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	ro := reader.Options{InvalidUTF8: "reject"}
	in, err := reader.Expand([]string{csv}, ro)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "scores.jsonl")
	o := options(in, out)
	o.Reader = ro
	rep, err := pipeline.Run(context.Background(), f.load(t), o)
	if err != nil {
		t.Fatal(err)
	}
	rows := readJSONL(t, out)
	if len(rows) != 4 || rep.Read != 4 || rep.Scored != 3 || rep.Rejected != 1 {
		t.Fatalf("rows %d, report %+v", len(rows), rep)
	}
	if msg, _ := rows[1]["error"].(string); !strings.Contains(msg, "bad.csv") || rows[1]["head_00"] != nil {
		t.Fatalf("row 2 should be rejected naming the file: %v", rows[1])
	}
	if w := rows[2]["warning"]; (w != "empty_text" && w != "null_text") || rows[2]["head_00"] == nil {
		t.Fatalf("row 3 (empty text) should be scored and flagged: %v", rows[2])
	}
	o.FailOnBadRows = true
	if _, err := pipeline.Run(context.Background(), f.load(t), o); err == nil || !strings.Contains(err.Error(), "bad.csv") {
		t.Fatalf("--fail-on-bad-rows: err = %v, want the bad row named", err)
	}
}
