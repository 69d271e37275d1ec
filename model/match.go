package model

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/trustmap/trustmap/graph"
)

// Matching model elements to what the scan saw, in three steps, each only
// for the elements the one before left:
//
//  1. by ARN, where the model carries one (OTM attributes.arn, a Threat
//     Dragon cell's data.arn, an ARN in the description); an ARN the scan
//     did not see is not matched by name: the model says which resource it
//     means, and that one is gone;
//  2. by the resource tag trustmap.yaml declares (model_match.tag), whose
//     value is the element's id;
//  3. by name and type, with a confidence: the same name (1), the same
//     name once the account's alias and words such as "bucket" or "api"
//     are set aside (0.85), or a partial overlap of words (at most 0.7);
//     times 1 when the element's type fits the resource's kind, 0.8 when
//     its type says nothing (or only its name hints), 0 when it does not
//     fit. A match needs 0.6 and a margin of 0.2 over the next candidate;
//     otherwise the candidates are listed as ambiguous, never picked.
//
// Outside parties match too: an element that names an outside account's id
// (or the name trustmap.yaml gives it) stands for that account, and a
// client or user in the model's internet zone for the internet.

// Method says how an element was matched.
type Method string

// Methods, most certain first.
const (
	ByARN  Method = "arn"
	ByTag  Method = "tag"
	ByName Method = "name"
)

// Match is one element matched to one resource (or outside party).
type Match struct {
	Element    *Element
	Resource   string // the resource's ARN, or a principal id (internet, account:…)
	Method     Method
	Confidence float64
	Reason     string
}

// Candidate is a resource an element may stand for.
type Candidate struct {
	Resource   string  `json:"resource"`
	Confidence float64 `json:"confidence"`
	Reason     string  `json:"reason"`
}

// Ambiguity is an element trustmap would not match on its own.
type Ambiguity struct {
	Element    *Element
	Candidates []Candidate
	Why        string
}

// Matching is the result of matching a model to a scan.
type Matching struct {
	Matches   []*Match // model order
	Ambiguous []*Ambiguity
	byElement map[string]*Match
	byRes     map[string][]*Element
}

// Of returns the match of an element, nil when it has none.
func (mt *Matching) Of(id string) *Match { return mt.byElement[id] }

// Elements returns the elements matched to a resource.
func (mt *Matching) Elements(res string) []*Element { return mt.byRes[res] }

const (
	matchThreshold = 0.6
	matchMargin    = 0.2
	weakFloor      = 0.4
)

func match(m *Model, inv *inventory) *Matching {
	mt := &Matching{byElement: map[string]*Match{}, byRes: map[string][]*Element{}}
	add := func(x *Match) {
		mt.Matches = append(mt.Matches, x)
		mt.byElement[x.Element.ID] = x
		mt.byRes[x.Resource] = append(mt.byRes[x.Resource], x.Element)
	}
	zc := zoneClasses(m, inv.own)
	for _, e := range m.Elements {
		if e.ARN != "" {
			if id, note := inv.resolveARN(e.ARN); id != "" {
				verb := "is"
				if e.ARNFrom == "description" {
					verb = "names"
				}
				add(&Match{Element: e, Resource: id, Method: ByARN, Confidence: 1,
					Reason: fmt.Sprintf("%s %s %s%s", e.ARNFrom, verb, e.ARN, note)})
			}
			continue
		}
		if tag := inv.scan.MatchTag; tag != "" && e.ID != "" {
			var hits []string
			for _, id := range inv.ids {
				if r := inv.byID[id]; r.Tags[tag] == e.ID {
					hits = append(hits, id)
				}
			}
			switch len(hits) {
			case 0:
			case 1:
				add(&Match{Element: e, Resource: hits[0], Method: ByTag, Confidence: 1,
					Reason: fmt.Sprintf("the resource's tag %s=%s is the element's id", tag, e.ID)})
				continue
			default:
				a := &Ambiguity{Element: e, Why: fmt.Sprintf("%d resources carry tag %s=%s", len(hits), tag, e.ID)}
				for _, h := range hits {
					a.Candidates = append(a.Candidates, Candidate{Resource: h, Confidence: 1, Reason: "tag " + tag + "=" + e.ID})
				}
				mt.Ambiguous = append(mt.Ambiguous, a)
				continue
			}
		}
		cands := inv.candidates(e, zc[e.Zone])
		switch {
		case len(cands) == 0:
		case cands[0].Confidence >= matchThreshold && (len(cands) == 1 || cands[0].Confidence-cands[1].Confidence >= matchMargin || exactOnly(cands)):
			add(&Match{Element: e, Resource: cands[0].Resource, Method: ByName, Confidence: cands[0].Confidence, Reason: cands[0].Reason})
		default:
			a := &Ambiguity{Element: e}
			for _, c := range cands {
				if c.Confidence >= weakFloor && len(a.Candidates) < 5 {
					a.Candidates = append(a.Candidates, c)
				}
			}
			if len(a.Candidates) == 0 {
				continue
			}
			if cands[0].Confidence >= matchThreshold {
				a.Why = fmt.Sprintf("%d resources fit about as well", countAbove(cands, cands[0].Confidence-matchMargin))
			} else {
				a.Why = fmt.Sprintf("the best fit is weak (%.2f, a match needs %.2f)", cands[0].Confidence, matchThreshold)
			}
			mt.Ambiguous = append(mt.Ambiguous, a)
		}
	}
	return mt
}

