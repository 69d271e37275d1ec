package fakeaws

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// KMS (AWS JSON 1.1, X-Amz-Target TrentService.Op): ListKeys, DescribeKey,
// GetKeyPolicy, ListKeyPolicies, ListGrants, ListAliases,
// GetKeyRotationStatus. Sources: the AWS KMS API Reference (the request
// member docs are in the aws-sdk-go-v2 kms module, api_op_*.go) and the
// module's response snapshots. Lists page with Marker/NextMarker and
// Truncated; page sizes as the API reference gives them (ListKeys and
// ListKeyPolicies 1-1000, default 100; ListGrants and ListAliases 1-100,
// default 50).

// kmsRequest holds the request members of the operations served.
type kmsRequest struct {
	KeyId            string
	Marker           string
	PolicyName       *string
	GrantId          string
	GranteePrincipal string
	Limit            *int32
}

func kmsService() *service {
	key := func(c *call, r *kmsRequest) string { return kmsKeyIDOf(c, r.KeyId) }
	return jsonRPCService("kms", "TrentService.", map[string]jsonOp[kmsRequest]{
		"ListKeys":             {handle: kmsListKeys},
		"ListAliases":          {handle: kmsListAliases, resource: key},
		"DescribeKey":          {handle: kmsDescribeKey, resource: key},
		"GetKeyPolicy":         {handle: kmsGetKeyPolicy, resource: key},
		"ListKeyPolicies":      {handle: kmsListKeyPolicies, resource: key},
		"ListGrants":           {handle: kmsListGrants, resource: key},
		"GetKeyRotationStatus": {handle: kmsGetKeyRotationStatus, resource: key},
	})
}

func kmsARN(region, account, resource string) string {
	return "arn:aws:kms:" + region + ":" + account + ":" + resource
}

// kmsKey is a key with where it lives.
type kmsKey struct {
	account *Account
	region  string
	key     *KMSKey
}

func (k kmsKey) arn() string { return kmsARN(k.region, k.account.ID, "key/"+k.key.ID) }

func keysIn(a *Account, region string) []kmsKey {
	var out []kmsKey
	for _, k := range a.KMS.Keys {
		if k != nil && regionOf(a, k.Region) == region {
			out = append(out, kmsKey{a, region, k})
		}
	}
	slices.SortFunc(out, func(x, y kmsKey) int { return strings.Compare(x.key.ID, y.key.ID) })
	return out
}

func findKey(a *Account, region, id string) (kmsKey, bool) {
	for _, k := range keysIn(a, region) {
		if k.key.ID == id {
			return k, true
		}
	}
	return kmsKey{}, false
}

// kmsAlias is an alias with where it lives; target is a key id, empty for a
// predefined AWS alias whose key does not exist yet.
type kmsAlias struct {
	name, target string
	created      time.Time
}

// aliasesIn lists the region's aliases by name: the fixture's, plus
// alias/aws/SERVICE for each AWS managed key.
func aliasesIn(a *Account, region string) []kmsAlias {
	var out []kmsAlias
	for _, al := range a.KMS.Aliases {
		if al != nil && regionOf(a, al.Region) == region {
			out = append(out, kmsAlias{al.Name, al.Target, al.Created})
		}
	}
	for _, k := range keysIn(a, region) {
		if k.key.AWSService != "" {
			out = append(out, kmsAlias{"alias/aws/" + k.key.AWSService, k.key.ID, k.key.Created})
		}
	}
	slices.SortFunc(out, func(x, y kmsAlias) int { return strings.Compare(x.name, y.name) })
	return out
}

// kmsKeyIDOf is the key id a KeyId refers to in the caller's account and
// region (resolving aliases), for fault matching; the ref itself when it
// resolves to nothing.
func kmsKeyIDOf(c *call, ref string) string {
	if k, err := resolveKey(c, "DescribeKey", ref, true); err == nil {
		return k.key.ID
	}
	if i := strings.LastIndex(ref, ":key/"); i >= 0 {
		return ref[i+len(":key/"):]
	}
	return ref
}

func kmsNotFound(msg string) error { return errorFor("kms", "NotFoundException", msg) }

func kmsDenied(c *call, op, arn string) error {
	return errorFor("kms", ErrAccessDenied, "User: "+c.caller.arn()+" is not authorized to perform: kms:"+op+" on resource: "+arn+
		" because no resource-based policy allows the kms:"+op+" action")
}

