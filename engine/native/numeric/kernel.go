package numeric

// microKernel adds A·B to the mr×nr tile at c (row stride ldc), where A is
// mr×k with element (r,p) at a[r*rs+p*ps] (a packed panel has rs=1, ps=mr;
// rows of a row-major matrix have rs=lda, ps=1) and b is a packed k×nr
// panel.
type microKernel func(k int, a []float32, rs, ps int, b, c []float32, ldc int)

// maskKernel adds A·B to the first nw (≤ nr) columns and the first rows
// rows of a 2mr×nr (or mr×nr) tile of C: rows r < mr of A at a[r*rs+p*ps], rows r ≥ mr at a2[(r-mr)*rs+p*ps]
// (so two packed panels, or 2·mr consecutive rows of a row-major matrix,
// feed one call); b is a packed k×nr panel.
// With add == 0 the tile is overwritten with A·B instead (C need not be
// initialized).
type maskKernel func(k int, a, a2 []float32, rs, ps int, b, c []float32, ldc, nw, rows, add int)

// pairKernel is a maskKernel over two adjacent B panels (see kernelSet)
// that can also finish the rows it stores: flags epiBias adds bias (from
// the tile's first column), epiRelu applies Relu, in that order, after
// any old value of C was added.
type pairKernel func(k int, a, a2 []float32, rs, ps int, b, b2, c []float32, ldc, nw2, rows, add int, bias []float32, flags int)

// Tile epilogue flags (pairKernel, tileEpi).
const (
	epiBias = 1 << iota
	epiRelu
)

// tileEpi is a bias (by column of C) and/or Relu applied to C as the
// product's last depth block stores it, so that C need not be read again.
type tileEpi struct {
	bias []float32 // nil: none
	relu bool
}

func (e *tileEpi) flags() int {
	f := 0
	if e.bias != nil {
		f |= epiBias
	}
	if e.relu {
		f |= epiRelu
	}
	return f
}

// apply finishes rows [0, rows) × columns [j, j+nw) of c (row stride ldc,
// starting at c[0] for column 0) in Go, for the kernels without flags.
func (e *tileEpi) apply(c []float32, ldc, rows, j, nw int) {
	for r := 0; r < rows; r++ {
		row := c[r*ldc+j : r*ldc+j+nw]
		switch {
		case e.bias != nil && e.relu:
			biasReluRow(row, row, e.bias[j:j+nw])
		case e.bias != nil:
			biasAddT(row, row, e.bias[j:j+nw], 1, nw)
		case e.relu:
			reluF32(row, row)
		}
	}
}

// kernelSet is the micro-kernels one product uses: six is the mr×nr
// kernel every machine has; wide (2mr×nr) and six masked (mr×nr, column
// tails without a scratch tile) are nil where the CPU lacks them.
type kernelSet struct {
	six       microKernel
	wide, sim maskKernel
	// wide2 and sim2, where not nil, compute 2mr (sim2: mr) rows × two
	// adjacent B panels (2nr columns) at once: rows of A as for wide, b
	// and b2 the panels (b2 follows b in the packed block), all of b's
	// columns and the first nw2 of b2's, the first rows rows of C.
	wide2, sim2 pairKernel
}

// kernel is the micro-kernel set in use: AVX-512 or AVX2+FMA where the CPU
// has them.
var kernel = bestKernel()

// kernelGo is the portable micro-kernel: one row at a time with the 16
// accumulators in locals, so the compiler keeps them in registers.
func kernelGo(k int, a []float32, rs, ps int, b, c []float32, ldc int) {
	b = b[:k*nr]
	for r := 0; r < mr; r++ {
		var c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15 float32
		ai := r * rs
		for p := 0; p < k; p++ {
			av := a[ai]
			ai += ps
			bp := (*[nr]float32)(b[p*nr:])
			c0 += av * bp[0]
			c1 += av * bp[1]
			c2 += av * bp[2]
			c3 += av * bp[3]
			c4 += av * bp[4]
			c5 += av * bp[5]
			c6 += av * bp[6]
			c7 += av * bp[7]
			c8 += av * bp[8]
			c9 += av * bp[9]
			c10 += av * bp[10]
			c11 += av * bp[11]
			c12 += av * bp[12]
			c13 += av * bp[13]
			c14 += av * bp[14]
			c15 += av * bp[15]
		}
		row := (*[nr]float32)(c[r*ldc:])
		row[0] += c0
		row[1] += c1
		row[2] += c2
		row[3] += c3
		row[4] += c4
		row[5] += c5
		row[6] += c6
		row[7] += c7
		row[8] += c8
		row[9] += c9
		row[10] += c10
		row[11] += c11
		row[12] += c12
		row[13] += c13
		row[14] += c14
		row[15] += c15
	}
}
