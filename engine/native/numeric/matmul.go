package numeric

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// matmulT is the reference-speed GEMM for non-float32 types: C = op(A)·op(B).
func matmulT[T number](ta, tb bool, m, n, k int, a, b, c []T) {
	for i := 0; i < m; i++ {
		row := c[i*n : i*n+n]
		for p := 0; p < k; p++ {
			var av T
			if ta {
				av = a[p*m+i]
			} else {
				av = a[i*k+p]
			}
			if av == 0 {
				continue
			}
			if tb {
				for j := range row {
					row[j] += av * b[j*k+p]
				}
			} else {
				bp := b[p*n : p*n+n]
				for j := range row {
					row[j] += av * bp[j]
				}
			}
		}
	}
}

// matmul2D multiplies one pair of matrices stored flat into c, which must
// be zeroed. With cacheB, b is taken to be a weight whose packed form is
// worth caching (MatMul's b; not BatchMatMul's slices); trustB says it is
// a model constant (ConstInputs).
func matmul2D(threads int, ta, tb bool, m, n, k int, a, b, c any, cacheB, trustB bool) bool {
	switch av := a.(type) {
	case []float32:
		lda, ldb := k, n
		if ta {
			lda = m
		}
		if tb {
			ldb = k
		}
		// c is freshly zeroed: beta=1 accumulates into it without a clearing pass.
		if cacheB {
			sgemmWeights(trustB, ta, tb, m, n, k, 1, av, lda, b.([]float32), ldb, 1, c.([]float32), n, threads)
		} else {
			Sgemm(ta, tb, m, n, k, 1, av, lda, b.([]float32), ldb, 1, c.([]float32), n, threads)
		}
	case []float64:
		matmulT(ta, tb, m, n, k, av, b.([]float64), c.([]float64))
	case []int32:
		matmulT(ta, tb, m, n, k, av, b.([]int32), c.([]int32))
	case []int64:
		matmulT(ta, tb, m, n, k, av, b.([]int64), c.([]int64))
	default:
		return false
	}
	return true
}

func matMulK(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	ta, err := op.Bool(c, "transpose_a")
	if err != nil {
		return nil, err
	}
	tb, err := op.Bool(c, "transpose_b")
	if err != nil {
		return nil, err
	}
	a, b := in[0], in[1]
	if a.Rank() != 2 || b.Rank() != 2 {
		return nil, c.Errorf("In[0] and In[1] must be matrices, got %s and %s", a, b)
	}
	if a.DType() != b.DType() {
		return nil, c.Errorf("operands have different types %s and %s", a.DType(), b.DType())
	}
	m, k := a.Dim(0), a.Dim(1)
	if ta {
		m, k = k, m
	}
	k2, n := b.Dim(0), b.Dim(1)
	if tb {
		k2, n = n, k2
	}
	if k != k2 {
		return nil, c.Errorf("Matrix size-incompatible: In[0]: %s, In[1]: %s", tensor.ShapeString(a.Shape()), tensor.ShapeString(b.Shape()))
	}
	out, err := alloc(c, a.DType(), []int{m, n})
	if err != nil {
		return nil, err
	}
	if !matmul2D(c.Threads(), ta, tb, m, n, k, a.Data(), b.Data(), out.Data(), true, constInput(c, 1)) {
		return nil, c.Errorf("dtype %s is not supported", a.DType())
	}
	return []*tensor.Tensor{out}, nil
}

