package textops

import (
	"bufio"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
	"github.com/scorekit/score/tensor"
)

// pyWhitespaceSplit is Python's str.split() restricted to ASCII whitespace
// (the set TensorFlow's StringSplitV2 uses), written as a plain field scan.
func pyWhitespaceSplit(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r'
	})
}

func TestSplitV2PythonSemantics(t *testing.T) {
	cases := []struct {
		s, sep   string
		maxsplit int
		want     []string
	}{
		{"  a  b\t\nc  ", "", -1, []string{"a", "b", "c"}},
		{"", "", -1, nil},
		{" \t\r\n\v\f ", "", -1, nil},
		{"hello", "", -1, []string{"hello"}},
		{"a b c", "", 1, []string{"a", "b c"}},
		{"  a   b  c ", "", 2, []string{"a", "b", "c "}},
		{"1,,2", ",", -1, []string{"1", "", "2"}},
		{"", ",", -1, []string{""}},
		{",", ",", -1, []string{"", ""}},
		{"1<>2<>3", "<>", -1, []string{"1", "2", "3"}},
		{"a,b,c", ",", 1, []string{"a", "b,c"}},
		{"a b", "", 0, []string{"a b"}},
		{"a\u00a0b", "", -1, []string{"a\u00a0b"}}, // non-ASCII space is not a separator in TF
	}
	for _, cs := range cases {
		if got := SplitV2(cs.s, cs.sep, cs.maxsplit); !reflect.DeepEqual(got, cs.want) {
			t.Errorf("SplitV2(%q, %q, %d) = %q, want %q", cs.s, cs.sep, cs.maxsplit, got, cs.want)
		}
	}
	// Differential: random whitespace-heavy strings vs the field scan.
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte(" \t\n\r\v\fab,x")
	for i := 0; i < 2000; i++ {
		b := make([]byte, rng.Intn(20))
		for j := range b {
			b[j] = alphabet[rng.Intn(len(alphabet))]
		}
		s := string(b)
		got, want := SplitV2(s, "", -1), pyWhitespaceSplit(s)
		if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("SplitV2(%q) = %q, want %q", s, got, want)
		}
		if got, want := SplitV2(s, ",", -1), strings.Split(s, ","); !reflect.DeepEqual(got, want) {
			t.Fatalf("SplitV2(%q, \",\") = %q, want %q", s, got, want)
		}
	}
}

func TestStringSplitV2Kernel(t *testing.T) {
	c := newCtx(t, "StringSplitV2", nil, nil)
	out := mustRun(t, c, strs([]int{3}, "the cat  sat", "", " on  "), tensor.Scalar(""))
	if got := tensor.MustValues[string](out[1]); !reflect.DeepEqual(got, []string{"the", "cat", "sat", "on"}) {
		t.Errorf("values = %q", got)
	}
	if got := tensor.MustValues[int64](out[0]); !reflect.DeepEqual(got, []int64{0, 0, 0, 1, 0, 2, 2, 0}) {
		t.Errorf("indices = %v", got)
	}
	if got := tensor.MustValues[int64](out[2]); !reflect.DeepEqual(got, []int64{3, 3}) {
		t.Errorf("shape = %v", got)
	}
	if _, err := c.run(strs([]int{1, 1}, "x"), tensor.Scalar("")); err == nil {
		t.Error("rank-2 input accepted")
	}
	old := newCtx(t, "StringSplit", nil, map[string]any{"skip_empty": false})
	out = mustRun(t, old, strs([]int{1}, "a,b;;c"), tensor.Scalar(",;"))
	if got := tensor.MustValues[string](out[1]); !reflect.DeepEqual(got, []string{"a", "b", "", "c"}) {
		t.Errorf("StringSplit values = %q", got)
	}
}

