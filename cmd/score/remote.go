package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/scorekit/score/storage"
)

// stageInputs replaces every object-storage --in (s3://, gs://) with a
// local copy under stageDir (default: the system temp directory). The copy
// lives at a path derived from the URL, so reruns and every shard plan the
// same parts. It returns the original list for the config hash.
func stageInputs(ctx context.Context, j *job, stderr io.Writer) ([]string, error) {
	orig := append([]string(nil), j.In...)
	for i, in := range j.In {
		if !storage.IsRemote(in) {
			continue
		}
		sum := sha256.Sum256([]byte(in))
		base := j.StageDir
		if base == "" {
			base = filepath.Join(os.TempDir(), "score-stage")
		}
		dir := filepath.Join(base, hex.EncodeToString(sum[:])[:16])
		paths, err := storage.Fetch(ctx, in, dir)
		if err != nil {
			return nil, err
		}
		if len(paths) == 0 {
			return nil, usageError{fmt.Errorf("--in %s: no objects", in)}
		}
		fmt.Fprintf(stderr, "score: fetched %d objects of %s into %s\n", len(paths), in, dir)
		j.In[i] = dir
	}
	return orig, nil
}

func newPublishCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "publish DIR URL",
		Short: "Copy a committed dataset directory to object storage (s3://, gs://), _SUCCESS last",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := storage.Publish(cmd.Context(), args[0], args[1])
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "published %s to %s: %d parts, %d rows\n", args[0], args[1], len(m.Parts), m.Rows)
			return nil
		},
	}
}
