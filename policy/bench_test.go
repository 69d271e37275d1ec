package policy

import (
	"fmt"
	"strings"
	"testing"
)

// benchPolicy builds a 20-statement bucket policy with conditions: service
// grants, partner accounts, organization and network pins, and Denies that
// narrow or split them.
func benchPolicy() string {
	var st []string
	for i := 0; i < 14; i++ {
		switch i % 7 {
		case 0:
			st = append(st, fmt.Sprintf(`{"Sid":"Svc%d","Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/logs%d/*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::src%d"},"StringEquals":{"aws:SourceAccount":"111122223333"}}}`, i, i, i))
		case 1:
			st = append(st, fmt.Sprintf(`{"Sid":"Partner%d","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::4444555566%02d:root","arn:aws:iam::4444555566%02d:role/r"]},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/p%d/*"]}`, i, i, i+1, i))
		case 2:
			st = append(st, fmt.Sprintf(`{"Sid":"Org%d","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/shared/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"},"Bool":{"aws:SecureTransport":"true"}}}`, i))
		case 3:
			st = append(st, fmt.Sprintf(`{"Sid":"Net%d","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"arn:aws:s3:::b/net/*","Condition":{"IpAddress":{"aws:SourceIp":["10.%d.0.0/16","2001:db8::/48"]}}}`, i, i))
		case 4:
			st = append(st, fmt.Sprintf(`{"Sid":"Public%d","Effect":"Allow","Principal":"*","NotAction":["s3:Delete*","s3:PutBucket*"],"Resource":"arn:aws:s3:::b/pub%d/*","Condition":{"StringNotLike":{"aws:UserAgent":"*bot*"}}}`, i, i))
		case 5:
			st = append(st, fmt.Sprintf(`{"Sid":"AP%d","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}}`, i))
		case 6:
			st = append(st, fmt.Sprintf(`{"Sid":"Gh%d","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/ci/*","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app%d:*"}}}`, i, i))
		}
	}
	st = append(st,
		`{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`,
		`{"Sid":"Vpce","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/pub*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`,
		`{"Sid":"Block","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`,
		`{"Sid":"Private","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/pub1/private/*"}`,
		`{"Sid":"OrgOnly","Effect":"Deny","Principal":"*","Action":"s3:Delete*","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`,
		`{"Sid":"Partners","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::444455556601:root"]},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}`,
	)
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(st, ",") + `]}`
}

func BenchmarkAnalyze20Statements(b *testing.B) {
	p, err := Parse([]byte(benchPolicy()))
	if err != nil {
		b.Fatal(err)
	}
	if len(p.Statements) != 20 {
		b.Fatalf("benchmark policy has %d statements, want 20", len(p.Statements))
	}
	ctx := Context{ResourceType: "s3", OwnerAccount: "111122223333", OrgID: "o-a1b2c3d4e5"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Analyze(p, ctx)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}

func BenchmarkParse20Statements(b *testing.B) {
	doc := []byte(benchPolicy())
	b.SetBytes(int64(len(doc)))
	for i := 0; i < b.N; i++ {
		if _, err := Parse(doc); err != nil {
			b.Fatal(err)
		}
	}
}
