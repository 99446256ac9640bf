package native

// PoisonLoans makes the buffers runs lend to kernels arrive filled with a
// pattern (poisonLoans) until the returned function restores the default.
func PoisonLoans() (restore func()) {
	poisonLoans.Store(true)
	return func() { poisonLoans.Store(false) }
}
