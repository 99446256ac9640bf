//go:build race

package native

// raceEnabled: the race detector slows the text kernels about tenfold, so
// corpus tests check a sample of their documents.
const raceEnabled = true
