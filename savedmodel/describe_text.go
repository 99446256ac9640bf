package savedmodel

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/scorekit/score/tensor"
)

// WriteText renders d for people, in the layout of saved_model_cli show.
func (d *Description) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("model: %s (version %d, %s)\n", d.Dir, d.Version, d.Format)
	p("tags: {%s}", strings.Join(d.Tags, ","))
	if len(d.AvailableTags) > 1 {
		var sets []string
		for _, s := range d.AvailableTags {
			sets = append(sets, "{"+strings.Join(s, ",")+"}")
		}
		p("  (available: %s)", strings.Join(sets, " "))
	}
	p("\ntensorflow: %s (git %s), graph producer %d, min consumer %d, stripped default attrs %v\n",
		orDash(d.TFVersion), orDash(d.TFGitVersion), d.GraphProducer, d.GraphMinConsumer, d.StrippedDefaultAttrs)
	p("graph: %d nodes, %d library functions\n", d.GraphNodes, d.Functions)
	for _, s := range d.Signatures {
		p("\nsignature %q", s.Key)
		if s.Method != "" {
			p(" (method %s)", s.Method)
		}
		p(":\n")
		for _, t := range s.Inputs {
			p("  input  %-20s %s\n", t.Key, tensorInfoText(t))
		}
		for _, t := range s.Outputs {
			p("  output %-20s %s\n", t.Key, tensorInfoText(t))
		}
		p("  ops (%d functions): %s\n", len(s.FunctionsUsed), opCountsText(s.Ops))
	}
	p("\nvariables: %d, %s\n", len(d.Variables), byteSize(d.VariableBytes))
	for _, v := range d.Variables {
		p("  %-60s %-8s %-16s %s\n", v.Key, v.DType, tensor.ShapeString(v.Shape), byteSize(v.Bytes))
	}
	if len(d.Assets) > 0 {
		p("\nassets:\n")
		for _, a := range d.Assets {
			p("  %s <- %s\n", a.TensorName, a.Path)
		}
	}
	p("\nrestore op: %s\n", orDash(d.RestoreOp))
	p("init ops: %s", orDash(strings.Join(d.InitOps, ", ")))
	if d.InitSource != "" {
		p(" (from %s)", d.InitSource)
	}
	p("\nload ops: %s\n", opCountsText(d.LoadOps))
	if len(d.Unsupported) > 0 {
		p("\nunsupported ops: %s\n", strings.Join(d.Unsupported, ", "))
	}
	return b.Flush()
}

func tensorInfoText(t TensorInfo) string {
	shape := "<unknown rank>"
	if !t.UnknownRank {
		shape = tensor.ShapeString(t.Shape)
	}
	dt := t.DType.String()
	if t.DType == tensor.Invalid {
		dt = "<unknown dtype>"
	}
	s := fmt.Sprintf("%-8s %-14s", dt, shape)
	if t.Name != "" {
		s += " " + t.Name
	}
	if sp := t.Sparse; sp != nil {
		s += fmt.Sprintf(" sparse(values %s, indices %s, dense_shape %s)", sp.Values, sp.Indices, sp.DenseShape)
	}
	if len(t.Composite) > 0 {
		s += " composite(" + strings.Join(t.Composite, ", ") + ")"
	}
	return s
}

func opCountsText(ops []OpCount) string {
	if len(ops) == 0 {
		return "-"
	}
	parts := make([]string, len(ops))
	for i, o := range ops {
		parts[i] = fmt.Sprintf("%s×%d", o.Op, o.Count)
	}
	return strings.Join(parts, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.2f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