// resolveKey finds the key a KeyId names: a key id or key ARN, or (where
// the operation takes them) an alias name or alias ARN. As KMS answers:
// anything else is NotFoundException "Invalid keyId X"
// (crossplane-contrib/provider-aws#1056); an unknown key "Key 'ARN' does not
// exist" (hashicorp/terraform-provider-aws#1818); an unknown alias "Alias
// ARN is not found." (giantswarm/aws-operator#1015). Another account's key
// is AccessDeniedException, as the fake does not evaluate key policies, and
// so is a key whose denied_reads names op.
func resolveKey(c *call, op, ref string, aliases bool) (kmsKey, error) {
	a := c.account()
	account, region, rest := a.ID, c.region, ref
	if strings.HasPrefix(ref, "arn:") {
		p := strings.SplitN(ref, ":", 6)
		if len(p) != 6 || p[0] != "arn" || p[1] != "aws" || p[2] != "kms" || !accountIDRE.MatchString(p[4]) {
			return kmsKey{}, kmsNotFound("Invalid arn " + ref)
		}
		account, region, rest = p[4], p[3], p[5]
	}
	var id string
	switch {
	case strings.HasPrefix(rest, "key/") && strings.HasPrefix(ref, "arn:"):
		id = strings.TrimPrefix(rest, "key/")
	case strings.HasPrefix(rest, "alias/") && aliases:
		aliasARN := kmsARN(region, account, rest)
		owner := c.srv.accounts[account]
		if owner == nil || region != c.region {
			return kmsKey{}, kmsNotFound("Alias " + aliasARN + " is not found.")
		}
		for _, al := range aliasesIn(owner, region) {
			if al.name == rest && al.target != "" {
				id = al.target
			}
		}
		if id == "" {
			return kmsKey{}, kmsNotFound("Alias " + aliasARN + " is not found.")
		}
	case kmsKeyIDRE.MatchString(rest) && !strings.HasPrefix(ref, "arn:"):
		id = rest
	default:
		return kmsKey{}, kmsNotFound("Invalid keyId " + ref)
	}
	arn := kmsARN(region, account, "key/"+id)
	owner := c.srv.accounts[account]
	var k kmsKey
	found := false
	if owner != nil && region == c.region {
		k, found = findKey(owner, region, id)
	}
	switch {
	case !found:
		return kmsKey{}, kmsNotFound("Key '" + arn + "' does not exist")
	case owner.ID != a.ID, slices.Contains(k.key.DeniedReads, op):
		return kmsKey{}, kmsDenied(c, op, arn)
	}
	return k, nil
}

// kmsPage pages items sorted by key with KMS's Marker/NextMarker and
// Truncated. A marker the fake did not issue is InvalidMarkerException.
func kmsPage[T any](req *kmsRequest, items []T, key func(T) string, kind string, def, max int) ([]T, string, error) {
	limit, err := pageSize(req.Limit, def, max, func(v int32) error {
		return errorFor("kms", "ValidationException", limitError("limit", v, max))
	})
	if err != nil {
		return nil, "", err
	}
	out, next, ok := page(items, key, kind, req.Marker, limit)
	if !ok {
		return nil, "", errorFor("kms", "InvalidMarkerException", "")
	}
	return out, next, nil
}

// listJSON is a KMS list answer: the items under name, Truncated, and
// NextMarker when truncated.
func listJSON(name string, items any, next string) map[string]any {
	out := map[string]any{name: items, "Truncated": next != ""}
	if next != "" {
		out["NextMarker"] = next
	}
	return out
}

func kmsListKeys(c *call, req *kmsRequest) (*response, error) {
	keys, next, err := kmsPage(req, keysIn(c.account(), c.region), func(k kmsKey) string { return k.key.ID }, "key", 100, 1000)
	if err != nil {
		return nil, err
	}
	type entry struct{ KeyId, KeyArn string }
	entries := []entry{}
	for _, k := range keys {
		entries = append(entries, entry{k.key.ID, k.arn()})
	}
	return json11(listJSON("Keys", entries, next))
}

