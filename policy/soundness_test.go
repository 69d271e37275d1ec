package policy

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestAnalyzeNeverHidesAccessDecideGrants is a differential test: it builds
// random bucket policies from realistic pieces, evaluates concrete requests
// with Decide (full request context, IAM's missing-key rules), and checks
// that every request Decide allows for an external account is covered by
// Analyze's external principals (the account itself, its organization, or
// "*"). Analyze may over-state access; it must never under-state it.
func TestAnalyzeNeverHidesAccessDecideGrants(t *testing.T) {
	const (
		owner = "111122223333"
		ext   = "444455556666"
		other = "777788889999"
	)
	principals := []string{
		`"Principal":"*"`, `"Principal":{"AWS":"*"}`, `"Principal":{"AWS":"` + ext + `"}`,
		`"Principal":{"AWS":"arn:aws:iam::` + ext + `:role/r"}`, `"Principal":{"AWS":"arn:aws:iam::` + other + `:root"}`,
		`"Principal":{"AWS":"` + owner + `"}`, `"Principal":{"AWS":["` + owner + `","` + ext + `"]}`,
		`"NotPrincipal":{"AWS":"` + ext + `"}`, `"NotPrincipal":{"AWS":"arn:aws:iam::` + owner + `:root"}`,
		`"NotPrincipal":{"AWS":["arn:aws:iam::` + ext + `:role/r"]}`,
	}
	actions := []string{
		`"Action":"s3:GetObject"`, `"Action":"s3:Get*"`, `"Action":"s3:*"`, `"Action":"*"`, `"Action":["s3:PutObject","s3:DeleteObject"]`,
		`"Action":"s3:Put?bject"`, `"NotAction":"s3:GetObject"`, `"NotAction":["s3:Delete*","s3:Put*"]`,
	}
	resources := []string{
		`"Resource":"arn:aws:s3:::b/*"`, `"Resource":"arn:aws:s3:::b/p/*"`, `"Resource":"*"`, `"Resource":["arn:aws:s3:::b/p/x","arn:aws:s3:::c/*"]`,
		`"NotResource":"arn:aws:s3:::b/p/*"`, `"Resource":"arn:aws:s3:::b/?/x"`,
	}
	conditions := []string{
		`"StringEquals":{"aws:PrincipalAccount":"` + ext + `"}`, `"StringEquals":{"aws:PrincipalAccount":"` + owner + `"}`,
		`"StringNotEquals":{"aws:PrincipalAccount":"` + owner + `"}`, `"StringEquals":{"aws:PrincipalOrgID":"o-aaaaaaaaaa"}`,
		`"StringNotEquals":{"aws:PrincipalOrgID":"o-aaaaaaaaaa"}`, `"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}`,
		`"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}`, `"IpAddress":{"aws:SourceIp":"10.1.0.0/16"}`,
		`"StringEquals":{"aws:SourceVpce":"vpce-1"}`, `"StringNotEquals":{"aws:SourceVpce":"vpce-1"}`,
		`"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}`, `"StringNotEqualsIfExists":{"aws:SourceVpce":"vpce-2"}`,
		`"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::` + ext + `:role/*"}`, `"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/r"}`,
		`"Bool":{"aws:SecureTransport":"false"}`, `"Null":{"aws:SourceVpce":"true"}`, `"Null":{"aws:PrincipalOrgID":"false"}`,
		`"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-aaaaaaaaaa/*"}`, `"StringLike":{"aws:PrincipalAccount":"4444*"}`,
		`"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-aaaaaaaaaa"}`,
	}
	type req struct {
		acct, org, ip, vpce, tls, action, resource string
	}
	var reqs []req
	for _, acct := range []string{ext, other, owner} {
		for _, org := range []string{"o-aaaaaaaaaa", ""} {
			for _, ip := range []string{"10.1.2.3", "10.9.9.9", "192.0.2.1"} {
				for _, vpce := range []string{"vpce-1", "vpce-2", ""} {
					for _, tls := range []string{"true", "false"} {
						for _, action := range []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"} {
							for _, res := range []string{"arn:aws:s3:::b/x", "arn:aws:s3:::b/p/x"} {
								reqs = append(reqs, req{acct, org, ip, vpce, tls, action, res})
							}
						}
					}
				}
			}
		}
	}
	rng := rand.New(rand.NewSource(soundnessSeed(1)))
	pick := func(l []string) string { return l[rng.Intn(len(l))] }
	iterations := soundnessIterations()
	ctx := Context{ResourceType: "s3", OwnerAccount: owner, OrgID: "o-aaaaaaaaaa"}
	for it := 0; it < iterations; it++ {
		var stmts []string
		for n := 1 + rng.Intn(4); n > 0; n-- {
			effect := "Allow"
			if rng.Intn(3) == 0 {
				effect = "Deny"
			}
			s := fmt.Sprintf(`{"Effect":%q,%s,%s,%s`, effect, pick(principals), pick(actions), pick(resources))
			if block := conditionBlock(rng, conditions, rng.Intn(4)); block != "" {
				s += `,"Condition":` + block
			}
			stmts = append(stmts, s+"}")
		}
		doc := `{"Version":"2012-10-17","Statement":[` + join(stmts) + `]}`
		p, err := Parse([]byte(doc))
		if err != nil {
			t.Fatalf("generated policy does not parse: %v\n%s", err, doc)
		}
		r := Analyze(p, ctx)
		for _, q := range reqs {
			if q.acct == owner {
				continue
			}
			c := map[string][]string{
				"aws:PrincipalArn":    {"arn:aws:iam::" + q.acct + ":role/r"},
				"aws:SourceIp":        {q.ip},
				"aws:SecureTransport": {q.tls},
			}
			if q.org != "" {
				c["aws:PrincipalOrgID"] = []string{q.org}
				c["aws:PrincipalOrgPaths"] = []string{q.org + "/r-ab12/"}
			}
			if q.vpce != "" {
				c["aws:SourceVpce"] = []string{q.vpce}
			}
			d := p.decide(Request{Action: q.action, Resource: q.resource, PrincipalAccount: q.acct, Context: c}, true)
			if d.Effect != DecisionAllow || d.Conditional {
				continue
			}
			if contains(r.ExternalPrincipals, q.acct) || contains(r.ExternalPrincipals, "*") || (q.org != "" && contains(r.ExternalPrincipals, q.org)) {
				continue
			}
			js, _ := json.MarshalIndent(r, "", " ")
			t.Fatalf("Decide allows %+v (statements %v) but Analyze reports %v\npolicy: %s\nresult: %s", q, d.Statements, r.ExternalPrincipals, doc, js)
		}
	}
}

