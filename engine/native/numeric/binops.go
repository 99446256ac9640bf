package numeric

import (
	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

// Entry lists per op, one per dtype TensorFlow registers on CPU.

func arithAll(f32 binFn[float32, float32], f64 func(x, y float64) float64, i32 func(x, y int32) int32,
	i64 func(x, y int64) int64, u8 func(x, y uint8) uint8, i8 func(x, y int8) int8, i16 func(x, y int16) int16,
	u16 func(x, y uint16) uint16, u32 func(x, y uint32) uint32, u64 func(x, y uint64) uint64) []binEntry {
	return []binEntry{binLoop(f32), bin(f64), bin(i32), bin(i64), bin(u8), bin(i8), bin(i16), bin(u16), bin(u32), bin(u64)}
}

func ordered(f32 func(x, y float32) bool, f64 func(x, y float64) bool, i32 func(x, y int32) bool,
	i64 func(x, y int64) bool, u8 func(x, y uint8) bool, i8 func(x, y int8) bool, i16 func(x, y int16) bool,
	u16 func(x, y uint16) bool, u32 func(x, y uint32) bool, u64 func(x, y uint64) bool) []binEntry {
	return []binEntry{bin(f32), bin(f64), bin(i32), bin(i64), bin(u8), bin(i8), bin(i16), bin(u16), bin(u32), bin(u64)}
}

func intsOnly(i32 func(x, y int32) int32, i64 func(x, y int64) int64, u8 func(x, y uint8) uint8, i8 func(x, y int8) int8,
	i16 func(x, y int16) int16, u16 func(x, y uint16) uint16, u32 func(x, y uint32) uint32, u64 func(x, y uint64) uint64) []binEntry {
	return []binEntry{bin(i32), bin(i64), bin(u8), bin(i8), bin(i16), bin(u16), bin(u32), bin(u64)}
}

var (
	addEntries   = arithAll(addF32, add[float64], add[int32], add[int64], add[uint8], add[int8], add[int16], add[uint16], add[uint32], add[uint64])
	subEntries   = arithAll(subF32, sub[float64], sub[int32], sub[int64], sub[uint8], sub[int8], sub[int16], sub[uint16], sub[uint32], sub[uint64])
	mulEntries   = arithAll(mulF32, mul[float64], mul[int32], mul[int64], mul[uint8], mul[int8], mul[int16], mul[uint16], mul[uint32], mul[uint64])
	sqdEntries   = arithAll(elem(sqdiff[float32]), sqdiff[float64], sqdiff[int32], sqdiff[int64], sqdiff[uint8], sqdiff[int8], sqdiff[int16], sqdiff[uint16], sqdiff[uint32], sqdiff[uint64])
	maxEntries   = arithAll(elem(maxF[float32]), maxF[float64], maxI[int32], maxI[int64], maxI[uint8], maxI[int8], maxI[int16], maxI[uint16], maxI[uint32], maxI[uint64])
	minEntries   = arithAll(elem(minF[float32]), minF[float64], minI[int32], minI[int64], minI[uint8], minI[int8], minI[int16], minI[uint16], minI[uint32], minI[uint64])
	truncDivInts = intsOnly(truncDivI[int32], truncDivI[int64], truncDivI[uint8], truncDivI[int8], truncDivI[int16], truncDivI[uint16], truncDivI[uint32], truncDivI[uint64])
	floorDivInts = intsOnly(floorDivI[int32], floorDivI[int64], floorDivI[uint8], floorDivI[int8], floorDivI[int16], floorDivI[uint16], floorDivI[uint32], floorDivI[uint64])
	floorModInts = intsOnly(floorModI[int32], floorModI[int64], floorModI[uint8], floorModI[int8], floorModI[int16], floorModI[uint16], floorModI[uint32], floorModI[uint64])
	powInts      = intsOnly(powI[int32], powI[int64], powI[uint8], powI[int8], powI[int16], powI[uint16], powI[uint32], powI[uint64])

	gtEntries = ordered(gt[float32], gt[float64], gt[int32], gt[int64], gt[uint8], gt[int8], gt[int16], gt[uint16], gt[uint32], gt[uint64])
	geEntries = ordered(ge[float32], ge[float64], ge[int32], ge[int64], ge[uint8], ge[int8], ge[int16], ge[uint16], ge[uint32], ge[uint64])
	ltEntries = ordered(lt[float32], lt[float64], lt[int32], lt[int64], lt[uint8], lt[int8], lt[int16], lt[uint16], lt[uint32], lt[uint64])
	leEntries = ordered(le[float32], le[float64], le[int32], le[int64], le[uint8], le[int8], le[int16], le[uint16], le[uint32], le[uint64])
	eqEntries = append(ordered(eq[float32], eq[float64], eq[int32], eq[int64], eq[uint8], eq[int8], eq[int16], eq[uint16], eq[uint32], eq[uint64]),
		bin(eq[string]), bin(eq[bool]), bin(eq[complex64]), bin(eq[complex128]))
	neEntries = append(ordered(ne[float32], ne[float64], ne[int32], ne[int64], ne[uint8], ne[int8], ne[int16], ne[uint16], ne[uint32], ne[uint64]),
		bin(ne[string]), bin(ne[bool]), bin(ne[complex64]), bin(ne[complex128]))
)

func floats(f32 func(x, y float32) float32, f64 func(x, y float64) float64) []binEntry {
	return []binEntry{bin(f32), bin(f64)}
}

// divKernel is a division-like op: floats use ff, integers ii after a check
// that no divisor is zero (TensorFlow: "Integer division by zero").
func divKernel(ff, ii []binEntry) op.Kernel {
	fk := binaryKernel(ff...)
	ik := binaryKernel(ii...)
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if in[1].DType().IsInteger() {
			if hasZero(in[1].Data()) {
				return nil, c.Errorf("Integer division by zero")
			}
			return ik(c, in)
		}
		return fk(c, in)
	}
}

