package fakeaws

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Secrets Manager (AWS JSON 1.1, X-Amz-Target secretsmanager.Op):
// ListSecrets, DescribeSecret, GetResourcePolicy. Sources: the Secrets
// Manager API Reference (request and member docs in the aws-sdk-go-v2
// secretsmanager module, api_op_*.go and types/types.go) and the module's
// response snapshots.
//
// GetSecretValue and BatchGetSecretValue are deliberately not served: they
// answer UnknownOperationException like any operation the fake does not
// implement, so no secret value ever leaves the fake.

const smPageSize = 100

// smRequest holds the request members of the operations served.
type smRequest struct {
	SecretId               string
	NextToken              string
	MaxResults             *int32
	IncludePlannedDeletion *bool
	SortBy                 string
	SortOrder              string
	Filters                []smFilter
}

// smFilter is types.Filter.
type smFilter struct {
	Key    string
	Values []string
}

func secretsManagerService() *service {
	return jsonRPCService("secretsmanager", "secretsmanager.", map[string]jsonOp[smRequest]{
		"ListSecrets":       {handle: smListSecrets},
		"DescribeSecret":    {handle: smDescribeSecret, resource: smResource},
		"GetResourcePolicy": {handle: smGetResourcePolicy, resource: smResource},
	})
}

// smResource is the secret name a SecretId refers to, for fault matching.
func smResource(c *call, r *smRequest) string {
	if s, err := findSecret(c, "DescribeSecret", r.SecretId); err == nil {
		return s.Name
	}
	return r.SecretId
}

// secretARN: arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX, the
// six characters AWS appends to every secret name.
func secretARN(region, account, name, suffix string) string {
	return "arn:aws:secretsmanager:" + region + ":" + account + ":secret:" + name + "-" + suffix
}

// smSecret is a secret as the API shows it, with its ARN.
type smSecret struct {
	*Secret
	arn string
}

// secretsIn lists the region's secrets: the fixture's, and the secret
// EventBridge keeps each connection's credentials in (OwningService
// events; EventBridge User Guide, "Connections for API destinations").
func secretsIn(a *Account, region string) []smSecret {
	var out []smSecret
	for _, s := range a.SecretsManager.Secrets {
		if s != nil && regionOf(a, s.Region) == region {
			suffix := orDefault(s.Suffix, derivedAlnum(6, "secret:"+a.ID+":"+region+":"+s.Name))
			out = append(out, smSecret{s, secretARN(region, a.ID, s.Name, suffix)})
		}
	}
	for _, ec := range connectionsIn(a, region) {
		s := &Secret{Name: ec.secretName(a), Region: region, KMSKeyID: ec.KMSKey, OwningService: "events", Created: ec.Created}
		out = append(out, smSecret{s, secretARN(region, a.ID, s.Name, derivedAlnum(6, "events-connection-suffix:"+ec.arn(a)))})
	}
	return out
}

// findSecret resolves a SecretId: a name, a full ARN, or a partial ARN
// (the ARN without its six-character suffix). Another account's secret is
// AccessDeniedException (resource policies are not evaluated); anything
// else unknown is ResourceNotFoundException "Secrets Manager can't find
// the specified secret."
func findSecret(c *call, op, ref string) (smSecret, error) {
	a := c.account()
	if strings.HasPrefix(ref, "arn:") {
		p := strings.SplitN(ref, ":", 7)
		if len(p) == 7 && p[2] == "secretsmanager" && p[4] != a.ID {
			if other := c.srv.accounts[p[4]]; other != nil && p[3] == c.region {
				for _, s := range secretsIn(other, c.region) {
					if s.arn == ref || secretARN(c.region, other.ID, s.Name, "") == ref+"-" {
						return smSecret{}, errorFor("secretsmanager", ErrAccessDenied, fmt.Sprintf("User: %s is not authorized to perform: secretsmanager:%s on resource: %s because no resource-based policy allows the secretsmanager:%s action", c.caller.arn(), op, ref, op))
					}
				}
			}
		}
	}
	for _, s := range secretsIn(a, c.region) {
		if s.Name == ref || s.arn == ref || strings.TrimSuffix(s.arn, s.arn[len(s.arn)-7:]) == ref {
			return s, nil
		}
	}
	return smSecret{}, errorFor("secretsmanager", "ResourceNotFoundException", "")
}

