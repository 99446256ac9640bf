package native_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/native"
	"github.com/scorekit/score/tensor"
)

// Load a SavedModel, run a batch, and report unsupported ops at once.
func ExampleEngine_Load() {
	e := native.New()
	m, err := e.Load(context.Background(), "path/to/saved_model", engine.LoadOptions{Signature: "serving_default"})
	var unsupported *engine.UnsupportedOpsError
	if errors.As(err, &unsupported) {
		log.Fatalf("the native engine cannot run this model: %v", unsupported)
	}
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	x := tensor.Must(tensor.Float, []int{3, 1}, []float32{2, 3, 4})
	out, err := m.Run(context.Background(), map[string]*tensor.Tensor{"x": x})
	if err != nil {
		log.Fatal(err) // e.g. "run serving_default: node .../embedding_lookup (ResourceGather): indices[1,3] = 20000 is not in [0, 7954)"
	}
	fmt.Println(out["y"])
}
