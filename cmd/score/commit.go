package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/scorekit/score/dataset"
)

func newCommitCmd(stdout io.Writer) *cobra.Command {
	var ttl time.Duration
	c := &cobra.Command{
		Use:   "commit DIR",
		Short: "Verify a dataset's parts and write _manifest.json and _SUCCESS once every shard is done",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := dataset.Commit(args[0], dataset.CommitOptions{TTL: ttl})
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "committed %s: %d parts, %d rows\n", args[0], len(m.Parts), m.Rows)
			return nil
		},
	}
	c.Flags().DurationVar(&ttl, "lock-ttl", time.Minute, "a shard lock whose heartbeat is older is stale")
	return c
}