// exactOnly reports whether the best candidate alone has the very name
// (confidence 1): the same name beats a name that is only alike.
func exactOnly(cs []Candidate) bool {
	return cs[0].Confidence == 1 && cs[1].Confidence < 1
}

func countAbove(cs []Candidate, min float64) int {
	n := 0
	for _, c := range cs {
		if c.Confidence > min {
			n++
		}
	}
	return n
}

// resolveARN maps an ARN the model gives to what the scan saw under it:
// the ARN itself, the function of a qualified Lambda ARN, the bucket of an
// object ARN, the API of an execute-api ARN, the account of a root ARN.
// It returns "" when the scan saw nothing there.
func (inv *inventory) resolveARN(arn string) (string, string) {
	if inv.byID[arn] != nil {
		return arn, ""
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return "", ""
	}
	svc, region, acct, res := parts[2], parts[3], parts[4], parts[5]
	try := func(id, note string) (string, string) {
		if inv.byID[id] != nil {
			return id, " (" + note + ")"
		}
		return "", ""
	}
	switch {
	case svc == "iam" && res == "root":
		if inv.scanned[acct] {
			return "", ""
		}
		return try(graph.AccountID(acct), "the account "+acct)
	case svc == "s3" && strings.Contains(res, "/"):
		b, _, _ := strings.Cut(res, "/")
		return try("arn:aws:s3:::"+b, "its bucket")
	case svc == "lambda":
		if f := strings.SplitN(res, ":", 3); len(f) == 3 && f[0] == "function" {
			return try(strings.Join(parts[:5], ":")+":function:"+f[1], "the function of that version or alias")
		}
	case svc == "execute-api":
		api, _, _ := strings.Cut(res, "/")
		if id, note := try("arn:aws:apigateway:"+region+"::/restapis/"+api, "the API it invokes"); id != "" {
			return id, note
		}
		return try("arn:aws:apigateway:"+region+"::/apis/"+api, "the API it invokes")
	}
	return "", ""
}

