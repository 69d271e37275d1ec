package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// Serve mode (issue 16): --serve generates the single account of the
// scenario (the same world the in-process benchmark scans, at the same
// --scale), serves it on 127.0.0.1 at AWS's throttle rates and the
// --latency, both scaled by --time-scale, until interrupted, and prints one
// JSON line when ready: the endpoint, the account's access key id (the fake
// takes any secret), the resource count, and the floor of the minimal plan.
// The scanner then runs in its own process, so its peak RSS is its own and
// not the fake's and its generated world's:
//
//	trustmap-bench --serve --scale 3.2 --time-scale 100 &
//	AWS_ACCESS_KEY_ID=<access_key_id> AWS_SECRET_ACCESS_KEY=any AWS_REGION=us-east-1 \
//	  /usr/bin/time -v trustmap scan --endpoint-url <endpoint> --rate-limits 'aws*100' \
//	  --regions <regions> --no-store --output-dir /tmp/out
//
// --rate-limits aws*F with F the --time-scale holds the scanner to the
// fake's scaled rates, as the in-process benchmark does. On interrupt it
// prints the calls the fake answered.
type serveLine struct {
	Endpoint     string   `json:"endpoint"`
	AccessKey    string   `json:"access_key_id"`
	Regions      []string `json:"regions"`
	Resources    int      `json:"resources"`
	MinimalCalls int      `json:"minimal_calls"`
	Floor        float64  `json:"floor_s"`
	FloorBy      string   `json:"floor_by"`
	RateLimits   string   `json:"rate_limits"`
}

func serveAccount(ctx context.Context, o *options, stdout io.Writer) error {
	gen := generate(o.scenario)
	throttle := awsThrottle()
	if err := o.rates.apply(&throttle); err != nil {
		return err
	}
	fake := scaled(throttle, o.timeScale)
	latency := max(0, time.Duration(float64(o.latency)/o.timeScale))
	gen.World.Throttle = fake
	gen.World.Latency = latency
	if err := gen.World.Validate(); err != nil {
		return fmt.Errorf("generated world: %w", err)
	}
	pl := minimalPlan(gen.World.Accounts[0], o.scenario.Regions, "us-east-1")
	fl := computeFloor(pl, fake, latency)
	line := serveLine{AccessKey: benchAccessKey, Regions: o.scenario.Regions, Floor: fl.Seconds, FloorBy: fl.By,
		RateLimits: fmt.Sprintf("aws*%g", o.timeScale)}
	for _, n := range gen.Resources {
		line.Resources += n
	}
	for _, c := range pl.Calls {
		line.MinimalCalls += c
	}
	return serveWorld(ctx, gen.World, stdout, func(endpoint string) any {
		line.Endpoint = endpoint
		return line
	})
}

// serveWorld serves w on 127.0.0.1 until ctx is done: once the fake
// answers it prints the line made with its endpoint, and on interrupt the
// calls it answered (the --serve and --org-members modes).
func serveWorld(ctx context.Context, w *fakeaws.World, stdout io.Writer, line func(endpoint string) any) error {
	srv := fakeaws.New(w, fakeaws.Options{})
	if err := srv.Start(); err != nil {
		return err
	}
	defer srv.Close()
	if err := json.NewEncoder(stdout).Encode(line(srv.URL())); err != nil {
		return err
	}
	<-ctx.Done()
	st := srv.Stats()
	return json.NewEncoder(stdout).Encode(map[string]any{"fake_calls": st.TotalCalls(), "fake_throttled": st.TotalThrottled(), "calls_by_api": st.Calls})
}