// batchMatMul implements BatchMatMul (no broadcasting of batch dims) and
// V2/V3 (batch dims broadcast).
func batchMatMul(broadcast bool) op.Kernel {
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		adjX, err := op.Bool(c, "adj_x")
		if err != nil {
			return nil, err
		}
		adjY, err := op.Bool(c, "adj_y")
		if err != nil {
			return nil, err
		}
		x, y := in[0], in[1]
		if x.Rank() < 2 || y.Rank() < 2 {
			return nil, c.Errorf("inputs must be at least rank 2, got %s and %s", x, y)
		}
		if x.DType() != y.DType() {
			// BatchMatMulV3 allows mixed types; cast y to x's type first.
			if y, err = castTensor(c, y, x.DType()); err != nil {
				return nil, err
			}
		}
		xb, yb := x.Shape()[:x.Rank()-2], y.Shape()[:y.Rank()-2]
		var bshape []int
		if broadcast {
			var ok bool
			if bshape, ok = broadcastShape(xb, yb); !ok {
				return nil, c.Errorf("In[0] and In[1] must have compatible batch dimensions: %s vs. %s",
					tensor.ShapeString(x.Shape()), tensor.ShapeString(y.Shape()))
			}
		} else {
			if !sameShape(xb, yb) {
				return nil, c.Errorf("In[0] and In[1] must have the same batch dimensions: %s vs. %s",
					tensor.ShapeString(x.Shape()), tensor.ShapeString(y.Shape()))
			}
			bshape = xb
		}
		m, k := x.Dim(-2), x.Dim(-1)
		if adjX {
			m, k = k, m
		}
		k2, n := y.Dim(-2), y.Dim(-1)
		if adjY {
			k2, n = n, k2
		}
		if k != k2 {
			return nil, c.Errorf("Matrix size-incompatible: In[0]: %s, In[1]: %s", tensor.ShapeString(x.Shape()), tensor.ShapeString(y.Shape()))
		}
		oshape := append(append([]int(nil), bshape...), m, n)
		out, err := alloc(c, x.DType(), oshape)
		if err != nil {
			return nil, err
		}
		nb := prod(bshape)
		sx, sy := bstrides(xb, bshape), bstrides(yb, bshape)
		xs, ys := m*k, k*n
		ok := true
		forEachIndex(bshape, func(i int, pos []int) {
			ox, oy := 0, 0
			for d, p := range pos {
				ox += p * sx[d]
				oy += p * sy[d]
			}
			ok = ok && matmul2D(c.Threads(), adjX, adjY, m, n, k,
				sub1(x.Data(), ox*xs, xs), sub1(y.Data(), oy*ys, ys), sub1(out.Data(), i*m*n, m*n), false, false)
		})
		_ = nb
		if !ok {
			return nil, c.Errorf("dtype %s is not supported", x.DType())
		}
		if v, has := c.Attr("Tout"); has { // BatchMatMulV3
			if tv, isType := v.Value.(*tfpb.AttrValue_Type); isType && tensor.DType(tv.Type) != out.DType() {
				return one(castTensor(c, out, tensor.DType(tv.Type)))
			}
		}
		return []*tensor.Tensor{out}, nil
	}
}

// sub1 slices a flat numeric slice.
func sub1(d any, off, n int) any {
	switch v := d.(type) {
	case []float32:
		return v[off : off+n]
	case []float64:
		return v[off : off+n]
	case []int32:
		return v[off : off+n]
	case []int64:
		return v[off : off+n]
	}
	return d
}

func matmulDefs() []op.Def {
	return []op.Def{
		{Spec: "MatMul(a: T, b: T) -> (product: T); transpose_a: bool = false; transpose_b: bool = false; T: type; grad_a: bool = false; grad_b: bool = false", Kernel: matMulK},
		{Spec: "BatchMatMul(x: T, y: T) -> (output: T); T: type; adj_x: bool = false; adj_y: bool = false", Kernel: batchMatMul(false)},
		{Spec: "BatchMatMulV2(x: T, y: T) -> (output: T); T: type; adj_x: bool = false; adj_y: bool = false", Kernel: batchMatMul(true)},
		{Spec: "BatchMatMulV3(x: Ta, y: Tb) -> (output: Tout); Ta: type; Tb: type; Tout: type; adj_x: bool = false; adj_y: bool = false; grad_x: bool = false; grad_y: bool = false", Kernel: batchMatMul(true)},
	}
}
