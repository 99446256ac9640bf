//go:build race

package reader

// raceEnabled shrinks the biggest test inputs under the race detector,
// which makes byte loops such as utf8.Valid many times slower.
const raceEnabled = true
