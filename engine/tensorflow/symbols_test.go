package tensorflow

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"
)

// apiFields returns the func fields of api by name, as pointers.
func apiFields(a *api) map[string]any {
	out := map[string]any{}
	v := reflect.ValueOf(a).Elem()
	for i := range v.NumField() {
		if v.Field(i).Kind() == reflect.Func {
			f := v.Field(i)
			// The fields are unexported: take a typed pointer to each.
			out[v.Type().Field(i).Name] = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Interface()
		}
	}
	return out
}

func TestSymbolTableComplete(t *testing.T) {
	a := &api{}
	fields := apiFields(a)
	table := a.symbols()
	seen := map[string]bool{}
	bound := map[any]string{}
	for _, s := range table {
		if seen[s.name] {
			t.Errorf("symbol %s listed twice", s.name)
		}
		seen[s.name] = true
		if other, dup := bound[s.fn]; dup {
			t.Errorf("symbols %s and %s bind the same field", s.name, other)
		}
		bound[s.fn] = s.name
		if !strings.HasPrefix(s.name, "TF_") {
			t.Errorf("symbol %s lacks the TF_ prefix", s.name)
		}
	}
	for name, ptr := range fields {
		sym, ok := bound[ptr]
		if !ok {
			t.Errorf("api field %s is not in the symbol table", name)
			continue
		}
		if !strings.EqualFold("TF_"+name, sym) {
			t.Errorf("api field %s is bound to %s", name, sym)
		}
	}
	if len(table) != len(fields) {
		t.Errorf("table has %d rows for %d api fields", len(table), len(fields))
	}
}

// TestSymbolsCalled checks, on the package's source, that every bound C
// function is called somewhere (no symbol is required for nothing) and
// that the documented load-and-run functions are among them.
func TestSymbolsCalled(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	called := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
					called[sel.Sel.Name] = true
				}
			}
			return true
		})
	}
	for name := range apiFields(&api{}) {
		if !called[name] {
			t.Errorf("api.%s is bound but never called", name)
		}
	}
}

// resolver is a fake symbol lookup (not a fake library: nothing bound here
// is ever called).
func resolver(missing ...string) func(string) (uintptr, error) {
	return func(name string) (uintptr, error) {
		if slices.Contains(missing, name) {
			return 0, errors.New("undefined symbol: " + name)
		}
		return 0x1000 + uintptr(len(name)), nil
	}
}

func TestBindAllSymbols(t *testing.T) {
	a := &api{}
	// purego.RegisterFunc checks each Go signature against what purego
	// can call (it panics on an unsupported type); the functions are
	// never invoked.
	if err := a.bind("fake", resolver(), purego.RegisterFunc); err != nil {
		t.Fatal(err)
	}
	for name, ptr := range apiFields(a) {
		if reflect.ValueOf(ptr).Elem().IsNil() {
			t.Errorf("api.%s is nil after a complete bind", name)
		}
	}
	if !a.hasDeviceList() {
		t.Error("device list functions not bound")
	}
}

func TestBindMissingRequired(t *testing.T) {
	a := &api{}
	registered := 0
	err := a.bind("/lib/libfoo.so", resolver("TF_Version", "TF_SessionRun", "TF_DeviceListName"),
		func(any, uintptr) { registered++ })
	var ms *MissingSymbolsError
	if !errors.As(err, &ms) {
		t.Fatalf("got %v, want *MissingSymbolsError", err)
	}
	if !slices.Equal(ms.Symbols, []string{"TF_Version", "TF_SessionRun"}) {
		t.Errorf("missing = %v, want the two required ones in table order", ms.Symbols)
	}
	if !strings.Contains(err.Error(), "/lib/libfoo.so: missing symbols: TF_Version, TF_SessionRun") {
		t.Errorf("message %q", err)
	}
	if registered != 0 {
		t.Errorf("%d functions registered despite missing symbols", registered)
	}
}

func TestBindMissingOptional(t *testing.T) {
	a := &api{}
	if err := a.bind("fake", resolver("TF_DeviceListType"), purego.RegisterFunc); err != nil {
		t.Fatal(err)
	}
	if a.hasDeviceList() || a.deviceListCount != nil || a.deleteDeviceList != nil {
		t.Error("an incomplete optional group was bound")
	}
	if a.sessionRun == nil || a.version == nil {
		t.Error("required functions not bound")
	}
}
