package fakeaws

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestGetAuthorizers(t *testing.T) {
	srv := startYAML(t, agFixture, Options{})
	c := srv.agClient(t, clientConfig{})
	ctx := context.Background()

	t.Run("a manual position loop over pages of 2 yields every authorizer once", func(t *testing.T) {
		var got []agtypes.Authorizer
		pages := 0
		in := &apigateway.GetAuthorizersInput{RestApiId: aws.String("a1b2c3d4e5"), Limit: aws.Int32(2)}
		for {
			out, err := c.GetAuthorizers(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			got = append(got, out.Items...)
			if aws.ToString(out.Position) == "" {
				break
			}
			in.Position = out.Position
		}
		want := []agtypes.Authorizer{
			{Id: aws.String("abc123"), Name: aws.String("token-auth"), Type: "TOKEN",
				AuthorizerUri:                aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations"),
				IdentitySource:               aws.String("method.request.header.Authorization"),
				AuthorizerResultTtlInSeconds: aws.Int32(300)},
			{Id: aws.String("abc124"), Name: aws.String("cognito"), Type: "COGNITO_USER_POOLS",
				ProviderARNs:                 []string{"arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_EXAMPLE"},
				AuthorizerResultTtlInSeconds: aws.Int32(0)},
			{Id: aws.String("abc125"), Name: aws.String("request-auth"), Type: "REQUEST",
				AuthorizerCredentials:        aws.String("arn:aws:iam::123456789012:role/apigw-invoke"),
				AuthorizerResultTtlInSeconds: aws.Int32(300)},
		}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(agtypes.Authorizer{})); diff != "" || pages != 2 {
			t.Errorf("%d pages (want 2), authorizers (-want +got):\n%s", pages, diff)
		}
	})
}

func TestGetStages(t *testing.T) {
	srv := startYAML(t, agFixture, Options{})
	c := srv.agClient(t, clientConfig{})
	ctx := context.Background()

	t.Run("a stage decodes with its WAF, tracing, access log and method settings", func(t *testing.T) {
		out, err := c.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: aws.String("a1b2c3d4e5")})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Item) != 2 {
			t.Fatalf("got %d stages, want 2", len(out.Item))
		}
		prod := out.Item[0]
		want := agtypes.Stage{
			StageName: aws.String("prod"), DeploymentId: aws.String("dep123"),
			CreatedDate:        aws.Time(time.Date(2024, 1, 7, 10, 0, 0, 0, time.UTC)),
			LastUpdatedDate:    aws.Time(time.Date(2024, 1, 8, 9, 30, 0, 0, time.UTC)),
			CacheClusterStatus: "NOT_AVAILABLE", TracingEnabled: true,
			WebAclArn:         aws.String("arn:aws:wafv2:us-east-1:123456789012:regional/webacl/api/1111"),
			AccessLogSettings: &agtypes.AccessLogSettings{DestinationArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:api-logs"), Format: aws.String("$context.requestId")},
			MethodSettings: map[string]agtypes.MethodSetting{"*/*": {
				LoggingLevel: aws.String("INFO"), MetricsEnabled: true, ThrottlingBurstLimit: 5000, ThrottlingRateLimit: 10000,
				CacheTtlInSeconds: 300, RequireAuthorizationForCacheControl: true, UnauthorizedCacheControlHeaderStrategy: "SUCCEED_WITH_RESPONSE_HEADER"}},
		}
		opts := cmp.Options{cmpopts.IgnoreUnexported(agtypes.Stage{}, agtypes.AccessLogSettings{}, agtypes.MethodSetting{}),
			cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })}
		if diff := cmp.Diff(want, prod, opts); diff != "" {
			t.Errorf("prod (-want +got):\n%s", diff)
		}
		if dev := out.Item[1]; dev.AccessLogSettings != nil || dev.WebAclArn != nil || len(dev.MethodSettings) != 0 {
			t.Errorf("dev stage %+v has settings it was not given", dev)
		}
	})

	t.Run("deploymentId filters the stages", func(t *testing.T) {
		out, err := c.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: aws.String("a1b2c3d4e5"), DeploymentId: aws.String("dep456")})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Item) != 1 || aws.ToString(out.Item[0].StageName) != "dev" {
			t.Errorf("got %+v, want only dev", out.Item)
		}
	})
}

