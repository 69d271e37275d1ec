package fakeaws

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// KMS is an account's KMS state (FIXTURE.md, "kms"). Keys and aliases are
// regional.
type KMS struct {
	Keys    []*KMSKey   `yaml:"keys"`
	Aliases []*KMSAlias `yaml:"aliases"`
}

// KMSKey is one KMS key.
type KMSKey struct {
	// ID is the key id: a UUID, or mrk- and 32 hex digits for a multi-Region
	// key (the same id in several regions: one primary, the rest replicas).
	ID     string `yaml:"id"`
	Region string `yaml:"region"`
	// AWSService makes the key the AWS managed key of that service
	// (KeyManager AWS, alias alias/aws/SERVICE); absent: a customer managed
	// key.
	AWSService  string `yaml:"aws_service"`
	Description string `yaml:"description"`
	// Policy is the key policy. Absent: KMS's default key policy for a
	// customer managed key (kms.go defaultKeyPolicy), or the AWS-written
	// policy of an AWS managed key where AWS documents one.
	Policy  *Document `yaml:"policy"`
	State   string    `yaml:"state"`  // Enabled (default) | Disabled | PendingDeletion | PendingImport | Unavailable | ...
	Spec    string    `yaml:"spec"`   // SYMMETRIC_DEFAULT (default), RSA_2048, ECC_NIST_P256, HMAC_256, ...
	Usage   string    `yaml:"usage"`  // default by spec: ENCRYPT_DECRYPT, SIGN_VERIFY for ECC, GENERATE_VERIFY_MAC for HMAC
	Origin  string    `yaml:"origin"` // AWS_KMS (default) | EXTERNAL | AWS_CLOUDHSM | EXTERNAL_KEY_STORE
	Created time.Time `yaml:"created"`
	// DeletionDate and PendingWindowDays describe a key in PendingDeletion.
	DeletionDate      time.Time `yaml:"deletion_date"`
	PendingWindowDays int       `yaml:"pending_window_days"`
	// PrimaryRegion is the primary's region for a multi-Region key (default:
	// the key's own region, which makes it the primary).
	PrimaryRegion   string `yaml:"primary_region"`
	RotationEnabled bool   `yaml:"rotation_enabled"`
	// DeniedReads are the read operations the key policy does not let the
	// scanning caller perform on this key (DescribeKey, GetKeyPolicy,
	// ListKeyPolicies, ListGrants, GetKeyRotationStatus): each answers
	// KMS's AccessDeniedException. ListKeys and ListAliases are IAM-only
	// permissions and still show the key.
	DeniedReads []string    `yaml:"denied_reads"`
	Grants      []*KMSGrant `yaml:"grants"`
}

// KMSGrant is a grant on a key.
type KMSGrant struct {
	// ID is the grant id (64 hex digits; default derived).
	ID                string `yaml:"id"`
	Name              string `yaml:"name"`
	GranteePrincipal  string `yaml:"grantee_principal"`
	RetiringPrincipal string `yaml:"retiring_principal"`
	// IssuingAccount defaults to the key's account (sent as its root ARN).
	IssuingAccount string         `yaml:"issuing_account"`
	Operations     []string       `yaml:"operations"`
	Constraints    *KMSConstraint `yaml:"constraints"`
	Created        time.Time      `yaml:"created"`
}

// KMSConstraint is a grant's encryption context constraint.
type KMSConstraint struct {
	EncryptionContextSubset map[string]string `yaml:"encryption_context_subset"`
	EncryptionContextEquals map[string]string `yaml:"encryption_context_equals"`
}

// KMSAlias is an alias. An alias without a target is a predefined AWS
// alias whose AWS managed key does not exist yet; ListAliases shows it
// without TargetKeyId.
type KMSAlias struct {
	Name    string    `yaml:"name"` // alias/...
	Region  string    `yaml:"region"`
	Target  string    `yaml:"target"` // key id in the same region
	Created time.Time `yaml:"created"`
}

