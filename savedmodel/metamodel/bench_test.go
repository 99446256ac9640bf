package metamodel

import "testing"

func BenchmarkWriteDefault(b *testing.B) {
	dir := b.TempDir()
	for b.Loop() {
		if err := Write(dir, Default()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewParamsDefault(b *testing.B) {
	for b.Loop() {
		if _, err := NewParams(Default()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReferenceRow is the oracle's cost per row of the default model
// (all 36 heads), for sizing differential tests.
func BenchmarkReferenceRow(b *testing.B) {
	cfg := Default()
	p, err := NewParams(cfg)
	if err != nil {
		b.Fatal(err)
	}
	rows := randomRows(cfg, 1, 1)
	for b.Loop() {
		if _, err := Reference(p, rows); err != nil {
			b.Fatal(err)
		}
	}
}
