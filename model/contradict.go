package model

import (
	"fmt"
	"slices"
	"strings"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// Contradictions are claims of the model that the account disproves:
//
//   - trust zone: the model puts an element in a zone that reads as less
//     exposed than the account makes the resource (zones.go);
//   - authentication: a flow (or an element) the model marks as
//     authenticated leads to a resource anyone can call without
//     credentials;
//   - mitigation: a mitigation the model marks as implemented (OTM state
//     "implemented", a Threat Dragon threat "Mitigated") that the account
//     does not show, for the mitigations trustmap can check (claims
//     below). A mitigation trustmap has no check for is listed as not
//     judged.

func (d *Drift) contradictions(zc map[string]zoneClass) {
	inv := d.inv
	for _, x := range d.mt.Matches {
		e := x.Element
		r := inv.byID[x.Resource]
		if r == nil || r.principal() {
			continue
		}
		c := zc[e.Zone]
		if c.Exposure == 0 {
			continue
		}
		for _, ep := range inv.entryPoints(x.Resource) {
			if exposureRank(ep.Exposure) <= exposureRank(c.Exposure) {
				continue
			}
			z := d.model.Zone(e.Zone)
			d.Contradictions = append(d.Contradictions, Contradiction{Kind: ContradictsZone, Element: d.ref(e), Resource: ep.ResourceARN,
				Model:    fmt.Sprintf("%s is in trust zone %q, which %s", e.Label(), oneLineName(z.Name), zoneReading(c, z)),
				Account:  fmt.Sprintf("%s is %s: %s", inv.displayName(ep.ResourceARN), ep.Exposure, strings.TrimPrefix(who(ep), "the account ")),
				Evidence: epEvidence(ep)})
			break // the worst way in says enough
		}
	}
	for _, f := range d.model.Flows {
		claim, where := authClaim(f.Name, f.Description, f.Protocol, f.Attributes, f.Tags)
		if claim == "" {
			continue
		}
		dst := d.model.Element(f.Destination)
		if dst == nil {
			continue
		}
		if x := d.mt.Of(dst.ID); x != nil {
			if ep := openWayIn(inv.entryPoints(x.Resource)); ep != nil {
				d.Contradictions = append(d.Contradictions, Contradiction{Kind: ContradictsAuth, Element: d.flowRef(f), Resource: ep.ResourceARN,
					Model:    fmt.Sprintf("%s into %s is marked authenticated (%s: %q)", f.Label(), dst.Label(), where, claim),
					Account:  fmt.Sprintf("%s takes calls without credentials: %s", inv.displayName(ep.ResourceARN), authDetail(ep)),
					Evidence: epEvidence(ep)})
			}
		}
	}
	for _, x := range d.mt.Matches {
		e := x.Element
		claim, where := authClaim(e.Name, e.Description, "", e.Attributes, e.Tags)
		if claim == "" {
			continue
		}
		if ep := openWayIn(inv.entryPoints(x.Resource)); ep != nil {
			d.Contradictions = append(d.Contradictions, Contradiction{Kind: ContradictsAuth, Element: d.ref(e), Resource: ep.ResourceARN,
				Model:    fmt.Sprintf("%s is described as authenticated (%s: %q)", e.Label(), where, claim),
				Account:  fmt.Sprintf("%s takes calls without credentials: %s", inv.displayName(ep.ResourceARN), authDetail(ep)),
				Evidence: epEvidence(ep)})
		}
	}
	d.mitigations()
}

// zoneReading says why a zone reads as it does, without repeating its name.
func zoneReading(c zoneClass, z *Zone) string {
	why := strings.Replace(c.Why, fmt.Sprintf("zone %q ", oneLineName(z.Name)), "", 1)
	switch {
	case strings.HasPrefix(why, "reads as"):
		return why
	case strings.HasPrefix(why, "has "):
		return why
	}
	return fmt.Sprintf("reads as %s (%s)", c.Exposure, why)
}

// openWayIn returns an entry point that lets anyone in without
// credentials, nil when there is none.
func openWayIn(eps []*results.EntryPoint) *results.EntryPoint {
	for _, ep := range eps {
		if ep.Exposure == policy.Public && ep.FromInternet() && ep.Authorizer == "" {
			return ep
		}
	}
	return nil
}

func authDetail(ep *results.EntryPoint) string {
	for _, g := range ep.Evidence.Grants {
		if g.Detail != "" {
			return fmt.Sprintf("%s (%s)", g.Detail, ep.Via)
		}
	}
	return fmt.Sprintf("%s lets anyone in", ep.Via)
}

var (
	authWords = []string{"authenticated", "authentication", "authorizer", "authorised", "authorized", "iam auth", "iam-auth",
		"sigv4", "signed request", "cognito", "jwt", "oauth", "oidc", "mtls", "mutual tls"}
	unauthWords = []string{"unauthenticated", "no auth", "not authenticated", "without auth", "anonymous", "unauthorized", "no authentication"}
)

// authClaim finds a claim of authentication in a flow's or element's
// fields: an attribute authentication (or auth) that is not none, a tag,
// or words in its name, description or protocol. It returns the words and
// where they are.
func authClaim(name, desc, protocol string, attrs map[string]string, tags []string) (string, string) {
	for k, v := range attrs {
		lk, lv := strings.ToLower(k), strings.ToLower(strings.TrimSpace(v))
		if (lk == "authentication" || lk == "auth" || lk == "authn") && lv != "" && lv != "none" && lv != "false" && lv != "no" {
			return v, "attributes." + k
		}
	}
	for _, t := range tags {
		if w := claimWord(t, authWords, unauthWords); w != "" {
			return t, "tag"
		}
	}
	for _, f := range []struct{ where, text string }{{"name", name}, {"description", desc}, {"protocol", protocol}} {
		if w := claimWord(f.text, authWords, unauthWords); w != "" {
			return excerpt(f.text, w), f.where
		}
	}
	return "", ""
}

// claimWord returns the first of words in text, unless text also says one
// of the negations.
func claimWord(text string, words, negations []string) string {
	l := strings.ToLower(text)
	for _, n := range negations {
		if strings.Contains(l, n) {
			return ""
		}
	}
	for _, w := range words {
		if i := strings.Index(l, w); i >= 0 {
			before := l[max(0, i-8):i]
			if strings.Contains(before, "no ") || strings.Contains(before, "without") || strings.Contains(before, "not ") {
				continue
			}
			return w
		}
	}
	return ""
}

// excerpt is the sentence of text around word, kept short.
func excerpt(text, word string) string {
	text = oneLineName(text)
	i := strings.Index(strings.ToLower(text), word)
	if i < 0 || len(text) <= 80 {
		return text
	}
	start := max(0, i-30)
	end := min(len(text), i+len(word)+30)
	for start > 0 && text[start-1] != ' ' {
		start--
	}
	for end < len(text) && text[end] != ' ' {
		end++
	}
	return strings.Trim("…"+text[start:end]+"…", " ")
}

// A claim is a mitigation trustmap can check against the account.
type claim struct {
	name  string
	words []string
	// check judges the claim on a resource: True when the account shows
	// it, False (with the evidence) when it does not, Unknown when the
	// claim does not apply or the scan could not tell.
	check func(d *Drift, id string) (graph.Tri, string)
}

var claims = []claim{
	{"web application firewall (AWS WAF web ACL)", []string{"waf", "web acl", "webacl", "web application firewall"}, checkWAF},
	{"authentication", []string{"authoriz", "authoris", "authentic", "cognito", "jwt", "oauth", "iam auth", "sigv4"}, checkAuth},
	{"access logging", []string{"access log", "access-log", "request log"}, checkAccessLogs},
	{"encryption at rest", []string{"encrypt"}, checkEncryption},
	{"blocking public access", []string{"block public access", "public access block", "not public", "private bucket"}, checkNotPublic},
	{"resource policy that admits only named callers", []string{"admits only", "allows only", "only our", "restricted to", "restrict the queue policy", "restrict the bucket policy"}, checkNotPublic},
	{"external id or MFA condition on the role", []string{"external id", "externalid", "external-id", "mfa"}, checkExternalID},
}

func (d *Drift) mitigations() {
	for _, t := range d.model.Threats {
		if t.On == "" {
			continue
		}
		id := d.targetOf(t.On)
		if id == "" {
			continue
		}
		for _, mr := range t.Mitigations {
			if !strings.EqualFold(mr.State, "implemented") {
				continue
			}
			text := mr.Name + "\n" + mr.Text
			found := false
			for _, c := range claims {
				if claimWord(text, c.words, []string{"no waf", "without waf"}) == "" {
					continue
				}
				found = true
				holds, ev := c.check(d, id)
				stated := fmt.Sprintf("threat %q on %s has mitigation %q marked implemented", oneLineName(t.Title), d.onLabel(t.On), excerpt(strings.TrimSpace(mitName(mr)), strings.ToLower(c.words[0])))
				switch holds {
				case graph.False:
					d.Contradictions = append(d.Contradictions, Contradiction{Kind: ContradictsMitigation, Element: d.threatRef(t), Resource: id,
						Model: stated, Account: fmt.Sprintf("%s has no %s", d.inv.displayName(id), c.name), Evidence: []string{ev}})
				case graph.Unknown:
					d.NotJudged = append(d.NotJudged, NotJudged{d.threatRef(t), fmt.Sprintf("%s (%s): %s", stated, c.name, ev)})
				}
			}
			if !found {
				d.NotJudged = append(d.NotJudged, NotJudged{d.threatRef(t), fmt.Sprintf("mitigation %q is marked implemented; trustmap has no check for it", oneLineName(mitName(mr)))})
			}
		}
	}
}

func mitName(mr MitigationRef) string {
	if mr.Name != "" {
		return mr.Name
	}
	return mr.Text
}

// targetOf is the resource a threat's element or flow stands for (a flow's
// destination).
func (d *Drift) targetOf(on string) string {
	if x := d.mt.Of(on); x != nil {
		return x.Resource
	}
	for _, f := range d.model.Flows {
		if f.ID == on {
			if x := d.mt.Of(f.Destination); x != nil {
				return x.Resource
			}
		}
	}
	return ""
}

func (d *Drift) onLabel(on string) string {
	if e := d.model.Element(on); e != nil {
		return e.Label()
	}
	for _, f := range d.model.Flows {
		if f.ID == on {
			return f.Label()
		}
	}
	return on
}

// stagesOf returns the stages of the API a resource belongs to.
func (d *Drift) stagesOf(id string) (api *resource, stages []*resource) {
	for x := d.inv.byID[id]; x != nil; x = d.inv.byID[x.Parent] {
		if x.Kind == graph.KindRestAPI || x.Kind == graph.KindHTTPAPI {
			api = x
			break
		}
		if x.Parent == "" {
			break
		}
	}
	if api == nil {
		return nil, nil
	}
	for _, c := range api.Children {
		if r := d.inv.byID[c]; r != nil && r.Node != nil && r.Node.Stage() != nil {
			stages = append(stages, r)
		}
	}
	return api, stages
}

// checkWAF: a REST API stage carries a web ACL (apigateway:GetStages
// webAclArn). HTTP APIs, function URLs, queues and buckets cannot be
// associated with a web ACL at all (AWS WAF Developer Guide, "Resources
// you can protect": CloudFront, ALB, API Gateway REST API, AppSync,
// Cognito user pool, App Runner, Verified Access, Amplify).
func checkWAF(d *Drift, id string) (graph.Tri, string) {
	x := d.inv.byID[id]
	if x == nil {
		return graph.Unknown, "the scan did not see it"
	}
	api, stages := d.stagesOf(id)
	switch {
	case api != nil && api.Kind == graph.KindHTTPAPI:
		return graph.False, fmt.Sprintf("%s is an HTTP API: AWS WAF cannot protect HTTP APIs (only REST API stages)", api.Name)
	case api != nil:
		if !d.inv.scan.Full() {
			return graph.Unknown, "a report.json does not hold API stages: validate against the snapshot"
		}
		if len(stages) == 0 {
			return graph.Unknown, api.Name + " has no stage the scan saw"
		}
		var bare []string
		for _, s := range stages {
			if s.Node.Stage().WebACLARN == "" {
				bare = append(bare, s.Name)
			}
		}
		if len(bare) > 0 {
			return graph.False, fmt.Sprintf("apigateway:GetStages: stage %s of %s has no webAclArn", strings.Join(bare, ", "), api.Name)
		}
		return graph.True, ""
	case x.Kind == graph.KindLambdaFunctionURL, x.Kind == graph.KindLambdaFunction && hasURL(d, id):
		return graph.False, fmt.Sprintf("%s is reached through a Lambda function URL, which AWS WAF cannot protect", x.Name)
	case x.Kind == graph.KindSQSQueue, x.Kind == graph.KindS3Bucket, x.Kind == graph.KindSNSTopic:
		if len(x.Entry) > 0 {
			return graph.False, fmt.Sprintf("%s is reached through its %s, which AWS WAF cannot protect", x.Name, x.Entry[0].Via)
		}
	}
	return graph.Unknown, "no web ACL can apply to a " + string(x.Kind)
}

func hasURL(d *Drift, id string) bool {
	for _, r := range d.inv.family(id) {
		if r.Kind == graph.KindLambdaFunctionURL {
			return true
		}
	}
	return false
}

func checkAuth(d *Drift, id string) (graph.Tri, string) {
	if ep := openWayIn(d.inv.entryPoints(id)); ep != nil {
		return graph.False, fmt.Sprintf("%s: %s", authDetail(ep), strings.Join(epEvidence(ep), " | "))
	}
	if len(d.inv.entryPoints(id)) > 0 {
		return graph.True, ""
	}
	return graph.Unknown, "no way in from outside to judge"
}

func checkAccessLogs(d *Drift, id string) (graph.Tri, string) {
	api, stages := d.stagesOf(id)
	if api == nil || len(stages) == 0 {
		return graph.Unknown, "trustmap checks access logging on API Gateway stages only"
	}
	var bare []string
	for _, s := range stages {
		if !s.Node.Stage().AccessLogging {
			bare = append(bare, s.Name)
		}
	}
	if len(bare) > 0 {
		return graph.False, fmt.Sprintf("apigateway: stage %s of %s has no access log settings", strings.Join(bare, ", "), api.Name)
	}
	return graph.True, ""
}

func checkEncryption(d *Drift, id string) (graph.Tri, string) {
	x := d.inv.byID[id]
	switch {
	case x == nil || x.Node == nil:
		return graph.Unknown, "the scan holds no settings for it"
	case x.Node.Queue() != nil:
		q := x.Node.Queue()
		if q.AttributesKnown != graph.True {
			return graph.Unknown, "sqs:GetQueueAttributes could not be read"
		}
		if q.SSEManaged != graph.True && q.KMSKeyID == "" {
			return graph.False, fmt.Sprintf("sqs:GetQueueAttributes: %s has SqsManagedSseEnabled false and no KmsMasterKeyId", x.Name)
		}
		return graph.True, ""
	case x.Node.Bucket() != nil:
		return graph.True, "" // every bucket encrypts new objects (SSE-S3 by default since January 2023)
	}
	return graph.Unknown, "trustmap checks encryption at rest on queues and buckets only"
}

func checkNotPublic(d *Drift, id string) (graph.Tri, string) {
	for _, ep := range d.inv.entryPoints(id) {
		if ep.Exposure == policy.Public {
			return graph.False, fmt.Sprintf("%s is public through its %s: %s", d.inv.displayName(ep.ResourceARN), ep.Via, strings.Join(epEvidence(ep), " | "))
		}
	}
	if d.inv.byID[id] != nil {
		return graph.True, ""
	}
	return graph.Unknown, "the scan did not see it"
}

func checkExternalID(d *Drift, id string) (graph.Tri, string) {
	x := d.inv.byID[id]
	if x == nil || x.Kind != graph.KindIAMRole {
		return graph.Unknown, "trustmap checks external ids on role trust policies only"
	}
	for _, ep := range x.Entry {
		if !slices.Contains(ep.Guards, policy.GuardExternalID) && !slices.Contains(ep.Guards, policy.GuardMFA) {
			return graph.False, fmt.Sprintf("%s's trust policy lets %s assume it with no sts:ExternalId or MFA condition: %s", x.Name, strings.Join(ep.Principals, ", "), strings.Join(epEvidence(ep), " | "))
		}
	}
	return graph.True, ""
}
