package main

import (
	"strconv"
	"strings"
	"testing"
)

// metricValue finds the sample line "name{labels} value" in a text
// exposition, written independently of package metrics.
func metricValue(t *testing.T, text, series string) float64 {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("no sample %s in:\n%s", series, text)
	return 0
}
