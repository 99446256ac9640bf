package dataset

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/scorekit/score/shard"
)

// Sidecar records a complete part; it is written after the part's rename.
type Sidecar struct {
	Name   string `json:"name"`
	Shard  int    `json:"shard"`
	Seq    int    `json:"seq"`
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	Identity
}

// maxSidecar bounds the sidecar and done files read back.
const maxSidecar = 1 << 20

// Verify reports whether part name in dir is complete and verified for id;
// when it is not, the reason says why (for logs).
func Verify(dir, name string, id Identity) (sc Sidecar, ok bool, reason string) {
	data, err := readSmall(sidecarPath(dir, name))
	if err != nil {
		return sc, false, "no sidecar"
	}
	if err := json.Unmarshal(data, &sc); err != nil {
		return sc, false, "bad sidecar: " + err.Error()
	}
	if sc.Identity != id || sc.Name != name {
		return sc, false, "sidecar of another model, config or part"
	}
	rows, size, sum, err := inspect(filepath.Join(dir, name))
	switch {
	case err != nil:
		return sc, false, err.Error()
	case size != sc.Bytes:
		return sc, false, fmt.Sprintf("size %d, sidecar %d", size, sc.Bytes)
	case sum != sc.SHA256:
		return sc, false, "checksum mismatch"
	case rows != sc.Rows:
		return sc, false, fmt.Sprintf("%d rows, sidecar %d", rows, sc.Rows)
	}
	return sc, true, ""
}

// Record writes the sidecar of part p, just renamed into place under dir.
func Record(dir string, p shard.Part, id Identity) (Sidecar, error) {
	name := PartName(p)
	rows, size, sum, err := inspect(filepath.Join(dir, name))
	if err != nil {
		return Sidecar{}, err
	}
	sc := Sidecar{Name: name, Shard: p.Shard.Index, Seq: p.Seq, Rows: rows, Bytes: size, SHA256: sum, Identity: id}
	data, _ := json.MarshalIndent(sc, "", "  ")
	return sc, writeAtomic(sidecarPath(dir, name), append(data, '\n'))
}

// Unrecord removes a part's sidecar before the part is rewritten.
func Unrecord(dir, name string) error { return removeIfExists(sidecarPath(dir, name)) }

// inspect hashes the file and reads the row count from its footer.
func inspect(path string) (rows, size int64, sum string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, "", fmt.Errorf("verify %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	size, err = io.Copy(h, f)
	if err != nil {
		return 0, 0, "", fmt.Errorf("verify %s: %w", path, err)
	}
	pr, err := file.NewParquetReader(f)
	if err != nil {
		return 0, 0, "", fmt.Errorf("verify %s: parquet footer: %w", path, err)
	}
	rows = pr.NumRows()
	pr.Close()
	return rows, size, hex.EncodeToString(h.Sum(nil)), nil
}

func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSidecar+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSidecar {
		return nil, fmt.Errorf("read %s: larger than %d bytes", path, maxSidecar)
	}
	return data, nil
}

// Begin prepares shard s for a run writing parts: it withdraws the
// finished-dataset markers and the shard's done record, and removes the
// shard's temporary files, its parts that are not in parts, and parts of
// other shard counts. The caller holds the shard's lock.
func Begin(dir string, s shard.Spec, parts []shard.Part) error {
	if err := Withdraw(dir); err != nil {
		return err
	}
	if err := removeIfExists(donePath(dir, s)); err != nil {
		return err
	}
	want := map[string]bool{}
	for _, p := range parts {
		want[PartName(p)] = true
	}
	mine := partPrefix + shardTag(s) + "-"
	count := fmt.Sprintf("-of-%05d-", s.Count)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("list %s: %w", dir, err)
	}
	for _, e := range ents {
		n := e.Name()
		var stale bool
		switch {
		case strings.HasPrefix(n, "."+mine) && strings.Contains(n, ".tmp-"):
			stale = true // a killed run's temporary part
		case strings.HasPrefix(n, mine) && strings.HasSuffix(n, partExt):
			stale = !want[n]
		case strings.HasPrefix(n, partPrefix) && strings.HasSuffix(n, partExt) && !strings.Contains(n, count):
			stale = true // written with another shard count
		}
		if !stale {
			continue
		}
		if err := Unrecord(dir, n); err != nil {
			return err
		}
		if err := removeIfExists(filepath.Join(dir, n)); err != nil {
			return err
		}
	}
	return cleanTemps(statePath(dir, "parts"), "."+mine)
}

func cleanTemps(dir, prefix string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list %s: %w", dir, err)
	}
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, prefix) && strings.Contains(n, ".tmp-") {
			if err := removeIfExists(filepath.Join(dir, n)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Done is a finished shard's record.
type Done struct {
	Shard int      `json:"shard"`
	Parts []string `json:"parts"`
	Identity
}

// Finish records that shard s wrote parts (all verified).
func Finish(dir string, s shard.Spec, parts []shard.Part, id Identity) error {
	d := Done{Shard: s.Index, Identity: id}
	for _, p := range parts {
		d.Parts = append(d.Parts, PartName(p))
	}
	slices.Sort(d.Parts)
	data, _ := json.MarshalIndent(d, "", "  ")
	return writeAtomic(donePath(dir, s), append(data, '\n'))
}
