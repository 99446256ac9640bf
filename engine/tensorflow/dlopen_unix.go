//go:build linux || darwin

package tensorflow

import (
	"fmt"
	"runtime"

	"github.com/ebitengine/purego"
)

// libNames returns the file names of the C API library, the framework
// library and the pip wheel's C++ library (which also carries the C API).
func libNames() (lib, framework, pip string) {
	if runtime.GOOS == "darwin" {
		return "libtensorflow.2.dylib", "libtensorflow_framework.2.dylib", "libtensorflow_cc.2.dylib"
	}
	return "libtensorflow.so.2", "libtensorflow_framework.so.2", "libtensorflow_cc.so.2"
}

// dlopenLibrary opens the framework library first with RTLD_GLOBAL (so the
// C API library finds it whatever its RUNPATH), then the C API library,
// binds the symbol table and reads TF_Version. Nothing else is called
// before the symbols are known to be there.
func dlopenLibrary(c candidate) (*library, error) {
	l := &library{path: c.lib}
	if c.framework != "" {
		if _, err := purego.Dlopen(c.framework, purego.RTLD_NOW|purego.RTLD_GLOBAL); err == nil {
			l.framework = c.framework
		}
		// A missing framework is not fatal: the C API library's own
		// DT_NEEDED entry may still find it.
	}
	h, err := purego.Dlopen(c.lib, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, fmt.Errorf("dlopen %s: %w", c.lib, err)
	}
	resolve := func(name string) (uintptr, error) { return purego.Dlsym(h, name) }
	if err := l.api.bind(c.lib, resolve, purego.RegisterFunc); err != nil {
		return nil, err
	}
	l.version = l.api.version()
	return l, nil
}
