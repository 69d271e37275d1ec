package model

import (
	"fmt"
	"regexp"

	"github.com/trustmap/trustmap/policy"
)

// A model's trust zones say how far the modeler believes what is inside
// reaches: a zone for the internet, one for partners, one for what only
// the account itself may use. trustmap reads that belief from the zone, in
// this order:
//
//  1. an attribute exposure: public | cross-account | internal (OTM
//     attributes; trustmap's own vocabulary, for zones whose names say
//     nothing);
//  2. IriusRisk's well-known Internet zone id (f0ba7722-…), which OTM
//     tools use for the internet;
//  3. the words of its name, type and id: internet, public, anonymous, dmz,
//     www → public; partner, third-party, vendor, external → cross-account;
//     private, internal, trusted, secure, backend, corporate, intranet,
//     restricted, vpc → internal.
//
// A zone none of these classify is "unclassified": what is in it is
// matched and checked for staleness, but no zone contradiction is claimed.

const (
	exposurePublic       = policy.Public
	exposureCrossAccount = policy.CrossAccount
	exposureInternal     = policy.Internal
)

// zoneNoteRE reads the note trustmap writes in the description of a box it
// adds to a Threat Dragon diagram (update.go, zoneNote).
var zoneNoteRE = regexp.MustCompile(`\(trustmap: exposure (public|cross-account|internal)(, outside the account)?\)`)

const irisInternetZone = "f0ba7722-39b6-4c81-8290-a30a248bb8d9"

// zoneClass is what a zone says about the reach of its members.
type zoneClass struct {
	Exposure policy.Verdict // "" when unclassified
	// Outside is true for zones of callers outside the account (the
	// internet, partners): their members are not expected in the scan.
	Outside bool
	// AWS is true when the zone reads as an AWS account or cloud: its
	// members are expected to be deployed.
	AWS bool
	Why string
}

var (
	publicWords   = []string{"internet", "public", "anonymous", "dmz", "www", "world"}
	crossWords    = []string{"partner", "partners", "third", "vendor", "vendors", "external", "supplier"}
	internalWords = []string{"private", "internal", "trusted", "secure", "secured", "backend", "corporate", "intranet", "restricted", "vpc"}
	awsWords      = []string{"aws", "amazon", "cloud", "vpc", "region", "lambda", "serverless"}
	// insideWords mark a zone of the account that faces outsiders.
	insideWords = []string{"dmz", "edge", "facing", "perimeter", "frontend", "subnet", "ingress"}
)

// classifyZone reads a zone; own says whether a text names a scanned
// account (its id or alias), which puts the zone inside the account.
func classifyZone(z *Zone, own func(string) bool) zoneClass {
	if z == nil {
		return zoneClass{}
	}
	name := oneLineName(z.Name)
	text := z.Name + " " + z.Type + " " + z.ID + " " + z.Description
	toks := tokens(z.Name + " " + z.Type + " " + z.ID)
	ours := own(text)
	inside := ours || hasAny(toks, insideWords)
	c := zoneClass{AWS: ours || hasAny(toks, awsWords)}
	v, where := z.Attributes["exposure"], "attributes.exposure"
	outside := z.Attributes["outside"] == "true"
	if sm := zoneNoteRE.FindStringSubmatch(z.Description); v == "" && sm != nil {
		v, where, outside = sm[1], "its description", sm[2] != ""
	}
	switch ev, _ := policy.VerdictNamed(v); ev {
	case exposurePublic, exposureCrossAccount, exposureInternal:
		c.Exposure, c.Why = ev, fmt.Sprintf("zone %q has %s %s", name, where, v)
		c.Outside = outside || (c.Exposure != exposureInternal && !inside && !c.AWS)
		if c.Outside {
			c.AWS = false
		}
		return c
	}
	cloud := hasAll(toks, "public", "cloud") // IriusRisk's "Public Cloud" is where the account is, not who reaches it
	switch {
	case z.ID == irisInternetZone || z.Type == irisInternetZone:
		c.Exposure, c.Outside, c.Why = exposurePublic, true, fmt.Sprintf("zone %q is IriusRisk's Internet zone", name)
	case hasAny(toks, publicWords) && !cloud:
		c.Exposure, c.Why = exposurePublic, fmt.Sprintf("zone %q reads as public", name)
		c.Outside = !inside
	case hasAny(toks, crossWords):
		c.Exposure, c.Why = exposureCrossAccount, fmt.Sprintf("zone %q reads as a partner's", name)
		c.Outside = !inside
	case hasAny(toks, internalWords):
		c.Exposure, c.Why = exposureInternal, fmt.Sprintf("zone %q reads as internal", name)
	}
	if c.Outside {
		c.AWS = false
	}
	if cloud {
		c.AWS = true
	}
	return c
}

func zoneClasses(m *Model, own func(string) bool) map[string]zoneClass {
	out := map[string]zoneClass{}
	for _, z := range m.Zones {
		out[z.ID] = classifyZone(z, own)
	}
	return out
}

func hasAny(toks, words []string) bool {
	for _, t := range toks {
		for _, w := range words {
			if t == w {
				return true
			}
		}
	}
	return false
}

func hasAll(toks []string, words ...string) bool {
	for _, w := range words {
		if !hasAny(toks, []string{w}) {
			return false
		}
	}
	return true
}

// exposureRank orders exposures: internal 0, cross-account 1, public 2.
func exposureRank(v policy.Verdict) int {
	switch v {
	case exposurePublic:
		return 2
	case exposureCrossAccount:
		return 1
	}
	return 0
}
