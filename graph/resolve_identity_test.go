package graph

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/policy"
)

// bruteIdentity is identity as it was before candidates: every probe whose
// action some statement allows is asked about every resource of its kind.
// Both share identityEdge, so this checks candidate selection: the indexed
// version must give exactly its edges.
func (r *resolver) bruteIdentity(n *Node) {
	docs, names, boundary := r.identityDocs(n)
	if len(docs) == 0 {
		return
	}
	allowed := func(action string) bool {
		for _, p := range docs {
			for _, st := range p.Statements {
				if st.Effect != "Allow" {
					continue
				}
				if len(st.NotAction) > 0 || slices.ContainsFunc(st.Action, func(a string) bool { return policy.ActionMatches(a, action) }) {
					return true
				}
			}
		}
		return false
	}
	for _, kind := range identityKinds {
		for _, pr := range probes[kind] {
			if !allowed(pr.action) {
				continue
			}
			for _, target := range r.byKind[kind] {
				if e, ok := r.identityEdge(n, target, kind, pr, docs, boundary, newIdentityShared(names)); ok {
					r.edge(e)
				}
			}
		}
	}
}

// identityEdges runs one identity derivation over every role and user of s.
func identityEdges(s *Snapshot, brute bool) []Edge {
	g := Resolve(s) // for the resolver's indexes; its own edges are dropped
	r := &resolver{g: &Graph{Scanned: g.Scanned, OrgIDs: g.OrgIDs}, principals: map[string]Node{}, accounts: map[string]*AccountInfo{},
		nodes: map[string]*Node{}, byKind: map[Kind][]*Node{}, in: map[string][]*Edge{},
		probeIdx: map[probeKey]*probeIndex{}, parsed: map[string]parsedPolicy{}, trust: map[*Node][]policy.Grant{}}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		r.nodes[n.ID] = n
		r.byKind[n.Kind] = append(r.byKind[n.Kind], n)
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		if n.Kind != KindIAMRole && n.Kind != KindIAMUser {
			continue
		}
		if brute {
			r.bruteIdentity(n)
		} else {
			r.identity(n)
		}
	}
	// As the graph has them: identity() merges a principal's edges to one
	// target as it goes, the brute force leaves that to the graph.
	es := r.edges(nil)
	sortLarge(es, CompareEdges)
	return mergeSorted(es)
}

func TestIdentityCandidatesGiveEveryEdge(t *testing.T) {
	wide := func(id, text string) Node {
		return Node{ID: id, Kind: KindIAMRole, Account: owner, Attrs: &IAMRole{PoliciesKnown: True, InlinePolicies: map[string]string{"p": text},
			TrustPolicy: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + owner + `:root"},"Action":"sts:AssumeRole"}]}`)}}
	}
	bucket := func(name string) Node {
		return Node{ID: "arn:aws:s3:::" + name, Kind: KindS3Bucket, Account: owner, Attrs: &S3Bucket{Policy: Absent("x")}}
	}
	tricky := snapshotOf(
		bucket("a"), bucket("a-b"), bucket("a.b"), bucket("ab"), bucket("b"), bucket("logs-1"), bucket("logs-2"),
		Node{ID: "arn:aws:sqs:us-east-1:" + owner + ":q", Kind: KindSQSQueue, Account: owner, Attrs: &SQSQueue{Policy: Absent("x")}},
		wide(fmt.Sprintf("arn:aws:iam::%s:role/exact", owner), `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*"}}`),
		wide(fmt.Sprintf("arn:aws:iam::%s:role/prefix", owner), `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::a*"}}`),
		wide(fmt.Sprintf("arn:aws:iam::%s:role/qmark", owner), `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::logs-?"}}`),
		wide(fmt.Sprintf("arn:aws:iam::%s:role/variable", owner), `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::${aws:PrincipalAccount}/*"}}`),
		wide(fmt.Sprintf("arn:aws:iam::%s:role/old-variable", owner), `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::${x}*"}}`),
		wide(fmt.Sprintf("arn:aws:iam::%s:role/notresource", owner), `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/*"}}`),
		wide(fmt.Sprintf("arn:aws:iam::%s:role/notaction", owner), `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"s3:PutObject","Resource":"arn:aws:s3:::ab*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`),
		wide(fmt.Sprintf("arn:aws:iam::%s:role/assume", owner), `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::`+owner+`:role/e*"}}`),
		wide(fmt.Sprintf("arn:aws:iam::%s:role/admin", owner), `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`),
		Node{ID: "arn:aws:kms:us-east-1:" + owner + ":key/k1", Kind: KindKMSKey, Account: owner, Attrs: &KMSKey{State: "Enabled", DescribeKnown: True, GrantsKnown: True,
			Policy: doc(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + owner + `:root"},"Action":"kms:*","Resource":"*"}]}`)}},
		Node{ID: "arn:aws:kms:us-east-1:" + owner + ":key/k2", Kind: KindKMSKey, Account: owner, Attrs: &KMSKey{State: "Enabled", DescribeKnown: True, GrantsKnown: True,
			Policy: doc(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + owner + `:role/keys"},"Action":"kms:*","Resource":"*"}]}`)}},
		Node{ID: "arn:aws:sns:us-east-1:" + owner + ":t", Kind: KindSNSTopic, Account: owner, Attrs: &SNSTopic{Policy: Absent("x")}},
		wide(fmt.Sprintf("arn:aws:iam::%s:role/keys", owner), `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["kms:Decrypt","sns:Publish"],"Resource":["arn:aws:kms:*:`+owner+`:key/*","arn:aws:sns:us-east-1:`+owner+`:t"]}}`),
		wide(fmt.Sprintf("arn:aws:iam::%s:role/conditional", owner), `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:*:`+owner+`:q","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}`),
	)
	for name, s := range map[string]*Snapshot{"tricky patterns": tricky, "a generated account": benchSnapshot(2000)} {
		t.Run(name, func(t *testing.T) {
			want, got := identityEdges(s, true), identityEdges(s, false)
			if len(want) == 0 {
				t.Fatal("no identity edges at all")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("indexed identity edges differ from asking about every resource (-want +got):\n%s", diff)
			}
		})
	}
}