// candidates scores every resource the element may stand for by name and
// type, best first.
func (inv *inventory) candidates(e *Element, zc zoneClass) []Candidate {
	var out []Candidate
	if c, ok := inv.principalFor(e, zc); ok {
		out = append(out, c)
	}
	want, typeWhy := kindsFor(e)
	eTok := tokens(e.Name)
	if len(eTok) == 0 {
		return out
	}
	for _, id := range inv.ids {
		r := inv.byID[id]
		if r.principal() || r.Kind == graph.KindExternalEndpoint {
			continue
		}
		score, why := nameScore(eTok, tokens(r.Name), inv.noise(r))
		if score == 0 {
			continue
		}
		factor := 0.8
		tw := typeWhy
		if want != nil {
			if !slices.Contains(want, r.Kind) {
				continue
			}
			factor = 1
		} else if hint := kindsOfWords(eTok); hint != nil {
			if !slices.Contains(hint, r.Kind) {
				continue
			}
			tw = "its name suggests " + string(r.Kind)
		}
		out = append(out, Candidate{Resource: id, Confidence: round2(score * factor),
			Reason: fmt.Sprintf("name %q %s %q (%s); %s", oneLineName(e.Name), why, r.Name, r.Kind, tw)})
	}
	slices.SortStableFunc(out, func(a, b Candidate) int {
		if a.Confidence != b.Confidence {
			if a.Confidence > b.Confidence {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Resource, b.Resource)
	})
	return out
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

func oneLineName(s string) string { return strings.Join(strings.Fields(s), " ") }

// principalFor matches an element to an outside party the scan saw.
func (inv *inventory) principalFor(e *Element, zc zoneClass) (Candidate, bool) {
	if k, _ := kindsFor(e); (k != nil && e.Shape != "actor") || (zc.AWS && !zc.Outside) {
		return Candidate{}, false // an AWS resource of the account that mentions a partner is not the partner
	}
	text := e.Name + " " + e.ID + " " + e.Description
	for _, v := range e.Attributes {
		text += " " + v
	}
	for _, acct := range accountIDs.FindAllString(text, -1) {
		if inv.scanned[acct] {
			continue
		}
		if id := graph.AccountID(acct); inv.byID[id] != nil {
			return Candidate{Resource: id, Confidence: 0.95, Reason: fmt.Sprintf("the element names account %s", acct)}, true
		}
	}
	eTok := strings.Join(tokens(e.Name), " ")
	for acct, name := range inv.scan.KnownAccounts {
		if eTok != "" && eTok == strings.Join(tokens(name), " ") {
			if id := graph.AccountID(acct); inv.byID[id] != nil {
				return Candidate{Resource: id, Confidence: 0.85, Reason: fmt.Sprintf("trustmap.yaml names account %s %q", acct, name)}, true
			}
		}
	}
	if inv.byID[graph.InternetID] != nil && (zc.Outside && zc.Exposure == exposurePublic) && e.Shape != "process" && e.Shape != "store" {
		for _, w := range tokens(e.Name + " " + e.Type) {
			if internetWords[w] {
				return Candidate{Resource: graph.InternetID, Confidence: 0.7,
					Reason: fmt.Sprintf("%q stands for callers on the internet (%s)", oneLineName(e.Name), zc.Why)}, true
			}
		}
	}
	return Candidate{}, false
}

var accountIDs = regexp.MustCompile(`\b[0-9]{12}\b`)

var internetWords = map[string]bool{"internet": true, "anonymous": true, "anyone": true, "public": true, "user": true, "users": true,
	"web": true, "browser": true, "client": true, "clients": true, "customer": true, "customers": true, "visitor": true, "visitors": true}

// noise are the words of a resource's name that say nothing about which
// one it is: its account's alias, and the prefix or suffix most of the
// account's names share ("acme-orders", "acme-ledger": acme).
func (inv *inventory) noise(r *resource) map[string]bool {
	out := map[string]bool{}
	for _, w := range tokens(inv.alias[r.Account]) {
		out[w] = true
	}
	for w := range inv.affixes[r.Account] {
		out[w] = true
	}
	return out
}

// sharedAffixes finds, per account, the first and last words that at
// least three and at least 30% of its resources' names share.
func (inv *inventory) sharedAffixes() {
	inv.affixes = map[string]map[string]bool{}
	type counter struct {
		n     int
		words map[string]int
	}
	by := map[string]*counter{}
	for _, id := range inv.ids {
		r := inv.byID[id]
		if r.principal() || r.Account == "" {
			continue
		}
		toks := tokens(r.Name)
		if len(toks) < 2 {
			continue
		}
		c := by[r.Account]
		if c == nil {
			c = &counter{words: map[string]int{}}
			by[r.Account] = c
		}
		c.n++
		c.words[toks[0]]++
		if last := toks[len(toks)-1]; last != toks[0] {
			c.words[last]++
		}
	}
	for acct, c := range by {
		for w, n := range c.words {
			if n >= 3 && float64(n) >= 0.3*float64(c.n) && kindWords[w] == nil {
				if inv.affixes[acct] == nil {
					inv.affixes[acct] = map[string]bool{}
				}
				inv.affixes[acct][w] = true
			}
		}
	}
}

// kindWords say what kind of thing a name is about, not which one.
var kindWords = map[string][]graph.Kind{
	"s3": {graph.KindS3Bucket}, "bucket": {graph.KindS3Bucket}, "buckets": {graph.KindS3Bucket},
	"sqs": {graph.KindSQSQueue}, "queue": {graph.KindSQSQueue}, "queues": {graph.KindSQSQueue},
	"sns": {graph.KindSNSTopic}, "topic": {graph.KindSNSTopic},
	"lambda": {graph.KindLambdaFunction}, "function": {graph.KindLambdaFunction}, "fn": {graph.KindLambdaFunction},
	"api": apiKinds, "apis": apiKinds, "gateway": apiKinds, "apigateway": apiKinds, "rest": apiKinds, "http": apiKinds,
	"role": {graph.KindIAMRole}, "iam": {graph.KindIAMRole, graph.KindIAMUser}, "user": {graph.KindIAMUser},
}

var apiKinds = []graph.Kind{graph.KindRestAPI, graph.KindHTTPAPI, graph.KindRestAPIStage, graph.KindHTTPAPIStage,
	graph.KindRestAPIMethod, graph.KindHTTPAPIRoute, graph.KindDomainName}

var fillerWords = map[string]bool{"the": true, "a": true, "an": true, "aws": true, "amazon": true, "of": true, "for": true, "service": true}

// kindsOfWords is the kinds a name's words point at, nil when none.
func kindsOfWords(toks []string) []graph.Kind {
	var out []graph.Kind
	for _, t := range toks {
		out = append(out, kindWords[t]...)
	}
	return out
}

// kindsFor is the kinds an element's type allows, nil when its type says
// nothing, with the reason in words.
func kindsFor(e *Element) ([]graph.Kind, string) {
	t := strings.ToLower(e.Type)
	switch {
	case e.Shape == "store":
		if h := kindsOfWords(tokens(e.Name)); h != nil {
			return intersect(h, storeKinds), "a data store named like one"
		}
		return storeKinds, "a data store"
	case e.Shape == "process":
		if h := kindsOfWords(tokens(e.Name)); h != nil {
			return intersect(h, processKinds), "a process named like one"
		}
		return processKinds, "a process"
	case e.Shape == "actor":
		return []graph.Kind{graph.KindIAMUser, graph.KindIAMRole}, "an actor"
	case strings.Contains(t, "s3") || strings.Contains(t, "bucket"):
		return []graph.Kind{graph.KindS3Bucket}, "type " + e.Type + " fits"
	case strings.Contains(t, "lambda"):
		return []graph.Kind{graph.KindLambdaFunction, graph.KindLambdaFunctionURL}, "type " + e.Type + " fits"
	case strings.Contains(t, "sqs") || strings.Contains(t, "queue"):
		return []graph.Kind{graph.KindSQSQueue}, "type " + e.Type + " fits"
	case strings.Contains(t, "sns") || strings.Contains(t, "topic"):
		return []graph.Kind{graph.KindSNSTopic}, "type " + e.Type + " fits"
	case strings.Contains(t, "api-gateway") || strings.Contains(t, "apigateway"):
		return apiKinds, "type " + e.Type + " fits"
	case strings.Contains(t, "iam"):
		return []graph.Kind{graph.KindIAMRole, graph.KindIAMUser, graph.KindIAMGroup}, "type " + e.Type + " fits"
	}
	return nil, "its type says nothing about the kind"
}

var storeKinds = []graph.Kind{graph.KindS3Bucket, graph.KindSQSQueue, graph.KindSNSTopic, graph.KindEventSource}

var processKinds = []graph.Kind{graph.KindLambdaFunction, graph.KindLambdaFunctionURL, graph.KindIAMRole,
	graph.KindRestAPI, graph.KindHTTPAPI, graph.KindRestAPIStage, graph.KindHTTPAPIStage, graph.KindRestAPIMethod, graph.KindHTTPAPIRoute, graph.KindDomainName}

func intersect(a, b []graph.Kind) []graph.Kind {
	var out []graph.Kind
	for _, k := range a {
		if slices.Contains(b, k) && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	if out == nil {
		return b
	}
	return out
}

// tokens splits a name into lower-case words: at spaces, punctuation and
// camelCase humps ("OrdersAPI-prod" → orders api prod).
func tokens(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if i > 0 && unicode.IsUpper(r) && len(cur) > 0 && (unicode.IsLower(rs[i-1]) || (nextLower && (unicode.IsUpper(rs[i-1]) || unicode.IsDigit(rs[i-1])))) {
				flush()
			}
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// nameScore compares an element's name with a resource's.
func nameScore(e, r []string, noise map[string]bool) (float64, string) {
	if len(e) == 0 || len(r) == 0 {
		return 0, ""
	}
	if slices.Equal(e, r) {
		return 1, "is"
	}
	strip := func(ts []string) []string {
		var out []string
		for _, t := range ts {
			if kindWords[t] == nil && !fillerWords[t] && !noise[t] {
				out = append(out, t)
			}
		}
		return out
	}
	se, sr := strip(e), strip(r)
	if len(se) == 0 || len(sr) == 0 {
		return 0, ""
	}
	if slices.Equal(se, sr) {
		return 0.85, "is, but for the account's naming prefix and kind words,"
	}
	inter := 0
	for _, t := range se {
		if slices.Contains(sr, t) {
			inter++
		}
	}
	union := len(se) + len(sr) - inter
	j := float64(inter) / float64(union)
	if j < 0.5 {
		return 0, ""
	}
	return 0.3 + 0.4*j, fmt.Sprintf("shares %d of %d words with", inter, union)
}