// soundnessSeed and soundnessIterations let a developer search longer:
// SOUNDNESS_SEED=7 SOUNDNESS_N=100000 go test -run NeverHides ./policy
func soundnessSeed(def int64) int64 {
	if v, err := strconv.ParseInt(os.Getenv("SOUNDNESS_SEED"), 10, 64); err == nil {
		return v
	}
	return def
}

func soundnessIterations() int {
	if v, err := strconv.Atoi(os.Getenv("SOUNDNESS_N")); err == nil && v > 0 {
		return v
	}
	if testing.Short() {
		return 300
	}
	return 3000
}

// conditionBlock draws n entries of the form `"Op":{"key":value}` and
// merges them into one Condition object, several keys under one operator
// where they share it (a key appears at most once per operator).
func conditionBlock(rng *rand.Rand, pool []string, n int) string {
	var ops []string
	keys := map[string][]string{}
	seen := map[string]bool{}
	for ; n > 0; n-- {
		c := pool[rng.Intn(len(pool))]
		op, inner, _ := strings.Cut(c, ":{")
		inner = strings.TrimSuffix(inner, "}")
		key, _, _ := strings.Cut(inner, `":`)
		if seen[op+key] {
			continue
		}
		seen[op+key] = true
		if _, ok := keys[op]; !ok {
			ops = append(ops, op)
		}
		keys[op] = append(keys[op], inner)
	}
	if len(ops) == 0 {
		return ""
	}
	var parts []string
	for _, op := range ops {
		parts = append(parts, op+":{"+join(keys[op])+"}")
	}
	return "{" + join(parts) + "}"
}

