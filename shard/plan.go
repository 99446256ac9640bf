package shard

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/scorekit/score/reader"
)

// Unit is the smallest piece of work: a whole file or a run of row groups
// of one Parquet file.
type Unit struct {
	Input reader.Input // RowGroups set when the unit is part of a file
	Rows  int64        // estimated rows: the balancing weight
	Size  int64        // file size in bytes at planning time
}

// Identity is what makes a unit the same across runs.
func (u Unit) Identity() string {
	var b strings.Builder
	b.WriteString(u.Input.Path)
	b.WriteByte(0)
	b.WriteString(u.Input.Format)
	b.WriteByte(0)
	b.WriteString(u.Input.Name)
	b.WriteByte(0)
	b.WriteString(strconv.FormatInt(u.Size, 10))
	b.WriteByte(0)
	for i, g := range u.Input.RowGroups {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(g))
	}
	return b.String()
}

// Part is one output file's worth of units of one shard.
type Part struct {
	Shard Spec
	Seq   int    // 0-based position within the shard
	Key   string // 12 hex digits hashing the units' identities
	Units []Unit
	Rows  int64 // estimated
}

// Inputs returns the part's units as reader inputs, in order.
func (p Part) Inputs() []reader.Input {
	out := make([]reader.Input, len(p.Units))
	for i, u := range p.Units {
		out[i] = u.Input
	}
	return out
}

// Options tune Plan.
type Options struct {
	// PartRows bounds the estimated rows of one part; 0 means one part per
	// shard. Parquet files larger than the bound are split by row groups.
	PartRows int64
}

// Units turns expanded inputs into units: it stats every file and, for
// Parquet files above the part bound, reads the footer to split them by
// row groups.
func Units(inputs []reader.Input, o Options) ([]Unit, error) {
	var out []Unit
	for _, in := range inputs {
		st, err := os.Stat(in.Path)
		if err != nil {
			return nil, fmt.Errorf("shard: stat %s: %w", in.Path, err)
		}
		rows := in.EstimatedRows
		if rows < 0 {
			rows = max(1, st.Size()/1024)
		}
		if in.Format == "parquet" && in.Compression == "" && in.RowGroups == nil && o.PartRows > 0 && rows > o.PartRows {
			split, err := splitParquet(in, st.Size(), o.PartRows)
			if err != nil {
				return nil, err
			}
			out = append(out, split...)
			continue
		}
		out = append(out, Unit{Input: in, Rows: rows, Size: st.Size()})
	}
	return out, nil
}

// splitParquet groups a file's row groups into runs of at most bound rows
// (a larger group is a run of its own).
func splitParquet(in reader.Input, size, bound int64) ([]Unit, error) {
	pf, err := file.OpenParquetFile(in.Path, false)
	if err != nil {
		return nil, fmt.Errorf("shard: read parquet footer %s: %w", in.Path, err)
	}
	defer pf.Close()
	md := pf.MetaData()
	var out []Unit
	var groups []int
	var rows int64
	flush := func() {
		if len(groups) == 0 {
			return
		}
		u := in
		u.RowGroups = groups
		u.EstimatedRows = rows
		out = append(out, Unit{Input: u, Rows: rows, Size: size})
		groups, rows = nil, 0
	}
	for g := 0; g < md.NumRowGroups(); g++ {
		n := md.RowGroup(g).NumRows()
		if len(groups) > 0 && rows+n > bound {
			flush()
		}
		groups = append(groups, g)
		rows += n
	}
	flush()
	if len(out) <= 1 {
		return []Unit{{Input: in, Rows: in.EstimatedRows, Size: size}}, nil
	}
	return out, nil
}

// Assign returns the units of shard s: a contiguous run, chosen by where
// each unit's weight midpoint falls in [0, total).
func Assign(units []Unit, s Spec) []Unit {
	var total int64
	for _, u := range units {
		total += u.Rows
	}
	var out []Unit
	var cum int64
	for _, u := range units {
		k := 0
		if total > 0 {
			k = int((2*cum + u.Rows) * int64(s.Count) / (2 * total))
		}
		if k >= s.Count {
			k = s.Count - 1
		}
		if k == s.Index {
			out = append(out, u)
		}
		cum += u.Rows
	}
	return out
}

// Group splits one shard's units into parts of at most o.PartRows
// estimated rows.
func Group(units []Unit, s Spec, o Options) []Part {
	var parts []Part
	var cur []Unit
	var rows int64
	flush := func() {
		if len(cur) == 0 {
			return
		}
		h := sha256.New()
		for _, u := range cur {
			h.Write([]byte(u.Identity()))
			h.Write([]byte{'\n'})
		}
		key := hex.EncodeToString(h.Sum(nil))[:12]
		parts = append(parts, Part{Shard: s, Seq: len(parts), Key: key, Units: cur, Rows: rows})
		cur, rows = nil, 0
	}
	for _, u := range units {
		if o.PartRows > 0 && len(cur) > 0 && rows+u.Rows > o.PartRows {
			flush()
		}
		cur = append(cur, u)
		rows += u.Rows
	}
	flush()
	return parts
}

// Plan returns the parts shard s must write.
func Plan(inputs []reader.Input, s Spec, o Options) ([]Part, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	units, err := Units(inputs, o)
	if err != nil {
		return nil, err
	}
	return Group(Assign(units, s), s, o), nil
}
