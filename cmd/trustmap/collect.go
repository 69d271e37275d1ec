package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/spf13/cobra"

	"github.com/trustmap/trustmap/collectors"
	collall "github.com/trustmap/trustmap/collectors/all"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/internal/demo"
	"github.com/trustmap/trustmap/internal/fakeaws"
)

// collectOptions are the flags that say what to scan and how to reach it.
type collectOptions struct {
	profile        string
	profiles       []string
	org            bool
	orgRoleName    string
	regions        []string
	endpointURL    string
	assumeRole     string
	externalID     string
	demo           bool
	maxConcurrency int
	timeout        time.Duration
	services       []string
	rateLimits     rateLimits // ratelimits.go
	maxAccounts    int
	shard          shardSpec // shard.go
	// sink, when set, gets each account as it finishes (--output-dir).
	sink func(context.Context, collectors.Part) error
	// members is the organization's account list, set by --org.
	members []collectors.OrgMember
}

func (o *collectOptions) bind(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.profile, "profile", "", "shared config profile to use (default: the SDK's default credential chain)")
	f.StringSliceVar(&o.profiles, "profiles", nil, "scan several accounts, one shared config profile each (comma-separated)")
	f.BoolVar(&o.org, "org", false, "scan every active account of the organization, assuming --org-role-name in each (run with management or delegated-admin credentials)")
	f.StringVar(&o.orgRoleName, "org-role-name", "OrganizationAccountAccessRole", "role to assume in each member account with --org (a read-only role is better)")
	f.StringSliceVar(&o.regions, "regions", nil, "regions to scan, comma-separated, or \"all\" (default: every region enabled in the account)")
	f.StringVar(&o.endpointURL, "endpoint-url", "", "send every API call to this endpoint (AWS emulators, S3-compatible stores); AWS_ENDPOINT_URL also works")
	f.StringVar(&o.assumeRole, "assume-role", "", "role ARN to assume before scanning")
	f.StringVar(&o.externalID, "external-id", "", "external id for --assume-role")
	f.BoolVar(&o.demo, "demo", false, "scan the built-in demo account (served on 127.0.0.1; no AWS access needed)")
	f.IntVar(&o.maxConcurrency, "max-concurrency", 64, "API calls in flight at once, across the whole scan")
	f.DurationVar(&o.timeout, "timeout", 0, "stop the scan after this long and write what was collected (e.g. 10m)")
	f.StringSliceVar(&o.services, "services", nil, "collect only these services (default: all)")
	f.IntVar(&o.maxAccounts, "max-accounts", collectors.DefaultMaxAccounts, "accounts scanned at once with --org or --profiles")
	f.Var(&o.rateLimits, "rate-limits", rateLimitsHelp)
}

var regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

func (o *collectOptions) validate() error {
	if slices.Contains(o.regions, "all") {
		if len(o.regions) > 1 {
			return usageErr("--regions: \"all\" cannot be combined with other regions")
		}
		o.regions = nil
	}
	for _, r := range o.regions {
		if !regionRE.MatchString(r) {
			return usageErr("--regions: %q is not an AWS region name (e.g. us-east-1)", r)
		}
	}
	if o.externalID != "" && o.assumeRole == "" && !o.org {
		return usageErr("--external-id needs --assume-role or --org")
	}
	if o.profile != "" && len(o.profiles) > 0 {
		return usageErr("use --profile or --profiles, not both")
	}
	if o.demo && (len(o.profiles) > 0 || o.org) {
		return usageErr("--demo scans the built-in demo account; it does not take --profiles or --org")
	}
	if o.maxConcurrency < 1 {
		return usageErr("--max-concurrency must be at least 1")
	}
	if len(o.services) > 0 {
		known := map[string]bool{}
		for _, c := range collall.Collectors() {
			known[c.Name()] = true
		}
		for _, s := range o.services {
			if !known[s] {
				return usageErr("--services: unknown service %q (known: %s)", s, strings.Join(collall.Names(), ", "))
			}
		}
	}
	return nil
}

