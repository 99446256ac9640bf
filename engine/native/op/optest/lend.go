package optest

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// Lend is an op.Lender's Lend for test contexts: a fresh buffer filled with
// op.Poison's pattern, as an executor's recycled buffers hold stale values,
// so that an output element a kernel forgets to store fails the test.
func Lend(dt tensor.DType, n int) any {
	b, err := tensor.MakeSlice(dt, n)
	if err != nil {
		return nil
	}
	op.Poison(b)
	return b
}
