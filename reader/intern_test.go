package reader

import (
	"strconv"
	"testing"
	"unsafe"
)

// TestInternerSharesRepeats: repeated values come back as one string.
func TestInternerSharesRepeats(t *testing.T) {
	var in interner
	a := in.get([]byte("positive"))
	b := in.getString("positive")
	if a != "positive" || b != a || unsafe.StringData(a) != unsafe.StringData(b) {
		t.Fatalf("get/getString of one value: %q %q, not one string", a, b)
	}
}

// TestInternerStopsOnUniqueValues: a column of unique values (ids) fills
// the table and then turns the interner off; values stay right throughout.
func TestInternerStopsOnUniqueValues(t *testing.T) {
	var in interner
	for i := range 3 * internMax {
		want := "id-" + strconv.Itoa(i)
		if got := in.get([]byte(want)); got != want {
			t.Fatalf("value %d: got %q", i, got)
		}
	}
	if !in.off {
		t.Fatalf("after %d unique values the interner still looks up (%d kept, %d hits, %d misses)", 3*internMax, len(in.m), in.hits, in.misses)
	}
	if got := in.getString("id-7"); got != "id-7" {
		t.Fatalf("off: got %q", got)
	}
}

// TestInternerStaysOnForLabels: a full table whose values keep coming back
// (labels among some unique values) stays on.
func TestInternerStaysOnForLabels(t *testing.T) {
	var in interner
	labels := []string{"pos", "neg"}
	for i := range internMax {
		l := labels[i%2]
		if i >= 2 {
			l = strconv.Itoa(i)
		}
		in.get([]byte(l))
	}
	for i := range 4 * internMax {
		l := labels[i%2]
		if i%3 == 0 {
			l = "new-" + strconv.Itoa(i) // misses: a third of the look-ups
		}
		if got := in.getString(l); got != l {
			t.Fatalf("look-up %d: got %q want %q", i, got, l)
		}
	}
	if in.off {
		t.Fatal("interner turned off though most look-ups hit")
	}
	a, b := in.get([]byte("pos")), in.get([]byte("pos"))
	if unsafe.StringData(a) != unsafe.StringData(b) {
		t.Fatal("label not shared")
	}
}
