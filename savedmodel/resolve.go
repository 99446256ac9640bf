package savedmodel

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Names of the files and folders in a SavedModel directory.
const (
	FilePB        = "saved_model.pb"
	FilePBTxt     = "saved_model.pbtxt"
	VariablesDir  = "variables"
	VariablesName = "variables"
	AssetsDir     = "assets"
)

// ErrNotSavedModel is wrapped by Resolve and Load when a directory holds
// neither a SavedModel nor numbered version folders with one.
var ErrNotSavedModel = errors.New("not a SavedModel directory")

// IsModelDir reports whether dir holds saved_model.pb or saved_model.pbtxt.
func IsModelDir(dir string) bool {
	for _, f := range []string{FilePB, FilePBTxt} {
		if st, err := os.Stat(filepath.Join(dir, f)); err == nil && st.Mode().IsRegular() {
			return true
		}
	}
	return false
}

// Resolve finds the model directory: dir itself when it holds
// saved_model.pb(txt) (v = 0, or dir's own number when version pins it),
// else TF Serving-style numbered subfolders (00000123, 1, 2, ...), taking the
// highest number that holds a model (a newer folder still being copied in is
// skipped), or exactly version when version > 0.
func Resolve(dir string, version int64) (modelDir string, v int64, err error) {
	st, err := os.Stat(dir)
	if err != nil {
		return "", 0, fmt.Errorf("resolve model %s: %w", dir, err)
	}
	if !st.IsDir() {
		return "", 0, fmt.Errorf("resolve model %s: %w: not a directory", dir, ErrNotSavedModel)
	}
	if IsModelDir(dir) {
		n, numbered := parseVersion(filepath.Base(filepath.Clean(dir)))
		if version > 0 && (!numbered || n != version) {
			return "", 0, fmt.Errorf("resolve model %s: version %d requested but %s is a model directory without version folders", dir, version, dir)
		}
		if numbered {
			return dir, n, nil
		}
		return dir, 0, nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", 0, fmt.Errorf("resolve model %s: %w", dir, err)
	}
	type cand struct {
		name string
		v    int64
	}
	var versions []cand
	var others []string
	for _, e := range ents {
		n, ok := parseVersion(e.Name())
		if !ok || !isDirFollow(filepath.Join(dir, e.Name())) {
			others = append(others, e.Name())
			continue
		}
		versions = append(versions, cand{e.Name(), n})
	}
	sort.Slice(versions, func(i, j int) bool { return versions[i].v > versions[j].v })
	var found []string
	for _, c := range versions {
		found = append(found, c.name)
	}
	if version > 0 {
		for _, c := range versions {
			if c.v == version {
				p := filepath.Join(dir, c.name)
				if !IsModelDir(p) {
					return "", 0, fmt.Errorf("resolve model %s: version folder %s has no %s or %s", dir, c.name, FilePB, FilePBTxt)
				}
				return p, c.v, nil
			}
		}
		return "", 0, fmt.Errorf("resolve model %s: version %d not found (version folders: %s)", dir, version, listOrNone(found))
	}
	for _, c := range versions {
		p := filepath.Join(dir, c.name)
		if IsModelDir(p) {
			return p, c.v, nil
		}
	}
	return "", 0, fmt.Errorf("resolve model %s: %w: no %s or %s, no version folder holding one (version folders: %s; other entries: %s)",
		dir, ErrNotSavedModel, FilePB, FilePBTxt, listOrNone(found), listOrNone(others))
}

// parseVersion accepts folder names made only of decimal digits, as TF
// Serving does.
func parseVersion(name string) (int64, bool) {
	if name == "" || strings.TrimLeft(name, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(name, 10, 64)
	return n, err == nil
}

func isDirFollow(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	if len(s) > 10 {
		return strings.Join(s[:10], ", ") + fmt.Sprintf(", ... (%d in all)", len(s))
	}
	return strings.Join(s, ", ")
}
