package writer

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

var allExts = []string{".parquet", ".csv", ".csv.gz", ".jsonl", ".jsonl.gz", ".ndjson"}

func TestNothingAtPathBeforeClose(t *testing.T) {
	s := testSchema()
	rows := makeRows(s, 0, 300, 2)
	for _, ext := range allExts {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out"+ext)
			w, err := Create(path, s, Options{RowGroupRows: 100})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(rows); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("stat %s before Close: %v, want not exist", path, err)
			}
			if tmp := tempFiles(t, path); len(tmp) != 1 {
				t.Fatalf("temporary files before Close: %v, want one", tmp)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if names := dirNames(t, dir); len(names) != 1 || names[0] != "out"+ext {
				t.Fatalf("dir after Close: %v, want just out%s", names, ext)
			}
			if w.Rows() != int64(len(rows)) {
				t.Errorf("Rows() = %d, want %d", w.Rows(), len(rows))
			}
			if err := w.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			if err := w.Abort(); err != nil {
				t.Errorf("Abort after Close: %v", err)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("output gone after Abort following Close: %v", err)
			}
			if err := w.Write(rows[:1]); !errors.Is(err, ErrClosed) {
				t.Errorf("Write after Close: %v, want ErrClosed", err)
			}
		})
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	s := testSchema()
	rows := makeRows(s, 0, 250, 3)
	for _, ext := range allExts {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out"+ext)
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			w, err := Create(path, s, Options{RowGroupRows: 100, Allocator: mem})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(rows); err != nil {
				t.Fatal(err)
			}
			if err := w.Abort(); err != nil {
				t.Fatal(err)
			}
			if err := w.Abort(); err != nil {
				t.Errorf("second Abort: %v", err)
			}
			if names := dirNames(t, dir); len(names) != 0 {
				t.Errorf("dir after Abort: %v, want empty", names)
			}
			if err := w.Close(); !errors.Is(err, ErrClosed) {
				t.Errorf("Close after Abort: %v, want ErrClosed", err)
			}
			mem.AssertSize(t, 0)
		})
	}
}

// An existing file at the final path stays as it was until Close replaces
// it, and a failed writer never touches it.
func TestExistingOutputReplacedOnlyOnClose(t *testing.T) {
	s := testSchema()
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Create(path, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(makeRows(s, 0, 10, 4)); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Fatalf("final path changed before Close: %q", b)
	}
	w.Abort()
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Fatalf("final path changed by Abort: %q", b)
	}
	writeAll(t, path, s, Options{}, makeRows(s, 0, 10, 4), 10)
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "id,source,row,label") {
		t.Fatalf("final path after Close starts %q", b[:min(len(b), 40)])
	}
}

func TestSchemaErrorsKeepWriterUsable(t *testing.T) {
	s := testSchema()
	path := filepath.Join(t.TempDir(), "out.parquet")
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	w, err := Create(path, s, Options{Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	good := makeRows(s, 0, 20, 5)
	bad := []Row{
		{ID: "short", Scores: make([]float32, s.Width()-1)},
		{ID: "fields", Fields: []string{"a"}},
		{ID: "nulls", Fields: []string{"a", "b", "c"}, FieldNull: []bool{true}},
	}
	for _, b := range bad {
		batch := append(append([]Row(nil), good[:3]...), b)
		if err := w.Write(batch); !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), b.ID) {
			t.Errorf("row %s: err = %v, want ErrSchema naming the row", b.ID, err)
		}
	}
	if w.Rows() != 0 {
		t.Errorf("Rows() = %d after refused batches, want 0", w.Rows())
	}
	if err := w.Write(good); err != nil {
		t.Fatalf("write after refused batches: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	mem.AssertSize(t, 0)
}

func TestCreateRefuses(t *testing.T) {
	dir := t.TempDir()
	ok := testSchema()
	cases := []struct {
		name string
		path string
		s    Schema
		opts Options
	}{
		{"extension", "out.txt", ok, Options{}},
		{"gz parquet", "out.parquet.gz", ok, Options{}},
		{"field named id", "a.csv", Schema{Fields: []string{"id"}}, Options{}},
		{"duplicate scores", "a.csv", Schema{Outputs: []Column{{Name: "p", Width: 2}, {Name: "p_1", Width: 1}}}, Options{}},
		{"zero width", "a.csv", Schema{Outputs: []Column{{Name: "p"}}}, Options{}},
		{"class names", "a.csv", Schema{Outputs: []Column{{Name: "p", Width: 2, Names: []string{"x"}}}}, Options{}},
		{"empty output name", "a.csv", Schema{Outputs: []Column{{Width: 1}}}, Options{}},
		{"reserved metadata", "a.parquet", ok, Options{Metadata: map[string]string{MetaSchema: "x"}}},
		{"negative row groups", "a.parquet", ok, Options{RowGroupRows: -1}},
		{"missing dir", "no/such/dir/a.csv", ok, Options{}},
	}
	for _, c := range cases {
		if w, err := Create(filepath.Join(dir, c.path), c.s, c.opts); err == nil {
			w.Abort()
			t.Errorf("%s: Create succeeded", c.name)
		}
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("refused Creates left %v", names)
	}
}

// The child half of TestKillLeavesNoOutput: write forever until killed.
const killEnv = "SCORE_WRITER_KILL_CHILD"

func killChild(path string) {
	// Long uncompressed text fields get bytes to the disk quickly, race
	// detector or not.
	s := Schema{Fields: []string{"text"}, Outputs: []Column{{Name: "p", Width: 3}}}
	w, err := Create(path, s, Options{RowGroupRows: 64, Compression: "none"})
	if err != nil {
		os.Exit(3)
	}
	rows := makeRows(s, 0, 64, 6)
	for i := range rows {
		rows[i].Fields, rows[i].FieldNull = []string{strings.Repeat(rows[i].ID, 1000)}, nil
	}
	// Bounded, in case the parent is gone without killing us (Pdeathsig
	// covers most of that).
	for i := 0; i < 100000; i++ {
		if err := w.Write(rows); err != nil {
			os.Exit(4)
		}
		if i == 1 {
			os.Stdout.WriteString("writing\n")
		}
	}
	w.Abort()
	os.Exit(5)
}

func TestKillLeavesNoOutput(t *testing.T) {
	if p := os.Getenv(killEnv); p != "" {
		killChild(p)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "scores.parquet")
	if err := os.WriteFile(path, []byte("previous run"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillLeavesNoOutput$")
	cmd.Env = append(os.Environ(), killEnv+"="+path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "writing\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q, %v", line, err)
	}
	// Wait until row groups have reached the temporary file on disk (the
	// first flush of the 1 MiB buffer).
	deadline := time.Now().Add(60 * time.Second)
	for {
		if tmp := tempFiles(t, path); len(tmp) == 1 {
			if st, err := os.Stat(filepath.Join(dir, tmp[0])); err == nil && st.Size() > 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("child wrote nothing to its temporary file")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, want killed by SIGKILL", err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "previous run" {
		t.Fatalf("final path after kill: %q, %v; want the previous file untouched", b, err)
	}
	if tmp := tempFiles(t, path); len(tmp) != 1 {
		t.Errorf("temporary files after kill: %v, want the one left by the killed child", tmp)
	}
}
