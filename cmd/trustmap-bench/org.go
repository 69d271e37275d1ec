package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// Organization mode (issue 16): --org-members N serves a generated
// organization (fakeaws.GenerateOrganization: a management account and N
// members of varied sizes, --org-resources on average) on 127.0.0.1 at
// AWS's throttle rates, per account, and the --latency, both scaled by
// --time-scale, until interrupted. The scanner runs in its own processes
// (`trustmap scan --org`, or `collect --shard` ×n and `merge`), so their peak
// RSS is theirs alone. It prints one JSON line when ready: the endpoint,
// the management account's access key, and the floor of the organization:
//
//	floor = max over members m of ( floor(m) + 2 × latency )
//
// where floor(m) is the single-account floor of the package doc over m's
// minimal plan (plan.go), and 2 × latency is reaching m (sts:AssumeRole,
// then sts:GetCallerIdentity). It leaves out the account-level concurrency
// bound (accounts ÷ --max-accounts rounds), which the line prints as
// rounds_term_s: the sum of the floors over accounts ÷ --max-accounts.
// On interrupt it prints the calls the fake answered.
//
//	trustmap-bench --org-members 200 --org-resources 100 --regions us-east-1,eu-west-1 --time-scale 1
type orgLine struct {
	Endpoint     string  `json:"endpoint"`
	AccessKey    string  `json:"access_key_id"`
	Members      int     `json:"members"`
	Resources    int     `json:"resources"`
	Largest      int     `json:"largest_account_resources"`
	MinimalCalls int     `json:"minimal_calls"`
	Floor        float64 `json:"floor_s"`
	FloorBy      string  `json:"floor_by"`
	RoundsTerm   float64 `json:"rounds_term_s"`
}

func serveOrg(ctx context.Context, o *options, stdout io.Writer) error {
	throttle := awsThrottle()
	if err := o.rates.apply(&throttle); err != nil {
		return err
	}
	fake := scaled(throttle, o.timeScale)
	latency := max(0, time.Duration(float64(o.latency)/o.timeScale))
	spec := fakeaws.OrgSpec{Seed: 1, Members: o.orgMembers, Resources: o.orgResources, Regions: o.scenario.Regions,
		Latency: latency, Throttle: fake}
	w := fakeaws.GenerateOrganization(spec)
	if err := w.Validate(); err != nil {
		return fmt.Errorf("generated organization: %w", err)
	}
	line := orgLine{AccessKey: fakeaws.OrgManagementKey, Members: o.orgMembers}
	var sum float64
	for i, a := range w.Accounts {
		n := len(a.S3.Buckets) + len(a.SQS.Queues) + len(a.Lambda.Functions) + len(a.IAM.Roles)
		line.Resources += n
		line.Largest = max(line.Largest, n)
		pl := minimalPlan(a, o.scenario.Regions, "us-east-1")
		for _, c := range pl.Calls {
			line.MinimalCalls += c
		}
		f := computeFloor(pl, fake, latency)
		reach := 0.0
		if i > 0 {
			reach = 2 * latency.Seconds()
			line.MinimalCalls += 2
		}
		sum += f.Seconds + reach
		if f.Seconds+reach > line.Floor {
			line.Floor, line.FloorBy = f.Seconds+reach, a.ID+" "+f.By
		}
	}
	line.RoundsTerm = sum / float64(max(1, o.orgMaxAccounts))
	return serveWorld(ctx, w, stdout, func(endpoint string) any {
		line.Endpoint = endpoint
		return line
	})
}
