package textops

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/scorekit/score/engine/native/op"
	"github.com/scorekit/score/tensor"
)

func regexDefs() []op.Def {
	return []op.Def{
		{Spec: "StaticRegexReplace(input: string) -> (output: string); pattern: string; rewrite: string; replace_global: bool = true", Kernel: staticRegexReplace},
		{Spec: "RegexReplace(input: string, pattern: string, rewrite: string) -> (output: string); replace_global: bool = true", Kernel: regexReplace},
		{Spec: "StaticRegexFullMatch(input: string) -> (output: bool); pattern: string", Kernel: staticRegexFullMatch},
		{Spec: "RegexFullMatch(input: string, pattern: string) -> (output: bool)", Kernel: regexFullMatch},
	}
}

// replacer is a compiled pattern plus its rewrite as a Go Expand template.
type replacer struct {
	re       *regexp.Regexp
	template string
	del      *[256]bool // set when the pattern is one ASCII character class and the rewrite is empty
}

// compile returns the session-cached regexp for pattern (anchored for a
// full match when full is set).
func compile(c op.Context, pattern string, full bool) (*regexp.Regexp, error) {
	key := "textops/regex\x00" + pattern
	src := pattern
	if full {
		key = "textops/fullregex\x00" + pattern
		src = `\A(?:` + pattern + `)\z`
	}
	v, err := c.Resources().LookupOrCreate(key, func() (any, error) {
		return regexp.Compile(src)
	})
	if err != nil {
		return nil, c.Errorf("invalid pattern %q: %v", pattern, err)
	}
	re, ok := v.(*regexp.Regexp)
	if !ok {
		return nil, c.Errorf("resource %q is %T, not a regexp", key, v)
	}
	return re, nil
}

// RE2Template converts an RE2 rewrite string (\0..\9 group references, \\ a
// backslash) into a Go regexp Expand template; it fails, as RE2 does, on any
// other escape or a reference to a group the pattern lacks.
func RE2Template(rewrite string, groups int) (string, error) {
	var b strings.Builder
	for i := 0; i < len(rewrite); i++ {
		ch := rewrite[i]
		switch {
		case ch == '$':
			b.WriteString("$$")
		case ch != '\\':
			b.WriteByte(ch)
		case i+1 == len(rewrite):
			return "", fmt.Errorf("rewrite %q ends with a lone backslash", rewrite)
		default:
			i++
			switch d := rewrite[i]; {
			case d == '\\':
				b.WriteByte('\\')
			case d >= '0' && d <= '9':
				n := int(d - '0')
				if n > groups {
					return "", fmt.Errorf("rewrite %q references group \\%d but the pattern has %d", rewrite, n, groups)
				}
				fmt.Fprintf(&b, "${%d}", n)
			default:
				return "", fmt.Errorf("rewrite %q has invalid escape \\%c", rewrite, d)
			}
		}
	}
	return b.String(), nil
}

func newReplacer(c op.Context, pattern, rewrite string) (*replacer, error) {
	re, err := compile(c, pattern, false)
	if err != nil {
		return nil, err
	}
	tmpl, err := RE2Template(rewrite, re.NumSubexp())
	if err != nil {
		return nil, c.Errorf("%v", err)
	}
	r := &replacer{re: re, template: tmpl}
	if rewrite == "" {
		r.del = asciiClass(pattern)
	}
	return r, nil
}

// asciiClass returns the byte set of a pattern that is exactly one character
// class of ASCII characters (Keras' punctuation strip), else nil. Deleting
// those bytes equals RE2's global replace by "": UTF-8 sequences and invalid
// bytes are >= 0x80 and never in the class.
func asciiClass(pattern string) *[256]bool {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	re = re.Simplify()
	var set [256]bool
	switch re.Op {
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo < 0 || hi >= 0x80 {
				return nil
			}
			for ch := lo; ch <= hi; ch++ {
				set[ch] = true
			}
		}
	case syntax.OpLiteral:
		if len(re.Rune) != 1 || re.Rune[0] >= 0x80 || re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		set[re.Rune[0]] = true
	default:
		return nil
	}
	return &set
}

// deleteBytes removes the bytes in del from s.
func deleteBytes(s string, del *[256]bool) string {
	i := 0
	for i < len(s) && !del[s[i]] {
		i++
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, i, len(s))
	copy(b, s[:i])
	for ; i < len(s); i++ {
		if !del[s[i]] {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// replace is RE2::GlobalReplace (all non-overlapping matches; an empty match
// right after the previous match is skipped, as Go's ReplaceAll does) or
// RE2::Replace (the first match only).
func (r *replacer) replace(s string, global bool) string {
	if global && r.del != nil {
		return deleteBytes(s, r.del)
	}
	if global {
		return r.re.ReplaceAllString(s, r.template)
	}
	m := r.re.FindStringSubmatchIndex(s)
	if m == nil {
		return s
	}
	out := make([]byte, 0, len(s)+len(r.template))
	out = append(out, s[:m[0]]...)
	out = r.re.ExpandString(out, r.template, s, m)
	out = append(out, s[m[1]:]...)
	return string(out)
}

func replaceAll(c op.Context, in *tensor.Tensor, r *replacer) ([]*tensor.Tensor, error) {
	global, err := op.Bool(c, "replace_global")
	if err != nil {
		return nil, err
	}
	return mapStrings(c, in, func(s string) string { return r.replace(s, global) })
}

func staticRegexReplace(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	pattern, err := op.String(c, "pattern")
	if err != nil {
		return nil, err
	}
	rewrite, err := op.String(c, "rewrite")
	if err != nil {
		return nil, err
	}
	r, err := newReplacer(c, pattern, rewrite)
	if err != nil {
		return nil, err
	}
	return replaceAll(c, in[0], r)
}

// scalarString reads a scalar string input.
func scalarString(c op.Context, what string, t *tensor.Tensor) (string, error) {
	v, ok := t.Data().([]string)
	if !ok || t.Rank() != 0 {
		return "", c.Errorf("%s must be a scalar string, got %s", what, t)
	}
	return v[0], nil
}

func regexReplace(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	pattern, err := scalarString(c, "pattern", in[1])
	if err != nil {
		return nil, err
	}
	rewrite, err := scalarString(c, "rewrite", in[2])
	if err != nil {
		return nil, err
	}
	r, err := newReplacer(c, pattern, rewrite)
	if err != nil {
		return nil, err
	}
	return replaceAll(c, in[0], r)
}

func fullMatch(c op.Context, in *tensor.Tensor, pattern string) ([]*tensor.Tensor, error) {
	re, err := compile(c, pattern, true)
	if err != nil {
		return nil, err
	}
	src, err := stringsIn(c, "input", in)
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(src))
	for i, s := range src {
		out[i] = re.MatchString(s)
	}
	return []*tensor.Tensor{tensor.Must(tensor.Bool, in.Shape(), out)}, nil
}

func staticRegexFullMatch(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	pattern, err := op.String(c, "pattern")
	if err != nil {
		return nil, err
	}
	return fullMatch(c, in[0], pattern)
}

func regexFullMatch(c op.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	pattern, err := scalarString(c, "pattern", in[1])
	if err != nil {
		return nil, err
	}
	return fullMatch(c, in[0], pattern)
}
