package shard

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrSpec reports a malformed or out-of-range shard specification.
var ErrSpec = errors.New("bad shard")

// Spec names one shard: Index in [0, Count).
type Spec struct {
	Index, Count int
}

// MaxCount bounds the number of shards (and keeps part names short).
const MaxCount = 99999

// All is the one shard of an unsharded run.
var All = Spec{Index: 0, Count: 1}

// Parse reads "K/N" (0-based K).
func Parse(s string) (Spec, error) {
	k, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Spec{}, fmt.Errorf("%w %q: want K/N, e.g. 0/4", ErrSpec, s)
	}
	ki, err1 := strconv.Atoi(k)
	ni, err2 := strconv.Atoi(n)
	if err1 != nil || err2 != nil {
		return Spec{}, fmt.Errorf("%w %q: want K/N with integers", ErrSpec, s)
	}
	sp := Spec{Index: ki, Count: ni}
	return sp, sp.Check()
}

// Check reports whether the spec is in range.
func (s Spec) Check() error {
	if s.Count < 1 || s.Count > MaxCount || s.Index < 0 || s.Index >= s.Count {
		return fmt.Errorf("%w %d/%d: want 0 <= K < N <= %d", ErrSpec, s.Index, s.Count, MaxCount)
	}
	return nil
}

// String formats the spec as "K/N".
func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Resolve picks the shard from --shard, or from --shards and the Indexed
// Job's JOB_COMPLETION_INDEX; neither gives All. Setting both flags, or
// --shards without an index, is an error.
func Resolve(shardFlag string, shards int, completionIndex string) (Spec, error) {
	switch {
	case shardFlag != "" && shards > 0:
		return Spec{}, fmt.Errorf("%w: give --shard K/N or --shards N (with JOB_COMPLETION_INDEX), not both", ErrSpec)
	case shardFlag != "":
		return Parse(shardFlag)
	case shards > 0:
		if completionIndex == "" {
			return Spec{}, fmt.Errorf("%w: --shards %d needs JOB_COMPLETION_INDEX (set by an Indexed Job) or use --shard K/N", ErrSpec, shards)
		}
		k, err := strconv.Atoi(strings.TrimSpace(completionIndex))
		if err != nil {
			return Spec{}, fmt.Errorf("%w: JOB_COMPLETION_INDEX %q is not an integer", ErrSpec, completionIndex)
		}
		sp := Spec{Index: k, Count: shards}
		return sp, sp.Check()
	case shards < 0:
		return Spec{}, fmt.Errorf("%w: --shards %d must be positive", ErrSpec, shards)
	}
	return All, nil
}
