package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/scorekit/score/engine"
	"github.com/scorekit/score/engine/native"
	"github.com/scorekit/score/engine/tensorflow"
	"github.com/scorekit/score/internal/demo"
	"github.com/scorekit/score/savedmodel"
	"github.com/scorekit/score/writer"
)

func newInspectCmd(stdout io.Writer) *cobra.Command {
	var asJSON bool
	var tags []string
	var version int64
	var engineName, tfLibrary string
	c := &cobra.Command{
		Use:   "inspect MODEL",
		Short: "Describe a SavedModel: tags, signatures, variables, ops and native-engine coverage",
		Long: `inspect describes a SavedModel like saved_model_cli show --all: tags,
signatures, the TensorFlow version that wrote it, variables and their size,
the ops each signature needs and which of them the native engine lacks.
With --engine tensorflow it also loads the model with libtensorflow and shows
the library's version and the devices (CPU, GPU) the session sees.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := savedmodel.Load(args[0], savedmodel.LoadOptions{Tags: tags, Version: version})
			if err != nil {
				return err
			}
			d, err := savedmodel.Describe(m)
			if err != nil {
				return err
			}
			supported := native.SupportedOps()
			for _, op := range d.AllOps() {
				if !slices.Contains(supported, op) {
					d.Unsupported = append(d.Unsupported, op)
				}
			}
			out := inspectOutput{Description: d}
			if engineName == tensorflow.Name {
				info, err := tensorflowInfo(cmd.Context(), args[0], tags, version, tfLibrary)
				if err != nil {
					return err
				}
				out.Engine = info
			}
			if asJSON {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			if err := d.WriteText(stdout); err != nil {
				return err
			}
			if out.Engine != nil {
				fmt.Fprintf(stdout, "\nengine tensorflow:\n")
				for _, k := range slices.Sorted(maps.Keys(out.Engine)) {
					fmt.Fprintf(stdout, "  %-16s %s\n", k, out.Engine[k])
				}
			}
			return nil
		},
	}
	c.Flags().StringVar(&engineName, "engine", native.Name, "native, or tensorflow to also load the model with libtensorflow and list its devices")
	c.Flags().StringVar(&tfLibrary, "tf-library", "", "path of libtensorflow.so.2 (also SCORE_TF_LIBRARY)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.Flags().StringSliceVar(&tags, "tags", []string{"serve"}, "MetaGraphDef tag set")
	c.Flags().Int64Var(&version, "model-version", 0, "pin a numbered version folder (0 = highest)")
	return c
}

// inspectOutput is what inspect prints: the model's description and, with
// --engine tensorflow, what the TensorFlow session reports.
type inspectOutput struct {
	*savedmodel.Description
	Engine map[string]string `json:"engine,omitempty"`
}

// tensorflowInfo loads the model with libtensorflow and returns the
// session's description (library, version, devices).
func tensorflowInfo(ctx context.Context, dir string, tags []string, version int64, lib string) (map[string]string, error) {
	extra := map[string]string{tensorflow.ExtraLibrary: lib}
	v, path, err := tensorflow.Probe(extra)
	if err != nil {
		return nil, err
	}
	m, err := tensorflow.New().Load(ctx, dir, engine.LoadOptions{Tags: tags, Version: version, Extra: extra})
	if err != nil {
		return nil, fmt.Errorf("load with libtensorflow %s from %s: %w", v, path, err)
	}
	defer m.Close()
	return m.Info(), nil
}

func newDemoCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "demo [DIR]",
		Short: "Write the built-in 36-head demo meta model and a demo corpus in IMDb layout",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError{fmt.Errorf("demo takes at most one directory")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "demo"
			if len(args) == 1 {
				dir = args[0]
			}
			if err := demo.Write(dir); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s and %s\nscore it with:\n  score --model %s --in %s --out %s\n",
				filepath.Join(dir, "model"), filepath.Join(dir, "corpus"),
				filepath.Join(dir, "model"), filepath.Join(dir, "corpus"), filepath.Join(dir, "scores.parquet"))
			return nil
		},
	}
}

func newHeadCmd(stdout io.Writer) *cobra.Command {
	var n int
	c := &cobra.Command{
		Use:   "head FILE",
		Short: "Print the first rows of a score output (Parquet, CSV or JSONL) as a table",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return writer.Head(args[0], n, stdout)
		},
	}
	c.Flags().IntVarP(&n, "rows", "n", 10, "rows to print")
	return c
}

func newValidateCmd(stdout io.Writer, getenv func(string) string) *cobra.Command {
	return &cobra.Command{
		Use:   "validate CONFIG",
		Short: "Check a job config and its model without reading any data",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			j := &job{}
			fs := pflag.NewFlagSet("validate", pflag.ContinueOnError)
			bindRunFlags(fs, j)
			if err := applySources(fs, args[0], getenv); err != nil {
				return err
			}
			if err := checkJob(j); err != nil {
				return usageError{fmt.Errorf("config %s: %w", args[0], err)}
			}
			out := j.Out
			if isDatasetOut(out) {
				// A dataset directory may not exist yet: its parent must be writable.
				out = strings.TrimRight(out, "/")
			}
			if err := checkOutDir(out); err != nil {
				return usageError{fmt.Errorf("config %s: %w", args[0], err)}
			}
			plan, err := prepare(cmd.Context(), j, io.Discard)
			if err != nil {
				return fmt.Errorf("config %s: %w", args[0], err)
			}
			defer plan.model.Close()
			sig := plan.model.Signature()
			fmt.Fprintf(stdout, "ok: %s\n  model %s signature %s (%d inputs, %d outputs), engine %s\n  %d input file(s)\n  output %s\n",
				args[0], j.Model, sig.Key, len(sig.Inputs), len(sig.Outputs), plan.model.Info()["engine"], plan.found.Inputs, j.Out)
			return nil
		},
	}
}

// checkOutDir checks that the output's directory exists and is writable.
func checkOutDir(out string) error {
	dir := filepath.Dir(out)
	f, err := os.CreateTemp(dir, ".score-validate-*")
	if err != nil {
		return fmt.Errorf("output directory %s is not writable: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