func newCollectCmd(e env, g *globalOptions) *cobra.Command {
	o := &collectOptions{}
	ro := &resultsOptions{}
	var out, dir, shard string
	cmd := &cobra.Command{
		Use:   "collect -o snapshot.json | --output-dir DIR|s3://BUCKET/PREFIX|store:PREFIX",
		Short: "Collect accounts into a snapshot, without analysing it",
		Example: "  trustmap collect --profile audit -o snap.json\n" +
			"  trustmap collect --org --shard 2/8 --output-dir parts/2   # then: trustmap merge parts/* -o org.json\n" +
			"  trustmap collect --org --shard auto/8 --output-dir s3://my-results/org/{shard}   # then: trustmap merge s3://my-results/org -o org.json\n" +
			"  trustmap collect --org --shard auto/8 --store postgres://trustmap@db/trustmap --output-dir store:org-2026-12/{shard}   # then: trustmap merge --store postgres://trustmap@db/trustmap store:org-2026-12 -o org.json",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			defer ro.close() // the history store of a store: location (partstore_store.go)
			if (out == "") == (dir == "") {
				return usageErr("%v (one of them)", errNoOutput)
			}
			var err error
			if o.shard, err = parseShard(shard, os.Getenv); err != nil {
				return err
			}
			if o.shard.N > 0 && (!o.org || dir == "") {
				return usageErr("--shard needs --org and --output-dir")
			}
			// "{shard}" in --output-dir is the shard's index: one command
			// line serves every pod of an Indexed Job or child of an array job.
			dir = strings.ReplaceAll(dir, "{shard}", strconv.Itoa(o.shard.I))
			if err := ro.checkStoreFlag(dir); err != nil {
				return err
			}
			if err := o.validate(); err != nil {
				return err
			}
			var parts *partWriter
			if dir != "" {
				st, err := ro.openPartStore(cmd.Context(), dir, collectors.ConfigOptions{Profile: o.profile, EndpointURL: o.endpointURL}) // partstore.go
				if err != nil {
					return err
				}
				if parts, err = newPartWriter(cmd.Context(), st, o.shard, e.now); err != nil {
					return err
				}
				o.sink = parts.sink
			}
			snap, err := collectSnapshot(cmd.Context(), e, g, o)
			if err != nil {
				return err
			}
			if parts != nil {
				err = parts.finish(cmd.Context(), snap, o)
			} else if werr := writeSnapshotFile(out, snap); werr != nil {
				err = failErr("writing snapshot: %v", werr)
			}
			if err != nil {
				return err
			}
			if !snap.Complete {
				return &exitError{exitIncomplete, fmt.Errorf("scan %s: the snapshot holds what was collected before it stopped", snap.Incomplete)}
			}
			return nil
		},
	}
	o.bind(cmd)
	cmd.Flags().StringVarP(&out, "output", "o", "", "snapshot file to write")
	cmd.Flags().StringVar(&dir, "output-dir", "", "write one snapshot per account to DIR/accounts/ as each finishes, and DIR/manifest.json (memory holds the accounts in flight, not the organization); {shard} in DIR is the shard index; "+
		"DIR may be s3://BUCKET/PREFIX, your own results bucket (s3:PutObject; iam/trustmap-results.json), or store:PREFIX, a prefix in the history store --store names")
	ro.bind(cmd, true)        // --results-* (partstore_s3.go)
	ro.bindPartsStore(cmd, e) // --store for store: locations (partstore_store.go)
	cmd.Flags().StringVar(&shard, "shard", "", "with --org: scan shard I/N of the organization's accounts (by a hash of the account id); auto/N reads I from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX")
	return cmd
}

