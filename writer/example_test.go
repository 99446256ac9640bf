package writer_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/scorekit/score/writer"
)

func Example() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "scores.csv")

	schema := writer.Schema{
		Fields:  []string{"label"},
		Outputs: []writer.Column{{Name: "spam", Width: 1}, {Name: "sentiment", Width: 2, Names: []string{"neg", "pos"}}},
	}
	w, err := writer.Create(path, schema, writer.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	err = w.Write([]writer.Row{
		{ID: "a", Source: "in.csv", Row: 0, Fields: []string{"ham"}, Scores: []float32{0.125, 0.75, 0.25}},
		{ID: "b", Source: "in.csv", Row: 1, Fields: []string{"spam"}, Error: "in.csv: row 1: text is not UTF-8"},
	})
	if err != nil {
		w.Abort()
		fmt.Println(err)
		return
	}
	if err := w.Close(); err != nil { // only now does scores.csv exist
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(path)
	fmt.Print(string(b))
	// Output:
	// id,source,row,label,spam,sentiment_neg,sentiment_pos,error,warning
	// a,in.csv,0,ham,0.125,0.75,0.25,,
	// b,in.csv,1,spam,,,,in.csv: row 1: text is not UTF-8,
}
