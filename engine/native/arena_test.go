package native

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/savedmodel/metamodel"
	"github.com/scorekit/score/tensor"
)

// TestArenaRecyclesBuffers runs a meta model on alternating batches from
// several goroutines: the conv outputs are then written into buffers an
// earlier run used (dirty), and every result must still equal the
// independent reference. The pool must hold buffers between runs.
func TestArenaRecyclesBuffers(t *testing.T) {
	for _, poisoned := range []bool{false, true} {
		t.Run(fmt.Sprintf("poisoned=%v", poisoned), func(t *testing.T) {
			if poisoned {
				defer PoisonLoans()()
			}
			testArenaRecycles(t)
		})
	}
}

// loadSmallMeta writes and loads cfg's meta model (closed when t ends).
func loadSmallMeta(t *testing.T, cfg metamodel.Config) (*Model, *metamodel.Params) {
	t.Helper()
	dir, params := writeSmallMeta(t, cfg)
	m, err := New().Load(context.Background(), dir, engine.LoadOptions{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m.(*Model), params
}

func testArenaRecycles(t *testing.T) {
	cfg := smallMeta()
	nm, params := loadSmallMeta(t, cfg)
	type batch struct {
		tok  *tensor.Tensor
		want [][]float32
	}
	var batches []batch
	for i, rows := range []int{6, 6, 3} {
		tok, want := metaBatch(t, cfg, params, rows, uint64(20+i))
		batches = append(batches, batch{tok, want})
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 6 {
				b := batches[(g+i)%len(batches)]
				out, err := nm.Run(context.Background(), map[string]*tensor.Tensor{metamodel.InputKey: b.tok})
				if err != nil {
					errs <- err
					return
				}
				for h := range cfg.Heads {
					got := tensor.MustValues[float32](out[metamodel.HeadName(h)])
					for r := range b.want {
						if d := math.Abs(float64(got[r] - b.want[r][h])); d > 2e-5 {
							errs <- fmt.Errorf("goroutine %d run %d: row %d head %d: %g, reference %g", g, i, r, h, got[r], b.want[r][h])
							return
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	p, err := nm.sess.graphPlan(nm.sortedFeeds, nm.fetchNames, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !p.recycle {
		t.Fatal("the meta model's serving plan does not recycle buffers")
	}
	nm.sess.bufs.mu.Lock()
	held := nm.sess.bufs.held
	nm.sess.bufs.mu.Unlock()
	if held == 0 {
		t.Error("no buffers kept for reuse after the runs")
	}
}

// TestPoolOffHeap runs batches big enough for buffers of 64 KiB and more:
// on Linux those live outside the Go heap, results still equal the
// reference, and Close gives every pooled buffer back.
func TestPoolOffHeap(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("buffers live outside the Go heap on Linux only")
	}
	cfg := smallMeta()
	nm, params := loadSmallMeta(t, cfg)
	const rows = 512 // the embeddings are 512*24*8 floats: 384 KiB
	for i := range 3 {
		if i == 1 {
			// The first run of a fresh model already reuses buffers whose
			// values died earlier in the run.
			if made, lent := nm.sess.bufs.made.Load(), nm.sess.bufs.lent.Load(); made >= lent {
				t.Errorf("first run: %d buffers made for %d loans, none reused within the run", made, lent)
			}
		}
		tok, want := metaBatch(t, cfg, params, rows, uint64(40+i))
		out, err := nm.Run(context.Background(), map[string]*tensor.Tensor{metamodel.InputKey: tok})
		if err != nil {
			t.Fatal(err)
		}
		for h := range cfg.Heads {
			got := tensor.MustValues[float32](out[metamodel.HeadName(h)])
			for r := range rows {
				if d := math.Abs(float64(got[r] - want[r][h])); d > 2e-5 {
					t.Fatalf("run %d row %d head %d: %g, reference %g", i, r, h, got[r], want[r][h])
				}
			}
		}
	}
	nm.sess.bufs.mu.Lock()
	offHeap := 0
	for k, l := range nm.sess.bufs.free {
		for _, b := range l {
			size := k.n * k.dt.Size()
			switch {
			case b.raw != nil && (size < 64<<10 || len(b.raw) != size):
				t.Errorf("%v[%d] off the heap in %d bytes", k.dt, k.n, len(b.raw))
			case b.raw != nil:
				offHeap++
			case size >= 64<<10:
				t.Errorf("%v[%d] (%d bytes) on the heap", k.dt, k.n, size)
			}
		}
	}
	nm.sess.bufs.mu.Unlock()
	if offHeap == 0 {
		t.Fatal("no pooled buffer lives outside the Go heap")
	}
	if err := nm.Close(); err != nil {
		t.Fatal(err)
	}
	if nm.sess.bufs.held != 0 || nm.sess.bufs.free != nil {
		t.Errorf("Close kept %d bytes of buffers", nm.sess.bufs.held)
	}
}

// TestArenaRefusedWhereValuesEscape checks that plans which could keep a
// value past the run (an Assign) do not borrow buffers.
func TestArenaRefusedWhereValuesEscape(t *testing.T) {
	s, err := newSession(assignGraph(t), New().ops, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		fetches, targets []string
		want             bool
	}{{[]string{"mm"}, nil, true}, {nil, []string{"assign_one"}, false}} {
		p, err := s.graphPlan([]string{"x:0"}, c.fetches, c.targets)
		if err != nil {
			t.Fatal(err)
		}
		if p.recycle != c.want {
			t.Errorf("fetches %v targets %v: recycle %v, want %v", c.fetches, c.targets, p.recycle, c.want)
		}
	}
}
