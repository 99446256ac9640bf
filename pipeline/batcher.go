package pipeline

import "github.com/scorekit/score/reader"

// Batcher groups records into batches by count and by text bytes. It is a
// plain value with no goroutine: Add says when the batch is full, Flush takes
// it; the caller always flushes at end of input.
type Batcher struct {
	MaxCount int // records per batch (>= 1)
	MaxBytes int // text bytes per batch; 0 = no byte limit
	// Spare, when set, hands Flush empty slices to start the next batch in
	// (those of batches already written); without one it makes a new one.
	Spare chan []reader.Record

	recs  []reader.Record
	bytes int
}

// Add appends r and reports whether the batch should be flushed now.
func (b *Batcher) Add(r reader.Record) bool {
	b.recs = append(b.recs, r)
	b.bytes += len(r.Text)
	return len(b.recs) >= max(b.MaxCount, 1) || (b.MaxBytes > 0 && b.bytes >= b.MaxBytes)
}

// Len is the number of records waiting.
func (b *Batcher) Len() int { return len(b.recs) }

// Flush returns the waiting records (nil when none) and starts a new batch.
func (b *Batcher) Flush() []reader.Record {
	if len(b.recs) == 0 {
		return nil
	}
	out := b.recs
	select {
	case s := <-b.Spare:
		b.recs = s[:0]
	default:
		b.recs = make([]reader.Record, 0, cap(out))
	}
	b.bytes = 0
	return out
}
