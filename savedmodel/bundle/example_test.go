package bundle_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/scorekit/score/savedmodel/bundle"
	"github.com/scorekit/score/tensor"
)

func Example() {
	dir, _ := os.MkdirTemp("", "bundle")
	defer os.RemoveAll(dir)
	prefix := filepath.Join(dir, "variables", "variables")

	w, _ := bundle.Create(prefix)
	w.Add("dense/kernel", tensor.Must(tensor.Float, []int{2, 2}, []float32{1, 2, 3, 4}))
	w.Add("vocab", tensor.Must(tensor.String, []int{2}, []string{"[UNK]", "the"}))
	if err := w.Finish(); err != nil {
		fmt.Println(err)
		return
	}

	r, err := bundle.Open(prefix)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close() // tensors below may alias the mapped file: use them before Close
	for _, k := range r.Keys() {
		t, _ := r.Tensor(k)
		fmt.Println(k, t, t.Data())
	}
	// Output:
	// dense/kernel float32[2,2] [1 2 3 4]
	// vocab string[2] [[UNK] the]
}
