//go:build race

package tokenize

// raceEnabled shrinks the corpus differential tests under the race
// detector, which makes byte loops many times slower.
const raceEnabled = true
