package tokenize_test

import (
	"fmt"

	"github.com/scorekit/score/tokenize"
)

func ExampleEncoder_EncodeIDs() {
	v, err := tokenize.NewVocab(map[string]int64{"the": 1, "movie": 2, "was": 3, "great": 4})
	if err != nil {
		panic(err)
	}
	e, err := tokenize.New(tokenize.Options{Mode: tokenize.ModeKeras, Vocab: v, MaxLen: 6})
	if err != nil {
		panic(err)
	}
	row := make([]int64, e.MaxLen())
	n := e.EncodeIDs("The movie was GREAT, truly!", row)
	fmt.Println(row, n)
	// Output: [0 0 1 2 3 4] 4
}

func ExampleEncoder_Split() {
	e, _ := tokenize.New(tokenize.Options{Mode: tokenize.ModeSpacy})
	fmt.Printf("%q\n", e.Split("Don't stop (U.S.) e.g. $3.50!", nil))
	// Output: ["do" "n't" "stop" "(" "u.s." ")" "e.g." "$" "3.50" "!"]
}
