package main

import (
	"context"
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// Secret-looking values planted where an account really keeps them. None
// may reach any file trustmap writes or anything it prints, at any
// verbosity.
const (
	secretEnv        = "lambda-env-secret-9f8e7d6c5b4a"
	secretEnvAWSKey  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYLAMBDAKEY01" // an AWS secret access key, in a function's environment
	secretScanKey    = "tmScanSecret/AccessKey+EXAMPLE0123456789a" // the scanner's own secret access key
	secretToken      = "IQoJb3JpZ2luX2VjEXAMPLE/SESSION+TOKEN0123456789abcdefghijklmnopqrstuvwxyz=="
	secretStageVar   = "stage-var-secret-1a2b3c4d"
	secretUserKeyID  = "AKIASECRETUSERKEY123" // a user's access key id: reports show it masked
	secretRoleTag    = "role-tag-secret-5e6f7a8b"
	secretScanKeyID  = "AKIASCANNERKEYID0001" // the scanner's access key id
	secretURLPrivate = "internal-hook-secret-c0ffee"
)

var secretsFixture = `
accounts:
  - id: "123456789012"
    access_keys: [` + secretScanKeyID + `]
    regions: [us-east-1]
    lambda:
      functions:
        - name: billing
          region: us-east-1
          runtime: python3.12
          handler: app.handler
          role: arn:aws:iam::123456789012:role/billing-role
          environment: {DB_PASSWORD: ` + secretEnv + `, AWS_SECRET_ACCESS_KEY: "` + secretEnvAWSKey + `", HOOK: "https://hooks.example.com/` + secretURLPrivate + `"}
          policy: {Version: "2012-10-17", Statement: [{Sid: Public, Effect: Allow, Principal: "*", Action: lambda:InvokeFunctionUrl, Resource: "arn:aws:lambda:us-east-1:123456789012:function:billing", Condition: {StringEquals: {"lambda:FunctionUrlAuthType": NONE}}}]}
          url: {auth_type: NONE}
    apigateway:
      rest_apis:
        - id: s1e2c3r4e5
          region: us-east-1
          name: billing-api
          endpoint_types: [REGIONAL]
          resources:
            - {id: r00t000001, path: /}
            - id: pay0000001
              parent_id: r00t000001
              path_part: pay
              path: /pay
              methods:
                POST: {authorization_type: NONE, integration: {type: AWS_PROXY, http_method: POST, uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:billing/invocations"}}
          stages:
            - {name: prod, deployment_id: d1, variables: {apiSecret: ` + secretStageVar + `}}
    iam:
      roles:
        - name: billing-role
          id: AROASECRETS000000001
          trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
          inline_policies: {pay: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}}
          tags: {token: ` + secretRoleTag + `}
      users:
        - name: deployer
          id: AIDASECRETS000000001
          created: 2021-01-01T00:00:00Z
          access_keys: [{id: ` + secretUserKeyID + `, status: Active, created: 2021-01-01T00:00:00Z, last_used: 2024-01-01T00:00:00Z, last_used_service: s3, last_used_region: us-east-1}]
      root: {created: 2017-06-10T02:35:07Z, mfa_active: false, access_keys: [{id: AKIAROOTSECRETKEY001, status: Active, created: 2018-01-01T00:00:00Z}]}
`

// credentialReport fetches the fake's credential report the way the
// collector does, so its raw bytes can be looked for in the outputs.
func credentialReport(t *testing.T, url string) (raw []byte) {
	t.Helper()
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider(secretScanKeyID, "x", "")}
	c := iam.NewFromConfig(cfg)
	ctx := context.Background()
	if _, err := c.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil {
		t.Fatal(err)
	}
	return out.Content
}

func TestNoSecretReachesAnyOutputOrLogAtAnyVerbosity(t *testing.T) {
	srv, _ := serveFixture(t, secretsFixture, fakeaws.Options{})
	useCredentials(t, secretScanKeyID, secretScanKey, secretToken)

	report := credentialReport(t, srv.URL())
	rows := strings.Split(strings.TrimSpace(string(report)), "\n")
	secrets := map[string]string{
		"a Lambda environment value":                    secretEnv,
		"an AWS secret key in a Lambda environment":     secretEnvAWSKey,
		"a URL in a Lambda environment":                 secretURLPrivate,
		"the scanner's secret access key":               secretScanKey,
		"the scanner's session token":                   secretToken,
		"the scanner's access key id":                   secretScanKeyID,
		"an API Gateway stage variable":                 secretStageVar,
		"a user's access key id (only a masked form)":   secretUserKeyID,
		"the root user's access key id":                 "AKIAROOTSECRETKEY001",
		"a role tag":                                    secretRoleTag,
		"the credential report, base64":                 base64.StdEncoding.EncodeToString(report)[:40],
		"the credential report's header":                rows[0][:60],
		"the credential report's row for user deployer": rows[len(rows)-1],
	}
	for _, secret := range []string{secretScanKey, secretToken, secretEnvAWSKey} {
		// The same values as they would appear JSON- or URL-escaped.
		secrets["escaped "+secret] = strings.NewReplacer("/", `\/`, "+", `\u002b`).Replace(secret)
		secrets["url-encoded "+secret] = strings.NewReplacer("/", "%2F", "+", "%2B", "=", "%3D").Replace(secret)
	}

	for _, verbosity := range []string{"-q", "", "-v", "-vv"} {
		name := verbosity
		if name == "" {
			name = "default"
		}
		t.Run("verbosity "+name, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"scan", "--endpoint-url", srv.URL(), "--regions", "us-east-1", "--format", strings.Join(formatNames(), ","), "--output-dir", dir, "--store-snapshots"}
			if verbosity != "" {
				args = append(args, verbosity)
			}
			code, stdout, stderr := runCLI(t, "", args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			snap := filepath.Join(dir, "collected.json")
			cargs := []string{"collect", "--endpoint-url", srv.URL(), "--regions", "us-east-1", "-o", snap}
			if verbosity != "" {
				cargs = append(cargs, verbosity)
			}
			code, cstdout, cstderr := runCLI(t, "", cargs...)
			if code != exitOK {
				t.Fatalf("collect: exit %d: %s", code, cstderr)
			}
			texts := map[string]string{"stdout": stdout, "stderr": stderr, "collect's stdout": cstdout, "collect's stderr": cstderr}
			files := 0
			filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				texts[filepath.Base(path)] = string(data)
				files++
				return nil
			})
			if files < len(formats)+2 {
				t.Errorf("%d files written, want every format, the snapshot and the collected snapshot", files)
			}
			// The history store too: its files as they lie on disk, and
			// the snapshot it keeps, decompressed (storetexts, history_test.go).
			for name, text := range storeTexts(t, testStorePath(t)) {
				texts[name] = text
			}
			if !strings.Contains(texts["history.db"]+texts["history.db-wal"], "function:billing") {
				t.Errorf("the history store does not hold the scan; the test would not see a leak there")
			}
			for what, secret := range secrets {
				for where, text := range texts {
					if strings.Contains(text, secret) {
						t.Errorf("%s (%q) appears in %s", what, secret, where)
					}
				}
			}
			// The scan did see them: the names are there, the values are not.
			if !strings.Contains(texts["snapshot.json"], "DB_PASSWORD") {
				t.Errorf("the snapshot lacks the environment variable names; did the scan read the function?")
			}
			if verbosity == "-vv" && !strings.Contains(stderr, "level=DEBUG") {
				t.Errorf("-vv logged no debug line; the test would not see a leak in debug logs")
			}
		})
	}
}
