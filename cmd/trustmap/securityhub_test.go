package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/trustmap/trustmap/report/export"
)

// fakeSecurityHub records BatchImportFindings calls and fails the findings
// whose ids are in fail.
type fakeSecurityHub struct {
	calls [][]types.AwsSecurityFinding
	fail  map[string]bool
	err   error
}

func (f *fakeSecurityHub) BatchImportFindings(_ context.Context, in *securityhub.BatchImportFindingsInput, _ ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error) {
	f.calls = append(f.calls, in.Findings)
	if f.err != nil {
		return nil, f.err
	}
	out := &securityhub.BatchImportFindingsOutput{}
	for _, x := range in.Findings {
		if f.fail[aws.ToString(x.Id)] {
			out.FailedFindings = append(out.FailedFindings, types.ImportFindingsError{Id: x.Id, ErrorCode: aws.String("InvalidInput"), ErrorMessage: aws.String("rejected by the fake")})
		}
	}
	out.FailedCount = aws.Int32(int32(len(out.FailedFindings)))
	out.SuccessCount = aws.Int32(int32(len(in.Findings) - len(out.FailedFindings)))
	return out, nil
}

func testFindings(n int, region string) []export.ASFFFinding {
	var fs []export.ASFFFinding
	for i := range n {
		fs = append(fs, export.ASFFFinding{
			SchemaVersion: export.ASFFSchemaVersion, ID: fmt.Sprintf("trustmap/123456789012/F-%04d", i),
			ProductArn:  "arn:aws:securityhub:" + region + ":123456789012:product/123456789012/default",
			GeneratorID: "trustmap/TM-EXP-001", AwsAccountID: "123456789012", Types: []string{"Software and Configuration Checks"},
			CreatedAt: "2026-11-27T12:00:00.000Z", UpdatedAt: "2026-11-27T12:00:00.000Z",
			Severity: export.ASFFSeverity{Label: "HIGH"}, Title: "t", Description: "d", RecordState: "ACTIVE",
			Resources: []export.ASFFResource{{Type: "AwsS3Bucket", ID: fmt.Sprintf("arn:aws:s3:::b-%d", i), Partition: "aws", Region: region}},
			Region:    region,
		})
	}
	return fs
}

func TestSecurityHubImportsIn100FindingCallsAndDropsAnOversizedFinding(t *testing.T) {
	fs := testFindings(250, "us-east-1")
	fs[17].ProductFields = map[string]string{"trustmap/Huge": strings.Repeat("x", shMaxFindingBytes)}
	fake := &fakeSecurityHub{}
	var stderr bytes.Buffer
	res := importFindings(context.Background(), fake, fs, &stderr)
	var sizes []int
	for _, c := range fake.calls {
		sizes = append(sizes, len(c))
	}
	if fmt.Sprint(sizes) != "[100 100 49]" {
		t.Errorf("calls of %v findings, want [100 100 49]", sizes)
	}
	if res != (shResult{Imported: 249, Dropped: 1}) {
		t.Errorf("result %+v", res)
	}
	if !strings.Contains(stderr.String(), "F-0017 dropped") {
		t.Errorf("the dropped finding is not reported:\n%s", stderr.String())
	}
	for _, c := range fake.calls {
		for _, f := range c {
			if aws.ToString(f.Id) == "trustmap/123456789012/F-0017" {
				t.Error("the oversized finding was sent")
			}
		}
	}
}

func TestSecurityHubKeepsEachCallUnderSixMegabytes(t *testing.T) {
	fs := testFindings(90, "us-east-1")
	for i := range fs {
		fs[i].ProductFields = map[string]string{}
		for k := range 45 { // ~90 KB per finding
			fs[i].ProductFields[fmt.Sprintf("trustmap/F%02d", k)] = strings.Repeat("y", 2000)
		}
	}
	fake := &fakeSecurityHub{}
	res := importFindings(context.Background(), fake, fs, io.Discard)
	if res.Imported != 90 || len(fake.calls) < 2 {
		t.Fatalf("%+v in %d calls", res, len(fake.calls))
	}
	for i, c := range fake.calls {
		raw, _ := json.Marshal(map[string]any{"Findings": c})
		if len(raw) > shMaxCallBytes || len(c) > shMaxPerCall {
			t.Errorf("call %d: %d findings, %d bytes", i, len(c), len(raw))
		}
	}
}

