package reader_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/scorekit/score/reader"
)

func Example() {
	dir, _ := os.MkdirTemp("", "reader-example")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "reviews.csv"), []byte("review,sentiment\r\n\"Great, really.\",positive\r\nDull.,negative\r\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.md"), []byte("not data"), 0o644)

	inputs, skipped, err := reader.ExpandReport([]string{dir}, reader.Options{SkipUnknown: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("skipped:", filepath.Base(skipped[0].Path), skipped[0].Reason)
	src, err := reader.OpenAll(inputs, reader.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer src.Close()
	fmt.Println("columns:", src.Columns())
	for {
		rec, err := src.Next(context.Background())
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %q %s\n", rec.ID, rec.Text, rec.Fields["sentiment"])
	}
	fmt.Printf("%+v\n", src.Stats())
	// Output:
	// skipped: notes.md unknown file type
	// columns: [sentiment]
	// reviews.csv:1 "Great, really." positive
	// reviews.csv:2 "Dull." negative
	// {Records:2 Errors:0 Repaired:0 Nulls:0}
}
