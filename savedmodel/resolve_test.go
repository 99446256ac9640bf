package savedmodel

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeModel writes a minimal saved_model.pbtxt into dir.
func fakeModel(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	const txt = `meta_graphs { meta_info_def { tags: "serve" tensorflow_version: "test" } }`
	if err := os.WriteFile(filepath.Join(dir, FilePBTxt), []byte(txt), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestResolveVersions(t *testing.T) {
	root := t.TempDir()
	fakeModel(t, filepath.Join(root, "1"))
	fakeModel(t, filepath.Join(root, "00000002"))
	fakeModel(t, filepath.Join(root, "10"))
	os.MkdirAll(filepath.Join(root, "11"), 0o755) // being copied in: no model yet
	fakeModel(t, filepath.Join(root, "abc"))      // not a version
	os.WriteFile(filepath.Join(root, "99"), nil, 0o644)

	dir, v, err := Resolve(root, 0)
	if err != nil || v != 10 || dir != filepath.Join(root, "10") {
		t.Fatalf("highest: %s %d %v", dir, v, err)
	}
	dir, v, err = Resolve(root, 2)
	if err != nil || v != 2 || dir != filepath.Join(root, "00000002") {
		t.Fatalf("pinned 2: %s %d %v", dir, v, err)
	}
	if _, _, err = Resolve(root, 7); err == nil || !strings.Contains(err.Error(), "version 7 not found") || !strings.Contains(err.Error(), "00000002") {
		t.Fatalf("pinned 7: %v", err)
	}
	if _, _, err = Resolve(root, 11); err == nil || !strings.Contains(err.Error(), "has no") {
		t.Fatalf("pinned empty folder: %v", err)
	}
	// A model directory itself; its own number counts as its version.
	if dir, v, err = Resolve(filepath.Join(root, "10"), 0); err != nil || v != 10 || dir != filepath.Join(root, "10") {
		t.Fatalf("model dir: %s %d %v", dir, v, err)
	}
	if _, _, err = Resolve(filepath.Join(root, "10"), 10); err != nil {
		t.Fatalf("model dir pinned to its number: %v", err)
	}
	if _, _, err = Resolve(filepath.Join(root, "abc"), 3); err == nil {
		t.Fatal("pinned version on an unnumbered model dir: no error")
	}
	if _, v, err = Resolve(filepath.Join(root, "abc"), 0); err != nil || v != 0 {
		t.Fatalf("unnumbered model dir: %d %v", v, err)
	}
	m, err := Load(root, LoadOptions{})
	if err != nil || m.Version != 10 || m.Format != "pbtxt" || m.TFVersion != "test" || m.VariablesPrefix != "" {
		t.Fatalf("Load: %+v %v", m, err)
	}
	empty := t.TempDir()
	os.MkdirAll(filepath.Join(empty, "5"), 0o755)
	_, _, err = Resolve(empty, 0)
	if !errors.Is(err, ErrNotSavedModel) || !strings.Contains(err.Error(), "version folders: 5") {
		t.Fatalf("no model anywhere: %v", err)
	}
	if _, _, err := Resolve(filepath.Join(root, "99"), 0); err == nil {
		t.Fatal("a file: no error")
	}
}
