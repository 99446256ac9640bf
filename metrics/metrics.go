package metrics

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Type is a metric type.
type Type string

// Metric types.
const (
	Counter Type = "counter"
	Gauge   Type = "gauge"
)

var nameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
var labelRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

type family struct {
	name, help string
	typ        Type
	samples    []sample
}

type sample struct {
	labels string // rendered {a="b",...} or ""
	value  float64
}

// Set is a group of metric families in insertion order.
type Set struct {
	fams  []*family
	index map[string]*family
	// Const labels are added to every sample (e.g. shard).
	Const map[string]string
}

// Add records one sample. Families keep the help and type of their first
// sample; a second sample with another type is an error.
func (s *Set) Add(name, help string, typ Type, labels map[string]string, v float64) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("metrics: bad metric name %q", name)
	}
	if s.index == nil {
		s.index = map[string]*family{}
	}
	f := s.index[name]
	if f == nil {
		f = &family{name: name, help: help, typ: typ}
		s.index[name] = f
		s.fams = append(s.fams, f)
	} else if f.typ != typ {
		return fmt.Errorf("metrics: %s is a %s, not a %s", name, f.typ, typ)
	}
	all := map[string]string{}
	for k, v := range s.Const {
		all[k] = v
	}
	for k, v := range labels {
		all[k] = v
	}
	ls, err := renderLabels(all)
	if err != nil {
		return fmt.Errorf("metrics: %s: %w", name, err)
	}
	f.samples = append(f.samples, sample{labels: ls, value: v})
	return nil
}

func renderLabels(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "", nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		if !labelRE.MatchString(k) || strings.HasPrefix(k, "__") {
			return "", fmt.Errorf("bad label name %q", k)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteString(`="`)
		b.WriteString(escape(m[k], true))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String(), nil
}

func escape(s string, quote bool) string {
	r := strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	if quote {
		r = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
	}
	return r.Replace(s)
}

func formatValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// WriteText writes the set in the text exposition format.
func (s *Set) WriteText(w io.Writer) error {
	var b bytes.Buffer
	for _, f := range s.fams {
		if f.help != "" {
			fmt.Fprintf(&b, "# HELP %s %s\n", f.name, escape(f.help, false))
		}
		fmt.Fprintf(&b, "# TYPE %s %s\n", f.name, f.typ)
		for _, sm := range f.samples {
			fmt.Fprintf(&b, "%s%s %s\n", f.name, sm.labels, formatValue(sm.value))
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Push PUTs the set to a Pushgateway at base as group job/instance.
func (s *Set) Push(ctx context.Context, client *http.Client, base, job, instance string) error {
	if client == nil {
		client = http.DefaultClient
	}
	if job == "" {
		return fmt.Errorf("metrics: push to %s: empty job name", base)
	}
	u := strings.TrimRight(base, "/") + "/metrics/job/" + url.PathEscape(job)
	if instance != "" {
		u += "/instance/" + url.PathEscape(instance)
	}
	var body bytes.Buffer
	if err := s.WriteText(&body); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, &body)
	if err != nil {
		return fmt.Errorf("metrics: push to %s: %w", u, err)
	}
	req.Header.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("metrics: push to %s: %w", u, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("metrics: push to %s: %s: %s", u, resp.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}