func TestSecurityHubReportsFailedFindingsAndExitsWith3(t *testing.T) {
	fs := testFindings(5, "eu-west-1")
	fake := &fakeSecurityHub{fail: map[string]bool{fs[1].ID: true, fs[3].ID: true}}
	var stderr bytes.Buffer
	err := pushByRegion(context.Background(), &stderr, fs, func(string) securityHubAPI { return fake })
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitFailed {
		t.Fatalf("err %v, want exit code %d", err, exitFailed)
	}
	for _, want := range []string{fs[1].ID + " not imported: InvalidInput", fs[3].ID, "3 imported, 2 failed"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}

func TestSecurityHubCountsAFailedCallAndGoesOnWithTheNext(t *testing.T) {
	fake := &fakeSecurityHub{err: errors.New("AccessDeniedException: not authorized to perform securityhub:BatchImportFindings")}
	var stderr bytes.Buffer
	res := importFindings(context.Background(), fake, testFindings(150, "us-east-1"), &stderr)
	if res.Failed != 150 || len(fake.calls) != 2 || !strings.Contains(stderr.String(), "AccessDenied") {
		t.Errorf("result %+v after %d calls, stderr:\n%s", res, len(fake.calls), stderr.String())
	}
}

func TestSecurityHubImportsEachRegionsFindingsWithThatRegionsClient(t *testing.T) {
	fs := append(testFindings(3, "us-west-2"), testFindings(2, "eu-west-1")...)
	clients := map[string]*fakeSecurityHub{}
	err := pushByRegion(context.Background(), io.Discard, fs, func(region string) securityHubAPI {
		clients[region] = &fakeSecurityHub{}
		return clients[region]
	})
	if err != nil {
		t.Fatal(err)
	}
	for region, want := range map[string]int{"us-west-2": 3, "eu-west-1": 2} {
		c := clients[region]
		if c == nil || len(c.calls) != 1 || len(c.calls[0]) != want {
			t.Errorf("%s: %+v", region, c)
			continue
		}
		for _, f := range c.calls[0] {
			if !strings.Contains(aws.ToString(f.ProductArn), ":"+region+":") {
				t.Errorf("%s client got a finding for %s", region, aws.ToString(f.ProductArn))
			}
		}
	}
}

// fakeSecurityHubEndpoint answers BatchImportFindings over HTTP on
// 127.0.0.1, failing every finding when failAll is set.
func fakeSecurityHubEndpoint(t *testing.T, failAll bool) (*httptest.Server, *int) {
	var mu sync.Mutex
	got := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/findings/import" {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
			return
		}
		var body struct{ Findings []map[string]any }
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		got += len(body.Findings)
		mu.Unlock()
		out := map[string]any{"FailedCount": 0, "SuccessCount": len(body.Findings), "FailedFindings": []any{}}
		if failAll {
			var failed []any
			for _, f := range body.Findings {
				failed = append(failed, map[string]any{"Id": f["Id"], "ErrorCode": "AccessDeniedException", "ErrorMessage": "wrong account"})
			}
			out = map[string]any{"FailedCount": len(failed), "SuccessCount": 0, "FailedFindings": failed}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

func TestAnalyzeWithSecurityHubImportsTheFindingsAndExits3WhenTheyAreRejected(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--output-dir", dir, "--format", "json"); code != exitOK {
		t.Fatalf("demo scan: exit %d\n%s", code, stderr)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAFAKEFORTESTS0000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fake")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-credentials"))
	t.Setenv("AWS_PROFILE", "")
	for _, failAll := range []bool{false, true} {
		srv, got := fakeSecurityHubEndpoint(t, failAll)
		t.Setenv("AWS_ENDPOINT_URL", srv.URL)
		out := t.TempDir()
		code, _, stderr := runCLI(t, "", "analyze", filepath.Join(dir, "snapshot.json"), "-q", "--output-dir", out, "--format", "asff", "--security-hub")
		want := exitOK
		if failAll {
			want = exitFailed
		}
		if code != want || *got == 0 {
			t.Errorf("failAll=%v: exit %d (want %d), %d findings received\n%s", failAll, code, want, *got, stderr)
		}
		if failAll && !strings.Contains(stderr, "AccessDeniedException") {
			t.Errorf("the rejected findings are not reported:\n%s", stderr)
		}
	}
}

func TestSecurityHubIsRefusedWithTheDemoAccount(t *testing.T) {
	code, _, stderr := runCLI(t, "", "scan", "--demo", "--security-hub", "--output-dir", t.TempDir())
	if code != exitUsage || !strings.Contains(stderr, "--demo") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}
