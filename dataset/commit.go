package dataset

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/scorekit/score/shard"
)

// Manifest is _manifest.json.
type Manifest struct {
	FormatVersion int `json:"format_version"`
	Identity
	Rows      int64       `json:"rows"`
	Parts     []PartEntry `json:"parts"`
	Committed time.Time   `json:"committed_at"`
}

// PartEntry is one part in the manifest.
type PartEntry struct {
	Name   string `json:"name"`
	Shard  int    `json:"shard"`
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// CommitOptions tune Commit.
type CommitOptions struct {
	// Self is the shard whose lock the caller holds, if any; its lock does
	// not count as another run at work.
	Self *shard.Spec
	// TTL judges other shards' locks as in Acquire (default 1 minute).
	TTL time.Duration
}

// ReadIdentity reads the identity recorded in dir.
func ReadIdentity(dir string) (Identity, error) {
	var id Identity
	data, err := readSmall(statePath(dir, "dataset.json"))
	if err != nil {
		return id, fmt.Errorf("dataset %s: not a score dataset: %w", dir, err)
	}
	if err := json.Unmarshal(data, &id); err != nil {
		return id, fmt.Errorf("dataset %s: dataset.json: %w", dir, err)
	}
	if id.Shards < 1 || id.Shards > shard.MaxCount {
		return id, fmt.Errorf("dataset %s: dataset.json: %d shards out of range", dir, id.Shards)
	}
	return id, nil
}

// Commit writes the manifest and _SUCCESS when every shard of the dataset
// is done; otherwise it returns an error wrapping ErrIncomplete that names
// what is missing. A part that fails verification is an error (the shard
// that wrote it must be rerun).
func Commit(dir string, o CommitOptions) (*Manifest, error) {
	if o.TTL <= 0 {
		o.TTL = time.Minute
	}
	id, err := ReadIdentity(dir)
	if err != nil {
		return nil, err
	}
	if err := ready(dir, id, o); err != nil {
		return nil, err
	}
	m := &Manifest{FormatVersion: 1, Identity: id}
	listed := map[string]bool{}
	for k := 0; k < id.Shards; k++ {
		s := shard.Spec{Index: k, Count: id.Shards}
		d, err := readDone(dir, s)
		if err != nil {
			return nil, err
		}
		if d.Identity != id {
			return nil, fmt.Errorf("commit %s: shard %s: %w: done record of another identity", dir, s, ErrIncomplete)
		}
		for _, name := range d.Parts {
			sc, ok, reason := Verify(dir, name, id)
			if !ok {
				return nil, fmt.Errorf("commit %s: part %s of shard %s: %s (rerun that shard)", dir, name, s, reason)
			}
			listed[name] = true
			m.Parts = append(m.Parts, PartEntry{Name: name, Shard: k, Rows: sc.Rows, Bytes: sc.Bytes, SHA256: sc.SHA256})
			m.Rows += sc.Rows
		}
	}
	slices.SortFunc(m.Parts, func(a, b PartEntry) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	// Last check before publishing: nobody started meanwhile.
	if err := ready(dir, id, o); err != nil {
		return nil, err
	}
	names, err := partFiles(dir)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if !listed[n] {
			if err := removeIfExists(filepath.Join(dir, n)); err != nil {
				return nil, err
			}
			if err := Unrecord(dir, n); err != nil {
				return nil, err
			}
		}
	}
	m.Committed = time.Now().UTC()
	data, _ := json.MarshalIndent(m, "", "  ")
	if err := writeAtomic(filepath.Join(dir, ManifestName), append(data, '\n')); err != nil {
		return nil, err
	}
	if err := writeAtomic(filepath.Join(dir, SuccessName), nil); err != nil {
		return nil, err
	}
	return m, nil
}

// ready checks that every shard has a done record and that no other
// shard's lock is live.
func ready(dir string, id Identity, o CommitOptions) error {
	var missing []int
	for k := 0; k < id.Shards; k++ {
		s := shard.Spec{Index: k, Count: id.Shards}
		if _, err := os.Stat(donePath(dir, s)); err != nil {
			missing = append(missing, k)
		}
		if o.Self != nil && *o.Self == s {
			continue
		}
		if st, stale, err := inspectLock(LockPath(dir, s), o.TTL); err == nil {
			if stale {
				continue
			}
			return fmt.Errorf("commit %s: %w: shard %s is being written by %s", dir, ErrIncomplete, s, st.Owner)
		} else if !errors.Is(err, fs.ErrNotExist) {
			// Unreadable lock: treat as held.
			return fmt.Errorf("commit %s: %w: shard %s lock: %v", dir, ErrIncomplete, s, err)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("commit %s: %w: %d of %d shards not done (first: %d)", dir, ErrIncomplete, len(missing), id.Shards, missing[0])
	}
	return nil
}

func readDone(dir string, s shard.Spec) (Done, error) {
	var d Done
	data, err := readSmall(donePath(dir, s))
	if err != nil {
		return d, fmt.Errorf("commit %s: shard %s: %w: %v", dir, s, ErrIncomplete, err)
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("commit %s: shard %s done record: %w", dir, s, err)
	}
	return d, nil
}
