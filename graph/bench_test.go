package graph

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// benchSnapshot builds a snapshot shaped like a real account of about n
// resources, as cmd/trustmap-bench generates it: buckets, queues and
// functions (a few public or shared with another account), REST methods
// and HTTP routes, and roles and users whose identity policies name a few
// resources each (every 25th by a name prefix), plus a few broad ones (two
// administrators, NotResource, NotAction, a policy variable): an account's
// broad roles are a handful, not a share of all roles.
func benchSnapshot(n int) *Snapshot {
	const acct = owner
	per := max(1, n/6)
	region := func(i int) string { return []string{"us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"}[i%4] }
	bucket := func(i int) string { return fmt.Sprintf("arn:aws:s3:::bench-bkt-%06d", i) }
	queue := func(i int) string { return fmt.Sprintf("arn:aws:sqs:%s:%s:bench-q-%06d", region(i), acct, i) }
	function := func(i int) string {
		return fmt.Sprintf("arn:aws:lambda:%s:%s:function:bench-fn-%06d", region(i), acct, i)
	}
	role := func(i int) string { return fmt.Sprintf("arn:aws:iam::%s:role/bench-role-%05d", acct, i) }
	s := &Snapshot{SchemaVersion: SchemaVersion, Accounts: []string{acct}}
	add := func(nd Node) { nd.Account = acct; s.Nodes = append(s.Nodes, nd) }
	add(Node{ID: AccountID(acct), Kind: KindAccount, Attrs: &AccountInfo{Scanned: true}})

	for i := range per {
		pol := Absent("s3:GetBucketPolicy")
		switch i % 50 {
		case 0:
			pol = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + bucket(i) + `/*"}]}`)
		case 1:
			pol = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"` + bucket(i) + `/*"}]}`)
		}
		add(Node{ID: bucket(i), Kind: KindS3Bucket, Region: region(i), Attrs: &S3Bucket{Policy: pol, ACL: ACL{State: False}, OwnershipKnown: True, Ownership: "BucketOwnerEnforced"}})
		qp := Absent("sqs:GetQueueAttributes")
		if i%50 == 0 {
			qp = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"` + queue(i) + `"}]}`)
		}
		add(Node{ID: queue(i), Kind: KindSQSQueue, Region: region(i), Attrs: &SQSQueue{Policy: qp, AttributesKnown: True}})
		fp := Absent("lambda:GetPolicy")
		if i%2 == 0 {
			fp = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + function(i) + `","Condition":{"StringEquals":{"AWS:SourceAccount":"` + acct + `"}}}]}`)
		}
		add(Node{ID: function(i), Kind: KindLambdaFunction, Region: region(i), Attrs: &LambdaFunction{Role: role(i % max(1, per/2)), Policy: fp}})
	}
	for i := range max(1, per/10) {
		api := fmt.Sprintf("arn:aws:apigateway:%s::/restapis/r%09d", region(i), i)
		add(Node{ID: api, Kind: KindRestAPI, Region: region(i), Attrs: &RestAPI{APIID: fmt.Sprintf("r%09d", i), EndpointTypes: []string{"REGIONAL"}, Policy: Absent("apigateway:GetRestApis")}})
		for k := range 10 {
			auth := "AWS_IAM"
			if k == 0 && i%50 == 0 {
				auth = "NONE"
			}
			add(Node{ID: fmt.Sprintf("%s/resources/x%d/methods/GET", api, k), Kind: KindRestAPIMethod, Region: region(i),
				Attrs: &APIMethod{APIID: fmt.Sprintf("r%09d", i), HTTPMethod: "GET", Path: fmt.Sprintf("/items%d", k), AuthorizationType: auth}})
		}
	}
	add(Node{ID: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", Kind: KindIAMPolicy, Attrs: &IAMPolicy{AWSManaged: true,
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`}})
	add(Node{ID: "arn:aws:iam::aws:policy/AdministratorAccess", Kind: KindIAMPolicy, Attrs: &IAMPolicy{AWSManaged: true,
		Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}})
	lambdaTrust := doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	for i := range max(1, per/2) {
		st := []string{
			fmt.Sprintf(`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["%s/*","%s/*"]}`, bucket(i%per), bucket((i+1)%per)),
			fmt.Sprintf(`{"Effect":"Allow","Action":["sqs:SendMessage","sqs:ReceiveMessage"],"Resource":"%s"}`, queue(i%per)),
			fmt.Sprintf(`{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"%s"}`, function((i+1)%per)),
		}
		switch {
		case i%25 == 0:
			st = append(st, fmt.Sprintf(`{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["%s*","%s*/*"]}`, bucket(i)[:len(bucket(i))-2], bucket(i)[:len(bucket(i))-2]))
		case i == 1:
			st = append(st, `{"Effect":"Allow","Action":"sqs:*","NotResource":"arn:aws:sqs:*:*:secret-*"}`)
		case i == 2:
			st = append(st, `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home-${aws:username}/*"}`)
		case i == 3:
			st = append(st, `{"Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:lambda:us-east-1:*"}`,
				`{"Effect":"Deny","Action":"lambda:AddPermission","Resource":"*"}`)
		}
		trust := lambdaTrust
		if i%50 == 1 {
			trust = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`)
		}
		add(Node{ID: role(i), Kind: KindIAMRole, Attrs: &IAMRole{TrustPolicy: trust, PoliciesKnown: True,
			AttachedPolicies: []string{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
			InlinePolicies:   map[string]string{"app": `{"Version":"2012-10-17","Statement":[` + strings.Join(st, ",") + `]}`}}})
	}
	for i := range 2 {
		add(Node{ID: fmt.Sprintf("arn:aws:iam::%s:role/bench-admin-%d", acct, i), Kind: KindIAMRole, Attrs: &IAMRole{PoliciesKnown: True,
			TrustPolicy:      doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`),
			AttachedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}}})
	}
	add(Node{ID: "arn:aws:iam::" + acct + ":group/devs", Kind: KindIAMGroup, Name: "devs", Attrs: &IAMGroup{
		InlinePolicies: map[string]string{"read": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bench-bkt-0000*"}]}`}}})
	for i := range max(1, per/8) {
		add(Node{ID: fmt.Sprintf("arn:aws:iam::%s:user/bench-user-%05d", acct, i), Kind: KindIAMUser, Attrs: &IAMUser{PoliciesKnown: True, Groups: []string{"devs"},
			InlinePolicies: map[string]string{"deploy": fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:UpdateFunctionCode","sts:AssumeRole"],"Resource":["%s","%s"]}]}`, function(i%per), role(i%max(1, per/2)))}}})
	}
	SortSnapshot(s)
	return s
}

// BenchmarkResolve builds the graph of generated snapshots of growing size.
func BenchmarkResolve(b *testing.B) {
	for _, n := range []int{2000, 20000, 100000} {
		s := benchSnapshot(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			edges := 0
			for b.Loop() {
				g := Resolve(s)
				edges = len(g.Edges)
			}
			if edges == 0 {
				b.Fatal("no edges")
			}
			b.ReportMetric(float64(len(s.Nodes)), "nodes")
			b.ReportMetric(float64(edges), "edges")
			b.ReportMetric(heldBy(func() any { return Resolve(s) })/1e6, "graph-MB")
		})
	}
}

// heldBy returns the bytes of heap that what make returns holds once the
// garbage of making it is collected: the graph's own size, beside the
// allocation rate ReportAllocs gives.
func heldBy(make func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := make()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	return float64(after.HeapAlloc) - float64(before.HeapAlloc)
}
