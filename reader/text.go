package reader

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// textNames are the default text column names, in no particular priority:
// the first column (in file order) with one of these names wins.
var textNames = []string{"text", "review", "content", "sentence", "verse_text", "document", "body"}

// headerNames are names whose presence marks a first row as a header.
var headerNames = []string{"id", "label", "labels", "sentiment", "rating", "split", "score", "class", "target"}

func isTextName(s string) bool {
	for _, n := range textNames {
		if strings.EqualFold(s, n) {
			return true
		}
	}
	return false
}

// pickText returns the index of the text column among names: the named
// column, else the only candidate, else the first default name. candidates
// (nil = all) limits the "only column" rule to string columns.
func pickText(want string, names []string, candidates []int) (int, error) {
	if want != "" {
		if i := indexOfName(want, names); i >= 0 {
			return i, nil
		}
		return -1, fmt.Errorf("%w: column %q not found among %s", ErrNoTextColumn, want, quoteList(names))
	}
	if candidates == nil {
		candidates = make([]int, len(names))
		for i := range names {
			candidates[i] = i
		}
	}
	if len(candidates) == 1 {
		return candidates[0], nil
	}
	for _, i := range candidates {
		if isTextName(names[i]) {
			return i, nil
		}
	}
	list := make([]string, len(candidates))
	for k, i := range candidates {
		list[k] = names[i]
	}
	return -1, fmt.Errorf("%w: none of the string columns %s is named %s; set the text column", ErrNoTextColumn, quoteList(list), strings.Join(textNames, "/"))
}

// indexOfName finds a column by exact name, then case-insensitively, then
// as a 0-based column number.
func indexOfName(want string, names []string) int {
	for i, n := range names {
		if n == want {
			return i
		}
	}
	for i, n := range names {
		if strings.EqualFold(n, want) {
			return i
		}
	}
	if k, err := strconv.Atoi(want); err == nil && k >= 0 && k < len(names) {
		return k
	}
	return -1
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// fixUTF8 checks b. It returns the bytes to use (b itself when valid, a
// repaired copy in scratch otherwise), whether it repaired, and an error
// under reject.
func fixUTF8(b []byte, reject bool, scratch *[]byte) ([]byte, bool, error) {
	if utf8.Valid(b) {
		return b, false, nil
	}
	if reject {
		off := invalidOffset(b)
		return nil, false, fmt.Errorf("%w at byte %d (0x%02x)", ErrInvalidUTF8, off, b[off])
	}
	out := (*scratch)[:0]
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			out = append(out, "\uFFFD"...)
			i++
			continue
		}
		out = append(out, b[i:i+n]...)
		i += n
	}
	*scratch = out
	return out, true, nil
}

func invalidOffset(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}

// interner shares the strings of repeated short field values (labels). It
// keeps the first internMax distinct values; once full, it watches its
// hits, and when the next internMax look-ups find fewer than half of
// their values it stops looking (a column of unique values: every look-up
// would be a wasted hash and probe).
type interner struct {
	m            map[string]string
	hits, misses int // look-ups since the table filled up (or since the last check)
	off          bool
}

const internMax = 4096

func (in *interner) get(b []byte) string {
	if len(b) > 64 || in.off {
		return string(b)
	}
	if s, ok := in.m[string(b)]; ok {
		in.hit()
		return s
	}
	s := string(b)
	in.add(s)
	return s
}

func (in *interner) getString(s string) string {
	if len(s) > 64 || in.off {
		return strings.Clone(s)
	}
	if v, ok := in.m[s]; ok {
		in.hit()
		return v
	}
	v := strings.Clone(s)
	in.add(v)
	return v
}

func (in *interner) hit() {
	if len(in.m) >= internMax {
		in.hits++
	}
}

// add keeps s, or counts a miss when the table is full.
func (in *interner) add(s string) {
	if in.m == nil {
		in.m = make(map[string]string)
	}
	if len(in.m) < internMax {
		in.m[s] = s
		return
	}
	if in.misses++; in.hits+in.misses >= internMax {
		in.off = in.hits < in.misses
		in.hits, in.misses = 0, 0
	}
}

// stripBOM drops a UTF-8 byte order mark.
func stripBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}

// baseID is the default record ID "<base>:<row>", built with one
// allocation.
func baseID(base string, row int64) string {
	var buf [96]byte
	b := append(buf[:0], base...)
	b = append(b, ':')
	b = strconv.AppendInt(b, row, 10)
	return string(b)
}
