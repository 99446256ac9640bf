package op

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/scorekit/score/tensor"
)

// Resources is a session's resource store: variables, lookup tables and
// other stateful objects, keyed by (container, shared_name) or, for TF1
// VariableV2, by node name. A DT_RESOURCE tensor holds the resource objects
// themselves as []any elements. Safe for concurrent use.
type Resources struct {
	mu sync.Mutex
	m  map[string]any
}

// NewResources returns an empty store.
func NewResources() *Resources { return &Resources{m: map[string]any{}} }

// LookupOrCreate returns the resource under key, creating it with create the
// first time. create runs under the store's lock and must not call back into
// the store.
func (r *Resources) LookupOrCreate(key string, create func() (any, error)) (any, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.m[key]; ok {
		return v, nil
	}
	v, err := create()
	if err != nil {
		return nil, err
	}
	r.m[key] = v
	return v, nil
}

// Lookup returns the resource under key.
func (r *Resources) Lookup(key string) (any, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.m[key]
	return v, ok
}

// Len is the number of resources (for tests and reports).
func (r *Resources) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.m)
}

// Variable is a resource variable (VarHandleOp) or a TF1 VariableV2.
// Reads return the current value; the value tensor is never modified in
// place, Assign replaces it, so a reader's tensor stays valid.
type Variable struct {
	Name  string
	DType tensor.DType
	Shape []int // declared; -1 unknown; nil unknown rank

	mu    sync.RWMutex
	value *tensor.Tensor
}

// Value returns the current value, or an error naming the variable when it
// was never assigned (TF: "Container localhost does not exist" / "uninitialized").
func (v *Variable) Value() (*tensor.Tensor, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.value == nil {
		return nil, fmt.Errorf("variable %s is uninitialized", v.Name)
	}
	return v.value, nil
}

// Assign replaces the value. The caller gives up the tensor.
func (v *Variable) Assign(t *tensor.Tensor) {
	v.mu.Lock()
	v.value = t
	v.mu.Unlock()
	generation.Add(1)
}

// generation counts variable assignments in this process.
var generation atomic.Uint64

// VariableGeneration changes whenever any variable is assigned (it counts
// assignments, process-wide): an executor that keeps values computed from
// variables may use them while it is unchanged. Assignments happen when a
// model is loaded and initialised, not while it serves, so the count is
// stable in practice; a spurious change only costs a recomputation.
func VariableGeneration() uint64 { return generation.Load() }

// ResourceArg returns the resource held by a scalar DT_RESOURCE input.
func ResourceArg[T any](c Context, t *tensor.Tensor) (T, error) {
	var zero T
	if t.DType() != tensor.Resource || t.NumElements() != 1 {
		return zero, c.Errorf("expected a scalar resource handle, got %s", t)
	}
	r, ok := tensor.MustValues[any](t)[0].(T)
	if !ok {
		return zero, c.Errorf("resource is %T, want %T", tensor.MustValues[any](t)[0], zero)
	}
	return r, nil
}

// ResourceTensor wraps a resource object as a scalar DT_RESOURCE tensor.
func ResourceTensor(r any) *tensor.Tensor {
	return tensor.Must(tensor.Resource, nil, []any{r})
}
