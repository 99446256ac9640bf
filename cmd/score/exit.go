package main

import (
	"context"
	"errors"
)

// Exit codes, documented in the README.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitRejected    = 3
	exitLocked      = 4 // another run owns the output (or took it over)
	exitInterrupted = 130
)

// usageError marks bad flags, configs or arguments (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// rejectedError marks a run that finished with more rejected rows than
// --max-rejected allows (exit 3).
type rejectedError struct{ err error }

func (e rejectedError) Error() string { return e.err.Error() }
func (e rejectedError) Unwrap() error { return e.err }

// lockedError marks a run that found, or lost, its output owned by
// another run (exit 4).
type lockedError struct{ err error }

func (e lockedError) Error() string { return e.err.Error() }
func (e lockedError) Unwrap() error { return e.err }

// interruptedError marks a dataset run stopped by a signal after it
// drained (exit 130).
type interruptedError struct{ err error }

func (e interruptedError) Error() string { return e.err.Error() }
func (e interruptedError) Unwrap() error { return e.err }

func exitCode(ctx context.Context, err error) int {
	var u usageError
	var r rejectedError
	var l lockedError
	var in interruptedError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &in):
		return exitInterrupted
	case errors.As(err, &l):
		return exitLocked
	case ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, ctx.Err())):
		return exitInterrupted
	case errors.As(err, &u):
		return exitUsage
	case errors.As(err, &r):
		return exitRejected
	}
	return exitFailure
}