type tagJSON struct{ Key, Value string }

type rotationRulesJSON struct {
	AutomaticallyAfterDays int    `json:",omitempty"`
	ScheduleExpression     string `json:",omitempty"`
	Duration               string `json:",omitempty"`
}

// secretJSON is SecretListEntry (ListSecrets) and DescribeSecretResponse;
// versionsKey picks SecretVersionsToStages or VersionIdsToStages.
func secretJSON(s smSecret, versionsKey string) map[string]any {
	out := map[string]any{
		"ARN":         s.arn,
		"Name":        s.Name,
		"CreatedDate": epochSeconds(orDefaultTime(s.Created)),
	}
	set := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	date := func(k string, t time.Time) {
		if !t.IsZero() {
			out[k] = epochSeconds(t)
		}
	}
	set("Description", s.Description)
	// KmsKeyId: "If the secret is encrypted with the AWS managed key
	// aws/secretsmanager, this field is omitted" (API Reference).
	set("KmsKeyId", s.KMSKeyID)
	set("RotationLambdaARN", s.RotationLambdaARN)
	set("OwningService", s.OwningService)
	set("PrimaryRegion", s.PrimaryRegion)
	out["LastChangedDate"] = epochSeconds(orDefaultTime(cmp.Or(s.LastChanged, s.Created)))
	date("LastRotatedDate", s.LastRotated)
	date("NextRotationDate", s.NextRotation)
	date("DeletedDate", s.Deleted)
	// LastAccessedDate is a date: the API Reference's DescribeSecret example
	// shows 1523923200, midnight UTC.
	if !s.LastAccessed.IsZero() {
		out["LastAccessedDate"] = epochSeconds(s.LastAccessed.UTC().Truncate(24 * time.Hour))
	}
	rotation := s.RotationLambdaARN != "" || s.RotationRules != nil
	if s.RotationEnabled != nil {
		rotation = *s.RotationEnabled
	}
	if rotation {
		out["RotationEnabled"] = true
	}
	if r := s.RotationRules; r != nil {
		out["RotationRules"] = rotationRulesJSON{r.AutomaticallyAfterDays, r.ScheduleExpression, r.Duration}
	}
	if len(s.Tags) > 0 {
		tags := []tagJSON{}
		for _, k := range sortedKeys(s.Tags) {
			tags = append(tags, tagJSON{k, s.Tags[k]})
		}
		out["Tags"] = tags
	}
	versions := s.Versions
	if len(versions) == 0 {
		versions = map[string][]string{derivedUUID("secret-version:" + s.arn): {"AWSCURRENT"}}
	}
	out[versionsKey] = versions
	return out
}

// secretMatches applies one ListSecrets filter (types.Filter): values are
// ORed, a value starting with ! negates; name, tag-key, tag-value,
// primary-region and owning-service are case-sensitive prefix matches,
// description a case-insensitive one, and all matches each word of the
// value against every attribute, ignoring case.
func secretMatches(s smSecret, key string, values []string) bool {
	var fields []string
	fold := false
	switch key {
	case "name":
		fields = []string{s.Name}
	case "description":
		fields, fold = []string{s.Description}, true
	case "tag-key":
		fields = sortedKeys(s.Tags)
	case "tag-value":
		for _, k := range sortedKeys(s.Tags) {
			fields = append(fields, s.Tags[k])
		}
	case "primary-region":
		fields = []string{s.PrimaryRegion}
	case "owning-service":
		fields = []string{s.OwningService}
	case "all":
		fields, fold = []string{s.Name, s.Description, s.OwningService, s.PrimaryRegion}, true
		for k, v := range s.Tags {
			fields = append(fields, k, v)
		}
	}
	match := func(v string) bool {
		for _, word := range strings.Fields(v) {
			if !slices.ContainsFunc(fields, func(f string) bool {
				if fold {
					return strings.HasPrefix(strings.ToLower(f), strings.ToLower(word)) || (key == "all" && strings.Contains(strings.ToLower(f), strings.ToLower(word)))
				}
				return strings.HasPrefix(f, word)
			}) {
				return false
			}
		}
		return true
	}
	for _, v := range values {
		if neg, ok := strings.CutPrefix(v, "!"); ok {
			if !match(neg) {
				return true
			}
		} else if match(v) {
			return true
		}
	}
	return false
}