// newMergeCmd is `trustmap merge DIR... -o OUT`: the shards of one
// organization, as one snapshot.
func newMergeCmd(e env) *cobra.Command {
	var out string
	var allowPartial bool
	ro := &resultsOptions{}
	cmd := &cobra.Command{
		Use:   "merge DIR|s3://BUCKET/PREFIX|store:PREFIX... -o snapshot.json",
		Short: "Merge the shard directories (or S3 or history-store prefixes) of collect --org --shard into one organization snapshot",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, dirs []string) error {
			defer ro.close() // the history store of store: locations (partstore_store.go)
			if out == "" {
				return usageErr("merge needs -o FILE")
			}
			if err := ro.checkStoreFlag(dirs...); err != nil {
				return err
			}
			snap, err := ro.readLocations(cmd.Context(), dirs, allowPartial) // partstore.go
			if err != nil {
				return err
			}
			if err := writeSnapshotFile(out, snap); err != nil {
				return failErr("writing snapshot: %v", err)
			}
			if !snap.Complete {
				fmt.Fprintf(e.stderr, "trustmap: merged an incomplete set (%s); its accounts are coverage gaps\n", snap.Incomplete)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "snapshot file to write")
	cmd.Flags().BoolVar(&allowPartial, "allow-partial", false, "merge a set with missing or unfinished shards; the snapshot is marked incomplete and the missing accounts are coverage gaps")
	ro.bind(cmd, false)       // --results-*, --endpoint-url for s3:// locations (partstore_s3.go)
	ro.bindPartsStore(cmd, e) // --store for store: locations (partstore_store.go)
	return cmd
}

// collectSnapshot runs the collectors and returns the snapshot. With
// --demo it first starts the built-in demo account on 127.0.0.1 and then
// scans it through the very same code path as a real account.
func collectSnapshot(ctx context.Context, e env, g *globalOptions, o *collectOptions) (*graph.Snapshot, error) {
	logger := g.logger(e.stderr)
	cfgOpts := collectors.ConfigOptions{
		Profile:     o.profile,
		EndpointURL: o.endpointURL,
		AssumeRole:  o.assumeRole,
		ExternalID:  o.externalID,
	}
	if o.demo {
		world, err := fakeaws.ParseFixture(demo.Fixture, "demo.yaml")
		if err != nil {
			return nil, failErr("demo account: %v", err)
		}
		srv := fakeaws.New(world, fakeaws.Options{})
		if err := srv.Start(); err != nil {
			return nil, failErr("starting the demo account: %v", err)
		}
		defer srv.Close()
		cfgOpts.EndpointURL = srv.URL()
		cfgOpts.Credentials = credentials.NewStaticCredentialsProvider(demo.AccessKeyID(world), "demo-secret-not-a-real-key", "")
		cfgOpts.Profile = ""
	}
	cfg, err := collectors.LoadConfig(ctx, cfgOpts)
	if err != nil {
		return nil, failErr("%v", err)
	}
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	acct, arn, err := collectors.Identify(ctx, cfg)
	if err != nil {
		return nil, identifyErr(err)
	}
	logger.Info("scanning", "account", acct, "caller", arn)
	b := graph.NewBuilder()
	accounts := []collectors.Account{{ID: acct, CallerARN: arn, Config: cfg}}
	if len(o.profiles) > 0 || o.org {
		accounts, err = o.moreAccounts(ctx, cfgOpts, accounts[0], b)
		if err != nil {
			return nil, err
		}
	}

	cs := collall.Collectors()
	if len(o.services) > 0 {
		cs = slices.DeleteFunc(cs, func(c collectors.Collector) bool { return !slices.Contains(o.services, c.Name()) })
	}
	stats := &collectors.Stats{}
	runner := &collectors.Runner{
		Collectors:     cs,
		Regions:        o.regions,
		MaxConcurrency: o.maxConcurrency,
		Limits:         o.rateLimits.limits(),
		Stats:          stats,
		Logger:         logger,
		PathStyle:      cfg.BaseEndpoint != nil,
		MaxAccounts:    o.maxAccounts,
		Sink:           o.sink,
	}
	if !g.quiet {
		runner.Progress = newProgress(e.stderr, e.isTerminal)
	}
	outcome, runErr := runner.Run(ctx, accounts, b)
	if p, ok := runner.Progress.(*progress); ok {
		p.done()
	}
	if runErr != nil {
		logger.Warn("some collectors failed; their gaps are in the report", "err", runErr)
	}
	snap := b.Freeze(graph.Tool{Name: "trustmap", Version: toolVersion()}, e.now())
	snap.Complete = outcome.Complete
	snap.Incomplete = outcome.Reason
	snap.Calls = int(stats.Calls.Load())
	return snap, nil
}

// moreAccounts builds the account list for --profiles and --org: one
// configuration per profile, and for --org one assumed-role configuration
// per active member account (credentials cached and refreshed by the SDK).
// An account that cannot be reached is a coverage gap; the rest are scanned.
func (o *collectOptions) moreAccounts(ctx context.Context, base collectors.ConfigOptions, first collectors.Account, b *graph.Builder) ([]collectors.Account, error) {
	var sources []collectors.AccountSource
	if len(o.profiles) > 0 {
		for _, p := range o.profiles {
			opts := base
			opts.Profile = p
			cfg, err := collectors.LoadConfig(ctx, opts)
			if err != nil {
				return nil, failErr("profile %s: %v", p, err)
			}
			sources = append(sources, collectors.AccountSource{Name: "profile " + p, Config: cfg})
		}
	} else {
		sources = append(sources, collectors.AccountSource{Name: "caller", Config: first.Config})
	}
	var lazy []collectors.Account
	if o.org {
		members, err := collectors.OrgMembers(ctx, sources[0].Config)
		if err != nil {
			return nil, failErr("--org: listing the organization's accounts: %s (run with management or delegated-administrator credentials)", collectors.ErrorSummary(err))
		}
		o.members = members
		for _, m := range members {
			if m.ID == first.ID || !o.shard.has(m.ID) {
				continue
			}
			// Reached lazily: the runner assumes the role at the
			// account's turn (collectors.Account.Source).
			role := fmt.Sprintf("arn:aws:iam::%s:role/%s", m.ID, o.orgRoleName)
			lazy = append(lazy, collectors.Account{ID: m.ID, Source: role, Status: m.Status,
				Config: collectors.AssumeRoleConfig(sources[0].Config, role, o.externalID)})
		}
		if !o.shard.has(first.ID) {
			sources = sources[1:]
		}
	}
	accounts := append(collectors.Resolve(ctx, sources, b), lazy...)
	if len(accounts) == 0 && !o.org {
		return nil, failErr("no account could be reached (see the coverage gaps with -v)")
	}
	return accounts, nil
}

// identifyErr turns a failed GetCallerIdentity into one clear line.
func identifyErr(err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, context.Canceled):
		return &exitError{exitIncomplete, errors.New("interrupted before the scan started")}
	case errors.Is(err, context.DeadlineExceeded): // --timeout ran out during sts:GetCallerIdentity
		return &exitError{exitIncomplete, errors.New("timed out before the scan started")}
	case strings.Contains(msg, "failed to retrieve credentials") || strings.Contains(msg, "no EC2 IMDS role found") ||
		strings.Contains(msg, "failed to refresh cached credentials") || strings.Contains(msg, "AnonymousCredentials"):
		return failErr("no AWS credentials found: set AWS_PROFILE or --profile, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run on a machine with a role (or try --demo)")
	case strings.Contains(msg, "InvalidClientTokenId") || strings.Contains(msg, "SignatureDoesNotMatch") || strings.Contains(msg, "ExpiredToken"):
		return failErr("AWS rejected the credentials: %s", collectors.ErrorSummary(err))
	}
	return failErr("cannot identify the account with sts:GetCallerIdentity: %s", collectors.ErrorSummary(err))
}
