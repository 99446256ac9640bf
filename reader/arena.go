package reader

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/scorekit/score/internal/offheap"
)

// TextArena holds the texts of records in blocks of 256 KiB and reuses a
// block once every record cut from it has been released. A run over a
// corpus then allocates a handful of blocks instead of one string per
// record; the garbage collector, whose cycles follow the bytes allocated,
// runs a fraction as often, and the whole pipeline goes faster for it.
//
// It is opt-in. A source opened with Options.Arena cuts the texts of its
// records from it, and whoever consumes the records must call
// Record.Release once per record returned by Next when done with its Text
// and with every string sliced from that text: after Release the bytes may
// be overwritten by a later record. A text longer than a quarter of a block
// gets a string of its own. IDs and fields are never cut from the arena.
// Safe for concurrent use.
//
// On Linux the blocks live outside the Go heap (internal/offheap): they are
// reused for the whole run, and on the heap every byte of them would count
// twice in the collector's heap goal. Close gives them back once no text is
// read any more; a block of a record never released stays out of use.
type TextArena struct {
	mu      sync.Mutex
	cur     *textBlock // the block texts are cut from; the arena holds a reference
	free    chan *textBlock
	block   int // bytes per block
	maxText int // longer texts get strings of their own
	poison  bool
	closed  atomic.Bool
	stats   arenaCounts
}

// ArenaOptions configure a TextArena; the zero value is the default.
type ArenaOptions struct {
	BlockBytes int // bytes per block; 0 = 256 KiB
	// Poison overwrites a block with 0xFF bytes as soon as it comes back,
	// so that a text used after its record was released shows up as
	// garbage (for tests).
	Poison bool
}

// ArenaStats counts an arena's blocks.
type ArenaStats struct {
	Allocated int64 // blocks made
	Reused    int64 // blocks taken back from released records and cut again
}

type arenaCounts struct{ allocated, reused atomic.Int64 }

type textBlock struct {
	buf   []byte // len: bytes cut so far
	raw   []byte // the off-heap memory under buf, or nil (heap)
	refs  atomic.Int32
	arena *TextArena
}

// arenaIdle is how many free blocks wait for reuse; more come back only
// after a burst. Kept small on purpose: with 64, every block a rare burst
// had needed stayed, the live heap of a long run crept up with them, and
// scoring 10x the aclImdb slice peaked at 96-101 MiB instead of 87-94
// (1x: 81-90), for no difference in the feed rate that could be measured.
const arenaIdle = 8

// NewTextArena returns an empty arena.
func NewTextArena(o ArenaOptions) *TextArena {
	if o.BlockBytes <= 0 {
		o.BlockBytes = 256 << 10
	}
	return &TextArena{free: make(chan *textBlock, arenaIdle), block: o.BlockBytes, maxText: o.BlockBytes / 4, poison: o.Poison}
}

// Stats returns how many blocks a has made and reused.
func (a *TextArena) Stats() ArenaStats {
	return ArenaStats{Allocated: a.stats.allocated.Load(), Reused: a.stats.reused.Load()}
}

// text returns b as a string: a copy cut from a's current block, with the
// block the record must release, or (nil arena, long b) a string of its own
// and nil.
func (a *TextArena) text(b []byte) (string, *textBlock) {
	if a == nil || len(b) == 0 || len(b) > a.maxText {
		return string(b), nil
	}
	a.mu.Lock()
	blk := a.cur
	if blk == nil || len(blk.buf)+len(b) > cap(blk.buf) {
		if blk != nil {
			blk.release() // the arena's reference
		}
		blk = a.newBlock()
		a.cur = blk
	}
	off := len(blk.buf)
	blk.buf = append(blk.buf, b...)
	blk.refs.Add(1)
	a.mu.Unlock()
	return unsafe.String(&blk.buf[off], len(b)), blk
}

// newBlock returns an empty block holding one reference, the arena's.
func (a *TextArena) newBlock() *textBlock {
	var blk *textBlock
	select {
	case blk = <-a.free:
		a.stats.reused.Add(1)
		blk.buf = blk.buf[:0]
	default:
		a.stats.allocated.Add(1)
		blk = &textBlock{arena: a}
		if blk.raw = offheap.Alloc(a.block); blk.raw != nil {
			blk.buf = blk.raw[:0:a.block]
		} else {
			blk.buf = make([]byte, 0, a.block)
		}
	}
	blk.refs.Store(1)
	return blk
}

// release drops one reference; the last one gives the block back.
func (b *textBlock) release() {
	switch n := b.refs.Add(-1); {
	case n > 0:
		return
	case n < 0:
		panic("reader: a text block was released more often than it was cut from")
	}
	a := b.arena
	if a.poison {
		full := b.buf[:cap(b.buf)]
		for i := range full {
			full[i] = 0xFF
		}
	}
	if !a.closed.Load() {
		select {
		case a.free <- b:
			return
		default: // enough idle blocks
		}
	}
	offheap.Free(b.raw) // a heap block is left to the collector
}

// Close gives the arena's blocks back: call it when no text cut from it is
// read any more (texts of records released later give their blocks back
// as they go). The arena must not be given to a source afterwards.
func (a *TextArena) Close() {
	if a == nil || a.closed.Swap(true) {
		return
	}
	a.mu.Lock()
	cur := a.cur
	a.cur = nil
	a.mu.Unlock()
	if cur != nil {
		cur.release() // the arena's reference
	}
	for {
		select {
		case b := <-a.free:
			offheap.Free(b.raw)
		default:
			return
		}
	}
}

// Release gives the record's text back to the arena it was cut from (see
// TextArena): call it once for each record Next returned, when done with
// the text. It does nothing for records read without an arena, and clears
// Text either way.
func (r *Record) Release() {
	if r.mem != nil {
		r.mem.release()
		r.mem = nil
	}
	r.Text = ""
}
