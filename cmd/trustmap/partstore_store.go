package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trustmap/trustmap/store"
)

// Parts in the history store: collect --output-dir store:PREFIX writes
// each part into the store that --store (else $TRUSTMAP_STORE, else the
// default SQLite file) names, one row a part (store/parts.go); merge and
// analyze read store:PREFIX back from the same store. A team's shards on
// many machines share one PostgreSQL store this way, without a bucket.
// PREFIX is slash-separated names (org-2026-12/{shard}); store: alone is
// the top.

// storeLocationScheme begins a location in the history store.
const storeLocationScheme = "store:"

// isStoreLocation says whether a location names parts in the history store.
func isStoreLocation(loc string) bool { return strings.HasPrefix(loc, storeLocationScheme) }

// partsStoreOptions say which history store store: locations are in: the
// command's --store (bindPartsStore), or the one analyze records into.
type partsStoreOptions struct {
	opts *storeOptions
	env  env

	// db and where, once opened, for every location of a command.
	db    store.Store
	where string
}

// bindPartsStore gives a command without its own --store (collect, merge)
// the flag, for store: locations.
func (o *resultsOptions) bindPartsStore(cmd *cobra.Command, e env) {
	o.parts = &partsStoreOptions{opts: &storeOptions{}, env: e}
	cmd.Flags().StringVar(&o.parts.opts.location, "store", "", "for store: locations: the history store holding the parts, a SQLite file or postgres://… (default: $TRUSTMAP_STORE, else $XDG_DATA_HOME/trustmap/history.db)")
}

// usePartsStore points store: locations at a store a command already has
// the flags of (analyze's --store).
func (o *resultsOptions) usePartsStore(so *storeOptions, e env) {
	o.parts = &partsStoreOptions{opts: so, env: e}
}

// close closes the history store store: locations opened, if any.
func (o *resultsOptions) close() {
	if o.parts != nil && o.parts.db != nil {
		o.parts.db.Close()
		o.parts.db = nil
	}
}

// openDBStore opens a store:PREFIX location.
func (o *resultsOptions) openDBStore(ctx context.Context, loc string) (*dbStore, error) {
	prefix := strings.TrimSuffix(strings.TrimPrefix(loc, storeLocationScheme), "/")
	if err := store.CheckPartPath(prefix); err != nil {
		return nil, usageErr("%q is not a store location: want store:PREFIX (%v)", loc, err)
	}
	if o.parts == nil {
		return nil, usageErr("%s: this command cannot read store: locations", loc)
	}
	p := o.parts
	if p.db == nil {
		db, where, err := p.opts.open(ctx, p.env) // storeflags.go: exit 3 naming the store, never its password
		if err != nil {
			return nil, err
		}
		p.db, p.where = db, where
	}
	return &dbStore{db: p.db, where: p.where, prefix: prefix}, nil
}

// dbStore is a prefix of the parts in a history store.
type dbStore struct {
	db     store.Store
	where  string // the store, for messages (store.Describe)
	prefix string // "" for the top
}

func (d *dbStore) String() string { return storeLocationScheme + d.prefix }

func (d *dbStore) path(name string) string {
	if d.prefix == "" {
		return name
	}
	return d.prefix + "/" + name
}

// put is one upsert: a reader sees the part before or this one.
func (d *dbStore) put(ctx context.Context, name string, data []byte) error {
	if err := d.db.PutPart(ctx, d.path(name), data); err != nil {
		return d.failed(d.path(name), err)
	}
	return nil
}

func (d *dbStore) open(ctx context.Context, name string) (io.ReadCloser, error) {
	b, err := d.db.Part(ctx, d.path(name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%s%s: %w", storeLocationScheme, d.path(name), errNoPart)
	} else if err != nil {
		return nil, d.failed(d.path(name), err)
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// list names the parts under the prefix, relative to it; the store sorts
// them, and cutting one prefix off keeps the order.
func (d *dbStore) list(ctx context.Context) ([]string, error) {
	paths, err := d.db.Parts(ctx, d.prefix)
	if err != nil {
		return nil, d.failed(d.prefix, err)
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = strings.TrimPrefix(p, d.path("")) // "PREFIX/", or "" at the top
	}
	return names, nil
}

// failed is a store error about the part or prefix at path p, naming the
// store (never its password) on one line.
func (d *dbStore) failed(p string, err error) error {
	return fmt.Errorf("%s%s in the history store %s: %s", storeLocationScheme, p, d.where, oneLine(err))
}

func (d *dbStore) sub(name string) partStore {
	c := *d
	c.prefix = d.path(name)
	return &c
}

// checkStoreFlag refuses collect's or merge's --store when no location is
// in the store: there it would be silently unused (they record no
// history).
func (o *resultsOptions) checkStoreFlag(locs ...string) error {
	if o.parts == nil || o.parts.opts.location == "" {
		return nil
	}
	for _, l := range locs {
		if isStoreLocation(l) {
			return nil
		}
	}
	return usageErr("--store is only for store: locations (this command records no history)")
}
