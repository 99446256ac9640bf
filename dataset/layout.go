package dataset

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/scorekit/score/shard"
)

// File names inside a dataset directory.
const (
	ManifestName = "_manifest.json"
	SuccessName  = "_SUCCESS"
	stateDir     = "_score"
	partPrefix   = "part-"
	partExt      = ".parquet"
)

// Errors callers tell apart.
var (
	// ErrMismatch: the directory holds output of another model or config.
	ErrMismatch = errors.New("output directory holds another run's output")
	// ErrLocked: another live run owns the shard.
	ErrLocked = errors.New("another run owns this output")
	// ErrLockLost: the lock was taken over while this run held it.
	ErrLockLost = errors.New("lost the output lock to another run")
	// ErrIncomplete: Commit found shards not finished yet.
	ErrIncomplete = errors.New("dataset incomplete")
)

// Identity is what every part of one dataset shares.
type Identity struct {
	ModelFingerprint string `json:"model_fingerprint"`
	ConfigHash       string `json:"config_hash"`
	Shards           int    `json:"shards"`
	PartRows         int64  `json:"part_rows"`
}

// PartName is the final file name of a part.
func PartName(p shard.Part) string {
	return fmt.Sprintf("%s%s-%05d-%s%s", partPrefix, shardTag(p.Shard), p.Seq, p.Key, partExt)
}

func shardTag(s shard.Spec) string { return fmt.Sprintf("%05d-of-%05d", s.Index, s.Count) }

func statePath(dir string, elem ...string) string {
	return filepath.Join(append([]string{dir, stateDir}, elem...)...)
}

func sidecarPath(dir, part string) string { return statePath(dir, "parts", part+".json") }

// LockPath is the lock file of shard s.
func LockPath(dir string, s shard.Spec) string {
	return statePath(dir, "locks", "shard-"+shardTag(s)+".lock")
}

func donePath(dir string, s shard.Spec) string {
	return statePath(dir, "done", "shard-"+shardTag(s)+".json")
}

// ReportPath is where shard s keeps its run report.
func ReportPath(dir string, s shard.Spec) string {
	return statePath(dir, "reports", "shard-"+shardTag(s)+".json")
}

// Init creates the directory layout and checks (or records) the identity.
// A directory holding another identity fails with ErrMismatch unless
// overwrite, which records the new identity and withdraws the old
// manifest; old parts then fail verification and are replaced or removed.
func Init(dir string, id Identity, overwrite bool) error {
	for _, d := range []string{dir, statePath(dir, "parts"), statePath(dir, "locks"), statePath(dir, "done"), statePath(dir, "reports")} {
		if err := os.MkdirAll(d, 0o777); err != nil {
			return fmt.Errorf("create dataset %s: %w", dir, err)
		}
	}
	path := statePath(dir, "dataset.json")
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if n, _ := countParts(dir); n > 0 && !overwrite {
			return fmt.Errorf("dataset %s: %w: it has part files but no %s (use --overwrite)", dir, ErrMismatch, path)
		}
	case err != nil:
		return fmt.Errorf("read %s: %w", path, err)
	default:
		var old Identity
		if err := json.Unmarshal(data, &old); err != nil {
			if !overwrite {
				return fmt.Errorf("read %s: %w", path, err)
			}
		} else if old == id {
			return nil
		} else if !overwrite {
			return fmt.Errorf("dataset %s: %w: %s (use --overwrite to replace it)", dir, ErrMismatch, describeMismatch(old, id))
		}
		if err := Withdraw(dir); err != nil {
			return err
		}
	}
	data, _ = json.MarshalIndent(id, "", "  ")
	return writeAtomic(path, append(data, '\n'))
}

func describeMismatch(old, cur Identity) string {
	var d []string
	if old.ModelFingerprint != cur.ModelFingerprint {
		d = append(d, fmt.Sprintf("model fingerprint %s, this run %s", old.ModelFingerprint, cur.ModelFingerprint))
	}
	if old.ConfigHash != cur.ConfigHash {
		d = append(d, fmt.Sprintf("config hash %s, this run %s", old.ConfigHash, cur.ConfigHash))
	}
	if old.Shards != cur.Shards {
		d = append(d, fmt.Sprintf("%d shards, this run %d", old.Shards, cur.Shards))
	}
	if old.PartRows != cur.PartRows {
		d = append(d, fmt.Sprintf("part rows %d, this run %d", old.PartRows, cur.PartRows))
	}
	return strings.Join(d, "; ")
}

// Withdraw removes _SUCCESS and then the manifest: the directory is no
// longer a finished dataset.
func Withdraw(dir string) error {
	if err := removeIfExists(filepath.Join(dir, SuccessName)); err != nil {
		return err
	}
	return removeIfExists(filepath.Join(dir, ManifestName))
}

func countParts(dir string) (int, error) {
	names, err := partFiles(dir)
	return len(names), err
}

// partFiles lists the final part names in dir.
func partFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var out []string
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, partPrefix) && strings.HasSuffix(n, partExt) && !e.IsDir() {
			out = append(out, n)
		}
	}
	return out, nil
}
