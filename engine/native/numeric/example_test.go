package numeric_test

import (
	"fmt"

	"github.com/scorekit/score/engine/native/numeric"
	"github.com/scorekit/score/engine/native/op"
)

// Sgemm multiplies row-major matrices: here C = A·Bᵀ with A 2×3, B 2×3.
func ExampleSgemm() {
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{1, 0, 1, 0, 1, 0}
	c := make([]float32, 4)
	numeric.Sgemm(false, true, 2, 2, 3, 1, a, 3, b, 3, 0, c, 2, 1)
	fmt.Println(c)
	// Output: [4 2 10 5]
}

// Register fills an op table the native executor looks ops up in.
func ExampleRegister() {
	s := op.NewSet()
	numeric.Register(s)
	d, _ := s.Lookup("MatMul")
	fmt.Println(d.Outputs[0].Name, len(s.Names()) > 100)
	// Output: product true
}
