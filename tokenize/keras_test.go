package tokenize

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
)

const smsFixture = "sms_spam_embedding_mlp_tf2"

// readPandasTSV reads a tab-separated file the way pandas.read_csv(sep="\t",
// header=None) does with its default quoting: a field that starts with a
// double quote runs to the closing quote ("" is a quote) and may span lines;
// text after the closing quote is appended; blank lines are skipped.
func readPandasTSV(data string) [][]string {
	var rows [][]string
	var row []string
	var field []byte
	inField := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '"' && !inField:
			inField = true
			for i++; i < len(data); i++ {
				if data[i] == '"' {
					if i+1 < len(data) && data[i+1] == '"' {
						field = append(field, '"')
						i++
						continue
					}
					break
				}
				field = append(field, data[i])
			}
		case c == '\t':
			row = append(row, string(field))
			field, inField = field[:0], false
		case c == '\n':
			if inField || len(row) > 0 {
				row = append(row, string(field))
				rows = append(rows, row)
			}
			row, field, inField = nil, field[:0], false
		default:
			inField = true
			field = append(field, c)
		}
	}
	if inField || len(row) > 0 {
		rows = append(rows, append(row, string(field)))
	}
	return rows
}

func smsVocab(t testing.TB) (*Vocab, string) {
	dir := fixtures.SavedModel(t, smsFixture)
	v, err := LoadVocab(filepath.Join(dir, "tokenizer_word_index.derived.json"))
	if err != nil {
		t.Fatal(err)
	}
	return v, dir
}

// TestKerasSMSReference reproduces the padded id rows the fixture author
// computed with the pickled Keras Tokenizer for the first 100 test rows of
// SMSSpamCollection.csv.
func TestKerasSMSReference(t *testing.T) {
	v, dir := smsVocab(t)
	if v.Len() != 7953 || v.Keras == nil || v.Keras.Lower == nil || !*v.Keras.Lower || *v.Keras.Filters != DefaultFilters {
		t.Fatalf("vocabulary: %d words, keras config %+v", v.Len(), v.Keras)
	}
	enc, err := New(v.Options(Options{Padding: Post}))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "data", "SMSSpamCollection.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := readPandasTSV(string(data))
	if len(rows) != 5572 {
		t.Fatalf("read %d rows from SMSSpamCollection.csv, want 5572", len(rows))
	}
	var ref struct {
		Rows []struct {
			Row   int     `json:"row"`
			Label int     `json:"label"`
			IDs   []int64 `json:"ids"`
		} `json:"numpy_reference"`
	}
	readJSON(t, filepath.Join(dir, "reference.derived.json"), &ref)
	if len(ref.Rows) != 100 {
		t.Fatalf("reference has %d rows, want 100", len(ref.Rows))
	}
	row := make([]int64, 8)
	f32 := make([]float32, 8)
	for _, r := range ref.Rows {
		rec := rows[r.Row]
		if want := map[int]string{0: "ham", 1: "spam"}[r.Label]; rec[0] != want {
			t.Fatalf("row %d: label %q, reference says %d", r.Row, rec[0], r.Label)
		}
		enc.EncodeIDs(rec[1], row)
		if !slices.Equal(row, r.IDs) {
			t.Errorf("row %d %q: ids %v, want %v", r.Row, rec[1], row, r.IDs)
		}
		enc.EncodeFloat32(rec[1], f32)
		for i := range f32 {
			if int64(f32[i]) != r.IDs[i] {
				t.Errorf("row %d: float32 ids %v, want %v", r.Row, f32, r.IDs)
				break
			}
		}
	}
}

// TestKerasSMSExpectedFeeds checks the 20 feed rows of
// expected_outputs.derived.json against the texts listed with them.
func TestKerasSMSExpectedFeeds(t *testing.T) {
	v, dir := smsVocab(t)
	var exp struct {
		Inputs [][]float64 `json:"inputs"`
		Notes  []struct {
			Text  string `json:"text"`
			Known int    `json:"n_known_tokens"`
		} `json:"input_notes"`
	}
	readJSON(t, filepath.Join(dir, "expected_outputs.derived.json"), &exp)
	if len(exp.Notes) != 20 || len(exp.Inputs) != 20 {
		t.Fatalf("expected_outputs: %d notes, %d inputs", len(exp.Notes), len(exp.Inputs))
	}
	enc, err := New(Options{Mode: ModeKeras, Vocab: v, MaxLen: 8, Padding: Post, Truncating: Pre})
	if err != nil {
		t.Fatal(err)
	}
	row := make([]float32, enc.MaxLen())
	for i, note := range exp.Notes {
		n := enc.EncodeFloat32(note.Text, row)
		if n != note.Known {
			t.Errorf("feed %d %q: %d known tokens, want %d", i, note.Text, n, note.Known)
		}
		for j := range row {
			if float64(row[j]) != exp.Inputs[i][j] {
				t.Errorf("feed %d %q: %v, want %v", i, note.Text, row, exp.Inputs[i])
				break
			}
		}
	}
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
