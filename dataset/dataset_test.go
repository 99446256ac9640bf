package dataset

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/scorekit/score/reader"
	"github.com/scorekit/score/shard"
	"github.com/scorekit/score/writer"
)

var testID = Identity{ModelFingerprint: "fp", ConfigHash: "cfg", Shards: 2, PartRows: 10}

func testPart(k, seq int) shard.Part {
	return shard.Part{Shard: shard.Spec{Index: k, Count: 2}, Seq: seq, Key: "abcdef012345",
		Units: []shard.Unit{{Input: reader.Input{Path: "in.txt"}}}}
}

// writePart writes a real Parquet part with rows rows through the writer.
func writePart(t *testing.T, dir string, p shard.Part, rows int) {
	t.Helper()
	w, err := writer.Create(filepath.Join(dir, PartName(p)), writer.Schema{}, writer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rs := make([]writer.Row, rows)
	for i := range rs {
		rs[i] = writer.Row{ID: "d", Source: "in.txt", Row: int64(i + 1)}
	}
	if err := w.Write(rs); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyNeedsSidecarAndMatchingBytes(t *testing.T) {
	dir := t.TempDir()
	if err := Init(dir, testID, false); err != nil {
		t.Fatal(err)
	}
	p := testPart(0, 0)
	name := PartName(p)
	writePart(t, dir, p, 5)
	// Killed between rename and sidecar: must not be skipped.
	if _, ok, reason := Verify(dir, name, testID); ok || reason != "no sidecar" {
		t.Fatalf("part without sidecar verified (%q)", reason)
	}
	sc, err := Record(dir, p, testID)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Rows != 5 {
		t.Fatalf("sidecar rows %d, want 5", sc.Rows)
	}
	if _, ok, reason := Verify(dir, name, testID); !ok {
		t.Fatalf("complete part not verified: %s", reason)
	}
	other := testID
	other.ConfigHash = "other"
	if _, ok, _ := Verify(dir, name, other); ok {
		t.Fatal("part of another config verified")
	}
	// A part rewritten (same size, other bytes) must fail.
	data, _ := os.ReadFile(filepath.Join(dir, name))
	data[len(data)/2] ^= 0xff
	os.WriteFile(filepath.Join(dir, name), data, 0o644)
	if _, ok, _ := Verify(dir, name, testID); ok {
		t.Fatal("changed part verified")
	}
	// A truncated part must fail.
	os.WriteFile(filepath.Join(dir, name), data[:len(data)-10], 0o644)
	if _, ok, _ := Verify(dir, name, testID); ok {
		t.Fatal("truncated part verified")
	}
}

func FuzzVerifySidecar(f *testing.F) {
	f.Add([]byte(`{"name":"part-00000-of-00002-00000-abcdef012345.parquet","rows":5,"bytes":10,"sha256":"x","model_fingerprint":"fp","config_hash":"cfg","shards":2,"part_rows":10}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, stateDir, "parts"), 0o777)
		p := testPart(0, 0)
		writePart(t, dir, p, 3)
		os.WriteFile(sidecarPath(dir, PartName(p)), data, 0o644)
		if sc, ok, _ := Verify(dir, PartName(p), testID); ok {
			// Only a sidecar naming the file's true rows, size and hash may pass.
			rows, size, sum, err := inspect(filepath.Join(dir, PartName(p)))
			if err != nil || sc.Rows != rows || sc.Bytes != size || sc.SHA256 != sum {
				t.Fatalf("verified sidecar %+v for a file of %d rows, %d bytes, %s", sc, rows, size, sum)
			}
		}
	})
}

func TestInitRefusesOtherIdentity(t *testing.T) {
	dir := t.TempDir()
	if err := Init(dir, testID, false); err != nil {
		t.Fatal(err)
	}
	if err := Init(dir, testID, false); err != nil {
		t.Fatalf("same identity: %v", err)
	}
	other := testID
	other.ModelFingerprint = "fp2"
	if err := Init(dir, other, false); !errors.Is(err, ErrMismatch) {
		t.Fatalf("other model: %v, want ErrMismatch", err)
	}
	os.WriteFile(filepath.Join(dir, SuccessName), nil, 0o644)
	if err := Init(dir, other, true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, SuccessName)); err == nil {
		t.Fatal("--overwrite kept the old _SUCCESS")
	}
	if id, err := ReadIdentity(dir); err != nil || id != other {
		t.Fatalf("identity after overwrite: %+v, %v", id, err)
	}
}

func TestLockExclusiveStaleAndLost(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "l.lock")
	ctx := context.Background()
	a, err := Acquire(ctx, path, NewOwner(), LockOptions{TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Acquire(ctx, path, NewOwner(), LockOptions{TTL: time.Hour}); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Acquire: %v, want ErrLocked", err)
	}
	if err := a.Release(); err != nil {
		t.Fatal(err)
	}
	b, err := Acquire(ctx, path, NewOwner(), LockOptions{TTL: time.Hour})
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	// Its heartbeat stops (as if the holder hung on another machine):
	// another run takes over once the TTL has passed, and b learns it lost.
	b.stopHeartbeat()
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(path, old, old)
	c, err := Acquire(ctx, path, NewOwner(), LockOptions{TTL: time.Hour})
	if err != nil {
		t.Fatalf("stale lock not taken over: %v", err)
	}
	if err := b.Owned(); !errors.Is(err, ErrLockLost) {
		t.Fatalf("old holder: %v, want ErrLockLost", err)
	}
	select {
	case <-b.Lost():
	default:
		t.Fatal("Lost not closed")
	}
	b.Release() // must not remove c's lock
	if err := c.Owned(); err != nil {
		t.Fatalf("new holder lost its lock to the old one's Release: %v", err)
	}
	c.Release()
}

func TestLockOfDeadProcessIsStale(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.lock")
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no `true` command to get a dead pid:", err)
	}
	dead := NewOwner()
	dead.PID = cmd.Process.Pid
	l, err := Acquire(context.Background(), path, dead, LockOptions{TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	l.stopHeartbeat()
	l2, err := Acquire(context.Background(), path, NewOwner(), LockOptions{TTL: time.Hour})
	if err != nil {
		t.Fatalf("lock of dead pid %d not taken over: %v", dead.PID, err)
	}
	l2.Release()
}

func TestCommitWaitsForAllShards(t *testing.T) {
	dir := t.TempDir()
	if err := Init(dir, testID, false); err != nil {
		t.Fatal(err)
	}
	p0, p1 := testPart(0, 0), testPart(1, 0)
	for _, p := range []shard.Part{p0, p1} {
		if err := Begin(dir, p.Shard, []shard.Part{p}); err != nil {
			t.Fatal(err)
		}
		writePart(t, dir, p, 4)
		if _, err := Record(dir, p, testID); err != nil {
			t.Fatal(err)
		}
	}
	// A stray part (e.g. of an earlier plan) and a killed run's temporary.
	stray := testPart(1, 7)
	writePart(t, dir, stray, 1)
	if err := Finish(dir, p0.Shard, []shard.Part{p0}, testID); err != nil {
		t.Fatal(err)
	}
	if _, err := Commit(dir, CommitOptions{}); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("commit with shard 1 missing: %v", err)
	}
	if err := Finish(dir, p1.Shard, []shard.Part{p1}, testID); err != nil {
		t.Fatal(err)
	}
	// A live lock of shard 1 (a rerun in progress) holds the commit back.
	l, err := Acquire(context.Background(), LockPath(dir, p1.Shard), NewOwner(), LockOptions{TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Commit(dir, CommitOptions{}); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("commit while shard 1 is locked: %v", err)
	}
	if _, err := Commit(dir, CommitOptions{Self: &p1.Shard}); err != nil {
		t.Fatalf("commit by shard 1 itself: %v", err)
	}
	l.Release()
	m, err := Commit(dir, CommitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows != 8 || len(m.Parts) != 2 || m.Parts[0].Name != PartName(p0) || m.Parts[1].Name != PartName(p1) {
		t.Fatalf("manifest %+v", m)
	}
	if _, err := os.Stat(filepath.Join(dir, PartName(stray))); err == nil {
		t.Fatal("stray part left beside a committed manifest")
	}
	for _, n := range []string{ManifestName, SuccessName} {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
	}
	// A rerun of shard 0 withdraws the dataset first.
	if err := Begin(dir, p0.Shard, []shard.Part{p0}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, SuccessName)); err == nil {
		t.Fatal("_SUCCESS kept while a shard reruns")
	}
	// A corrupted part fails the commit.
	Finish(dir, p0.Shard, []shard.Part{p0}, testID)
	os.WriteFile(filepath.Join(dir, PartName(p0)), []byte("PAR1"), 0o644)
	if _, err := Commit(dir, CommitOptions{}); err == nil {
		t.Fatal("commit accepted a corrupted part")
	}
}

func TestBeginRemovesTemporariesAndUnplannedParts(t *testing.T) {
	dir := t.TempDir()
	Init(dir, testID, false)
	keep, drop, other := testPart(0, 0), testPart(0, 1), testPart(1, 0)
	for _, p := range []shard.Part{keep, drop, other} {
		writePart(t, dir, p, 1)
	}
	tmp := filepath.Join(dir, "."+PartName(keep)+".tmp-1-abc")
	os.WriteFile(tmp, []byte("half"), 0o644)
	if err := Begin(dir, keep.Shard, []shard.Part{keep}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{PartName(keep): true, PartName(drop): false, PartName(other): true, filepath.Base(tmp): false} {
		_, err := os.Stat(filepath.Join(dir, name))
		if (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", name, err == nil, want)
		}
	}
}
