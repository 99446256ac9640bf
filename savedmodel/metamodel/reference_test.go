package metamodel

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// handParams builds a one-head model with weights chosen so the forward
// pass can be done on paper (see TestReferenceByHand).
func handParams() *Params {
	cfg := Config{SeqLen: 5, EmbedDim: 2, VocabSize: 5, Filters: []int{2}, Kernel: 2, Pool: 2, Dense: 2, Heads: 1}
	return &Params{
		Config: cfg,
		Vocab:  []string{"a", "b", "c"},
		// rows: pad, OOV, a, b, c
		Embedding: []float32{0, 0, 1, -1, 1, 0, 0, 1, 2, 1},
		Heads: []Head{{
			// W[k][c][o]: k0 = [[1,0],[0,1]], k1 = [[1,-1],[0,0]]
			Convs:  []Dense{{Kernel: []float32{1, 0, 0, 1, 1, -1, 0, 0}, Bias: []float32{0, 0.5}}},
			Hidden: Dense{Kernel: []float32{1, -1, 2, 0.5}, Bias: []float32{-1, 0}},
			Out:    Dense{Kernel: []float32{0.5, 3}, Bias: []float32{-2}},
		}},
	}
}

func TestReferenceByHand(t *testing.T) {
	p := handParams()
	rows := [][]string{
		// ids 2 1 4 0 3; x = [1,0] [1,-1] [2,1] [0,0] [0,1]
		// conv y0 = x0[t]+x0[t+1], y1 = x1[t]-x0[t+1]+0.5, relu:
		//   t0 (2, 0) t1 (3, 0) t2 (2, 1.5) t3 (0, 0.5); max (3, 1.5)
		// hidden: relu(3+3-1)=5, relu(-3+0.75)=0; z = 2.5 - 2 = 0.5
		{"a", "zzz", "c", "", "b"},
		// all padding: conv (0, 0.5) everywhere; hidden relu(1-1)=0,
		// relu(0.25)=0.25; z = 0.75 - 2 = -1.25
		{"", "", "", "", ""},
		// "A" and "Zzz" are unknown like "zzz": same as row 0 but with
		// ids 1 1 4 0 3: x0 = [1,-1] -> t0 (2, -0.5->0); max (3, 1.5)
		{"A", "Zzz", "c", "", "b"},
	}
	want := []float64{sigmoid(0.5), sigmoid(-1.25), sigmoid(0.5)}
	got, err := Reference(p, rows)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if math.Abs(float64(got[i][0])-want[i]) > 1e-7 {
			t.Errorf("row %d: got %.8f, want %.8f", i, got[i][0], want[i])
		}
	}
	if _, err := Reference(p, [][]string{{"a"}}); err == nil {
		t.Error("a short row was accepted")
	}
}

// TestReferencePoolDropsTail: with Pool 2 over 5 conv steps, VALID pooling
// covers steps 0-3 only, so the last token cannot change the output.
func TestReferencePoolDropsTail(t *testing.T) {
	cfg := Config{SeqLen: 5, EmbedDim: 1, VocabSize: 5, Filters: []int{1, 1}, Kernel: 1, Pool: 2, Dense: 1, Heads: 1}
	p := &Params{
		Config:    cfg,
		Vocab:     []string{"a", "b", "c"},
		Embedding: []float32{0, 0.5, 1, 2, 100},
		Heads: []Head{{
			Convs:  []Dense{{Kernel: []float32{1}, Bias: []float32{0}}, {Kernel: []float32{2}, Bias: []float32{1}}},
			Hidden: Dense{Kernel: []float32{1}, Bias: []float32{0}},
			Out:    Dense{Kernel: []float32{0.1}, Bias: []float32{-1}},
		}},
	}
	got, err := Reference(p, [][]string{
		{"a", "b", "a", "a", ""},
		{"a", "b", "a", "a", "c"},
		{"c", "b", "a", "a", ""},
	})
	if err != nil {
		t.Fatal(err)
	}
	// pool: max(1,2)=2, max(1,1)=1; conv2: 5, 3; global max 5; z = 0.5-1.
	if w := sigmoid(-0.5); math.Abs(float64(got[0][0])-w) > 1e-7 || got[1][0] != got[0][0] {
		t.Errorf("rows 0, 1: %v, %v, want %.8f for both", got[0][0], got[1][0], w)
	}
	// "c" (100) in the first window: max 100 -> conv2 201 -> z = 20.1-1.
	if w := sigmoid(19.1); math.Abs(float64(got[2][0])-w) > 1e-7 {
		t.Errorf("row 2: %v, want %.8f", got[2][0], w)
	}
}

func TestIDs(t *testing.T) {
	p := handParams()
	got := p.IDs([]string{"", "a", "b", "c", "d", "A", " a"})
	want := []int{PadID, 2, 3, 4, OOVID, OOVID, OOVID}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("IDs = %v, want %v", got, want)
		}
	}
}

func writeJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
