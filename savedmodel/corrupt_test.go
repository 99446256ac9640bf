package savedmodel

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scorekit/score/internal/fixtures"
)

// copyModel copies a fixture model dir (files only, one level of
// subfolders) into a temp dir so that tests can damage it.
func copyModel(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "model")
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(f, in)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestTruncatedSavedModel(t *testing.T) {
	dir := copyModel(t, fixtures.SavedModel(t, "tfjs_node_test_objects/times_two_int"))
	pb := filepath.Join(dir, FilePB)
	data, err := os.ReadFile(pb)
	if err != nil {
		t.Fatal(err)
	}
	// Every truncation point of the first 300 bytes, then every 211th: a
	// truncated protobuf must be an error naming the file, never a panic.
	for n := 0; n < len(data); n++ {
		if n > 300 && n%211 != 0 {
			continue
		}
		os.WriteFile(pb, data[:n], 0o644)
		m, err := Load(dir, LoadOptions{})
		if err == nil {
			// A cut exactly between two top-level fields can still parse;
			// then the result must at least be usable.
			if _, derr := Describe(m); derr != nil {
				t.Errorf("truncated to %d: loads but Describe fails: %v", n, derr)
			}
			continue
		}
		if !strings.Contains(err.Error(), "saved_model.pb") {
			t.Errorf("truncated to %d: error does not name the file: %v", n, err)
		}
	}
	os.WriteFile(pb, []byte("this is not a protobuf at all"), 0o644)
	if _, err := Load(dir, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "saved_model.pb") {
		t.Errorf("garbage: %v", err)
	}
	// Flipped bytes: anything may come out, but no panic.
	for i := 0; i < len(data); i += 53 {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0xff
		os.WriteFile(pb, bad, 0o644)
		if m, err := Load(dir, LoadOptions{}); err == nil {
			Describe(m)
		}
	}
}

func TestCorruptVariablesIndex(t *testing.T) {
	dir := copyModel(t, fixtures.SavedModel(t, "tfjs_node_test_objects/times_two_int"))
	idx := filepath.Join(dir, "variables", "variables.index")
	data, _ := os.ReadFile(idx)
	data[3] ^= 0x40
	os.WriteFile(idx, data, 0o644)
	m := mustLoad(t, dir, LoadOptions{}) // Load does not read the bundle
	if _, err := Describe(m); err == nil || !strings.Contains(err.Error(), "variables.index") {
		t.Fatalf("Describe with a corrupt index: %v", err)
	}
}

func TestFingerprint(t *testing.T) {
	src := fixtures.SavedModel(t, "tfserving_half_plus_two_tf2/00000123")
	orig := mustLoad(t, src, LoadOptions{})
	fp, err := orig.Fingerprint()
	if err != nil {
		t.Fatal(err)
	}
	if len(fp) != 64 || strings.Trim(fp, "0123456789abcdef") != "" {
		t.Fatalf("fingerprint %q is not 64 hex digits", fp)
	}
	dir := copyModel(t, src)
	if got, _ := mustLoad(t, dir, LoadOptions{}).Fingerprint(); got != fp {
		t.Errorf("same content elsewhere: %s != %s", got, fp)
	}
	change := func(rel string, edit func([]byte) []byte) string {
		p := filepath.Join(dir, rel)
		old, _ := os.ReadFile(p)
		os.WriteFile(p, edit(append([]byte(nil), old...)), 0o644)
		defer os.WriteFile(p, old, 0o644)
		got, err := mustLoad(t, dir, LoadOptions{}).Fingerprint()
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	flip := func(b []byte) []byte { b[len(b)/2] ^= 1; return b }
	for _, rel := range []string{"variables/variables.index", "assets/foo.txt"} {
		if got := change(rel, flip); got == fp {
			t.Errorf("changing %s leaves the fingerprint unchanged", rel)
		}
	}
	if got := change("variables/variables.data-00000-of-00001", func(b []byte) []byte { return append(b, 0) }); got == fp {
		t.Error("growing the data file leaves the fingerprint unchanged")
	}
	// By design the data bytes are not hashed (the index holds their CRCs).
	if got := change("variables/variables.data-00000-of-00001", flip); got != fp {
		t.Error("data bytes are hashed; the fingerprint is meant to be cheap")
	}
}
