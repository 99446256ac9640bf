package writer

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkParquet36 writes 100k rows of 36 single-value heads (plus id,
// source, row) to Parquet in batches of 512, as the pipeline does.
func BenchmarkParquet36(b *testing.B) {
	s := Schema{}
	for i := 0; i < 36; i++ {
		s.Outputs = append(s.Outputs, Column{Name: fmt.Sprintf("head_%02d", i), Width: 1})
	}
	const n, batch = 100_000, 512
	rows := makeRows(s, 0, batch, 16)
	for i := range rows {
		rows[i].Scores = make([]float32, s.Width()) // every row scored
		for j := range rows[i].Scores {
			rows[i].Scores[j] = float32(i*s.Width()+j) / float32(batch*s.Width())
		}
		rows[i].Error = ""
	}
	dir := b.TempDir()
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		w, err := Create(filepath.Join(dir, "bench.parquet"), s, Options{})
		if err != nil {
			b.Fatal(err)
		}
		for done := 0; done < n; done += batch {
			if err := w.Write(rows[:min(batch, n-done)]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}
