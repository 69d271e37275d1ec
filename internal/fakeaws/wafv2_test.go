package fakeaws

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
	"github.com/google/go-cmp/cmp"
)

const wafFixture = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    apigateway:
      rest_apis:
        - {id: a1b2c3d4e5, name: orders, stages: [{name: prod}]}
    wafv2:
      web_acls:
        - name: api-acl
          description: protects the ALB and the API
          default_action: Block
          rules:
            - {name: aws-common, priority: 0, override_action: None, statement: {ManagedRuleGroupStatement: {VendorName: AWS, Name: AWSManagedRulesCommonRuleSet}}}
            - {name: rate, priority: 1, action: Block, statement: {RateBasedStatement: {Limit: 2000, AggregateKeyType: IP}}}
          resources:
            - arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef
            - arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod
        - {name: acl-b, rules: []}
        - {name: acl-c}
        - {name: edge-acl, scope: CLOUDFRONT}
        - {name: ireland-acl, region: eu-west-1}
faults:
  - {service: wafv2, api: GetWebACL, resource: acl-c, error: AccessDenied}
`

func (s *Server) wafClient(t *testing.T, cc clientConfig) *wafv2.Client {
	return wafv2.NewFromConfig(s.config(t, cc), func(o *wafv2.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func TestListWebACLs(t *testing.T) {
	srv := startYAML(t, wafFixture, Options{})
	ctx := context.Background()
	c := srv.wafClient(t, clientConfig{attempts: 1})

	t.Run("Limit 2 walks the region's three regional web ACLs over two pages with NextMarker", func(t *testing.T) {
		var names []string
		in := &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional, Limit: aws.Int32(2)}
		pages := 0
		for {
			out, err := c.ListWebACLs(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, w := range out.WebACLs {
				names = append(names, aws.ToString(w.Name))
				if !strings.HasPrefix(aws.ToString(w.ARN), "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/"+aws.ToString(w.Name)+"/") ||
					len(aws.ToString(w.Id)) != 36 || aws.ToString(w.LockToken) == "" {
					t.Errorf("summary %+v", w)
				}
			}
			if out.NextMarker == nil {
				break
			}
			in.NextMarker = out.NextMarker
		}
		if diff := cmp.Diff([]string{"acl-b", "acl-c", "api-acl"}, names); diff != "" || pages != 2 {
			t.Errorf("%d pages; names (-want +got):\n%s", pages, diff)
		}
	})

	t.Run("Scope CLOUDFRONT in us-east-1 lists the global web ACL", func(t *testing.T) {
		out, err := c.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeCloudfront})
		if err != nil || len(out.WebACLs) != 1 || !strings.Contains(aws.ToString(out.WebACLs[0].ARN), ":global/webacl/edge-acl/") {
			t.Errorf("%v, %v", out, err)
		}
	})

	t.Run("Scope CLOUDFRONT in another region is WAFInvalidParameterException naming SCOPE_VALUE", func(t *testing.T) {
		_, err := srv.wafClient(t, clientConfig{region: "eu-west-1", attempts: 1}).ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeCloudfront})
		var ip *waftypes.WAFInvalidParameterException
		if !errors.As(err, &ip) || ip.Field != waftypes.ParameterExceptionFieldScopeValue {
			t.Fatalf("got %v, want WAFInvalidParameterException on SCOPE_VALUE", err)
		}
		if decodeError(t, err).Status != 400 {
			t.Errorf("status %d, want 400", decodeError(t, err).Status)
		}
	})

	t.Run("another region lists its own web ACLs", func(t *testing.T) {
		out, err := srv.wafClient(t, clientConfig{region: "eu-west-1"}).ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional})
		if err != nil || len(out.WebACLs) != 1 || aws.ToString(out.WebACLs[0].Name) != "ireland-acl" {
			t.Errorf("%v, %v", out, err)
		}
	})
}

func TestGetWebACL(t *testing.T) {
	srv := startYAML(t, wafFixture, Options{})
	ctx := context.Background()
	c := srv.wafClient(t, clientConfig{attempts: 1})
	a := srv.accounts["123456789012"]
	acl := a.WAFv2.WebACLs[0]

	t.Run("by name, scope and id: default action, rules with their statements and actions", func(t *testing.T) {
		out, err := c.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: aws.String("api-acl"), Scope: waftypes.ScopeRegional, Id: aws.String(acl.id(a))})
		if err != nil {
			t.Fatal(err)
		}
		w := out.WebACL
		if w.DefaultAction.Block == nil || w.DefaultAction.Allow != nil || aws.ToString(w.Description) != "protects the ALB and the API" || len(w.Rules) != 2 {
			t.Fatalf("web ACL %+v", w)
		}
		common, rate := w.Rules[0], w.Rules[1]
		if m := common.Statement.ManagedRuleGroupStatement; m == nil || aws.ToString(m.Name) != "AWSManagedRulesCommonRuleSet" || common.OverrideAction.None == nil || common.Action != nil {
			t.Errorf("managed rule %+v", common)
		}
		if r := rate.Statement.RateBasedStatement; r == nil || aws.ToInt64(r.Limit) != 2000 || rate.Action.Block == nil || rate.Priority != 1 {
			t.Errorf("rate rule %+v", rate)
		}
		if aws.ToString(out.LockToken) == "" || aws.ToString(w.ARN) != webACLARN(a, acl) || w.Capacity != 2 {
			t.Errorf("lock token %q, ARN %q, capacity %d", aws.ToString(out.LockToken), aws.ToString(w.ARN), w.Capacity)
		}
	})

	t.Run("by ARN", func(t *testing.T) {
		out, err := c.GetWebACL(ctx, &wafv2.GetWebACLInput{ARN: aws.String(webACLARN(a, acl))})
		if err != nil || aws.ToString(out.WebACL.Name) != "api-acl" {
			t.Errorf("%v, %v", out, err)
		}
	})

	t.Run("a wrong id is WAFNonexistentItemException 400", func(t *testing.T) {
		_, err := c.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: aws.String("api-acl"), Scope: waftypes.ScopeRegional, Id: aws.String("00000000-0000-0000-0000-000000000000")})
		var ne *waftypes.WAFNonexistentItemException
		if !errors.As(err, &ne) {
			t.Fatalf("got %v, want WAFNonexistentItemException", err)
		}
		if diff := cmp.Diff(apiError{"WAFNonexistentItemException", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("a denied GetWebACL is AccessDeniedException 400 (JSON protocol)", func(t *testing.T) {
		_, err := c.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: aws.String("acl-c"), Scope: waftypes.ScopeRegional, Id: aws.String(a.WAFv2.WebACLs[2].id(a))})
		if diff := cmp.Diff(apiError{"AccessDeniedException", 400}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

func TestWebACLResources(t *testing.T) {
	srv := startYAML(t, wafFixture, Options{})
	ctx := context.Background()
	c := srv.wafClient(t, clientConfig{attempts: 1})
	a := srv.accounts["123456789012"]
	arn := webACLARN(a, a.WAFv2.WebACLs[0])
	alb := "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef"
	stage := "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod"

	t.Run("ListResourcesForWebACL defaults to load balancers and filters by type", func(t *testing.T) {
		def, err := c.ListResourcesForWebACL(ctx, &wafv2.ListResourcesForWebACLInput{WebACLArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		api, err := c.ListResourcesForWebACL(ctx, &wafv2.ListResourcesForWebACLInput{WebACLArn: aws.String(arn), ResourceType: waftypes.ResourceTypeApiGateway})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([][]string{{alb}, {stage}}, [][]string{def.ResourceArns, api.ResourceArns}); diff != "" {
			t.Errorf("resources (-want +got):\n%s", diff)
		}
	})

	t.Run("an unknown web ACL is WAFNonexistentItemException; a CLOUDFRONT one WAFInvalidParameterException", func(t *testing.T) {
		_, err := c.ListResourcesForWebACL(ctx, &wafv2.ListResourcesForWebACLInput{WebACLArn: aws.String(arn + "x")})
		var ne *waftypes.WAFNonexistentItemException
		if !errors.As(err, &ne) {
			t.Errorf("unknown: %v", err)
		}
		_, err = c.ListResourcesForWebACL(ctx, &wafv2.ListResourcesForWebACLInput{WebACLArn: aws.String(webACLARN(a, a.WAFv2.WebACLs[3]))})
		var ip *waftypes.WAFInvalidParameterException
		if !errors.As(err, &ip) {
			t.Errorf("global: %v", err)
		}
	})

	t.Run("GetWebACLForResource answers the associated web ACL, or none", func(t *testing.T) {
		out, err := c.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(stage)})
		if err != nil || out.WebACL == nil || aws.ToString(out.WebACL.Name) != "api-acl" {
			t.Errorf("stage: %v, %v", out, err)
		}
		none, err := c.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/other/1")})
		if err != nil || none.WebACL != nil {
			t.Errorf("unprotected ALB: %v, %v; want no web ACL", none, err)
		}
	})

	t.Run("a CloudFront distribution ARN is not a regional resource: WAFInvalidParameterException on RESOURCE_ARN", func(t *testing.T) {
		_, err := c.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String("arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE")})
		var ip *waftypes.WAFInvalidParameterException
		if !errors.As(err, &ip) || ip.Field != waftypes.ParameterExceptionFieldResourceArn {
			t.Errorf("got %v", err)
		}
	})
}

func TestWAFThrottlingAndUnknownOperation(t *testing.T) {
	srv := startYAML(t, wafFixture+"throttle: {apis: {\"wafv2:ListWebACLs\": {rate: 0.001, burst: 1}}}\n", Options{})
	c := srv.wafClient(t, clientConfig{attempts: 1})
	in := &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional}
	if _, err := c.ListWebACLs(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	_, err := c.ListWebACLs(context.Background(), in)
	if diff := cmp.Diff(apiError{"ThrottlingException", 400}, decodeError(t, err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	_, err = c.ListIPSets(context.Background(), &wafv2.ListIPSetsInput{Scope: waftypes.ScopeRegional})
	if diff := cmp.Diff(apiError{"UnknownOperationException", 400}, decodeError(t, err)); diff != "" {
		t.Errorf("unknown operation (-want +got):\n%s", diff)
	}
	h := signedHeader(demoKey, "us-east-1", "wafv2")
	h.Set("X-Amz-Target", "AWSWAF_20190729.ListWebACLs")
	h.Set("Content-Type", wafJSON)
	resp, body := srv.rawRequest(t, http.MethodPost, "/", "", h, `{"Scope":"REGIONAL"}`)
	if resp.StatusCode != 400 || !strings.Contains(body, `"__type":"ThrottlingException"`) || resp.Header.Get("Content-Type") != wafJSON {
		t.Errorf("%d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}