var smFilterKeys = []string{"description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"}

func smListSecrets(c *call, req *smRequest) (*response, error) {
	limit, err := pageSize(req.MaxResults, smPageSize, smPageSize, func(v int32) error {
		return errorFor("secretsmanager", "ValidationException", limitError("maxResults", v, smPageSize))
	})
	if err != nil {
		return nil, err
	}
	for i, f := range req.Filters {
		if !slices.Contains(smFilterKeys, f.Key) {
			return nil, errorFor("secretsmanager", "ValidationException", fmt.Sprintf("1 validation error detected: Value '%s' at 'filters.%d.member.key' failed to satisfy constraint: Member must satisfy enum value set: [%s]", f.Key, i+1, strings.Join(smFilterKeys, ", ")))
		}
	}
	var secrets []smSecret
	for _, s := range secretsIn(c.account(), c.region) {
		if !s.Deleted.IsZero() && (req.IncludePlannedDeletion == nil || !*req.IncludePlannedDeletion) {
			continue // "not including secrets that are marked for deletion"
		}
		if !slices.ContainsFunc(req.Filters, func(f smFilter) bool { return !secretMatches(s, f.Key, f.Values) }) {
			secrets = append(secrets, s)
		}
	}
	by := func(s smSecret) string { return orDefaultTime(s.Created).UTC().Format(time.RFC3339Nano) }
	switch req.SortBy {
	case "name":
		by = func(s smSecret) string { return s.Name }
	case "last-changed-date":
		by = func(s smSecret) string {
			return orDefaultTime(cmp.Or(s.LastChanged, s.Created)).UTC().Format(time.RFC3339Nano)
		}
	case "last-accessed-date":
		by = func(s smSecret) string { return s.LastAccessed.UTC().Format(time.RFC3339Nano) }
	}
	slices.SortStableFunc(secrets, func(x, y smSecret) int { return cmp.Or(strings.Compare(by(x), by(y)), strings.Compare(x.Name, y.Name)) })
	if req.SortOrder == "desc" {
		slices.Reverse(secrets)
	}
	// Page by position in the sorted list: the token names the last one sent.
	type ranked struct {
		pos string
		s   smSecret
	}
	all := make([]ranked, len(secrets))
	for i, s := range secrets {
		all[i] = ranked{fmt.Sprintf("%08d", i), s}
	}
	got, next, ok := page(all, func(r ranked) string { return r.pos }, "secret", req.NextToken, limit)
	if !ok {
		return nil, errorFor("secretsmanager", "InvalidNextTokenException", "")
	}
	list := []map[string]any{}
	for _, r := range got {
		list = append(list, secretJSON(r.s, "SecretVersionsToStages"))
	}
	out := map[string]any{"SecretList": list}
	if next != "" {
		out["NextToken"] = next
	}
	return json11(out)
}

func smDescribeSecret(c *call, req *smRequest) (*response, error) {
	s, err := findSecret(c, "DescribeSecret", req.SecretId)
	if err != nil {
		return nil, err
	}
	return json11(secretJSON(s, "VersionIdsToStages"))
}

// smGetResourcePolicy answers ARN and Name, plus ResourcePolicy (and its
// PolicyName, "default") only when the secret has a policy.
func smGetResourcePolicy(c *call, req *smRequest) (*response, error) {
	s, err := findSecret(c, "GetResourcePolicy", req.SecretId)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"ARN": s.arn, "Name": s.Name}
	if s.Policy != nil {
		out["ResourcePolicy"] = s.Policy.JSON
		out["PolicyName"] = "default"
	}
	return json11(out)
}