// stripPunct removes the bytes of Keras' DEFAULT_STRIP_REGEX class
// [!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~'] with a byte loop.
func stripPunct(s string) string {
	const set = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) < 0 {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func asciiLowerLoop(s string) string {
	b := []byte(s)
	for i, ch := range b {
		if 'A' <= ch && ch <= 'Z' {
			b[i] = ch + 32
		}
	}
	return string(b)
}

func corpusLines(t testing.TB) []string {
	dir := fixtures.Corpus(t, "sentiment-labelled-sentences")
	var lines []string
	for _, name := range []string{"amazon_cells_labelled.txt", "imdb_labelled.txt", "yelp_labelled.txt"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			text, _, _ := strings.Cut(sc.Text(), "\t")
			lines = append(lines, text)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if len(lines) < 1000 {
		t.Fatalf("only %d corpus lines", len(lines))
	}
	return lines
}

func TestKerasStandardizeOnCorpus(t *testing.T) {
	lines := corpusLines(t)
	const kerasStrip = `[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_` + "`" + `{|}~']`
	in := strs([]int{len(lines)}, lines...)
	lower := mustRun(t, newCtx(t, "StringLower", nil, nil), in)[0]
	res := newCtx(t, "StaticRegexReplace", nil, map[string]any{"pattern": kerasStrip, "rewrite": ""})
	stripped := mustRun(t, res, lower)[0]
	got := tensor.MustValues[string](stripped)
	changed := 0
	for i, s := range lines {
		want := stripPunct(asciiLowerLoop(s))
		if got[i] != want {
			t.Fatalf("line %d: %q -> %q, want %q", i, s, got[i], want)
		}
		if want != s {
			changed++
		}
	}
	if changed < len(lines)/2 {
		t.Errorf("only %d of %d lines changed; the test data is not exercising the ops", changed, len(lines))
	}
	// The whole chain on top: split tokens equal the field scan.
	split := mustRun(t, newCtx(t, "StringSplitV2", nil, nil), stripped, tensor.Scalar(""))
	vals := tensor.MustValues[string](split[1])
	var want []string
	for _, s := range got {
		want = append(want, pyWhitespaceSplit(s)...)
	}
	if !reflect.DeepEqual(vals, want) {
		t.Errorf("split tokens differ from the field scan (%d vs %d)", len(vals), len(want))
	}
}

func TestRegexRewriteAndFullMatch(t *testing.T) {
	c := newCtx(t, "StaticRegexReplace", nil, map[string]any{"pattern": `(\w+)@(\w+)`, "rewrite": `\2 at \1 \\ $0`})
	out := mustRun(t, c, strs(nil, "mail bob@host and al@x"))
	if got := tensor.MustValues[string](out[0])[0]; got != `mail host at bob \ $0 and x at al \ $0` {
		t.Errorf("global rewrite = %q", got)
	}
	c = newCtx(t, "StaticRegexReplace", nil, map[string]any{"pattern": `a`, "rewrite": "b", "replace_global": false})
	if got := tensor.MustValues[string](mustRun(t, c, strs(nil, "aaa"))[0])[0]; got != "baa" {
		t.Errorf("first-only replace = %q", got)
	}
	c = newCtx(t, "RegexReplace", nil, nil)
	if got := tensor.MustValues[string](mustRun(t, c, strs(nil, "abc"), tensor.Scalar("x*"), tensor.Scalar("-"))[0])[0]; got != "-a-b-c-" {
		t.Errorf("empty-match global replace = %q, want RE2's -a-b-c-", got)
	}
	if _, err := RE2Template(`\3`, 2); err == nil {
		t.Error(`\3 with 2 groups accepted`)
	}
	c = newCtx(t, "StaticRegexFullMatch", nil, map[string]any{"pattern": `[a-z]+|\d+`})
	got := tensor.MustValues[bool](mustRun(t, c, strs([]int{4}, "abc", "123", "abc123", ""))[0])
	if !reflect.DeepEqual(got, []bool{true, true, false, false}) {
		t.Errorf("full match = %v", got)
	}
	if _, err := newCtx(t, "StaticRegexFullMatch", nil, map[string]any{"pattern": `(`}).run(strs(nil, "x")); err == nil {
		t.Error("bad pattern accepted")
	}
}

func TestCaseStripLengthSubstrJoin(t *testing.T) {
	in := strs([]int{2}, "ÀBC Déf", "  x\t")
	if got := tensor.MustValues[string](mustRun(t, newCtx(t, "StringLower", nil, nil), in)[0]); got[0] != "Àbc déf" {
		t.Errorf("ASCII lower = %q", got[0])
	}
	if got := tensor.MustValues[string](mustRun(t, newCtx(t, "StringLower", nil, map[string]any{"encoding": "utf-8"}), in)[0]); got[0] != "àbc déf" {
		t.Errorf("utf-8 lower = %q", got[0])
	}
	if got := tensor.MustValues[string](mustRun(t, newCtx(t, "StringUpper", nil, nil), in)[0]); got[0] != "ÀBC DéF" {
		t.Errorf("ASCII upper = %q", got[0])
	}
	if got := tensor.MustValues[string](mustRun(t, newCtx(t, "StringStrip", nil, nil), in)[0]); got[1] != "x" {
		t.Errorf("strip = %q", got[1])
	}
	if got := tensor.MustValues[int32](mustRun(t, newCtx(t, "StringLength", nil, nil), in)[0]); got[0] != 9 {
		t.Errorf("byte length = %d", got[0])
	}
	if got := tensor.MustValues[int32](mustRun(t, newCtx(t, "StringLength", nil, map[string]any{"unit": "UTF8_CHAR"}), in)[0]); got[0] != 7 {
		t.Errorf("char length = %d", got[0])
	}
	sub := newCtx(t, "Substr", nil, map[string]any{"unit": "UTF8_CHAR"})
	if got := tensor.MustValues[string](mustRun(t, sub, in, tensor.Scalar(int32(1)), tensor.Scalar(int32(2)))[0]); got[0] != "BC" || got[1] != " x" {
		t.Errorf("substr = %q", got)
	}
	if _, err := sub.run(in, tensor.Scalar(int32(9)), tensor.Scalar(int32(1))); err == nil {
		t.Error("substr pos past the end accepted")
	}
	join := newCtx(t, "StringJoin", nil, map[string]any{"separator": "-", "N": 2})
	if got := tensor.MustValues[string](mustRun(t, join, in, strs(nil, "z"))[0]); got[1] != "  x\t-z" {
		t.Errorf("join = %q", got)
	}
}

func TestAsStringAndStringToNumber(t *testing.T) {
	f := tensor.Must(tensor.Float, []int{3}, []float32{3.5, -0.25, 1234567})
	c := newCtx(t, "AsString", nil, map[string]any{"T": tensor.Float})
	if got := tensor.MustValues[string](mustRun(t, c, f)[0]); !reflect.DeepEqual(got, []string{"3.500000", "-0.250000", "1234567.000000"}) {
		t.Errorf("AsString float = %q", got)
	}
	c = newCtx(t, "AsString", nil, map[string]any{"T": tensor.Float, "shortest": true})
	if got := tensor.MustValues[string](mustRun(t, c, f)[0]); !reflect.DeepEqual(got, []string{"3.5", "-0.25", "1.23457e+06"}) {
		t.Errorf("AsString shortest = %q", got)
	}
	c = newCtx(t, "AsString", nil, map[string]any{"T": tensor.Int64, "width": 4, "fill": "0"})
	if got := tensor.MustValues[string](mustRun(t, c, tensor.Must(tensor.Int64, []int{2}, []int64{7, -3}))[0]); !reflect.DeepEqual(got, []string{"0007", "-003"}) {
		t.Errorf("AsString width/fill = %q", got)
	}
	c = newCtx(t, "StringToNumber", nil, map[string]any{"out_type": tensor.Int32})
	if got := tensor.MustValues[int32](mustRun(t, c, strs([]int{2}, " 42", "-7 "))[0]); !reflect.DeepEqual(got, []int32{42, -7}) {
		t.Errorf("StringToNumber int32 = %v", got)
	}
	for _, bad := range []string{"4x", "", "99999999999"} {
		if _, err := c.run(strs(nil, bad)); err == nil {
			t.Errorf("StringToNumber(%q) accepted", bad)
		}
	}
	c = newCtx(t, "StringToNumber", nil, nil)
	if got := tensor.MustValues[float32](mustRun(t, c, strs([]int{2}, "1.5e3", "-inf"))[0]); got[0] != 1500 || got[1] > -1e38 {
		t.Errorf("StringToNumber float = %v", got)
	}
}

func TestHashBucketKernels(t *testing.T) {
	c := newCtx(t, "StringToHashBucketFast", nil, map[string]any{"num_buckets": 10})
	got := tensor.MustValues[int64](mustRun(t, c, strs([]int{2, 2}, "a", "b", "c", "d"))[0])
	if !reflect.DeepEqual(got, []int64{9, 2, 2, 5}) {
		t.Errorf("hash buckets = %v, TF's test says [9 2 2 5]", got)
	}
	if _, err := newCtx(t, "StringToHashBucketFast", nil, map[string]any{"num_buckets": 0}).run(strs(nil, "a")); err == nil {
		t.Error("num_buckets 0 accepted")
	}
	s := newCtx(t, "StringToHashBucketStrong", nil, map[string]any{"num_buckets": 1000, "key": []int64{0x0706050403020100, 0x0f0e0d0c0b0a0908}})
	got = tensor.MustValues[int64](mustRun(t, s, strs(nil, ""))[0])
	if got[0] != int64(uint64(0x726fdb47dd0e0e31)%1000) {
		t.Errorf("strong bucket = %d", got[0])
	}
}

func FuzzRE2Template(f *testing.F) {
	f.Add(`\2 at \1 \\ $0`, 2)
	f.Add(`\`, 0)
	f.Add(`a\qb`, 1)
	f.Fuzz(func(t *testing.T, rewrite string, groups int) {
		groups = groups & 7
		tmpl, err := RE2Template(rewrite, groups)
		if err != nil {
			return
		}
		// A valid template expands against a match without panicking and
		// leaves a rewrite without escapes or '$' unchanged.
		re := regexp.MustCompile(strings.Repeat("(x)", groups))
		s := strings.Repeat("x", groups)
		got := re.ReplaceAllString(s, tmpl)
		if !strings.ContainsAny(rewrite, `\$`) && got != rewrite {
			t.Fatalf("plain rewrite %q became %q", rewrite, got)
		}
	})
}

// The ASCII-class fast path must agree with Go's regexp (RE2 semantics) on
// every input, including invalid UTF-8 and multi-byte characters.
func TestDeleteFastPathMatchesRegexp(t *testing.T) {
	patterns := []string{`[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_` + "`" + `{|}~']`, `[a-c]`, `\d`, `[^a-z]`, `x`, `(?i)x`, `[é]`}
	inputs := append(corpusSample(t), "a\xffb\xc3", "é€x1-2", "", "XxX")
	for _, p := range patterns {
		re := regexp.MustCompile(p)
		del := asciiClass(p)
		for _, s := range inputs {
			want := re.ReplaceAllString(s, "")
			got := want
			if del != nil {
				got = deleteBytes(s, del)
			}
			if got != want {
				t.Fatalf("pattern %q on %q: fast path %q, regexp %q", p, s, got, want)
			}
		}
		if (del != nil) != (p != `[^a-z]` && p != `(?i)x` && p != `[é]`) {
			t.Errorf("pattern %q: fast path used = %v", p, del != nil)
		}
	}
}

func corpusSample(t *testing.T) []string {
	lines := corpusLines(t)
	return lines[:300]
}
