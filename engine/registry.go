package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
)

// Registry maps engine names to engines. The command builds one explicitly
// at start-up; there is no global registry and no init-time registration.
type Registry struct {
	engines map[string]Engine
	order   []string
}

// NewRegistry returns a registry holding the given engines, in preference
// order (used by Auto). A duplicate name panics: it is a programming error.
func NewRegistry(engines ...Engine) *Registry {
	r := &Registry{engines: map[string]Engine{}}
	for _, e := range engines {
		if _, dup := r.engines[e.Name()]; dup {
			panic("engine: duplicate engine " + e.Name())
		}
		r.engines[e.Name()] = e
		r.order = append(r.order, e.Name())
	}
	return r
}

// Names lists the registered engines in preference order.
func (r *Registry) Names() []string { return slices.Clone(r.order) }

// Get returns the named engine.
func (r *Registry) Get(name string) (Engine, error) {
	e, ok := r.engines[name]
	if !ok {
		return nil, fmt.Errorf("engine: unknown engine %q (have %v)", name, r.order)
	}
	return e, nil
}

// Auto is the name that picks the first engine, in preference order, that
// can load the model on this machine.
const Auto = "auto"

// Load loads dir with the named engine, or with Auto the first engine in
// preference order that is not ErrUnavailable. It returns the model and the
// errors of the engines it skipped (for a "chose native because ..." line).
func (r *Registry) Load(ctx context.Context, name, dir string, opts LoadOptions) (Model, []error, error) {
	if name != Auto {
		e, err := r.Get(name)
		if err != nil {
			return nil, nil, err
		}
		m, err := e.Load(ctx, dir, opts)
		return m, nil, err
	}
	var skipped []error
	for _, n := range r.order {
		m, err := r.engines[n].Load(ctx, dir, opts)
		if err == nil {
			return m, skipped, nil
		}
		if !errors.Is(err, ErrUnavailable) {
			return nil, skipped, err
		}
		skipped = append(skipped, fmt.Errorf("%s: %w", n, err))
	}
	return nil, skipped, fmt.Errorf("engine: no engine could load %s: %w", dir, errors.Join(skipped...))
}

func sortStrings(s []string) { sort.Strings(s) }
