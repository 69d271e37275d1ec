package fakeaws

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"
)

// lambdaWorld has three functions in us-east-1 and one in eu-west-1; %s is
// appended at top level (faults).
const lambdaWorld = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    lambda:
      functions:
        - name: orders
          region: us-east-1
          runtime: python3.12
          handler: app.handler
          role: arn:aws:iam::123456789012:role/orders-role
          environment: {TABLE: orders, API_TOKEN: "s3cr3t<&>"}
          policy: '{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:orders"}]}'
          url: {auth_type: NONE, cors: {allow_origins: ["*"], allow_methods: [GET]}}
          last_modified: 2024-01-07T10:00:00.000+0000
          vpc: {vpc_id: vpc-0abc, subnet_ids: [subnet-1], security_group_ids: [sg-1]}
        - {name: thumb, region: us-east-1, runtime: nodejs20.x, handler: index.handler, role: "arn:aws:iam::123456789012:role/thumb"}
        - {name: ingest, region: us-east-1, package_type: Image, memory_size: 1024, timeout: 60, url: {auth_type: AWS_IAM, invoke_mode: RESPONSE_STREAM}}
        - {name: euro, region: eu-west-1, runtime: java21, handler: Handler}
      event_source_mappings:
        - {uuid: 1a2b3c4d-0000-0000-0000-000000000001, region: us-east-1, function: orders, event_source_arn: "arn:aws:sqs:us-east-1:123456789012:orders", state: Enabled, batch_size: 5, last_modified: 2019-09-24T00:22:00.333Z}
        - {uuid: 1a2b3c4d-0000-0000-0000-000000000002, region: us-east-1, function: thumb, event_source_arn: "arn:aws:sqs:us-east-1:123456789012:images"}
        - {uuid: 1a2b3c4d-0000-0000-0000-000000000003, region: us-east-1, function: orders, event_source_arn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000", state: Disabled}
  - id: "111122223333"
    access_keys: [AKIAPARTNER0000001]
%s`

const ordersPolicy = `{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"xaccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:orders"}]}`

func (s *Server) lambda(t *testing.T, cc clientConfig) *lambda.Client {
	return lambda.NewFromConfig(s.config(t, cc), func(o *lambda.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func functionNames(fs []lambdatypes.FunctionConfiguration) []string {
	var out []string
	for _, f := range fs {
		out = append(out, aws.ToString(f.FunctionName))
	}
	return out
}

func TestLambdaListFunctions(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(lambdaWorld, ""), Options{})
	ctx := context.Background()

	t.Run("the paginator with MaxItems 2 yields every function of the region exactly once", func(t *testing.T) {
		p := lambda.NewListFunctionsPaginator(srv.lambda(t, clientConfig{}), &lambda.ListFunctionsInput{MaxItems: aws.Int32(2)})
		var got []string
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			got = append(got, functionNames(out.Functions)...)
		}
		if diff := cmp.Diff([]string{"ingest", "orders", "thumb"}, got); diff != "" {
			t.Errorf("functions (-want +got):\n%s", diff)
		}
		if pages != 2 {
			t.Errorf("got %d pages, want 2", pages)
		}
	})

	t.Run("a page holds at most 50 functions whatever MaxItems asks", func(t *testing.T) {
		w, err := ParseFixture([]byte(fmt.Sprintf(lambdaWorld, "")), t.Name())
		if err != nil {
			t.Fatal(err)
		}
		for i := range 120 {
			w.Accounts[0].Lambda.Functions = append(w.Accounts[0].Lambda.Functions, &Function{Name: fmt.Sprintf("bulk-%03d", i), Region: "eu-west-1"})
		}
		big := startWorld(t, w, Options{})
		p := lambda.NewListFunctionsPaginator(big.lambda(t, clientConfig{region: "eu-west-1"}), &lambda.ListFunctionsInput{MaxItems: aws.Int32(1000)})
		var sizes []int
		seen := map[string]bool{}
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(out.Functions))
			for _, n := range functionNames(out.Functions) {
				if seen[n] {
					t.Errorf("function %s listed twice", n)
				}
				seen[n] = true
			}
		}
		if diff := cmp.Diff([]int{50, 50, 21}, sizes); diff != "" {
			t.Errorf("page sizes (-want +got):\n%s", diff)
		}
	})

	t.Run("a configuration carries Lambda's LastModified format, plain environment values and the VPC", func(t *testing.T) {
		out, err := srv.lambda(t, clientConfig{}).ListFunctions(ctx, &lambda.ListFunctionsInput{})
		if err != nil {
			t.Fatal(err)
		}
		f := out.Functions[1]
		got := map[string]any{
			"arn": aws.ToString(f.FunctionArn), "runtime": f.Runtime, "role": aws.ToString(f.Role), "handler": aws.ToString(f.Handler),
			"modified": aws.ToString(f.LastModified), "env": f.Environment.Variables, "package": f.PackageType,
			"vpc": aws.ToString(f.VpcConfig.VpcId), "subnets": f.VpcConfig.SubnetIds, "memory": aws.ToInt32(f.MemorySize), "state": f.State,
		}
		want := map[string]any{
			"arn": "arn:aws:lambda:us-east-1:123456789012:function:orders", "runtime": lambdatypes.RuntimePython312,
			"role": "arn:aws:iam::123456789012:role/orders-role", "handler": "app.handler", "modified": "2024-01-07T10:00:00.000+0000",
			"env": map[string]string{"TABLE": "orders", "API_TOKEN": "s3cr3t<&>"}, "package": lambdatypes.PackageTypeZip,
			"vpc": "vpc-0abc", "subnets": []string{"subnet-1"}, "memory": int32(128), "state": lambdatypes.State(""),
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("orders (-want +got):\n%s", diff)
		}
		if _, err := time.Parse("2006-01-02T15:04:05.000-0700", aws.ToString(out.Functions[0].LastModified)); err != nil {
			t.Errorf("default LastModified is not in Lambda's format: %v", err)
		}
		if out.Functions[0].VpcConfig != nil || out.Functions[0].Environment != nil {
			t.Errorf("ingest has VpcConfig %+v and Environment %+v, want neither", out.Functions[0].VpcConfig, out.Functions[0].Environment)
		}
	})

	t.Run("a region without functions answers an empty list and no marker", func(t *testing.T) {
		out, err := srv.lambda(t, clientConfig{region: "us-west-2"}).ListFunctions(ctx, &lambda.ListFunctionsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Functions) != 0 || out.NextMarker != nil {
			t.Errorf("got %d functions and marker %v, want none", len(out.Functions), out.NextMarker)
		}
	})

	t.Run("a marker the fake did not issue is InvalidParameterValueException", func(t *testing.T) {
		_, err := srv.lambda(t, clientConfig{}).ListFunctions(ctx, &lambda.ListFunctionsInput{Marker: aws.String("bogus")})
		var typed *lambdatypes.InvalidParameterValueException
		if !errors.As(err, &typed) {
			t.Errorf("error %v is not a *InvalidParameterValueException", err)
		}
	})
}

func TestLambdaGetPolicyAddressesFunctionsByNameOrARN(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(lambdaWorld, ""), Options{})
	for _, tc := range []struct{ name, ref, qualifier string }{
		{"a bare name finds the function", "orders", ""},
		{"a full ARN finds the function", "arn:aws:lambda:us-east-1:123456789012:function:orders", ""},
		{"a partial ARN finds the function", "123456789012:function:orders", ""},
		{"an ARN qualified with $LATEST finds the function", "arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST", ""},
		{"a $LATEST Qualifier parameter finds the function", "orders", "$LATEST"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &lambda.GetPolicyInput{FunctionName: aws.String(tc.ref)}
			if tc.qualifier != "" {
				in.Qualifier = aws.String(tc.qualifier)
			}
			out, err := srv.lambda(t, clientConfig{}).GetPolicy(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(ordersPolicy, aws.ToString(out.Policy)); diff != "" {
				t.Errorf("policy is not the fixture's text verbatim (-want +got):\n%s", diff)
			}
			if !uuidRE.MatchString(aws.ToString(out.RevisionId)) {
				t.Errorf("RevisionId %q is not a UUID", aws.ToString(out.RevisionId))
			}
		})
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestLambdaErrorsDecode(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(lambdaWorld, ""), Options{})
	ctx := context.Background()
	getPolicy := func(ref string) func(c *lambda.Client) error {
		return func(c *lambda.Client) error {
			_, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(ref)})
			return err
		}
	}
	notFound := func(t *testing.T, err error) {
		var typed *lambdatypes.ResourceNotFoundException
		if !errors.As(err, &typed) || aws.ToString(typed.Type) != "User" {
			t.Errorf("error %v is not a *ResourceNotFoundException of Type User", err)
		}
	}
	tests := []struct {
		name  string
		call  func(c *lambda.Client) error
		want  apiError
		typed func(t *testing.T, err error)
	}{
		{"a function without a policy is a 404 ResourceNotFoundException", getPolicy("thumb"), apiError{"ResourceNotFoundException", 404}, notFound},
		{"an unknown function is a 404 ResourceNotFoundException", getPolicy("nope"), apiError{"ResourceNotFoundException", 404}, notFound},
		{"a function of another region is not found", getPolicy("euro"), apiError{"ResourceNotFoundException", 404}, notFound},
		{"a numbered version the fixture does not have is not found", getPolicy("orders:7"), apiError{"ResourceNotFoundException", 404}, notFound},
		{"another account's function is AccessDeniedException 403", getPolicy("arn:aws:lambda:us-east-1:111122223333:function:orders"), apiError{"AccessDeniedException", 403}, nil},
		{"a name outside Lambda's pattern is ValidationException 400", getPolicy("bad name!"), apiError{"ValidationException", 400}, nil},
		{"a function without a URL has no URL config", func(c *lambda.Client) error {
			_, err := c.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String("thumb")})
			return err
		}, apiError{"ResourceNotFoundException", 404}, notFound},
		{"an alias qualifier finds no URL config", func(c *lambda.Client) error {
			_, err := c.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String("orders"), Qualifier: aws.String("live")})
			return err
		}, apiError{"ResourceNotFoundException", 404}, notFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(srv.lambda(t, clientConfig{attempts: 1}))
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if tc.typed != nil {
				tc.typed(t, err)
			}
		})
	}
}

func TestLambdaFaultsAndThrottling(t *testing.T) {
	ctx := context.Background()
	getFunction := func(c *lambda.Client, name string) error {
		_, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)})
		return err
	}

	t.Run("a throttling fault with count 1 is retried by the SDK, which then succeeds", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(lambdaWorld, "faults: [{service: lambda, api: ListFunctions, error: Throttling, count: 1}]"), Options{})
		if _, err := srv.lambda(t, clientConfig{}).ListFunctions(ctx, &lambda.ListFunctionsInput{}); err != nil {
			t.Fatal(err)
		}
		st := srv.Stats()
		if st.Calls["lambda:ListFunctions"] != 2 || st.Faults["lambda:ListFunctions"] != 1 {
			t.Errorf("calls %d, faults %d: want 2 calls of which 1 faulted", st.Calls["lambda:ListFunctions"], st.Faults["lambda:ListFunctions"])
		}
	})

	t.Run("throttling is a 429 TooManyRequestsException with Retry-After and Reason", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(lambdaWorld, "faults: [{service: lambda, error: Throttling}]"), Options{})
		err := getFunction(srv.lambda(t, clientConfig{attempts: 1}), "orders")
		if diff := cmp.Diff(apiError{"TooManyRequestsException", 429}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
		var typed *lambdatypes.TooManyRequestsException
		if !errors.As(err, &typed) {
			t.Fatalf("error %v is not a *TooManyRequestsException", err)
		}
		got := []string{aws.ToString(typed.RetryAfterSeconds), string(typed.Reason), aws.ToString(typed.Type), typed.ErrorMessage()}
		if diff := cmp.Diff([]string{"1", "CallerRateLimitExceeded", "User", "Rate exceeded"}, got); diff != "" {
			t.Errorf("retry-after, reason, type, message (-want +got):\n%s", diff)
		}
	})

	t.Run("a fault aimed at one function leaves the others alone", func(t *testing.T) {
		srv := startYAML(t, fmt.Sprintf(lambdaWorld, "faults: [{service: lambda, api: GetFunction, resource: orders, error: AccessDenied}]"), Options{})
		c := srv.lambda(t, clientConfig{attempts: 1})
		if diff := cmp.Diff(apiError{"AccessDeniedException", 403}, decodeError(t, getFunction(c, "arn:aws:lambda:us-east-1:123456789012:function:orders"))); diff != "" {
			t.Errorf("orders error (-want +got):\n%s", diff)
		}
		if err := getFunction(c, "thumb"); err != nil {
			t.Errorf("thumb: %v", err)
		}
	})
}

func TestLambdaGetFunction(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(lambdaWorld, ""), Options{})
	ctx := context.Background()
	tests := []struct {
		name, ref, wantRepo string
		wantMemory          int32
	}{
		{"a zip function's code is in S3 and its state is reported", "arn:aws:lambda:us-east-1:123456789012:function:orders", "S3", 128},
		{"an image function's code is in ECR with the fixture's memory size", "ingest", "ECR", 1024},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := srv.lambda(t, clientConfig{}).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(tc.ref)})
			if err != nil {
				t.Fatal(err)
			}
			got := []any{aws.ToString(out.Code.RepositoryType), out.Configuration.State, out.Configuration.LastUpdateStatus, aws.ToInt32(out.Configuration.MemorySize)}
			want := []any{tc.wantRepo, lambdatypes.StateActive, lambdatypes.LastUpdateStatusSuccessful, tc.wantMemory}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("repository, state, update status, memory (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLambdaFunctionURLs(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(lambdaWorld, ""), Options{})
	ctx := context.Background()
	urlRE := regexp.MustCompile(`^https://[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws/$`)

	t.Run("a public URL is served with its auth type, CORS and ISO 8601 times", func(t *testing.T) {
		out, err := srv.lambda(t, clientConfig{}).GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String("123456789012:function:orders")})
		if err != nil {
			t.Fatal(err)
		}
		got := []any{aws.ToString(out.FunctionArn), out.AuthType, out.Cors.AllowOrigins, out.Cors.AllowMethods, aws.ToString(out.CreationTime), out.InvokeMode}
		want := []any{"arn:aws:lambda:us-east-1:123456789012:function:orders", lambdatypes.FunctionUrlAuthTypeNone, []string{"*"}, []string{"GET"}, "2024-01-07T10:00:00.000Z", lambdatypes.InvokeModeBuffered}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("url config (-want +got):\n%s", diff)
		}
		if !urlRE.MatchString(aws.ToString(out.FunctionUrl)) {
			t.Errorf("FunctionUrl %q is not a lambda-url endpoint", aws.ToString(out.FunctionUrl))
		}
	})

	for _, tc := range []struct {
		name, fn string
		want     []lambdatypes.FunctionUrlAuthType
	}{
		{"ListFunctionUrlConfigs lists an IAM-authenticated URL", "ingest", []lambdatypes.FunctionUrlAuthType{lambdatypes.FunctionUrlAuthTypeAwsIam}},
		{"ListFunctionUrlConfigs of a function without a URL is an empty list", "thumb", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := srv.lambda(t, clientConfig{}).ListFunctionUrlConfigs(ctx, &lambda.ListFunctionUrlConfigsInput{FunctionName: aws.String(tc.fn)})
			if err != nil {
				t.Fatal(err)
			}
			var got []lambdatypes.FunctionUrlAuthType
			for _, u := range out.FunctionUrlConfigs {
				got = append(got, u.AuthType)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("auth types (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLambdaListEventSourceMappings(t *testing.T) {
	srv := startYAML(t, fmt.Sprintf(lambdaWorld, ""), Options{})
	ctx := context.Background()
	tests := []struct {
		name string
		in   lambda.ListEventSourceMappingsInput
		want []string // UUID suffixes
	}{
		{"the paginator with MaxItems 1 yields every mapping once", lambda.ListEventSourceMappingsInput{MaxItems: aws.Int32(1)}, []string{"1", "2", "3"}},
		{"FunctionName filters by name", lambda.ListEventSourceMappingsInput{FunctionName: aws.String("orders")}, []string{"1", "3"}},
		{"FunctionName filters by ARN", lambda.ListEventSourceMappingsInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:123456789012:function:thumb")}, []string{"2"}},
		{"EventSourceArn filters by source", lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String("arn:aws:sqs:us-east-1:123456789012:orders")}, []string{"1"}},
		{"a function without mappings has an empty list", lambda.ListEventSourceMappingsInput{FunctionName: aws.String("ingest")}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := lambda.NewListEventSourceMappingsPaginator(srv.lambda(t, clientConfig{}), &tc.in)
			var got []string
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range out.EventSourceMappings {
					id := aws.ToString(m.UUID)
					got = append(got, id[len(id)-1:])
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mappings (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("a mapping carries its function ARN, state, batch size and an epoch LastModified", func(t *testing.T) {
		out, err := srv.lambda(t, clientConfig{}).ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String("arn:aws:sqs:us-east-1:123456789012:orders")})
		if err != nil {
			t.Fatal(err)
		}
		m := out.EventSourceMappings[0]
		got := []any{aws.ToString(m.FunctionArn), aws.ToString(m.State), aws.ToInt32(m.BatchSize), m.LastModified.UTC()}
		want := []any{"arn:aws:lambda:us-east-1:123456789012:function:orders", "Enabled", int32(5), time.Date(2019, 9, 24, 0, 22, 0, 333e6, time.UTC)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("mapping (-want +got):\n%s", diff)
		}
	})
}
