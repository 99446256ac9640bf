package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/scorekit/score/internal/atomicfile"
)

// writeAtomic writes data to path so readers never see a partial file.
func writeAtomic(path string, data []byte) error { return atomicfile.WriteFile(path, data) }

// removeIfExists removes path; a missing file is not an error.
func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return nil
}
