package emulatortest

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eks"
)

// The emulator's account and credentials (moto accepts any; its account is
// 123456789012).
const (
	accountID = "123456789012"
	accessKey = "testing"
	secretKey = "testing"
	home      = "us-east-1"
)

var (
	endpoint string // the emulator, "" when unreachable
	// binary is trustmap built from this module. The scan runs as the real
	// binary — flags, environment credentials, exit code — rather than
	// in-process: cmd/trustmap is package main, and moving its command
	// tree behind an importable package would cut across the CLI the lead
	// is changing; a subprocess also tests what a user runs.
	binary string
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	endpoint = strings.TrimRight(os.Getenv("TRUSTMAP_EMULATOR_URL"), "/")
	if endpoint == "" {
		endpoint = "http://127.0.0.1:5000"
	}
	if !reachable(endpoint) {
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "emulatortest: no emulator answers at %s, and CI=true: start one with ../shared/emulators/moto/start.sh PORT and set TRUSTMAP_EMULATOR_URL\n", endpoint)
			return 1
		}
		endpoint = ""
		return m.Run() // every test skips
	}
	dir, err := os.MkdirTemp("", "trustmap-emulatortest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "trustmap")
	// No symbol table or DWARF: the link is most of the build's time.
	build := exec.Command("go", "build", "-ldflags=-s -w", "-o", binary, "github.com/trustmap/trustmap/cmd/trustmap")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "emulatortest: building trustmap: %v\n", err)
		return 1
	}
	return m.Run()
}

// reachable says whether moto's management API answers.
func reachable(url string) bool {
	c := &http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(url + "/moto-api/")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode < 500
}

// needEmulator skips the test when no emulator answers (never with CI=true:
// TestMain has failed by then).
func needEmulator(t *testing.T) {
	t.Helper()
	if endpoint == "" {
		t.Skip("no emulator at $TRUSTMAP_EMULATOR_URL (default http://127.0.0.1:5000); see doc.go")
	}
}

// resetEmulator empties every service of the emulator.
func resetEmulator(t testing.TB) {
	t.Helper()
	resp, err := http.Post(endpoint+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatalf("resetting the emulator: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("resetting the emulator: %s", resp.Status)
	}
	// moto routes a REST-JSON request (EKS, Lambda, API Gateway, ...) by
	// building a boto3 client in its default session, which is not safe
	// for the first concurrent use: two at once can fail with botocore's
	// KeyError 'endpoint_resolver' and an HTML 500 (seen in moto's log
	// during a scan, EKS ListClusters in eu-west-1). One call before the
	// scan builds it; the scan's own concurrency is then moto's, not
	// botocore's start-up race.
	if _, err := eks.NewFromConfig(config(home)).ListClusters(context.Background(), &eks.ListClustersInput{}); err != nil {
		t.Fatalf("warming the emulator up (eks ListClusters): %v", err)
	}
}

// config reaches the emulator in region, with the SDK's standard retries:
// moto closes every connection after its answer, and a request sent on one
// it just closed is retried (the seeder takes "already exists" after a
// retry for the success it is).
func config(region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
		BaseEndpoint: aws.String(endpoint),
		Retryer:      func() aws.Retryer { return retry.NewStandard() },
	}
}

// scanResult is one run of `trustmap scan`.
type scanResult struct {
	Exit   int
	Report *report
	Stderr string
	Wall   time.Duration
	// Calls and Retries are the runner's own counts (its "collection
	// finished" log line): HTTP attempts, and attempts beyond the first.
	Calls, Retries int
}

// scan runs `trustmap scan` against the emulator with extra flags.
func scan(t *testing.T, bin string, args ...string) scanResult {
	t.Helper()
	dir := t.TempDir()
	all := append([]string{"scan", "-v", "--endpoint-url", endpoint, "--output-dir", dir, "--format", "json"}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, all...)
	cmd.Env = append(os.Environ(),
		"AWS_ACCESS_KEY_ID="+accessKey, "AWS_SECRET_ACCESS_KEY="+secretKey, "AWS_SESSION_TOKEN=", "AWS_PROFILE=",
		"AWS_REGION="+home, "AWS_ENDPOINT_URL=", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "none"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	res := scanResult{Stderr: stderr.String(), Wall: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		res.Exit = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running trustmap: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatalf("trustmap exited %d without report.json: %v\n%s", res.Exit, err, res.Stderr)
	}
	res.Report = decodeReport(t, data)
	m := finished.FindStringSubmatch(res.Stderr)
	if m == nil {
		t.Fatalf("no \"collection finished\" line in trustmap's log:\n%s", res.Stderr)
	}
	res.Calls, _ = strconv.Atoi(m[1])
	res.Retries, _ = strconv.Atoi(m[2])
	return res
}

var finished = regexp.MustCompile(`msg="collection finished" (?:\w+=\S+ )*?api_calls=(\d+) retries=(\d+)`)