func join(l []string) string {
	out := ""
	for i, s := range l {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}

// TestAnalyzeNeverHidesServiceAccessDecideGrants repeats the differential
// check for AWS services calling on behalf of a resource owner (the
// confused-deputy shapes): a request Decide allows for a service acting for
// another account must show up as that account, its organization, the
// service, or "*".
func TestAnalyzeNeverHidesServiceAccessDecideGrants(t *testing.T) {
	const (
		owner = "111122223333"
		ext   = "444455556666"
	)
	q := "arn:aws:sqs:us-east-1:" + owner + ":q"
	principals := []string{
		`"Principal":"*"`, `"Principal":{"Service":"sns.amazonaws.com"}`, `"Principal":{"Service":["s3.amazonaws.com","sns.amazonaws.com"]}`,
		`"Principal":{"AWS":"*"}`, `"NotPrincipal":{"Service":"sns.amazonaws.com"}`, `"NotPrincipal":{"AWS":"` + owner + `"}`,
		`"Principal":{"Service":"s3.amazonaws.com"}`,
	}
	conditions := []string{
		`"StringEquals":{"aws:SourceAccount":"` + owner + `"}`, `"StringEquals":{"aws:SourceAccount":"` + ext + `"}`,
		`"StringNotEquals":{"aws:SourceAccount":"` + owner + `"}`, `"StringEqualsIfExists":{"aws:SourceAccount":"` + owner + `"}`,
		`"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:` + owner + `:*"}`, `"ArnLike":{"aws:SourceArn":"arn:aws:s3:::bucket-a"}`,
		`"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:` + owner + `:*"}`, `"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:` + ext + `:t"}`,
		`"StringEquals":{"aws:SourceOrgID":"o-aaaaaaaaaa"}`, `"StringNotEquals":{"aws:SourceOrgID":"o-aaaaaaaaaa"}`,
		`"StringEquals":{"aws:PrincipalServiceName":"sns.amazonaws.com"}`, `"Null":{"aws:SourceAccount":"false"}`,
		`"Bool":{"aws:PrincipalIsAWSService":"true"}`,
	}
	type req struct{ svc, acct, org, arn string }
	var reqs []req
	for _, svc := range []string{"sns.amazonaws.com", "s3.amazonaws.com"} {
		for _, acct := range []string{owner, ext} {
			for _, org := range []string{"o-aaaaaaaaaa", ""} {
				arn := "arn:aws:sns:us-east-1:" + acct + ":t"
				if svc == "s3.amazonaws.com" {
					arn = "arn:aws:s3:::bucket-a"
				}
				reqs = append(reqs, req{svc, acct, org, arn})
			}
		}
	}
	rng := rand.New(rand.NewSource(soundnessSeed(2)))
	pick := func(l []string) string { return l[rng.Intn(len(l))] }
	ctx := Context{ResourceType: "sqs", OwnerAccount: owner, OrgID: "o-aaaaaaaaaa"}
	for it, n := 0, soundnessIterations(); it < n; it++ {
		var stmts []string
		for n := 1 + rng.Intn(3); n > 0; n-- {
			effect := "Allow"
			if rng.Intn(3) == 0 {
				effect = "Deny"
			}
			s := fmt.Sprintf(`{"Effect":%q,%s,"Action":"sqs:SendMessage","Resource":%q`, effect, pick(principals), q)
			if block := conditionBlock(rng, conditions, rng.Intn(4)); block != "" {
				s += `,"Condition":` + block
			}
			stmts = append(stmts, s+"}")
		}
		doc := `{"Version":"2012-10-17","Statement":[` + join(stmts) + `]}`
		p, err := Parse([]byte(doc))
		if err != nil {
			t.Fatalf("generated policy does not parse: %v\n%s", err, doc)
		}
		r := Analyze(p, ctx)
		for _, rq := range reqs {
			if rq.acct == owner {
				continue
			}
			c := map[string][]string{
				"aws:PrincipalServiceName":  {rq.svc},
				"aws:PrincipalIsAWSService": {"true"},
				"aws:SourceArn":             {rq.arn},
				"aws:SourceAccount":         {rq.acct},
			}
			if rq.org != "" {
				c["aws:SourceOrgID"] = []string{rq.org}
			}
			d := p.decide(Request{Action: "sqs:SendMessage", Resource: q, Context: c}, true)
			if d.Effect != DecisionAllow || d.Conditional {
				continue
			}
			ext := r.ExternalPrincipals
			if contains(ext, rq.acct) || contains(ext, rq.svc) || contains(ext, "*") || (rq.org != "" && contains(ext, rq.org)) {
				continue
			}
			js, _ := json.MarshalIndent(r, "", " ")
			t.Fatalf("Decide allows %+v (statements %v) but Analyze reports %v\npolicy: %s\nresult: %s", rq, d.Statements, ext, doc, js)
		}
	}
}
