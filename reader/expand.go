package reader

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Skipped is a file Expand left out, with the reason.
type Skipped struct {
	Path   string
	Reason string
}

// Expand turns files, directories and globs into Inputs; see ExpandReport.
func Expand(inputs []string, opts Options) ([]Input, error) {
	ins, _, err := ExpandReport(inputs, opts)
	return ins, err
}

// ExpandReport expands each argument in the order given: a file is taken
// as is, a directory is walked in lexical order, a glob (an argument with
// * ? or [ that names no file) is expanded to its sorted matches, each a
// file or directory. Within IMDb-style directories only the reviews
// (split/label/ID_RATING.txt) are inputs; the dataset's other files are
// skipped. Hidden files and directories (".name") are skipped. A file
// named twice is taken once, where it first appears. A file of unknown type
// is an error unless opts.SkipUnknown. Every skip is reported.
func ExpandReport(inputs []string, opts Options) ([]Input, []Skipped, error) {
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	if err := checkFormat(opts.Format); err != nil {
		return nil, nil, err
	}
	var out []Input
	e := &expander{opts: opts, seen: map[string]bool{}, emit: func(in Input) error { out = append(out, in); return nil }}
	for _, arg := range inputs {
		if err := e.arg(arg); err != nil {
			return nil, nil, err
		}
	}
	return out, e.skipped, nil
}

// checkFormat checks Options.Format.
func checkFormat(f string) error {
	switch f {
	case "", "parquet", "csv", "tsv", "jsonl", "txt", "imdb":
		return nil
	}
	return fmt.Errorf("expand: %w %q (want parquet, csv, tsv, jsonl, txt or imdb)", ErrUnknownFormat, f)
}

// expander finds the inputs of arguments and hands each to emit.
type expander struct {
	opts    Options
	emit    func(Input) error
	skipped []Skipped
	seen    map[string]bool // files named so far (absolute paths), or nil: no file can be named twice
}

func (e *expander) arg(arg string) error {
	st, err := os.Stat(arg)
	if err != nil {
		if !os.IsNotExist(err) || !strings.ContainsAny(arg, "*?[") {
			return fmt.Errorf("expand %s: %w", arg, err)
		}
		matches, gerr := filepath.Glob(arg)
		if gerr != nil {
			return fmt.Errorf("expand %s: %w: %w", arg, ErrNoMatch, gerr)
		}
		if len(matches) == 0 {
			return fmt.Errorf("expand %s: %w", arg, ErrNoMatch)
		}
		sort.Strings(matches)
		for _, m := range matches {
			if err := e.arg(m); err != nil {
				return err
			}
		}
		return nil
	}
	if st.IsDir() {
		return e.walk(arg)
	}
	return e.file(arg, "", false)
}

func (e *expander) walk(root string) error {
	var imdbRoots []string
	inIMDb := func(p string) bool {
		for _, r := range imdbRoots {
			if p == r || strings.HasPrefix(p, r+string(filepath.Separator)) {
				return true
			}
		}
		return false
	}
	if fi, err := os.Lstat(root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// A directory named through a link (/data/current -> 2026-11-26):
		// WalkDir follows links nowhere, but with a trailing separator
		// the root resolves to the directory, and the paths below keep
		// the name given.
		root = strings.TrimSuffix(root, string(filepath.Separator)) + string(filepath.Separator)
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("expand %s: %w", p, err)
		}
		hidden := p != root && strings.HasPrefix(d.Name(), ".")
		if d.IsDir() {
			if hidden {
				e.skip(p, "hidden directory")
				return filepath.SkipDir
			}
			if !inIMDb(p) && isIMDbDir(p) {
				imdbRoots = append(imdbRoots, filepath.Clean(p))
			}
			return nil
		}
		if hidden {
			e.skip(p, "hidden file")
			return nil
		}
		if inIMDb(p) {
			if _, _, _, _, ok := imdbParts(p); ok {
				return e.file(p, "", true)
			}
			e.skip(p, "IMDb dataset file that is not a review")
			return nil
		}
		rel, rerr := filepath.Rel(root, p)
		if rerr != nil {
			rel = filepath.Base(p)
		}
		return e.file(p, filepath.ToSlash(rel), false)
	})
}

// isIMDbDir reports whether dir is an IMDb dataset root (it has a train or
// test folder with a pos, neg or unsup folder), a split folder, or a label
// folder inside a split folder.
func isIMDbDir(dir string) bool {
	base := filepath.Base(dir)
	if isIMDbLabel(base) && isIMDbSplit(filepath.Base(filepath.Dir(dir))) {
		return true
	}
	if isIMDbSplit(base) && hasLabelDir(dir) {
		return true
	}
	for _, s := range []string{"train", "test"} {
		if hasLabelDir(filepath.Join(dir, s)) {
			return true
		}
	}
	return false
}

func hasLabelDir(dir string) bool {
	for _, l := range []string{"pos", "neg", "unsup"} {
		if st, err := os.Stat(filepath.Join(dir, l)); err == nil && st.IsDir() {
			return true
		}
	}
	return false
}

func (e *expander) skip(p, why string) { e.skipped = append(e.skipped, Skipped{Path: p, Reason: why}) }

// file adds one file. imdb says that it is a review inside an IMDb folder.
func (e *expander) file(p, name string, imdb bool) error {
	key := p
	if e.seen != nil {
		if abs, err := filepath.Abs(p); err == nil {
			key = abs
		}
		if e.seen[key] {
			e.skip(p, "named more than once")
			return nil
		}
	}
	format, comp := detect(p)
	if imdb || (format == "txt" && comp == "" && isReviewPath(p)) {
		format = "imdb"
	}
	if e.opts.Format != "" {
		format = e.opts.Format
	}
	if format == "" {
		if e.opts.SkipUnknown {
			e.skip(p, "unknown file type")
			return nil
		}
		return fmt.Errorf("expand %s: %w (want .parquet, .csv, .tsv, .jsonl or .txt, optionally .gz or .zst; or skip unknown files)", p, ErrUnknownFormat)
	}
	in := Input{Path: p, Format: format, Compression: comp, EstimatedRows: -1}
	switch format {
	case "parquet":
		n, err := parquetRows(p, nil)
		if err != nil {
			return fmt.Errorf("expand: %w", err)
		}
		in.EstimatedRows = n
	case "txt":
		in.EstimatedRows = 1
		in.Name = name
	case "imdb":
		in.EstimatedRows = 1
		if _, _, _, _, ok := imdbParts(p); !ok {
			return fmt.Errorf("expand %s: %w: not an IMDb review path (split/label/ID_RATING.txt)", p, ErrUnknownFormat)
		}
	}
	if e.seen != nil {
		e.seen[key] = true
	}
	return e.emit(in)
}

func isReviewPath(p string) bool {
	_, _, _, _, ok := imdbParts(p)
	return ok
}
