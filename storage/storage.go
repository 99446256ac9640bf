package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/gcsblob"
	"gocloud.dev/blob/s3blob"
	"gocloud.dev/gcerrors"

	"github.com/scorekit/score/dataset"
)

// IsRemote reports whether s names object storage rather than a local path.
func IsRemote(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == s3blob.Scheme || u.Scheme == gcsblob.Scheme || u.Scheme == fileblob.Scheme)
}

// mux registers the drivers score supports, explicitly.
func mux() *blob.URLMux {
	m := new(blob.URLMux)
	m.RegisterBucket(s3blob.Scheme, new(s3blob.URLOpener))
	m.RegisterBucket(gcsblob.Scheme, new(gcsblob.URLOpener))
	m.RegisterBucket(fileblob.Scheme, &fileblob.URLOpener{})
	return m
}

// Open opens the bucket of location loc, narrowed to its prefix.
func Open(ctx context.Context, loc string) (*blob.Bucket, error) {
	u, err := url.Parse(loc)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", loc, err)
	}
	prefix := strings.Trim(u.Path, "/")
	bucketURL := *u
	bucketURL.Path = ""
	if u.Scheme == fileblob.Scheme {
		// file:///dir/sub: the bucket is the directory itself.
		bucketURL.Path, prefix = u.Path, ""
	}
	b, err := mux().OpenBucket(ctx, bucketURL.String())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", loc, err)
	}
	if prefix != "" {
		b = blob.PrefixedBucket(b, prefix+"/")
	}
	return b, nil
}

func hidden(key string) bool {
	for _, e := range strings.Split(key, "/") {
		if strings.HasPrefix(e, ".") || strings.HasPrefix(e, "_") {
			return true
		}
	}
	return false
}

// Fetch copies the objects under loc into dir and returns their local
// paths in key order.
func Fetch(ctx context.Context, loc, dir string) ([]string, error) {
	b, err := Open(ctx, loc)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	var out []string
	it := b.List(nil)
	for {
		obj, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", loc, err)
		}
		if obj.IsDir || hidden(obj.Key) || path.IsAbs(obj.Key) || strings.Contains("/"+obj.Key+"/", "/../") {
			continue
		}
		local := filepath.Join(dir, filepath.FromSlash(obj.Key))
		if err := download(ctx, b, obj.Key, local); err != nil {
			return nil, fmt.Errorf("fetch %s: %w", loc, err)
		}
		out = append(out, local)
	}
	return out, nil
}

func download(ctx context.Context, b *blob.Bucket, key, local string) error {
	if err := os.MkdirAll(filepath.Dir(local), 0o777); err != nil {
		return err
	}
	r, err := b.NewReader(ctx, key, nil)
	if err != nil {
		return err
	}
	defer r.Close()
	tmp, err := os.CreateTemp(filepath.Dir(local), "."+filepath.Base(local)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = io.Copy(tmp, r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), local)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}

// Publish copies the committed dataset in dir to loc, _SUCCESS last.
func Publish(ctx context.Context, dir, loc string) (*dataset.Manifest, error) {
	if _, err := os.Stat(filepath.Join(dir, dataset.SuccessName)); err != nil {
		return nil, fmt.Errorf("publish %s: not a committed dataset (no %s; run score commit): %w", dir, dataset.SuccessName, err)
	}
	data, err := os.ReadFile(filepath.Join(dir, dataset.ManifestName))
	if err != nil {
		return nil, fmt.Errorf("publish %s: %w", dir, err)
	}
	var m dataset.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("publish %s: %s: %w", dir, dataset.ManifestName, err)
	}
	b, err := Open(ctx, loc)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	names := make([]string, 0, len(m.Parts)+2)
	for _, p := range m.Parts {
		if p.Name != filepath.Base(p.Name) || hidden(p.Name) {
			return nil, fmt.Errorf("publish %s: manifest names part %q outside the directory", dir, p.Name)
		}
		names = append(names, p.Name)
	}
	names = append(names, dataset.ManifestName, dataset.SuccessName)
	// A republish first withdraws _SUCCESS, so no reader sees a mix.
	if err := b.Delete(ctx, dataset.SuccessName); err != nil && !isNotFound(err) {
		return nil, fmt.Errorf("publish %s: withdraw %s: %w", loc, dataset.SuccessName, err)
	}
	for _, n := range names {
		if err := upload(ctx, b, filepath.Join(dir, n), n); err != nil {
			return nil, fmt.Errorf("publish %s to %s: %w", dir, loc, err)
		}
	}
	return &m, nil
}

func isNotFound(err error) bool { return gcerrors.Code(err) == gcerrors.NotFound }

func upload(ctx context.Context, b *blob.Bucket, local, key string) error {
	f, err := os.Open(local)
	if err != nil {
		return err
	}
	defer f.Close()
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := b.NewWriter(wctx, key, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	if _, err := io.Copy(w, f); err != nil {
		cancel() // abandon: the object is not created
		w.Close()
		return fmt.Errorf("%s: %w", key, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}
