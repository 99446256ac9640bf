package native

import (
	"github.com/scorekit/score/engine/native/flowops"
	"github.com/scorekit/score/engine/native/numeric"
	"github.com/scorekit/score/engine/native/textops"
)

// New returns the native engine with the full op table: core, numeric,
// text and control-flow kernels.
func New() *Engine {
	return NewWithOps(numeric.Register, textops.Register, flowops.Register)
}