var (
	kmsKeyIDRE   = regexp.MustCompile(`^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)
	kmsAliasRE   = regexp.MustCompile(`^alias/[a-zA-Z0-9/_-]{1,250}$`)
	kmsServiceRE = regexp.MustCompile(`^[a-z0-9-]{2,40}$`)
	grantIDRE    = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

var (
	kmsKeyStates = []string{"Creating", "Enabled", "Disabled", "PendingDeletion", "PendingImport", "PendingReplicaDeletion", "Unavailable", "Updating"}
	kmsOrigins   = []string{"AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"}
	// kmsGrantOperations is GrantOperation in the KMS API reference.
	kmsGrantOperations = []string{"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
		"Sign", "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair",
		"GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "DeriveSharedSecret"}
	// kmsKeyReads are the reads a key policy can deny (denied_reads).
	kmsKeyReads = []string{"DescribeKey", "GetKeyPolicy", "ListKeyPolicies", "ListGrants", "GetKeyRotationStatus"}
)

func (v *validator) kms(p []any, a *Account) {
	type regional struct{ region, name string }
	keys := map[regional]*KMSKey{}
	for j, k := range a.KMS.Keys {
		kp := at(p, "kms", "keys", j)
		if k == nil {
			v.errf(kp, "empty key")
			continue
		}
		region := regionOf(a, k.Region)
		if !validRegion(region) {
			v.errf(at(kp, "region"), "%q is not a region name", k.Region)
		} else if !a.regionEnabled(region) {
			v.errf(at(kp, "region"), "region %s is not enabled for account %s", region, a.ID)
		}
		rk := regional{region, k.ID}
		switch {
		case !kmsKeyIDRE.MatchString(k.ID):
			v.errf(at(kp, "id"), "key id %q is not a lower-case UUID or mrk- and 32 hex digits", k.ID)
		case keys[rk] != nil:
			v.errf(at(kp, "id"), "key %s appears twice in %s", k.ID, region)
		}
		keys[rk] = k
		if k.AWSService != "" && !kmsServiceRE.MatchString(k.AWSService) {
			v.errf(at(kp, "aws_service"), "aws_service %q is not a service name such as s3 or secretsmanager", k.AWSService)
		}
		if k.AWSService != "" && k.Policy == nil && awsManagedKeyPolicies[k.AWSService] == nil {
			v.errf(at(kp, "aws_service"), "AWS documents no key policy for the AWS managed key of %s that the fake knows (it knows %s); give the key its policy",
				k.AWSService, strings.Join(sortedKeys(awsManagedKeyPolicies), ", "))
		}
		if k.State != "" && !slices.Contains(kmsKeyStates, k.State) {
			v.errf(at(kp, "state"), "state %q is not one of %s", k.State, strings.Join(kmsKeyStates, ", "))
		}
		if k.Origin != "" && !slices.Contains(kmsOrigins, k.Origin) {
			v.errf(at(kp, "origin"), "origin %q is not one of %s", k.Origin, strings.Join(kmsOrigins, ", "))
		}
		spec := orDefault(k.Spec, "SYMMETRIC_DEFAULT")
		usages, ok := kmsSpecUsages[spec]
		switch {
		case !ok:
			v.errf(at(kp, "spec"), "spec %q is not a KMS key spec (%s)", k.Spec, strings.Join(sortedKeys(kmsSpecUsages), ", "))
		case k.Usage != "" && !slices.Contains(usages, k.Usage):
			v.errf(at(kp, "usage"), "usage %q is not valid for spec %s (%s)", k.Usage, spec, strings.Join(usages, ", "))
		}
		if (k.State == "PendingDeletion") != !k.DeletionDate.IsZero() {
			v.errf(at(kp, "deletion_date"), "deletion_date goes with state PendingDeletion, and only with it")
		}
		if k.PendingWindowDays != 0 && (k.PendingWindowDays < 7 || k.PendingWindowDays > 30) {
			v.errf(at(kp, "pending_window_days"), "pending_window_days %d is not between 7 and 30", k.PendingWindowDays)
		}
		if k.PrimaryRegion != "" && !strings.HasPrefix(k.ID, "mrk-") {
			v.errf(at(kp, "primary_region"), "primary_region applies to multi-Region keys (ids mrk-...)")
		}
		for i, r := range k.DeniedReads {
			if !slices.Contains(kmsKeyReads, r) {
				v.errf(at(kp, "denied_reads", i), "%q is not one of %s", r, strings.Join(kmsKeyReads, ", "))
			}
		}
		grants := map[string]bool{}
		for i, g := range k.Grants {
			gp := at(kp, "grants", i)
			if g == nil {
				v.errf(gp, "empty grant")
				continue
			}
			id := g.id(a, k, i)
			if g.ID != "" && !grantIDRE.MatchString(g.ID) {
				v.errf(at(gp, "id"), "grant id %q is not 64 lower-case hex digits", g.ID)
			} else if grants[id] {
				v.errf(at(gp, "id"), "grant %s appears twice on key %s", id, k.ID)
			}
			grants[id] = true
			if g.GranteePrincipal == "" {
				v.errf(at(gp, "grantee_principal"), "a grant needs a grantee_principal")
			}
			if g.IssuingAccount != "" && !accountIDRE.MatchString(g.IssuingAccount) {
				v.errf(at(gp, "issuing_account"), "issuing_account %q is not 12 digits", g.IssuingAccount)
			}
			if len(g.Operations) == 0 {
				v.errf(at(gp, "operations"), "a grant needs at least one operation")
			}
			for o, op := range g.Operations {
				if !slices.Contains(kmsGrantOperations, op) {
					v.errf(at(gp, "operations", o), "operation %q is not a grant operation", op)
				}
			}
		}
	}
	aliases := map[regional]bool{}
	for j, al := range a.KMS.Aliases {
		ap := at(p, "kms", "aliases", j)
		if al == nil {
			v.errf(ap, "empty alias")
			continue
		}
		region := regionOf(a, al.Region)
		k := regional{region, al.Name}
		switch {
		case !kmsAliasRE.MatchString(al.Name):
			v.errf(at(ap, "name"), "%q is not an alias name (alias/ and 1-250 of [a-zA-Z0-9/_-])", al.Name)
		case aliases[k]:
			v.errf(at(ap, "name"), "alias %s appears twice in %s", al.Name, region)
		}
		aliases[k] = true
		if al.Target == "" && !strings.HasPrefix(al.Name, "alias/aws/") {
			v.errf(at(ap, "target"), "only predefined AWS aliases (alias/aws/...) may have no target")
		}
		if al.Target != "" && keys[regional{region, al.Target}] == nil {
			v.errf(at(ap, "target"), "key %s is not in the fixture in %s", al.Target, region)
		}
	}
	for rk, k := range keys {
		if k.AWSService != "" && aliases[regional{rk.region, "alias/aws/" + k.AWSService}] {
			v.errf(at(p, "kms", "aliases"), "alias/aws/%s in %s is the AWS managed key's own alias; leave it out", k.AWSService, rk.region)
		}
	}
}

// id is the grant's id: the fixture's, or 64 hex digits derived from the
// key and the grant's place.
func (g *KMSGrant) id(a *Account, k *KMSKey, i int) string {
	if g.ID != "" {
		return g.ID
	}
	return derivedHex(64, "kms-grant:", a.ID, regionOf(a, k.Region), k.ID, g.Name, g.GranteePrincipal, itoa(i))
}
