package collectors

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// ReadEach is the shape most collectors share: page through one listing
// (an SDK paginator's HasMorePages and NextPage), one page after the
// other, and read each item it names with read, at most limit reads at
// once, starting them as soon as their page arrives. A failed page is one
// coverage gap (api, in region) and ends the listing; what the pages
// before it named is still read. ReadEach returns when every read is done.
// A read records its own failures in gaps.
func ReadEach[Out, Opt, T any](ctx context.Context, gaps *Gaps, region, api string, limit int,
	more func() bool, next func(context.Context, ...func(*Opt)) (Out, error),
	items func(Out) []T, read func(context.Context, T)) {
	var g errgroup.Group
	g.SetLimit(max(1, limit))
	for more() {
		page, err := next(ctx)
		if err != nil {
			gaps.Fail(region, api, "", err)
			break
		}
		for _, it := range items(page) {
			g.Go(func() error {
				read(ctx, it)
				return nil
			})
		}
	}
	_ = g.Wait()
}

// Done is what a collector returns once its reads are over: the
// cancellation that cut the scan short, else the failures of no known
// class (Err).
func (g *Gaps) Done(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return g.Err()
}
