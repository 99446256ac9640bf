package tensorflow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/scorekit/score/engine"
)

// Settings in engine.LoadOptions.Extra and the environment that choose
// the library.
const (
	// ExtraLibrary is the Extra key of the CLI's --tf-library: a path to
	// libtensorflow.so.2 (or the pip wheel's libtensorflow_cc.so.2), or a
	// folder holding it (directly or in lib/).
	ExtraLibrary = "tf_library"
	// EnvLibrary is the environment variable read when ExtraLibrary is
	// unset.
	EnvLibrary = "SCORE_TF_LIBRARY"
)

// library is a loaded libtensorflow. Libraries are loaded once per path
// and never unloaded (TensorFlow does not support dlclose).
type library struct {
	path      string // the C API library as opened
	framework string // libtensorflow_framework opened first, "" if none
	version   string
	api       api
}

var (
	libMu  sync.Mutex
	libMap = map[string]*library{}
)

// candidate is one way to find the library.
type candidate struct {
	lib       string // path or soname of the C API library
	framework string // path or soname of libtensorflow_framework, may be ""
	source    string // "--tf-library", "SCORE_TF_LIBRARY", "system", "pip"
}

// openLibrary finds and loads libtensorflow: the explicit setting if any
// (and nothing else), else the system search path, else a pip install.
// Errors wrap engine.ErrUnavailable and list every path tried.
func openLibrary(ctx context.Context, extra map[string]string) (*library, error) {
	cands, err := candidates(ctx, extra)
	if err != nil {
		return nil, err
	}
	var tried []string
	var errs []error
	for _, c := range cands {
		if c.source == "pip" {
			dir := pipPackageDir(ctx)
			if dir == "" {
				tried = append(tried, "python3 tensorflow package (pip)")
				errs = append(errs, errors.New("pip: python3 is not on PATH or cannot import tensorflow"))
				continue
			}
			c.lib, c.framework = filepath.Join(dir, pipLibName()), filepath.Join(dir, frameworkName())
		}
		lib, err := loadCandidate(c)
		if err == nil {
			return lib, nil
		}
		tried = append(tried, fmt.Sprintf("%s (%s)", c.lib, c.source))
		errs = append(errs, err)
		var ms *MissingSymbolsError
		if errors.As(err, &ms) {
			// A library that opened but is not libtensorflow: say so
			// rather than hiding it behind later candidates.
			break
		}
	}
	return nil, &UnavailableError{Tried: tried, Errs: errs}
}

// UnavailableError says why no usable libtensorflow was found and how to
// install one. It wraps engine.ErrUnavailable.
type UnavailableError struct {
	Tried []string // each library tried, with how it was found
	Errs  []error  // why each failed, in the same order
}

// InstallHint is appended to every "library not found" error.
const InstallHint = "install libtensorflow (TF >= 2.5): the CPU or GPU C library tarball from " +
	"https://www.tensorflow.org/install/lang_c (e.g. libtensorflow-gpu-linux-x86_64-2.15.0.tar.gz " +
	"extracted to /usr/local, then ldconfig), or `pip install tensorflow` (its libtensorflow_cc.so.2 " +
	"is found through python3); or set --tf-library / " + EnvLibrary + " to libtensorflow.so.2"

func (e *UnavailableError) Error() string {
	msgs := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		msgs[i] = err.Error()
	}
	return fmt.Sprintf("tensorflow engine: no usable libtensorflow (tried %s): %s; %s",
		strings.Join(e.Tried, ", "), strings.Join(msgs, "; "), InstallHint)
}

// Unwrap makes errors.Is(err, engine.ErrUnavailable) hold, and exposes the
// per-candidate errors (e.g. *MissingSymbolsError).
func (e *UnavailableError) Unwrap() []error {
	return append([]error{engine.ErrUnavailable}, e.Errs...)
}

// candidates lists the ways to find the library, in order.
func candidates(ctx context.Context, extra map[string]string) ([]candidate, error) {
	if p, src := extra[ExtraLibrary], "--tf-library"; p != "" {
		return explicitCandidates(p, src), nil
	}
	if p := os.Getenv(EnvLibrary); p != "" {
		return explicitCandidates(p, EnvLibrary), nil
	}
	sonameLib, sonameFramework, _ := libNames()
	// The pip candidate's paths are filled in only when it is reached:
	// asking python3 imports TensorFlow, which is slow.
	return []candidate{
		{lib: sonameLib, framework: sonameFramework, source: "system"},
		{source: "pip"},
	}, nil
}

func pipLibName() string    { _, _, p := libNames(); return p }
func frameworkName() string { _, f, _ := libNames(); return f }

// explicitCandidates accepts a library file or a folder holding one
// (the tarball's lib/ or a pip package folder).
func explicitCandidates(p, src string) []candidate {
	sonameLib, _, pipLib := libNames()
	st, err := os.Stat(p)
	if err != nil || !st.IsDir() {
		return []candidate{{lib: p, framework: frameworkNextTo(p), source: src}}
	}
	var out []candidate
	for _, d := range []string{p, filepath.Join(p, "lib")} {
		for _, name := range []string{sonameLib, pipLib} {
			f := filepath.Join(d, name)
			if _, err := os.Stat(f); err == nil {
				out = append(out, candidate{lib: f, framework: frameworkNextTo(f), source: src})
			}
		}
	}
	if len(out) == 0 {
		out = append(out, candidate{lib: filepath.Join(p, sonameLib), source: src})
	}
	return out
}

// frameworkNextTo returns libtensorflow_framework next to lib, if present.
func frameworkNextTo(lib string) string {
	_, sonameFramework, _ := libNames()
	f := filepath.Join(filepath.Dir(lib), sonameFramework)
	if _, err := os.Stat(f); err == nil {
		return f
	}
	return ""
}

// pipTimeout bounds the python3 query; importing tensorflow is slow.
const pipTimeout = 20 * time.Second

var (
	pipMu   sync.Mutex
	pipDone bool
	pipDir  string
)

// pipPackageDir asks python3 (once per process) where the tensorflow
// package lives, or returns "" when python3 or tensorflow is absent.
func pipPackageDir(ctx context.Context) string {
	pipMu.Lock()
	defer pipMu.Unlock()
	if !pipDone {
		pipDir, pipDone = askPython(ctx), true
	}
	return pipDir
}

func askPython(ctx context.Context) string {
	py, err := exec.LookPath("python3")
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, pipTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-c", "import tensorflow, os; print(os.path.dirname(tensorflow.__file__))")
	cmd.Env = append(os.Environ(), "TF_CPP_MIN_LOG_LEVEL=3")
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// loadCandidate loads (or returns the already loaded) library of c.
func loadCandidate(c candidate) (*library, error) {
	libMu.Lock()
	defer libMu.Unlock()
	if l, ok := libMap[c.lib]; ok {
		return l, nil
	}
	l, err := dlopenLibrary(c)
	if err != nil {
		return nil, err
	}
	libMap[c.lib] = l
	return l, nil
}

// Probe finds and loads libtensorflow as Load would (for `score inspect
// --engine tensorflow`) and returns its version and path. Errors wrap
// engine.ErrUnavailable.
func Probe(extra map[string]string) (version string, path string, err error) {
	l, err := openLibrary(context.Background(), extra)
	if err != nil {
		return "", "", err
	}
	return l.version, l.path, nil
}
