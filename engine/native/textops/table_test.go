package textops

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/tensor"
)

// newTable runs HashTableV2 (or the mutable one) and returns its handle.
func newTable(t *testing.T, res *op.Resources, opName, shared string, kt, vt tensor.DType) *tensor.Tensor {
	t.Helper()
	c := newCtx(t, opName, res, map[string]any{"key_dtype": kt, "value_dtype": vt, "shared_name": shared})
	return mustRun(t, c)[0]
}

func initFromFile(t *testing.T, res *op.Resources, dir string, h *tensor.Tensor, file string, attrs map[string]any) error {
	t.Helper()
	c := newCtx(t, "InitializeTableFromTextFileV2", res, attrs)
	c.dir = dir
	_, err := c.run(h, tensor.Scalar(filepath.Join(dir, file)))
	return err
}

func find(t *testing.T, res *op.Resources, h, keys, def *tensor.Tensor) *tensor.Tensor {
	t.Helper()
	return mustRun(t, newCtx(t, "LookupTableFindV2", res, nil), h, keys, def)[0]
}

func TestTextFileTableLines(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("lf", "the\nand\na\n")
	write("crlf", "the\r\nand\r\na") // CRLF and no final newline: same table
	write("empty", "the\n\nand\n")
	write("cols", "x\t10\ty\nz\t20\tw\n")
	write("short", "x\t1\n")
	wholeLine := map[string]any{"key_index": WholeLine, "value_index": LineNumber}
	keys := strs([]int{2, 3}, "the", "and", "a", "unk", "", "the\r")
	want := []int64{0, 1, 2, -1, -1, -1}
	for _, f := range []string{"lf", "crlf"} {
		res := op.NewResources()
		h := newTable(t, res, "HashTableV2", "vocab_"+f, tensor.String, tensor.Int64)
		if err := initFromFile(t, res, dir, h, f, wholeLine); err != nil {
			t.Fatal(err)
		}
		got := find(t, res, h, keys, tensor.Scalar(int64(-1)))
		if !reflect.DeepEqual(got.Shape(), []int{2, 3}) || !reflect.DeepEqual(tensor.MustValues[int64](got), want) {
			t.Errorf("%s: find = %v %v, want %v", f, got.Shape(), got.Data(), want)
		}
		size := mustRun(t, newCtx(t, "LookupTableSizeV2", res, nil), h)[0]
		if tensor.MustValues[int64](size)[0] != 3 {
			t.Errorf("%s: size = %v", f, size.Data())
		}
	}
	// TensorFlow refuses empty lines ("empty line found").
	res := op.NewResources()
	h := newTable(t, res, "HashTableV2", "e", tensor.String, tensor.Int64)
	if err := initFromFile(t, res, dir, h, "empty", wholeLine); err == nil || !strings.Contains(err.Error(), "empty line") {
		t.Errorf("empty line: err = %v", err)
	}
	// Columns, offset, vocab_size truncation.
	res = op.NewResources()
	h = newTable(t, res, "HashTableV2", "c", tensor.String, tensor.Int64)
	if err := initFromFile(t, res, dir, h, "cols", map[string]any{"key_index": 2, "value_index": 1, "vocab_size": 1}); err != nil {
		t.Fatal(err)
	}
	got := find(t, res, h, strs([]int{2}, "y", "w"), tensor.Scalar(int64(0)))
	if !reflect.DeepEqual(tensor.MustValues[int64](got), []int64{10, 0}) {
		t.Errorf("column table = %v", got.Data())
	}
	h2 := newTable(t, res, "HashTableV2", "c2", tensor.String, tensor.Int64)
	if err := initFromFile(t, res, dir, h2, "cols", map[string]any{"key_index": 0, "value_index": -1, "offset": 5}); err != nil {
		t.Fatal(err)
	}
	if got := find(t, res, h2, strs(nil, "z"), tensor.Scalar(int64(0))); tensor.MustValues[int64](got)[0] != 6 {
		t.Errorf("offset line number = %v", got.Data())
	}
	for name, attrs := range map[string]map[string]any{
		"vocab_size too big": {"key_index": WholeLine, "value_index": LineNumber, "vocab_size": 5},
		"missing column":     {"key_index": 0, "value_index": 2},
		"bad int column":     {"key_index": 1, "value_index": 0},
		"long delimiter":     {"key_index": 0, "value_index": 1, "delimiter": "::"},
	} {
		res := op.NewResources()
		kt := tensor.String
		if name == "bad int column" {
			kt = tensor.Int64
		}
		h := newTable(t, res, "HashTableV2", "x", kt, tensor.Int64)
		if err := initFromFile(t, res, dir, h, "short", attrs); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// ReadFile outside the model is refused.
	res = op.NewResources()
	h = newTable(t, res, "HashTableV2", "outside", tensor.String, tensor.Int64)
	if err := initFromFile(t, res, dir, h, "../../etc/passwd", wholeLine); err == nil {
		t.Error("read outside the model dir accepted")
	}
}

func TestDefaultDelimiterIsTab(t *testing.T) {
	c := newCtx(t, "InitializeTableFromTextFileV2", nil, nil)
	if d, _ := op.String(c, "delimiter"); d != "\t" {
		t.Errorf("default delimiter = %q", d)
	}
}

func TestImportFindExportAndSharing(t *testing.T) {
	res := op.NewResources()
	h := newTable(t, res, "HashTableV2", "shared", tensor.String, tensor.Int64)
	imp := newCtx(t, "LookupTableImportV2", res, nil)
	mustRun(t, imp, h, strs([]int{3}, "a", "b", "c"), tensor.Must(tensor.Int64, []int{3}, []int64{2, 3, 4}))
	// Another node with the same shared_name sees the same table.
	h2 := newTable(t, res, "HashTableV2", "shared", tensor.String, tensor.Int64)
	got := find(t, res, h2, strs([]int{4}, "c", "zz", "a", "b"), tensor.Must(tensor.Int64, []int{4}, []int64{-1, -2, -3, -4}))
	if !reflect.DeepEqual(tensor.MustValues[int64](got), []int64{4, -2, 2, 3}) {
		t.Errorf("find with per-key default = %v", got.Data())
	}
	if _, err := newCtx(t, "LookupTableFindV2", res, nil).run(h, tensor.Must(tensor.Int64, []int{1}, []int64{1}), tensor.Scalar(int64(0))); err == nil {
		t.Error("int64 keys accepted by a string table")
	}
	if _, err := newCtx(t, "LookupTableFindV2", res, nil).run(h, strs(nil, "a"), tensor.Scalar(float32(0))); err == nil {
		t.Error("float default accepted by an int64 table")
	}
	// Mutable table: import replaces, insert overwrites, export returns all.
	m := newTable(t, res, "MutableHashTableV2", "", tensor.Int64, tensor.String)
	mustRun(t, newCtx(t, "LookupTableImportV2", res, nil), m, tensor.Must(tensor.Int64, []int{2}, []int64{1, 2}), strs([]int{2}, "one", "two"))
	mustRun(t, newCtx(t, "LookupTableInsertV2", res, nil), m, tensor.Must(tensor.Int64, []int{2}, []int64{2, 3}), strs([]int{2}, "TWO", "three"))
	out := mustRun(t, newCtx(t, "LookupTableExportV2", res, map[string]any{"Tkeys": tensor.Int64, "Tvalues": tensor.String}), m)
	if !reflect.DeepEqual(tensor.MustValues[int64](out[0]), []int64{1, 2, 3}) || !reflect.DeepEqual(tensor.MustValues[string](out[1]), []string{"one", "TWO", "three"}) {
		t.Errorf("export = %v %v", out[0].Data(), out[1].Data())
	}
	// The export is a copy: a later insert does not change it.
	mustRun(t, newCtx(t, "LookupTableInsertV2", res, nil), m, tensor.Must(tensor.Int64, []int{1}, []int64{1}), strs([]int{1}, "ONE"))
	if got := tensor.MustValues[string](out[1]); got[0] != "one" {
		t.Errorf("the exported values changed with the table: %v", got)
	}
	// A static table refuses a conflicting duplicate key.
	s := newTable(t, res, "HashTableV2", "dup", tensor.String, tensor.Int64)
	if _, err := newCtx(t, "InitializeTableV2", res, nil).run(s, strs([]int{2}, "k", "k"), tensor.Must(tensor.Int64, []int{2}, []int64{1, 2})); err == nil {
		t.Error("conflicting duplicate key accepted")
	}
}

func TestConcurrentFind(t *testing.T) {
	res := op.NewResources()
	h := newTable(t, res, "HashTableV2", "conc", tensor.String, tensor.Int64)
	words := []string{"alpha", "beta", "gamma", "delta"}
	mustRun(t, newCtx(t, "LookupTableImportV2", res, nil), h, strs([]int{4}, words...), tensor.Must(tensor.Int64, []int{4}, []int64{0, 1, 2, 3}))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newCtx(t, "LookupTableFindV2", res, nil)
			for i := 0; i < 200; i++ {
				out, err := c.run(h, strs([]int{2}, words[i%4], "nope"), tensor.Scalar(int64(-1)))
				if err != nil {
					errs <- err
					return
				}
				if v := tensor.MustValues[int64](out[0]); v[0] != int64(i%4) || v[1] != -1 {
					errs <- c.Errorf("got %v", v)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestTaxiVocabLookup reproduces TF Transform's payment_type_xf and
// company_xf (vocab line number, OOV -> vocab size + StringToHashBucketFast
// into 10 buckets, missing -> "") from the real asset files, against the
// values TF wrote.
func TestTaxiVocabLookup(t *testing.T) {
	dir := fixtures.SavedModel(t, "tfx_taxi_transform_fn_tf1")
	assets := filepath.Join(dir, "transform_fn", "assets")
	res := op.NewResources()
	tables := map[string]*tensor.Tensor{}
	for feat, file := range map[string]string{
		"payment_type": "vocab_compute_and_apply_vocabulary_vocabulary",
		"company":      "vocab_compute_and_apply_vocabulary_1_vocabulary",
	} {
		c := newCtx(t, "HashTableV2", res, map[string]any{"key_dtype": tensor.String, "value_dtype": tensor.Int64})
		c.node = "transform/" + feat
		h := mustRun(t, c)[0]
		if err := initFromFile(t, res, assets, h, file, map[string]any{"key_index": WholeLine, "value_index": LineNumber}); err != nil {
			t.Fatal(err)
		}
		tables[feat] = h
	}
	f, err := os.Open(filepath.Join(dir, "testdata", "expected_aligned_sample.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var keys = map[string][]string{}
	var want = map[string][]int64{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var row struct {
			Raw map[string][]any `json:"raw"`
			T   map[string][]any `json:"transformed"`
		}
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatal(err)
		}
		for _, feat := range []string{"payment_type", "company"} {
			k := ""
			if v := row.Raw[feat]; len(v) > 0 {
				k = v[0].(string)
			}
			keys[feat] = append(keys[feat], k)
			want[feat] = append(want[feat], int64(row.T[feat+"_xf"][0].(float64)))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for feat, h := range tables {
		n := len(keys[feat])
		kt := strs([]int{n, 1}, keys[feat]...)
		ids := tensor.MustValues[int64](find(t, res, h, kt, tensor.Scalar(int64(-1))))
		size := tensor.MustValues[int64](mustRun(t, newCtx(t, "LookupTableSizeV2", res, nil), h)[0])[0]
		buckets := tensor.MustValues[int64](mustRun(t, newCtx(t, "StringToHashBucketFast", res, map[string]any{"num_buckets": 10}), kt)[0])
		oov := 0
		for i := range ids {
			got := ids[i]
			if got < 0 {
				got = size + buckets[i]
				oov++
			}
			if got != want[feat][i] {
				t.Errorf("%s %q: got %d, TF wrote %d", feat, keys[feat][i], got, want[feat][i])
			}
		}
		if oov == 0 {
			t.Errorf("%s: no OOV rows exercised the hash buckets", feat)
		}
		t.Logf("%s: %d rows, %d OOV, vocab %d", feat, n, oov, size)
	}
}

func FuzzReadTextFileTable(f *testing.F) {
	f.Add([]byte("Cash\nCredit Card\nNo Charge\n"), int64(-2), int64(-1), int64(-1))
	f.Add([]byte("a\t1\r\nb\t2"), int64(0), int64(1), int64(2))
	f.Add([]byte("\n\n"), int64(1), int64(0), int64(-1))
	f.Fuzz(func(t *testing.T, data []byte, ki, vi, vocab int64) {
		spec := TextFileSpec{KeyIndex: ki%4 - 2, ValueIndex: vi%4 - 2, VocabSize: vocab % 8, Delimiter: '\t'}
		kt, vt := tensor.String, tensor.Int64
		if spec.KeyIndex == LineNumber {
			kt = tensor.Int64
		}
		if spec.ValueIndex == WholeLine {
			vt = tensor.String
		}
		keys, vals, err := ReadTextFileTable("fuzz", data, spec, kt, vt)
		if err != nil {
			return
		}
		if keys.NumElements() != vals.NumElements() {
			t.Fatalf("%d keys, %d values", keys.NumElements(), vals.NumElements())
		}
		tb, err := NewTable("fuzz", kt, vt, true)
		if err != nil {
			t.Fatal(err)
		}
		if err := tb.Import(keys, vals); err != nil {
			t.Fatal(err)
		}
	})
}
