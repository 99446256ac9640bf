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

func exitCode(ctx context.Context, err error) int {
	var u usageError
	var r rejectedError
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, ctx.Err())):
		return exitInterrupted
	case errors.As(err, &u):
		return exitUsage
	case errors.As(err, &r):
		return exitRejected
	}
	return exitFailure
}