func TestGetDomainNamesAndBasePathMappings(t *testing.T) {
	srv := startYAML(t, agFixture, Options{})
	c := srv.agClient(t, clientConfig{})
	ctx := context.Background()

	t.Run("the domain paginator yields regional and edge domains with their endpoints", func(t *testing.T) {
		var got [][3]string
		p := apigateway.NewGetDomainNamesPaginator(c, &apigateway.GetDomainNamesInput{Limit: aws.Int32(1)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range out.Items {
				got = append(got, [3]string{aws.ToString(d.DomainName), string(d.EndpointConfiguration.Types[0]),
					aws.ToString(d.RegionalCertificateArn) + aws.ToString(d.DistributionHostedZoneId)})
			}
		}
		want := [][3]string{
			{"api.example.com", "REGIONAL", "arn:aws:acm:us-east-1:123456789012:certificate/abc"},
			{"edge.example.com", "EDGE", "Z2FDTNDATAQYW2"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("domains (-want +got):\n%s", diff)
		}
	})

	t.Run("an empty base path is the literal (none) and paging yields every mapping once", func(t *testing.T) {
		var got [][3]string
		p := apigateway.NewGetBasePathMappingsPaginator(c, &apigateway.GetBasePathMappingsInput{DomainName: aws.String("api.example.com"), Limit: aws.Int32(2)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range out.Items {
				got = append(got, [3]string{aws.ToString(m.BasePath), aws.ToString(m.RestApiId), aws.ToString(m.Stage)})
			}
		}
		want := [][3]string{{"(none)", "a1b2c3d4e5", "prod"}, {"v2", "b1b2c3d4e5", "prod"}, {"(none)", "c1b2c3d4e5", ""}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("mappings (-want +got):\n%s", diff)
		}
	})

	t.Run("an unknown domain is a NotFoundException", func(t *testing.T) {
		_, err := c.GetBasePathMappings(ctx, &apigateway.GetBasePathMappingsInput{DomainName: aws.String("nope.example.com")})
		var nf *agtypes.NotFoundException
		if !errors.As(err, &nf) {
			t.Errorf("got %v, want *types.NotFoundException", err)
		}
	})
}

func TestAPIGatewayFaults(t *testing.T) {
	ctx := context.Background()
	faulty := func(t *testing.T, fault string) *Server {
		return startYAML(t, agFixture+"faults:\n"+fault, Options{})
	}

	t.Run("a TooManyRequestsException once is retried by the SDK and then succeeds", func(t *testing.T) {
		srv := faulty(t, "  - {service: apigateway, api: GetResources, resource: a1b2c3d4e5, error: Throttling, count: 1}\n")
		if _, err := srv.agClient(t, clientConfig{}).GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: aws.String("a1b2c3d4e5")}); err != nil {
			t.Fatal(err)
		}
		st := srv.Stats()
		if st.Calls["apigateway:GetResources"] != 2 || st.Faults["apigateway:GetResources"] != 1 {
			t.Errorf("calls %v faults %v, want 2 calls and 1 fault", st.Calls, st.Faults)
		}
	})

	t.Run("without retries the throttle decodes as TooManyRequestsException with Retry-After", func(t *testing.T) {
		srv := faulty(t, "  - {service: apigateway, api: GetStages, error: Throttling}\n")
		_, err := srv.agClient(t, clientConfig{attempts: 1}).GetStages(ctx, &apigateway.GetStagesInput{RestApiId: aws.String("a1b2c3d4e5")})
		var tm *agtypes.TooManyRequestsException
		if !errors.As(err, &tm) || aws.ToString(tm.RetryAfterSeconds) != "1" {
			t.Fatalf("got %v, want TooManyRequestsException with RetryAfterSeconds 1", err)
		}
		if diff := cmp.Diff(apiError{"TooManyRequestsException", 429}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	faults := []struct {
		name, fault string
		want        apiError
		typed       func(error) bool
	}{
		{"a fault on one API leaves the others alone but denies that one with AccessDeniedException",
			"  - {service: apigateway, api: GetAuthorizers, resource: a1b2c3d4e5, error: AccessDenied}\n",
			apiError{"AccessDeniedException", 403}, func(error) bool { return true }},
		{"UnauthorizedException decodes as the typed error",
			"  - {service: apigateway, api: GetAuthorizers, error: UnauthorizedException}\n",
			apiError{"UnauthorizedException", 401}, func(err error) bool { var u *agtypes.UnauthorizedException; return errors.As(err, &u) }},
	}
	for _, tc := range faults {
		t.Run(tc.name, func(t *testing.T) {
			srv := faulty(t, tc.fault)
			c := srv.agClient(t, clientConfig{})
			_, err := c.GetAuthorizers(ctx, &apigateway.GetAuthorizersInput{RestApiId: aws.String("a1b2c3d4e5")})
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" || !tc.typed(err) {
				t.Errorf("error %v (-want +got):\n%s", err, diff)
			}
			if _, err := c.GetAuthorizers(ctx, &apigateway.GetAuthorizersInput{RestApiId: aws.String("c1b2c3d4e5")}); err != nil && tc.want.Code == "AccessDeniedException" {
				t.Errorf("another API: %v", err)
			}
		})
	}
}
