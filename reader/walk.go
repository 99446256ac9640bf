package reader

import (
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
)

// Inputs is a sequence of inputs that can be gone through more than once,
// in the same order each time: a List held in memory, or a Walk that holds
// none.
type Inputs interface {
	// All yields the inputs in order; an error ends the pass.
	All() iter.Seq2[Input, error]
}

// List is Inputs held in memory (Expand's result).
type List []Input

// All yields the list's inputs.
func (l List) All() iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		for _, in := range l {
			if !yield(in, nil) {
				return
			}
		}
	}
}

// Collect goes through inputs once and returns them as a list (for what
// needs them all at once, such as planning shards).
func Collect(inputs Inputs) ([]Input, error) {
	var out []Input
	for in, err := range inputs.All() {
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, nil
}

// Walk is the inputs ExpandReport finds for its arguments, in the same
// order, found again on each pass instead of held in a list: a directory of
// millions of files costs no memory per file. The one exception: when an
// argument lies inside another (or is named twice), each pass remembers
// the files it has named, to take a file named twice once. The files must
// not change during a run.
type Walk struct {
	args   []string
	opts   Options
	dedupe bool
	// cols: the inputs' columns, found by Scan (with opts), so that
	// OpenInputs need not walk again for them.
	cols    []string
	scanned bool
}

// WalkStats is what a pass over a Walk found.
type WalkStats struct {
	Inputs        int
	EstimatedRows int64 // the sum of the inputs' estimates; -1 when one is unknown
	Skipped       []Skipped
}

// errStop ends a pass whose consumer stopped.
var errStop = errors.New("reader: pass stopped")

// NewWalk checks opts and that every argument names a file, a directory or
// a glob with matches (the errors Expand gives), and reads nothing yet.
func NewWalk(args []string, opts Options) (*Walk, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if err := checkFormat(opts.Format); err != nil {
		return nil, err
	}
	var roots []string
	for _, arg := range args {
		matches := []string{arg}
		if _, err := os.Stat(arg); err != nil {
			if !os.IsNotExist(err) || !strings.ContainsAny(arg, "*?[") {
				return nil, fmt.Errorf("expand %s: %w", arg, err)
			}
			m, gerr := filepath.Glob(arg)
			if gerr != nil {
				return nil, fmt.Errorf("expand %s: %w: %w", arg, ErrNoMatch, gerr)
			}
			if len(m) == 0 {
				return nil, fmt.Errorf("expand %s: %w", arg, ErrNoMatch)
			}
			matches = m
		}
		for _, m := range matches {
			abs, err := filepath.Abs(m)
			if err != nil {
				return nil, fmt.Errorf("expand %s: %w", m, err)
			}
			roots = append(roots, abs)
		}
	}
	return &Walk{args: append([]string(nil), args...), opts: opts, dedupe: nested(roots)}, nil
}

// nested reports whether a path of roots (absolute, clean) equals another
// or lies inside it. Sorted with the separator first, a path is followed
// by the paths inside it, so neighbours tell (a root such as "/" ends in
// the separator already).
func nested(roots []string) bool {
	key := func(p string) string { return strings.ReplaceAll(p, string(filepath.Separator), "\x00") }
	keys := make([]string, len(roots))
	for i, r := range roots {
		keys[i] = key(r)
	}
	sort.Strings(keys)
	for i := 1; i < len(keys); i++ {
		if keys[i] == keys[i-1] || strings.HasPrefix(keys[i], strings.TrimSuffix(keys[i-1], "\x00")+"\x00") {
			return true
		}
	}
	return false
}

// All yields the inputs, finding them anew.
func (w *Walk) All() iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		e := w.expander(func(in Input) error {
			if !yield(in, nil) {
				return errStop
			}
			return nil
		})
		for _, arg := range w.args {
			if err := e.arg(arg); err != nil {
				if !errors.Is(err, errStop) {
					yield(Input{}, err)
				}
				return
			}
		}
	}
}

// Scan goes through the inputs once and counts them; it also learns their
// columns, which OpenInputs then takes instead of walking again. Not for
// use concurrently with other calls.
func (w *Walk) Scan() (WalkStats, error) {
	var st WalkStats
	var cs columnSet
	docBuf := new([]byte)
	e := w.expander(func(in Input) error {
		if err := cs.add(in, w.opts, docBuf); err != nil {
			return err
		}
		st.Inputs++
		switch {
		case in.EstimatedRows < 0 || st.EstimatedRows < 0:
			st.EstimatedRows = -1
		default:
			st.EstimatedRows += in.EstimatedRows
		}
		return nil
	})
	for _, arg := range w.args {
		if err := e.arg(arg); err != nil {
			return WalkStats{}, err
		}
	}
	st.Skipped = e.skipped
	w.cols, w.scanned = cs.cols, true
	return st, nil
}

// knownColumns returns the columns Scan found, when it found them with
// options that give the same columns as opts (all but the arena alike).
func (w *Walk) knownColumns(opts Options) ([]string, bool) {
	a, b := w.opts, opts
	a.Arena, b.Arena = nil, nil
	if !w.scanned || !reflect.DeepEqual(a, b) {
		return nil, false
	}
	return append([]string(nil), w.cols...), true
}

func (w *Walk) expander(emit func(Input) error) *expander {
	e := &expander{opts: w.opts, emit: emit}
	if w.dedupe {
		e.seen = map[string]bool{}
	}
	return e
}
