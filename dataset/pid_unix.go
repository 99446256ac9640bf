//go:build unix

package dataset

import (
	"errors"
	"syscall"
)

// processGone reports whether no process has pid on this host.
func processGone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
