package writer

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// kind is what a column shows in Head.
type kind int

const (
	kindOther kind = iota // source and unknown columns: not shown
	kindID
	kindRow
	kindField
	kindScore
	kindNote // error or warning
)

// headTable is the first rows of an output file, already as text.
type headTable struct {
	names []string
	kinds []kind
	rows  [][]cell
	total int64       // rows in the whole file
	meta  [][2]string // key-value metadata, file order
}

// cell is one value as text; null cells print as "null".
type cell struct {
	s    string
	null bool
}

// kindOf classifies a column by name; numeric tells whether its values are
// numbers, which makes an unnamed column a score.
func kindOf(name string, numeric bool) kind {
	switch name {
	case ColID:
		return kindID
	case ColRow:
		return kindRow
	case ColSource:
		return kindOther
	case ColError, ColWarning:
		return kindNote
	}
	if numeric {
		return kindScore
	}
	return kindField
}

// Head prints the first n rows of the output file at path (Parquet, CSV or
// JSONL, by extension) as an aligned table for people, at most headWidth
// columns wide where the data allow: id, row, the fields, as many score
// columns as fit and then "+N more", and the error or warning of rows that
// have one; then a footer with the file's row count and its metadata
// (model, engine, score version, ...).
func Head(path string, n int, w io.Writer) error {
	if n < 0 {
		return fmt.Errorf("head %s: negative row count %d", path, n)
	}
	f, gz, err := formatOf(path)
	if err != nil {
		return fmt.Errorf("head: %w", err)
	}
	var t *headTable
	err = guard("read", func() (err error) {
		switch f {
		case formatParquet:
			t, err = headParquet(path, n)
		case formatCSV:
			t, err = headCSV(path, n, gz)
		default:
			t, err = headJSONL(path, n, gz)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("head %s: %w", path, err)
	}
	bw := bufio.NewWriter(w)
	t.render(bw)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("head %s: write: %w", path, err)
	}
	return nil
}

// Layout limits of the table.
const (
	headWidth  = 120 // target line width
	maxIDWidth = 24
	maxField   = 16
	maxScore   = 10 // header names of score columns are cut to this
	maxNote    = 40
	maxMeta    = 100
	gap        = "  "
)

// render writes the table and its footer.
func (t *headTable) render(w *bufio.Writer) {
	var fixed, scores, notes []int
	for i, k := range t.kinds {
		switch k {
		case kindID, kindRow, kindField:
			fixed = append(fixed, i)
		case kindScore:
			scores = append(scores, i)
		case kindNote:
			notes = append(notes, i)
		}
	}
	limit := func(i int) int {
		switch t.kinds[i] {
		case kindID:
			return maxIDWidth
		case kindField:
			return maxField
		case kindScore:
			return maxScore
		}
		return 1 << 30
	}
	width := func(i int) int {
		w := runeLen(clip(t.names[i], limit(i)))
		for _, r := range t.rows {
			w = max(w, runeLen(clip(r[i].text(), limit(i))))
		}
		return w
	}
	var cols []int
	used := 0
	for _, i := range fixed {
		cols = append(cols, i)
		used += width(i) + len(gap)
	}
	// The note column shows the first non-null of error and warning. Scores
	// come first: the note gets what they leave, but at least noteMin.
	note := 0
	for _, r := range t.rows {
		note = max(note, runeLen(clip(noteText(r, notes), maxNote)))
	}
	if note > 0 {
		note = max(note, len("note"))
	}
	noteMin := min(note, 24)
	if noteMin > 0 {
		used += noteMin + len(gap)
	}
	shown := 0
	for k, i := range scores {
		reserve := 0
		if k < len(scores)-1 {
			reserve = len("+99999 more") + len(gap)
		}
		if used+width(i)+len(gap)+reserve > headWidth && k > 0 {
			break
		}
		cols = append(cols, i)
		used += width(i) + len(gap)
		shown++
	}
	if shown < len(scores) {
		used += len(fmt.Sprintf("+%d more", len(scores)-shown)) + len(gap)
	}
	if note > noteMin {
		note = max(noteMin, min(note, headWidth-used+noteMin))
	}
	more := len(scores) - shown

	line := make([]string, 0, len(cols)+2)
	widths := make([]int, 0, len(cols)+2)
	right := make([]bool, 0, len(cols)+2)
	for _, i := range cols {
		widths = append(widths, width(i))
		right = append(right, t.kinds[i] == kindScore || t.kinds[i] == kindRow)
	}
	moreText := fmt.Sprintf("+%d more", more)
	emit := func(cells []string) {
		line = line[:0]
		for k, c := range cells {
			line = append(line, pad(c, widths[k], right[k]))
		}
		w.WriteString(strings.TrimRight(strings.Join(line, gap), " "))
		w.WriteByte('\n')
	}
	header := make([]string, 0, len(cols)+2)
	for _, i := range cols {
		header = append(header, clip(t.names[i], limit(i)))
	}
	if more > 0 {
		header = append(header, moreText)
		widths = append(widths, len(moreText))
		right = append(right, false)
	}
	if note > 0 {
		header = append(header, "note")
		widths = append(widths, note)
		right = append(right, false)
	}
	emit(header)
	for _, r := range t.rows {
		cells := make([]string, 0, len(header))
		for _, i := range cols {
			cells = append(cells, clip(r[i].text(), limit(i)))
		}
		if more > 0 {
			cells = append(cells, "...")
		}
		if note > 0 {
			cells = append(cells, clip(noteText(r, notes), note))
		}
		emit(cells)
	}
	fmt.Fprintf(w, "\n%d rows", t.total)
	if int64(len(t.rows)) < t.total {
		fmt.Fprintf(w, " (first %d shown)", len(t.rows))
	}
	fmt.Fprintf(w, ", %d score columns\n", len(scores))
	for _, kv := range sortedMeta(t.meta) {
		label, ok := metaLabels[kv[0]]
		if !ok {
			label = kv[0]
		}
		fmt.Fprintf(w, "%s: %s\n", label, clip(kv[1], maxMeta))
	}
}

// metaLabels names the well-known metadata keys in Head's footer.
var metaLabels = map[string]string{
	MetaModel: "model", MetaModelVersion: "model version", MetaFingerprint: "fingerprint",
	MetaTFVersion: "written by TF", MetaSignature: "signature", MetaEngine: "engine",
	MetaTokenizer: "tokenizer", MetaScoreVersion: "score version", MetaCreatedAt: "created",
}

// noteText is the first non-null of the note columns (error, warning).
func noteText(r []cell, notes []int) string {
	for _, i := range notes {
		if !r[i].null && r[i].s != "" {
			return r[i].s
		}
	}
	return ""
}

// sortedMeta drops the bulky schema entries and puts the well-known keys
// first, in their documented order, then the rest by key.
func sortedMeta(meta [][2]string) [][2]string {
	order := map[string]int{MetaModel: 1, MetaModelVersion: 2, MetaFingerprint: 3, MetaTFVersion: 4,
		MetaSignature: 5, MetaEngine: 6, MetaTokenizer: 7, MetaScoreVersion: 8, MetaCreatedAt: 9}
	var out [][2]string
	for _, kv := range meta {
		if kv[0] == MetaSchema || kv[0] == "ARROW:schema" {
			continue
		}
		out = append(out, kv)
	}
	sort.SliceStable(out, func(a, b int) bool {
		oa, ob := order[out[a][0]], order[out[b][0]]
		if oa == 0 || ob == 0 {
			if oa != ob {
				return oa != 0
			}
			return out[a][0] < out[b][0]
		}
		return oa < ob
	})
	return out
}

func (c cell) text() string {
	if c.null {
		return "null"
	}
	return c.s
}

// clip makes s one printable line (control characters become spaces) of at most n runes, ending in "…" when cut.
func clip(s string, n int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, s)
	}
	if runeLen(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

func pad(s string, w int, right bool) string {
	fill := w - runeLen(s)
	if fill <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", fill) + s
	}
	return s + strings.Repeat(" ", fill)
}
