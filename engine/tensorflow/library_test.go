package tensorflow

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/internal/fixtures"
)

func requireUnavailable(t *testing.T, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if !errors.Is(err, engine.ErrUnavailable) {
		t.Errorf("error does not wrap engine.ErrUnavailable: %v", err)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}

func TestProbeNonexistentPath(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nowhere", "libtensorflow.so.2")
	t.Setenv(EnvLibrary, p)
	_, _, err := Probe(nil)
	requireUnavailable(t, err, p+" ("+EnvLibrary+")", "https://www.tensorflow.org/install/lang_c",
		"libtensorflow-gpu-linux-x86_64", "pip install tensorflow")
}

func TestExtraOverridesEnv(t *testing.T) {
	dir := t.TempDir()
	envPath, extraPath := filepath.Join(dir, "env.so"), filepath.Join(dir, "extra.so")
	t.Setenv(EnvLibrary, envPath)
	_, _, err := Probe(map[string]string{ExtraLibrary: extraPath})
	requireUnavailable(t, err, extraPath+" (--tf-library)")
	if strings.Contains(err.Error(), envPath) {
		t.Errorf("env path tried despite --tf-library: %v", err)
	}
}

// A real shared library that is not TensorFlow: every required symbol is
// named missing. (libc is loaded into every process already; opening it
// again is harmless.)
func TestProbeNonTensorFlowLibrary(t *testing.T) {
	var lib string
	for _, p := range []string{"/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6",
		"/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib64/libc.so.6", "/usr/lib/x86_64-linux-gnu/libopenblas.so.0"} {
		if _, err := os.Stat(p); err == nil {
			lib = p
			break
		}
	}
	if lib == "" {
		t.Skip("no libc.so.6 or libopenblas.so.0 at a known path on this machine; install libc6 or libopenblas0")
	}
	t.Setenv(EnvLibrary, lib)
	_, _, err := Probe(nil)
	requireUnavailable(t, err, lib+": missing symbols: TF_Version, TF_NewStatus, TF_DeleteStatus")
	var ms *MissingSymbolsError
	if !errors.As(err, &ms) {
		t.Fatalf("no *MissingSymbolsError in %v", err)
	}
	var required []string
	for _, s := range (&api{}).symbols() {
		if !s.optional {
			required = append(required, s.name)
		}
	}
	if strings.Join(ms.Symbols, ",") != strings.Join(required, ",") {
		t.Errorf("missing %v, want every required symbol %v", ms.Symbols, required)
	}
	if strings.Contains(err.Error(), "TF_DeviceListCount") {
		t.Errorf("optional symbol reported missing: %v", err)
	}
}

func TestExplicitFolder(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib")
	if err := os.Mkdir(lib, 0o755); err != nil {
		t.Fatal(err)
	}
	// Empty files: they exist (so they are chosen) but do not dlopen.
	for _, f := range []string{"libtensorflow.so.2", "libtensorflow_framework.so.2"} {
		if err := os.WriteFile(filepath.Join(lib, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := explicitCandidates(dir, "--tf-library")
	if len(c) != 1 || c[0].lib != filepath.Join(lib, "libtensorflow.so.2") ||
		c[0].framework != filepath.Join(lib, "libtensorflow_framework.so.2") {
		t.Fatalf("candidates %+v", c)
	}
	_, _, err := Probe(map[string]string{ExtraLibrary: dir})
	requireUnavailable(t, err, "dlopen "+filepath.Join(lib, "libtensorflow.so.2"))
}

func TestSystemCandidatesFirst(t *testing.T) {
	t.Setenv(EnvLibrary, "")
	c, err := candidates(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c[0].source != "system" || c[0].lib != "libtensorflow.so.2" || c[0].framework != "libtensorflow_framework.so.2" {
		t.Errorf("first candidate %+v, want the system soname", c[0])
	}
	if len(c) != 2 || c[1].source != "pip" || c[1].lib != "" {
		t.Errorf("candidates %+v, want system then a pip lookup made only when reached", c)
	}
	if pipLibName() != "libtensorflow_cc.so.2" {
		t.Errorf("pip library %q", pipLibName())
	}
}

func TestLoadWithoutLibrary(t *testing.T) {
	model := fixtures.SavedModel(t, "tfserving_half_plus_two_tf2")
	t.Setenv(EnvLibrary, filepath.Join(t.TempDir(), "libtensorflow.so.2"))
	for _, device := range []string{"", "cpu", "gpu"} {
		_, err := New().Load(context.Background(), model, engine.LoadOptions{Device: device})
		requireUnavailable(t, err, EnvLibrary)
		if device == "gpu" && !strings.Contains(err.Error(), "device gpu needs the GPU build of libtensorflow") {
			t.Errorf("gpu error lacks the GPU hint: %v", err)
		}
	}
	// Through the registry, auto falls back past tensorflow.
	reg := engine.NewRegistry(New())
	_, skipped, err := reg.Load(context.Background(), engine.Auto, model, engine.LoadOptions{})
	if err == nil || len(skipped) != 1 || !errors.Is(skipped[0], engine.ErrUnavailable) {
		t.Errorf("auto: skipped %v, err %v", skipped, err)
	}
}

func TestLoadBadOptionsBeforeLibrary(t *testing.T) {
	model := fixtures.SavedModel(t, "tfserving_half_plus_two_tf2")
	for _, opts := range []engine.LoadOptions{
		{Device: "tpu"},
		{Extra: map[string]string{ExtraXLA: "maybe"}},
		{Extra: map[string]string{ExtraMemoryFraction: "1.5"}},
	} {
		_, err := New().Load(context.Background(), model, opts)
		if err == nil || errors.Is(err, engine.ErrUnavailable) {
			t.Errorf("%+v: got %v, want a plain option error", opts, err)
		}
	}
	_, err := New().Load(context.Background(), t.TempDir(), engine.LoadOptions{})
	if err == nil || errors.Is(err, engine.ErrUnavailable) {
		t.Errorf("empty dir: got %v, want not-a-SavedModel", err)
	}
}
