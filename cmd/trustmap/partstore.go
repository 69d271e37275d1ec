package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// Where the parts of a scan go (collect --output-dir) and come back from
// (merge, analyze): a directory, an S3 prefix in the user's own results
// bucket (partstore_s3.go), or a prefix in the history store
// (partstore_store.go). The shard logic (shard.go) sees only partStore.

// partStore is one location: a directory, s3://BUCKET/PREFIX or
// store:PREFIX. Part names are slash-separated and relative to it:
// manifest.json, scan.json, accounts/ID.json.
type partStore interface {
	// put writes one part whole; a reader never sees half of it.
	put(ctx context.Context, name string, data []byte) error
	// open reads one part; a part that is not there is errNoPart.
	open(ctx context.Context, name string) (io.ReadCloser, error)
	// list names every part under the location, sorted.
	list(ctx context.Context) ([]string, error)
	// sub is the location name/ inside this one.
	sub(name string) partStore
	// String is where the location is, for messages.
	String() string
}

// errNoPart is a part that is not in its location.
var errNoPart = errors.New("not found")

// writeContext is the context of a part's write: once the scan is
// interrupted (Ctrl-C, --timeout), what was collected is still written,
// within a minute.
func writeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx.Err() == nil {
		return ctx, func() {}
	}
	return context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
}

// isS3Location says whether a location names an S3 prefix.
func isS3Location(loc string) bool { return strings.HasPrefix(loc, "s3://") }

// dirStore is a directory of parts.
type dirStore struct{ dir string }

func (d dirStore) String() string { return d.dir }

func (d dirStore) path(name string) string { return filepath.Join(d.dir, filepath.FromSlash(name)) }

// put writes through a temporary file and a rename, owner-only.
func (d dirStore) put(_ context.Context, name string, data []byte) error {
	p := d.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return writeFileAtomic(p, data)
}

func (d dirStore) open(_ context.Context, name string) (io.ReadCloser, error) {
	f, err := os.Open(d.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", d.path(name), errNoPart)
	}
	return f, err
}

// list walks the directory; temporary files of writes in progress are not
// parts.
func (d dirStore) list(_ context.Context) ([]string, error) {
	var names []string
	err := filepath.WalkDir(d.dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			return err
		}
		rel, err := filepath.Rel(d.dir, p)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	slices.Sort(names)
	return names, err
}

func (d dirStore) sub(name string) partStore { return dirStore{d.path(name)} }

// partLocation is the location a part name belongs to: "" for a part of
// the location itself, else the prefix before it (0 for 0/manifest.json,
// org/3 for org/3/accounts/ID.json); ok is false for a name that is no
// part.
func partLocation(name string) (loc string, ok bool) {
	dir, base := path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	switch {
	case base == "manifest.json" || base == "scan.json":
		return dir, true
	case path.Base(dir) == "accounts" && strings.HasSuffix(base, ".json"):
		if dir == "accounts" {
			return "", true
		}
		return strings.TrimSuffix(dir, "/accounts"), true
	}
	return "", false
}

// shardLocations are the shard locations an argument of merge or analyze
// names: the location itself when its parts are at its top, else every
// location under it (s3://bucket/org holding org/0/, org/1/, ...; a
// directory holding one directory per shard), sorted.
func shardLocations(ctx context.Context, st partStore) ([]partStore, error) {
	names, err := st.list(ctx)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, usageErr("%v", err)
	} else if err != nil {
		return nil, failErr("%v", err)
	}
	var locs []string
	for _, n := range names {
		loc, ok := partLocation(n)
		if !ok {
			continue
		}
		if loc == "" {
			return []partStore{st}, nil
		}
		if !slices.Contains(locs, loc) {
			locs = append(locs, loc)
		}
	}
	if len(locs) == 0 {
		return nil, usageErr("%s holds no parts of a scan (collect --output-dir writes manifest.json, scan.json and accounts/)", st)
	}
	slices.Sort(locs)
	var out []partStore
	for _, l := range locs {
		out = append(out, st.sub(l))
	}
	return out, nil
}

// openPartStore opens the location --output-dir or an argument of merge
// and analyze names. base is the scan's configuration (collect), or none.
func (o *resultsOptions) openPartStore(ctx context.Context, loc string, base collectors.ConfigOptions) (partStore, error) {
	if isS3Location(loc) {
		return o.openS3Store(ctx, loc, base) // partstore_s3.go
	}
	if isStoreLocation(loc) {
		return o.openDBStore(ctx, loc) // partstore_store.go
	}
	return dirStore{loc}, nil
}

// readLocations reads the parts of a scan from merge's or analyze's
// arguments, each a shard location or a directory or prefix holding them.
func (o *resultsOptions) readLocations(ctx context.Context, args []string, allowPartial bool) (*graph.Snapshot, error) {
	var locs []partStore
	for _, a := range args {
		st, err := o.openPartStore(ctx, a, collectors.ConfigOptions{})
		if err != nil {
			return nil, err
		}
		sub, err := shardLocations(ctx, st)
		if err != nil {
			return nil, err
		}
		locs = append(locs, sub...)
	}
	return readParts(ctx, locs, allowPartial) // shard.go
}
