package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/scorekit/score/writer"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// run executes the command line args and returns the process exit code.
// SIGINT and SIGTERM cancel the root context: the run stops, removes its
// partial output and exits 130. A dataset run first stops starting parts
// and lets the current one finish within --grace-period (see shutdown).
func run(args []string, stdout, stderr io.Writer) int {
	// Before any Parquet file is touched: zstd with a bounded encoder pool.
	writer.UsePooledZstd()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sd := newShutdown(cancel)
	ctx = context.WithValue(ctx, shutdownKey{}, sd)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	defer close(done)
	go sd.watch(sigs, done)
	root := newRootCmd(stdout, stderr, os.Getenv)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	code := exitCode(ctx, err)
	if err != nil {
		fmt.Fprintf(stderr, "score: %v\n", err)
	}
	return code
}

func newRootCmd(stdout, stderr io.Writer, getenv func(string) string) *cobra.Command {
	j := &job{}
	var configPath string
	root := &cobra.Command{
		Use:   "score --model DIR --in INPUT... --out FILE",
		Short: "Score text corpora with TensorFlow SavedModel classifiers",
		Long: `score runs every head of a TensorFlow SavedModel over a whole corpus
(Parquet, CSV/TSV, JSON Lines, IMDb-style directories, text files) and writes
the scores in input order to Parquet, CSV or JSON Lines.`,
		Args:          noArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applySources(cmd.Flags(), configPath, getenv); err != nil {
				return err
			}
			j.getenv = getenv
			return runJob(cmd.Context(), j, stdout, stderr)
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	bindRunFlags(root.Flags(), j)
	root.Flags().StringVar(&configPath, "config", "", "job config YAML (flags and SCORE_* variables override it)")

	// "score run" is the same command spelled out.
	jr := &job{}
	var runConfig string
	runCmd := &cobra.Command{
		Use:   "run",
		Short: "Score a corpus (the default command)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applySources(cmd.Flags(), runConfig, getenv); err != nil {
				return err
			}
			jr.getenv = getenv
			return runJob(cmd.Context(), jr, stdout, stderr)
		},
	}
	bindRunFlags(runCmd.Flags(), jr)
	runCmd.Flags().StringVar(&runConfig, "config", "", "job config YAML (flags and SCORE_* variables override it)")

	root.AddCommand(runCmd, newInspectCmd(stdout), newDemoCmd(stdout), newValidateCmd(stdout, getenv), newHeadCmd(stdout), newCommitCmd(stdout), newPublishCmd(stdout))
	for _, c := range root.Commands() {
		c.SilenceUsage, c.SilenceErrors = true, true
		c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	}
	return root
}

func noArgs(cmd *cobra.Command, args []string) error {
	if err := cobra.NoArgs(cmd, args); err != nil {
		return usageError{err}
	}
	return nil
}

// exactArgs wraps cobra's positional-argument check as a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
