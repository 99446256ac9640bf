package numeric

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// Register adds every op of this package to s. It panics on a duplicate op
// (a programming error caught by the first test that builds the table).
func Register(s *op.Set) {
	for _, defs := range [][]op.Def{
		binaryDefs(), unaryDefs(), castDefs(), shapeDefs(), matmulDefs(), nnDefs(), reduceDefs(),
		convDefs(), poolDefs(), concatDefs(), gatherDefs(), sliceDefs(), permuteDefs(), miscDefs(), extraDefs(),
	} {
		for i := range defs {
			defs[i].Kernel = guarded(defs[i].Kernel)
		}
		s.Add(defs...)
	}
}

// guarded turns a panic inside a kernel (inputs whose dtypes contradict the
// node's attrs, which the kernels assume consistent) into an error naming
// the node, so one malformed graph cannot crash a batch run.
func guarded(k op.Kernel) op.Kernel {
	return func(c op.Context, in []*tensor.Tensor) (out []*tensor.Tensor, err error) {
		defer func() {
			if r := recover(); r != nil {
				out, err = nil, c.Errorf("invalid inputs %v: %v", in, r)
			}
		}()
		return k(c, in)
	}
}

func sliceDefs() []op.Def {
	return []op.Def{
		{Spec: "StridedSlice(input: T, begin: Index, end: Index, strides: Index) -> (output: T); T: type; Index: type; begin_mask: int = 0; end_mask: int = 0; ellipsis_mask: int = 0; new_axis_mask: int = 0; shrink_axis_mask: int = 0", Kernel: stridedSlice},
		{Spec: "Slice(input: T, begin: Index, size: Index) -> (output: T); T: type; Index: type", Kernel: sliceK},
	}
}
