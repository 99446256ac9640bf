//go:build !(linux || darwin)

package tensorflow

import (
	"fmt"
	"runtime"
)

func libNames() (lib, framework, pip string) {
	return "tensorflow.dll", "", "tensorflow_cc.dll"
}

// dlopenLibrary: purego has no dlopen on this platform.
func dlopenLibrary(c candidate) (*library, error) {
	return nil, fmt.Errorf("load %s: loading libtensorflow is not supported on %s", c.lib, runtime.GOOS)
}
