package flowops

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/scorekit/score/tensor"
)

func i32(v int32) *tensor.Tensor { return tensor.Scalar(v) }

func TestWhileCounts(t *testing.T) {
	for _, opName := range []string{"While", "StatelessWhile"} {
		c := newCtx(t, opName, nil, map[string]any{"cond": fn("cond"), "body": fn("body"),
			"T": []tensor.DType{tensor.Int32, tensor.Float}})
		calls := 0
		c.funcs["cond"] = func(a []*tensor.Tensor) ([]*tensor.Tensor, error) {
			return []*tensor.Tensor{tensor.Scalar(tensor.MustValues[int32](a[0])[0] < 10)}, nil
		}
		c.funcs["body"] = func(a []*tensor.Tensor) ([]*tensor.Tensor, error) {
			calls++
			i := tensor.MustValues[int32](a[0])[0]
			acc := tensor.MustValues[float32](a[1])[0]
			return []*tensor.Tensor{i32(i + 1), tensor.Scalar(acc * 2)}, nil
		}
		out := mustRun(t, c, i32(3), tensor.Scalar(float32(1)))
		if tensor.MustValues[int32](out[0])[0] != 10 || tensor.MustValues[float32](out[1])[0] != 128 || calls != 7 {
			t.Errorf("%s: got i=%v acc=%v after %d bodies", opName, out[0].Data(), out[1].Data(), calls)
		}
		// Zero iterations return the inputs.
		out = mustRun(t, c, i32(12), tensor.Scalar(float32(5)))
		if tensor.MustValues[int32](out[0])[0] != 12 || tensor.MustValues[float32](out[1])[0] != 5 {
			t.Errorf("%s: zero-trip loop changed its vars", opName)
		}
	}
}

func TestWhileStopsOnCancel(t *testing.T) {
	c := newCtx(t, "While", nil, map[string]any{"cond": fn("true"), "body": fn("id"), "T": []tensor.DType{tensor.Int32}})
	ctx, cancel := context.WithCancel(context.Background())
	c.ctx = ctx
	n := 0
	c.funcs["true"] = func([]*tensor.Tensor) ([]*tensor.Tensor, error) {
		return []*tensor.Tensor{tensor.Scalar(int32(1))}, nil // non-bool truthy cond
	}
	c.funcs["id"] = func(a []*tensor.Tensor) ([]*tensor.Tensor, error) {
		if n++; n == 50 {
			cancel()
		}
		return a, nil
	}
	_, err := run(c, i32(0))
	if !errors.Is(err, context.Canceled) || n != 50 {
		t.Errorf("err = %v after %d iterations", err, n)
	}
	c.funcs["id"] = func(a []*tensor.Tensor) ([]*tensor.Tensor, error) { return nil, nil }
	c.ctx = context.Background()
	if _, err := run(c, i32(0)); err == nil {
		t.Error("body returning the wrong number of values accepted")
	}
}

func TestTruthy(t *testing.T) {
	cases := []struct {
		t    *tensor.Tensor
		want bool
	}{
		{tensor.Scalar(true), true},
		{tensor.Scalar(false), false},
		{tensor.Scalar(int64(0)), false},
		{tensor.Scalar(float32(-0.5)), true},
		{tensor.Scalar(""), false},
		{tensor.Scalar("x"), true},
		{tensor.Must(tensor.Bool, []int{1}, []bool{false}), true}, // non-scalar: non-empty
		{tensor.Must(tensor.Int32, []int{0}, []int32{}), false},
	}
	for _, cs := range cases {
		if got, err := Truthy(cs.t); err != nil || got != cs.want {
			t.Errorf("Truthy(%s %v) = %v, %v; want %v", cs.t, cs.t.Data(), got, err, cs.want)
		}
	}
}

func TestIfAndCase(t *testing.T) {
	for _, opName := range []string{"If", "StatelessIf"} {
		c := newCtx(t, opName, nil, map[string]any{"then_branch": fn("then"), "else_branch": fn("else"),
			"Tcond": tensor.Bool, "Tin": []tensor.DType{tensor.Int32}, "Tout": []tensor.DType{tensor.Int32}})
		c.funcs["then"] = func(a []*tensor.Tensor) ([]*tensor.Tensor, error) {
			return []*tensor.Tensor{i32(tensor.MustValues[int32](a[0])[0] + 1)}, nil
		}
		c.funcs["else"] = func(a []*tensor.Tensor) ([]*tensor.Tensor, error) {
			return []*tensor.Tensor{i32(tensor.MustValues[int32](a[0])[0] - 1)}, nil
		}
		if got := tensor.MustValues[int32](mustRun(t, c, tensor.Scalar(true), i32(5))[0])[0]; got != 6 {
			t.Errorf("%s true -> %d", opName, got)
		}
		if got := tensor.MustValues[int32](mustRun(t, c, tensor.Scalar(""), i32(5))[0])[0]; got != 4 {
			t.Errorf("%s empty string -> %d", opName, got)
		}
	}
	c := newCtx(t, "Case", nil, map[string]any{"branches": []fn{"b0", "b1", "b2"},
		"Tin": []tensor.DType{}, "Tout": []tensor.DType{tensor.Int32}})
	for i := int32(0); i < 3; i++ {
		v := i
		c.funcs["b"+string(rune('0'+i))] = func([]*tensor.Tensor) ([]*tensor.Tensor, error) { return []*tensor.Tensor{i32(v)}, nil }
	}
	for idx, want := range map[int32]int32{0: 0, 1: 1, 2: 2, 7: 2, -1: 2} {
		if got := tensor.MustValues[int32](mustRun(t, c, i32(idx))[0])[0]; got != want {
			t.Errorf("Case(%d) ran branch %d, want %d", idx, got, want)
		}
	}
}

func TestAssert(t *testing.T) {
	c := newCtx(t, "Assert", nil, map[string]any{"T": []tensor.DType{tensor.String, tensor.Int64}})
	data := []*tensor.Tensor{tensor.Scalar("Input to reshape has bad size:"), tensor.Must(tensor.Int64, []int{5}, []int64{1, 2, 3, 4, 5})}
	if _, err := run(c, append([]*tensor.Tensor{tensor.Scalar(true)}, data...)...); err != nil {
		t.Fatalf("true assert failed: %v", err)
	}
	_, err := run(c, append([]*tensor.Tensor{tensor.Scalar(false)}, data...)...)
	if err == nil || !strings.Contains(err.Error(), "assertion failed: [Input to reshape has bad size:] [1 2 3...]") {
		t.Errorf("err = %v", err)
	}
	if got := Render(tensor.Must(tensor.String, []int{2}, []string{"a", "b"}), -1); got != `["a" "b"]` {
		t.Errorf("Render = %s", got)
	}
}
