package emulatortest

import (
	"strings"

	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// The account's services of issues 12 and 13 that moto 4.1 implements, one
// case per documented behaviour as in account_test.go: each expectation is
// what AWS's documentation says of the case, never a trustmap report.

func instanceID(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

func arnDistribution(id string) string {
	return "arn:aws:cloudfront::" + accountID + ":distribution/" + id
}

// imdsDropped is moto's answer to every instance's metadata options.
const imdsDropped = "moto drops MetadataOptions on RunInstances and DescribeInstances answers without them (ModifyInstanceMetadataOptions answers 500): the seed asks for HttpTokens optional (IMDSv1), but the scan cannot see it, so IMDS is unknown — never IMDSv1 or IMDSv2 guessed"

// seedServices adds the SNS, EventBridge, KMS, Secrets Manager, ECR, EC2,
// ELBv2, CloudFront and RDS cases to the account.
func seedServices(s *seeder, a *account) {
	const r = home
	add := func(x seeded) { a.Resources = append(a.Resources, x) }

	// ---------------- SNS
	pubTopic := s.topic("emu-public-topic", doc(map[string]any{"Sid": "AnyonePublishes", "Effect": "Allow", "Principal": anyone, "Action": "sns:Publish",
		"Resource": "arn:aws:sns:" + r + ":" + accountID + ":emu-public-topic"}))
	add(seeded{ARN: pubTopic, Verdicts: []verdict{{"topic-policy", "public", []string{"*"}, false}},
		Source: "SNS Developer Guide, \"Example cases for Amazon SNS access control\" (Principal \"AWS\": \"*\" without a condition: anyone may publish)"})
	defTopic := s.topic("emu-default-topic", "")
	add(seeded{ARN: defTopic,
		Source: "SNS Developer Guide, \"Amazon SNS access control\": the default topic policy grants \"AWS\": \"*\" only with StringEquals AWS:SourceOwner = the owner account — the owner's principals, not public"})

	// ---------------- EventBridge
	bus := s.bus("emu-partner-bus", partner)
	add(seeded{ARN: bus, Verdicts: []verdict{{"bus-policy", "cross-account", []string{partner}, false}},
		Source: "EventBridge User Guide, \"Sending and receiving events between AWS accounts\" (PutPermission: events:PutEvents for another account)"})

	// ---------------- KMS
	rootOnly := doc(map[string]any{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
		"Principal": map[string]any{"AWS": "arn:aws:iam::" + accountID + ":root"}, "Action": "kms:*", "Resource": "*"})
	ownKey := s.key("emu-own-key", rootOnly)
	add(seeded{ARN: ownKey,
		Source: "KMS Developer Guide, \"Default key policy\": the account's own root principal delegates to the account's IAM policies — not an external grant"})
	partnerKey := s.key("emu-partner-key", doc(
		map[string]any{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::" + accountID + ":root"}, "Action": "kms:*", "Resource": "*"},
		map[string]any{"Sid": "PartnerDecrypts", "Effect": "Allow", "Principal": partnerRoot, "Action": []string{"kms:Decrypt", "kms:DescribeKey"}, "Resource": "*"}))
	add(seeded{ARN: partnerKey, Verdicts: []verdict{{"key-policy", "cross-account", []string{partner}, false}},
		Source: "KMS Developer Guide, \"Allowing users in other accounts to use a KMS key\" (the key policy names the other account)"})

	// ---------------- Secrets Manager
	// The secret is encrypted with emu-partner-key: a secret under the AWS
	// managed key aws/secretsmanager cannot be read from another account.
	sharedSecret := s.secret("emu-partner-secret", partnerKey, doc(map[string]any{"Effect": "Allow", "Principal": partnerRoot,
		"Action": "secretsmanager:GetSecretValue", "Resource": "*"}))
	add(seeded{ARN: sharedSecret, Verdicts: []verdict{{"secret-policy", "cross-account", []string{partner}, false}},
		Source: "Secrets Manager User Guide, \"Access AWS Secrets Manager secrets from a different account\" (resource policy naming the other account, encrypted with a customer managed key the other account may use for kms:Decrypt)"})
	plainSecret := s.secret("emu-private-secret", "", "")
	add(seeded{ARN: plainSecret, Source: "Secrets Manager User Guide: a secret without a resource policy is reachable only through the owner account's IAM policies"})

	// ---------------- ECR
	pubRepo := s.repository("emu-public-pull", doc(map[string]any{"Sid": "AnyonePulls", "Effect": "Allow", "Principal": "*",
		"Action": []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"}}))
	add(seeded{ARN: pubRepo, Verdicts: []verdict{{"repository-policy", "public", []string{"*"}, false}},
		Source: "ECR User Guide, \"Private repository policy examples\" (Principal \"*\" with the pull actions: every AWS principal can pull)"})
	privRepo := s.repository("emu-private-repo", "")
	add(seeded{ARN: privRepo, Source: "ECR User Guide, \"Private repository policies\": without a policy only the owner account's IAM principals"})

	// ---------------- EC2
	net := s.defaultNetwork()
	sshOpen := s.securityGroup("emu-ssh-open", net.VPC, "0.0.0.0/0", 22)
	s.role("emu-web-role", trustService("ec2.amazonaws.com"))
	s.bucket("emu-web-data")
	add(seeded{ARN: arnS3("emu-web-data"), Source: "S3 defaults; read by emu-web-role"})
	a.Buckets++
	s.inlinePolicy("emu-web-role", "data-read", doc(map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": arnS3("emu-web-data") + "/*"}))
	webRole := arnRole("emu-web-role")
	add(seeded{ARN: webRole, Source: "IAM User Guide, service roles: only ec2.amazonaws.com may assume it"})
	profile := s.instanceProfile("emu-web-profile", "emu-web-role")
	web := s.instance(net.Subnets[0], sshOpen, profile, true)
	add(seeded{ARN: web, Verdicts: []verdict{{"security-group", "public", []string{"*"}, false}},
		Source: "EC2 User Guide, \"Security group rules for different use cases\" (SSH from 0.0.0.0/0) with a public IPv4 address in a default subnet (its route table sends 0.0.0.0/0 to the internet gateway)",
		Moto:   imdsDropped})
	a.IMDSUnknown = append(a.IMDSUnknown, web)
	hidden := s.instance(net.Subnets[0], sshOpen, "", false)
	add(seeded{ARN: hidden,
		Source: "EC2 User Guide, \"Amazon EC2 instance IP addressing\": without a public IPv4 address (or IPv6) the instance cannot be reached from the internet, whatever its security group admits",
		Moto:   imdsDropped})

	// ---------------- ELBv2
	httpOpen := s.securityGroup("emu-http-open", net.VPC, "0.0.0.0/0", 80)
	_, webListener := s.loadBalancer("emu-web-alb", elbtypes.LoadBalancerSchemeEnumInternetFacing, net.VPC, net.Subnets[:2], httpOpen, 80, instanceID(hidden))
	add(seeded{ARN: webListener, Verdicts: []verdict{{"listener", "public", []string{"*"}, false}},
		Source: "ELB User Guide for Application Load Balancers, \"Listeners\" and \"Load balancer scheme\": an internet-facing ALB's HTTP listener forwarding to a target group, no authenticate action, security group admitting 0.0.0.0/0 on its port"})
	a.NoNotes = append(a.NoNotes, wantNoNote{webListener, "weak-tls",
		"ELB API Reference, Listener.SslPolicy applies to HTTPS and TLS listeners only; moto gives HTTP listeners ELBSecurityPolicy-2016-08 too"})
	_, innerListener := s.loadBalancer("emu-inner-alb", elbtypes.LoadBalancerSchemeEnumInternal, net.VPC, net.Subnets[:2], httpOpen, 80, instanceID(hidden))
	add(seeded{ARN: innerListener,
		Source: "ELB User Guide, \"Load balancer scheme\": an internal load balancer has only private addresses and routes requests from clients with access to the VPC"})

	// ---------------- RDS
	pgOpen := s.securityGroup("emu-pg-open", net.VPC, "0.0.0.0/0", 5432)
	db := s.database("emu-public-db", pgOpen, true)
	add(seeded{ARN: db, Verdicts: []verdict{{"public-endpoint", "public", []string{"*"}, false}},
		Source: "RDS User Guide, \"Working with a DB instance in a VPC\" (PubliclyAccessible, a default subnet routed to the internet gateway, a security group admitting 0.0.0.0/0 on 5432)"})
	privDB := s.database("emu-private-db", pgOpen, false)
	add(seeded{ARN: privDB, Source: "RDS User Guide, \"Working with a DB instance in a VPC\": PubliclyAccessible false gives the endpoint only a private address"})

	// ---------------- CloudFront
	s.bucket("emu-cdn-origin")
	oac := s.originAccessControl("emu-oac")
	distID, _ := s.distribution("emu-cdn", "emu-cdn-origin", oac)
	dist := arnDistribution(distID)
	s.bucketPolicy("emu-cdn-origin", doc(map[string]any{"Sid": "AllowCloudFrontServicePrincipalReadOnly", "Effect": "Allow",
		"Principal": map[string]any{"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject", "Resource": arnS3("emu-cdn-origin") + "/*",
		"Condition": map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": dist}}}))
	add(seeded{ARN: dist, Verdicts: []verdict{{"viewer-access", "public", []string{"*"}, false}},
		Source: "CloudFront Developer Guide, \"Restricting access to an Amazon S3 origin\": any viewer may request the distribution (no signed URLs, no WAF)",
		Moto:   "moto's distribution ARN lacks the empty region field (arn:aws:cloudfront:ACCOUNT:…); trustmap builds the ARN AWS gives"})
	add(seeded{ARN: arnS3("emu-cdn-origin"),
		Source: "CloudFront Developer Guide, \"Restricting access to an Amazon S3 origin\": a bucket whose policy admits cloudfront.amazonaws.com pinned by AWS:SourceArn to the distribution is not public",
		Moto:   "moto drops the origin's OriginAccessControlId, so the scan sees an S3 origin with neither OAC nor OAI (CloudFront would fetch unsigned and the bucket policy refuses that): still no entry point on the bucket"})
	a.Buckets++

	// ---------------- what moto makes the scan miss
	a.Gaps = append(a.Gaps,
		wantGap{Service: "cloudfront", API: "ListCloudFrontOriginAccessIdentities", Status: "unsupported", Says: "HTTP 404",
			Why: "moto has no OAI API (404 without an AWS error document)"},
	)
	for _, region := range []string{home, "eu-west-1"} {
		a.Gaps = append(a.Gaps,
			wantGap{Service: "opensearch", Region: region, API: "ListDomainNames", Status: "unsupported", Says: "HTTP 404",
				Why: "moto 4.1 has no OpenSearch service (only the older Elasticsearch one)"},
			wantGap{Service: "s3control", Region: region, API: "ListAccessPoints", Status: "unsupported", Says: "HTTP 404",
				Why: "moto's S3 Control on an IP endpoint has no access-point listing route"})
	}
	a.Gaps = append(a.Gaps,
		wantGap{Service: "s3control", API: "ListMultiRegionAccessPoints", Status: "unsupported", Says: "HTTP 404",
			Why: "moto has no Multi-Region Access Points"},
	)

	// ---------------- attack paths
	a.Paths = append(a.Paths,
		wantPath{FromZone: "internet", Through: []string{web, webRole}, Target: arnS3("emu-web-data"),
			Why: "SSH is open to the internet on an instance with a public address, running as emu-web-role, which may read emu-web-data"},
	)
}