func powKernel() op.Kernel {
	fk := binaryKernel(floats(powF[float32], powF[float64])...)
	ik := binaryKernel(powInts...)
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if in[1].DType().IsInteger() {
			if hasNegative(in[1].Data()) {
				return nil, c.Errorf("Integers to negative integer powers are not allowed")
			}
			return ik(c, in)
		}
		return fk(c, in)
	}
}

func hasZeroT[T number](v []T) bool {
	for _, x := range v {
		if x == 0 {
			return true
		}
	}
	return false
}

func hasZero(d any) bool {
	switch v := d.(type) {
	case []int32:
		return hasZeroT(v)
	case []int64:
		return hasZeroT(v)
	case []uint8:
		return hasZeroT(v)
	case []int8:
		return hasZeroT(v)
	case []int16:
		return hasZeroT(v)
	case []uint16:
		return hasZeroT(v)
	case []uint32:
		return hasZeroT(v)
	case []uint64:
		return hasZeroT(v)
	}
	return false
}

func hasNegative(d any) bool {
	switch v := d.(type) {
	case []int32:
		for _, x := range v {
			if x < 0 {
				return true
			}
		}
	case []int64:
		for _, x := range v {
			if x < 0 {
				return true
			}
		}
	case []int8:
		for _, x := range v {
			if x < 0 {
				return true
			}
		}
	case []int16:
		for _, x := range v {
			if x < 0 {
				return true
			}
		}
	}
	return false
}

func binaryDefs() []op.Def {
	spec := func(name string) string { return name + "(x: T, y: T) -> (z: T); T: type" }
	cmpSpec := func(name string) string { return name + "(x: T, y: T) -> (z: bool); T: type" }
	divF := floats(fdiv[float32], fdiv[float64])
	return []op.Def{
		{Spec: spec("Add"), Kernel: addKernel()},
		{Spec: spec("AddV2"), Kernel: addKernel()},
		{Spec: spec("Sub"), Kernel: binaryKernel(subEntries...)},
		{Spec: spec("Mul"), Kernel: binaryKernel(mulEntries...)},
		{Spec: spec("RealDiv"), Kernel: divKernel(divF, truncDivInts)},
		{Spec: spec("Div"), Kernel: divKernel(divF, truncDivInts)},
		{Spec: spec("TruncateDiv"), Kernel: divKernel(nil, truncDivInts)},
		{Spec: spec("DivNoNan"), Kernel: binaryKernel(floats(divNoNan[float32], divNoNan[float64])...)},
		{Spec: spec("FloorDiv"), Kernel: divKernel(floats(floorDivF[float32], floorDivF[float64]), floorDivInts)},
		{Spec: spec("FloorMod"), Kernel: divKernel(floats(floorModF[float32], floorModF[float64]), floorModInts)},
		{Spec: spec("Maximum"), Kernel: binaryKernel(maxEntries...)},
		{Spec: spec("Minimum"), Kernel: binaryKernel(minEntries...)},
		{Spec: spec("Pow"), Kernel: powKernel()},
		{Spec: spec("SquaredDifference"), Kernel: binaryKernel(sqdEntries...)},
		{Spec: cmpSpec("Greater"), Kernel: binaryKernel(gtEntries...)},
		{Spec: cmpSpec("GreaterEqual"), Kernel: binaryKernel(geEntries...)},
		{Spec: cmpSpec("Less"), Kernel: binaryKernel(ltEntries...)},
		{Spec: cmpSpec("LessEqual"), Kernel: binaryKernel(leEntries...)},
		{Spec: cmpSpec("Equal") + "; incompatible_shape_error: bool = true", Kernel: equality(false, eqEntries)},
		{Spec: cmpSpec("NotEqual") + "; incompatible_shape_error: bool = true", Kernel: equality(true, neEntries)},
		{Spec: "LogicalAnd(x: bool, y: bool) -> (z: bool)", Kernel: binaryKernel(bin(and))},
		{Spec: "LogicalOr(x: bool, y: bool) -> (z: bool)", Kernel: binaryKernel(bin(or))},
	}
}

// addKernel also adds strings (TensorFlow registers Add/AddV2 for string:
// concatenation).
func addKernel() op.Kernel {
	return binaryKernel(append(append([]binEntry(nil), addEntries...), bin(func(x, y string) string { return x + y }))...)
}

// equality is Equal / NotEqual: with incompatible_shape_error=false,
// operands that do not broadcast compare as a scalar false (Equal) or true
// (NotEqual) instead of failing.
func equality(isNot bool, entries []binEntry) op.Kernel {
	k := binaryKernel(entries...)
	return func(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		strict, err := op.Bool(c, "incompatible_shape_error")
		if err != nil {
			return nil, err
		}
		if !strict {
			if _, ok := broadcastShape(in[0].Shape(), in[1].Shape()); !ok {
				return []*tensor.Tensor{tensor.Scalar(isNot)}, nil
			}
		}
		return k(c, in)
	}
}
