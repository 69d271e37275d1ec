package emulatortest

import (
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// -large N seeds an account of about N resources for timing scans against
// the emulator (doc.go), and leaves it there. It is a helper, not a
// benchmark: it asserts nothing about time.
var large = flag.Int("large", 0, "seed an account of about this many resources in the emulator and leave it (see doc.go)")

// largeShape is how many of each thing an account of about 2,000 resources
// holds, per region (two regions), plus the global IAM part. The mix
// follows the collectors' per-resource calls: buckets, functions and
// queues dominate, as in real accounts.
type largeShape struct {
	Buckets, Functions, Queues, RestAPIs, HTTPAPIs int // per region
	Roles, Users                                   int
}

func shapeFor(n int) largeShape {
	f := float64(n) / 2000
	scale := func(x int) int { return max(1, int(float64(x)*f+0.5)) }
	return largeShape{
		Buckets: scale(250), Functions: scale(200), Queues: scale(300), RestAPIs: scale(30), HTTPAPIs: scale(20),
		Roles: scale(100), Users: scale(20),
	}
}

// resources counts what a shape seeds, as the report counts resources:
// each bucket, function, URL, queue, role, user, access key, REST API with
// its two methods and stage, HTTP API with its two routes and stage.
func (s largeShape) resources() int {
	urls := (s.Functions + 9) / 10
	perRegion := s.Buckets + s.Functions + urls + s.Queues + 4*s.RestAPIs + 4*s.HTTPAPIs
	return 2*perRegion + s.Roles + 2*s.Users
}

func TestSeedLargeAccount(t *testing.T) {
	if *large == 0 {
		t.Skip("only with -large N")
	}
	needEmulator(t)
	resetEmulator(t)
	shape := shapeFor(*large)
	start := time.Now()
	s := newSeeder(t, home)
	var roles []string
	for i := range shape.Roles {
		name := fmt.Sprintf("big-role-%03d", i)
		roles = append(roles, s.role(name, trustService("lambda.amazonaws.com")))
		if i%2 == 0 {
			s.inlinePolicy(name, "data", doc(map[string]any{"Effect": "Allow", "Action": "s3:PutObject", "Resource": arnS3(fmt.Sprintf("big-us-east-1-%03d", i)) + "/*"}))
		}
	}
	for i := range shape.Users {
		s.userWithKey(fmt.Sprintf("big-user-%03d", i))
	}
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		rs := s.in(region)
		seedLargeRegion(t, rs, shape, roles)
	}
	t.Logf("seeded %d resources (%+v per region of us-east-1 and eu-west-1) in %s; the emulator keeps them",
		shape.resources(), shape, time.Since(start).Round(time.Second))
}

func seedLargeRegion(t *testing.T, s *seeder, shape largeShape, roles []string) {
	r := s.region
	var fns []string
	for i := range shape.Functions {
		name := fmt.Sprintf("big-%s-fn-%03d", r, i)
		fns = append(fns, s.function(name, roles[i%len(roles)]))
		switch i % 4 {
		case 0:
			s.permission(&lambda.AddPermissionInput{FunctionName: aws.String(name), StatementId: aws.String("partner"), Action: aws.String("lambda:InvokeFunction"),
				Principal: aws.String("arn:aws:iam::" + partner + ":root")})
		case 1:
			s.permission(&lambda.AddPermissionInput{FunctionName: aws.String(name), StatementId: aws.String("s3"), Action: aws.String("lambda:InvokeFunction"),
				Principal: aws.String("s3.amazonaws.com"), SourceAccount: aws.String(accountID)})
		}
		if i%10 == 0 {
			s.functionURL(name, lambdatypes.FunctionUrlAuthTypeAwsIam)
		}
	}
	for i := range shape.Buckets {
		name := fmt.Sprintf("big-%s-%03d", r, i)
		s.bucket(name)
		switch i % 4 {
		case 0:
			s.bucketPolicy(name, doc(map[string]any{"Effect": "Allow", "Principal": partnerRoot, "Action": "s3:GetObject", "Resource": arnS3(name) + "/*"}))
		case 1:
			s.ownership(name, s3types.ObjectOwnershipBucketOwnerPreferred)
		}
		if i%5 == 0 {
			s.notifications(name, &s3types.NotificationConfiguration{LambdaFunctionConfigurations: []s3types.LambdaFunctionConfiguration{
				{LambdaFunctionArn: aws.String(fns[i%len(fns)]), Events: []s3types.Event{"s3:ObjectCreated:*"}}}})
		}
	}
	for i := range shape.Queues {
		name := fmt.Sprintf("big-%s-q-%03d", r, i)
		attrs := map[string]string{}
		if i%3 == 0 {
			attrs["Policy"] = doc(map[string]any{"Effect": "Allow", "Principal": partnerRoot, "Action": "sqs:SendMessage", "Resource": arnQueue(r, name)})
		}
		if i%3 == 1 {
			attrs["RedrivePolicy"] = `{"deadLetterTargetArn":"` + arnQueue(r, fmt.Sprintf("big-%s-q-%03d", r, i-1)) + `","maxReceiveCount":"5"}`
		}
		q := s.queue(name, attrs)
		if i%30 == 0 {
			s.mapping(q, fns[i%len(fns)])
		}
	}
	for i := range shape.RestAPIs {
		s.restAPI(fmt.Sprintf("big-%s-rest-%03d", r, i), "", "prod",
			restMethod{"items", "GET", "AWS_IAM", fns[i%len(fns)]}, restMethod{"health", "GET", "NONE", ""})
	}
	for i := range shape.HTTPAPIs {
		s.httpAPI(fmt.Sprintf("big-%s-http-%03d", r, i), fns[i%len(fns)], httpRoute{key: "GET /items", auth: "AWS_IAM"}, httpRoute{key: "GET /health", auth: "NONE"})
	}
}
