package op

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/scorekit/score/savedmodel/tfpb"
	"github.com/scorekit/score/tensor"
)

// Parse parses a Def spec (see Def).
func Parse(spec string) (*OpDef, error) {
	parts := strings.Split(spec, ";")
	head := strings.TrimSpace(parts[0])
	open := strings.IndexByte(head, '(')
	if open < 0 || !strings.Contains(head, ")") {
		return nil, fmt.Errorf("spec %q: want Name(inputs) -> (outputs)", spec)
	}
	od := &OpDef{Name: strings.TrimSpace(head[:open])}
	rest := head[open+1:]
	closeIn := strings.IndexByte(rest, ')')
	var err error
	if od.Inputs, err = parseArgs(rest[:closeIn]); err != nil {
		return nil, fmt.Errorf("spec %s inputs: %w", od.Name, err)
	}
	rest = strings.TrimSpace(rest[closeIn+1:])
	if rest != "" {
		if !strings.HasPrefix(rest, "->") {
			return nil, fmt.Errorf("spec %s: want -> after inputs", od.Name)
		}
		rest = strings.TrimSpace(strings.TrimPrefix(rest, "->"))
		rest = strings.TrimSuffix(strings.TrimPrefix(rest, "("), ")")
		if od.Outputs, err = parseArgs(rest); err != nil {
			return nil, fmt.Errorf("spec %s outputs: %w", od.Name, err)
		}
	}
	for _, p := range parts[1:] {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		a, err := parseAttr(p)
		if err != nil {
			return nil, fmt.Errorf("spec %s: attr %q: %w", od.Name, p, err)
		}
		od.Attrs = append(od.Attrs, a)
	}
	attrType := map[string]string{}
	for _, a := range od.Attrs {
		attrType[a.Name] = a.Type
	}
	for _, args := range [][]Arg{od.Inputs, od.Outputs} {
		for _, a := range args {
			for _, ref := range []string{a.TypeAttr, a.NumberAttr, a.TypeListAttr} {
				if ref != "" && attrType[ref] == "" {
					return nil, fmt.Errorf("spec %s: arg %s uses undeclared attr %s", od.Name, a.Name, ref)
				}
			}
		}
	}
	// An arg typed by a list(type) attr is a type list, not a single type.
	for _, args := range [][]Arg{od.Inputs, od.Outputs} {
		for i := range args {
			if t := args[i].TypeAttr; t != "" && attrType[t] == "list(type)" {
				args[i].TypeListAttr, args[i].TypeAttr = t, ""
			}
		}
	}
	return od, nil
}

func parseArgs(s string) ([]Arg, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var args []Arg
	for _, f := range strings.Split(s, ",") {
		name, typ, ok := strings.Cut(f, ":")
		if !ok {
			return nil, fmt.Errorf("arg %q: want name: type", f)
		}
		a := Arg{Name: strings.TrimSpace(name)}
		typ = strings.TrimSpace(typ)
		if n, t, ok := strings.Cut(typ, "*"); ok {
			a.NumberAttr = strings.TrimSpace(n)
			typ = strings.TrimSpace(t)
		}
		if dt, err := parseType(typ); err == nil {
			a.Type = dt
		} else {
			a.TypeAttr = typ
		}
		args = append(args, a)
	}
	return args, nil
}

func parseAttr(s string) (Attr, error) {
	name, rest, ok := strings.Cut(s, ":")
	if !ok {
		return Attr{}, fmt.Errorf("want name: type")
	}
	a := Attr{Name: strings.TrimSpace(name)}
	typ, def, hasDef := strings.Cut(rest, "=")
	a.Type = strings.TrimSpace(typ)
	// "int >= 1" style minimums are documentation only.
	if i := strings.IndexAny(a.Type, "><"); i >= 0 {
		a.Type = strings.TrimSpace(a.Type[:i])
	}
	if hasDef {
		v, err := parseValue(a.Type, strings.TrimSpace(def))
		if err != nil {
			return Attr{}, err
		}
		a.Default = v
	}
	return a, nil
}

func parseValue(typ, s string) (*tfpb.AttrValue, error) {
	if strings.HasPrefix(typ, "list(") {
		elem := strings.TrimSuffix(strings.TrimPrefix(typ, "list("), ")")
		s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
		list := &tfpb.AttrValue_ListValue{}
		if strings.TrimSpace(s) != "" {
			for _, item := range strings.Split(s, ",") {
				v, err := parseValue(elem, strings.TrimSpace(item))
				if err != nil {
					return nil, err
				}
				switch x := v.Value.(type) {
				case *tfpb.AttrValue_I:
					list.I = append(list.I, x.I)
				case *tfpb.AttrValue_F:
					list.F = append(list.F, x.F)
				case *tfpb.AttrValue_B:
					list.B = append(list.B, x.B)
				case *tfpb.AttrValue_S:
					list.S = append(list.S, x.S)
				case *tfpb.AttrValue_Type:
					list.Type = append(list.Type, x.Type)
				default:
					return nil, fmt.Errorf("list default of %s not supported", elem)
				}
			}
		}
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_List{List: list}}, nil
	}
	switch typ {
	case "int":
		i, err := strconv.ParseInt(s, 10, 64)
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_I{I: i}}, err
	case "float":
		f, err := strconv.ParseFloat(s, 32)
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_F{F: float32(f)}}, err
	case "bool":
		b, err := strconv.ParseBool(s)
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_B{B: b}}, err
	case "string":
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_S{S: []byte(strings.Trim(s, `'"`))}}, nil
	case "type":
		dt, err := parseType(s)
		return &tfpb.AttrValue{Value: &tfpb.AttrValue_Type{Type: tfpb.DataType(dt)}}, err
	case "shape":
		if s == "unknown" || s == "?" {
			return &tfpb.AttrValue{Value: &tfpb.AttrValue_Shape{Shape: &tfpb.TensorShapeProto{UnknownRank: true}}}, nil
		}
	}
	return nil, fmt.Errorf("cannot parse default %q of type %s", s, typ)
}

func parseType(s string) (tensor.DType, error) {
	switch s {
	case "int", "type", "func", "shape", "tensor":
		return tensor.Invalid, fmt.Errorf("not a type: %s", s)
	}
	return tensor.ParseDType(s)
}