// keyMetadata is DescribeKey's KeyMetadata (API Reference, KeyMetadata).
func keyMetadata(k kmsKey) map[string]any {
	spec := orDefault(k.key.Spec, "SYMMETRIC_DEFAULT")
	usage := orDefault(k.key.Usage, kmsSpecUsages[spec][0])
	state := orDefault(k.key.State, "Enabled")
	manager := "CUSTOMER"
	if k.key.AWSService != "" {
		manager = "AWS"
	}
	md := map[string]any{
		"AWSAccountId":          k.account.ID,
		"KeyId":                 k.key.ID,
		"Arn":                   k.arn(),
		"CreationDate":          epochSeconds(orDefaultTime(k.key.Created)),
		"Enabled":               state == "Enabled",
		"Description":           k.key.Description,
		"KeyUsage":              usage,
		"KeyState":              state,
		"Origin":                orDefault(k.key.Origin, "AWS_KMS"),
		"KeyManager":            manager,
		"CustomerMasterKeySpec": spec,
		"KeySpec":               spec,
		"MultiRegion":           strings.HasPrefix(k.key.ID, "mrk-"),
	}
	if member, algs := kmsAlgorithms(spec, usage); member != "" {
		md[member] = algs
	}
	if state == "PendingDeletion" {
		md["DeletionDate"] = epochSeconds(k.key.DeletionDate)
		md["PendingDeletionWindowInDays"] = cmp.Or(k.key.PendingWindowDays, 30) // ScheduleKeyDeletion: the window defaults to 30 days
	}
	if md["MultiRegion"] == true {
		md["MultiRegionConfiguration"] = multiRegionConfig(k)
	}
	return md
}

// multiRegionConfig lists a multi-Region key's primary and replicas: the
// keys with its id in the account's other regions.
func multiRegionConfig(k kmsKey) map[string]any {
	type regional struct{ Arn, Region string }
	primary := orDefault(k.key.PrimaryRegion, k.region)
	var replicas []regional
	for _, other := range k.account.KMS.Keys {
		if other == nil || other.ID != k.key.ID {
			continue
		}
		r := regionOf(k.account, other.Region)
		if r != primary {
			replicas = append(replicas, regional{kmsARN(r, k.account.ID, "key/"+other.ID), r})
		}
	}
	slices.SortFunc(replicas, func(x, y regional) int { return strings.Compare(x.Region, y.Region) })
	kind := "PRIMARY"
	if k.region != primary {
		kind = "REPLICA"
	}
	return map[string]any{
		"MultiRegionKeyType": kind,
		"PrimaryKey":         regional{kmsARN(primary, k.account.ID, "key/"+k.key.ID), primary},
		"ReplicaKeys":        append([]regional{}, replicas...),
	}
}

func kmsDescribeKey(c *call, req *kmsRequest) (*response, error) {
	k, err := resolveKey(c, "DescribeKey", req.KeyId, true)
	if err != nil {
		return nil, err
	}
	return json11(map[string]any{"KeyMetadata": keyMetadata(k)})
}

// keyPolicy is the key's policy text: the fixture's, else what KMS writes.
func keyPolicy(k kmsKey) string {
	switch {
	case k.key.Policy != nil:
		return k.key.Policy.JSON
	case k.key.AWSService != "" && awsManagedKeyPolicies[k.key.AWSService] != nil:
		return awsManagedKeyPolicies[k.key.AWSService].text(k.region, k.account.ID)
	}
	return defaultKeyPolicy(k.account.ID)
}

// kmsGetKeyPolicy answers the key's one policy, "default" (the API takes
// key ids and ARNs, not aliases). AWS_RAM, a policy only keys shared
// through RAM have, is NotFoundException (API Reference, GetKeyPolicy).
func kmsGetKeyPolicy(c *call, req *kmsRequest) (*response, error) {
	k, err := resolveKey(c, "GetKeyPolicy", req.KeyId, false)
	if err != nil {
		return nil, err
	}
	name := "default"
	if req.PolicyName != nil {
		name = *req.PolicyName
	}
	if name != "default" {
		return nil, kmsNotFound("No such policy exists: " + name)
	}
	return json11(struct{ Policy, PolicyName string }{keyPolicy(k), name})
}

func kmsListKeyPolicies(c *call, req *kmsRequest) (*response, error) {
	if _, err := resolveKey(c, "ListKeyPolicies", req.KeyId, false); err != nil {
		return nil, err
	}
	names, next, err := kmsPage(req, []string{"default"}, func(s string) string { return s }, "policy", 100, 1000)
	if err != nil {
		return nil, err
	}
	return json11(listJSON("PolicyNames", names, next))
}

type grantJSON struct {
	KeyId             string
	GrantId           string
	Name              string
	CreationDate      epochSeconds
	GranteePrincipal  string
	RetiringPrincipal string `json:",omitempty"`
	IssuingAccount    string
	Operations        []string
	Constraints       *constraintJSON `json:",omitempty"`
}

type constraintJSON struct {
	EncryptionContextSubset map[string]string `json:",omitempty"`
	EncryptionContextEquals map[string]string `json:",omitempty"`
}

// kmsListGrants lists a key's grants by grant id, filtered by GrantId and
// GranteePrincipal. KeyId in each grant is the key ARN and IssuingAccount
// the issuing account's root ARN, as in the API Reference's ListGrants
// example.
func kmsListGrants(c *call, req *kmsRequest) (*response, error) {
	k, err := resolveKey(c, "ListGrants", req.KeyId, false)
	if err != nil {
		return nil, err
	}
	var grants []grantJSON
	for i, g := range k.key.Grants {
		if g == nil {
			continue
		}
		id := g.id(k.account, k.key, i)
		if (req.GrantId != "" && id != req.GrantId) || (req.GranteePrincipal != "" && g.GranteePrincipal != req.GranteePrincipal) {
			continue
		}
		gj := grantJSON{KeyId: k.arn(), GrantId: id, Name: g.Name, CreationDate: epochSeconds(orDefaultTime(g.Created)),
			GranteePrincipal: g.GranteePrincipal, RetiringPrincipal: g.RetiringPrincipal,
			IssuingAccount: "arn:aws:iam::" + orDefault(g.IssuingAccount, k.account.ID) + ":root", Operations: g.Operations}
		if ct := g.Constraints; ct != nil {
			gj.Constraints = &constraintJSON{ct.EncryptionContextSubset, ct.EncryptionContextEquals}
		}
		grants = append(grants, gj)
	}
	slices.SortFunc(grants, func(x, y grantJSON) int { return strings.Compare(x.GrantId, y.GrantId) })
	grants, next, err := kmsPage(req, grants, func(g grantJSON) string { return g.GrantId }, "grant", 50, 100)
	if err != nil {
		return nil, err
	}
	return json11(listJSON("Grants", append([]grantJSON{}, grants...), next))
}

type aliasJSON struct {
	AliasName       string
	AliasArn        string
	TargetKeyId     string        `json:",omitempty"`
	CreationDate    *epochSeconds `json:",omitempty"`
	LastUpdatedDate *epochSeconds `json:",omitempty"`
}

// kmsListAliases lists the region's aliases, or with KeyId (key id or key
// ARN of the caller's account) those of one key. A predefined AWS alias
// whose key does not exist yet has no TargetKeyId or dates.
func kmsListAliases(c *call, req *kmsRequest) (*response, error) {
	target := ""
	if req.KeyId != "" {
		k, err := resolveKey(c, "ListAliases", req.KeyId, false)
		if err != nil {
			return nil, err
		}
		target = k.key.ID
	}
	a := c.account()
	var aliases []aliasJSON
	for _, al := range aliasesIn(a, c.region) {
		if target != "" && al.target != target {
			continue
		}
		aj := aliasJSON{AliasName: al.name, AliasArn: kmsARN(c.region, a.ID, al.name), TargetKeyId: al.target}
		if al.target != "" {
			t := epochSeconds(orDefaultTime(al.created))
			aj.CreationDate, aj.LastUpdatedDate = &t, &t
		}
		aliases = append(aliases, aj)
	}
	aliases, next, err := kmsPage(req, aliases, func(al aliasJSON) string { return al.AliasName }, "alias", 50, 100)
	if err != nil {
		return nil, err
	}
	return json11(listJSON("Aliases", append([]aliasJSON{}, aliases...), next))
}

// kmsGetKeyRotationStatus: AWS managed keys rotate every year, always
// (Developer Guide, "Rotating AWS KMS keys"); customer keys as the fixture
// says. Automatic rotation exists for symmetric encryption keys only;
// other specs are UnsupportedOperationException.
func kmsGetKeyRotationStatus(c *call, req *kmsRequest) (*response, error) {
	k, err := resolveKey(c, "GetKeyRotationStatus", req.KeyId, false)
	if err != nil {
		return nil, err
	}
	if spec := orDefault(k.key.Spec, "SYMMETRIC_DEFAULT"); spec != "SYMMETRIC_DEFAULT" || orDefault(k.key.Origin, "AWS_KMS") != "AWS_KMS" {
		return nil, errorFor("kms", "UnsupportedOperationException", k.arn()+" origin or key spec is unsupported for this operation.")
	}
	enabled := k.key.RotationEnabled || k.key.AWSService != ""
	out := map[string]any{"KeyId": k.arn(), "KeyRotationEnabled": enabled}
	if enabled {
		out["RotationPeriodInDays"] = 365
	}
	return json11(out)
}
