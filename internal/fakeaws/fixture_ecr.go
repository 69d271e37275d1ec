package fakeaws

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// ECR is an account's Amazon ECR state: one private registry per region
// (FIXTURE.md, "ecr"). Served by ecr.go.
type ECR struct {
	// Registries hold the registry-level settings of a region; a region not
	// listed has no registry policy and no replication.
	Registries   []*ECRRegistry   `yaml:"registries"`
	Repositories []*ECRRepository `yaml:"repositories"`
}

// ECRRegistry is the registry of one region.
type ECRRegistry struct {
	Region string `yaml:"region"`
	// Policy is GetRegistryPolicy's policyText; absent means
	// RegistryPolicyNotFoundException.
	Policy *Document `yaml:"policy"`
	// Replication is DescribeRegistry's replicationConfiguration.rules.
	Replication []*ECRReplicationRule `yaml:"replication"`
}

// ECRReplicationRule is one rule of a registry's replication configuration.
type ECRReplicationRule struct {
	Destinations      []ECRReplicationDestination `yaml:"destinations"`
	RepositoryFilters []ECRRepositoryFilter       `yaml:"repository_filters"`
}

// ECRReplicationDestination is a registry images are replicated to; it may
// be another account's (cross-account replication).
type ECRReplicationDestination struct {
	Region     string `yaml:"region"`
	RegistryID string `yaml:"registry_id"`
}

// ECRRepositoryFilter limits a replication rule to some repositories.
type ECRRepositoryFilter struct {
	Filter     string `yaml:"filter"`
	FilterType string `yaml:"filter_type"` // PREFIX_MATCH (the only type ECR has)
}

// ECRRepository is one private repository.
type ECRRepository struct {
	Name    string    `yaml:"name"`
	Region  string    `yaml:"region"` // default: the account's first region
	Created time.Time `yaml:"created"`
	// ImageTagMutability is MUTABLE (default), IMMUTABLE,
	// IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION.
	ImageTagMutability string         `yaml:"image_tag_mutability"`
	ScanOnPush         bool           `yaml:"scan_on_push"`
	Encryption         *ECREncryption `yaml:"encryption"` // default AES256
	// Policy is GetRepositoryPolicy's policyText; absent means
	// RepositoryPolicyNotFoundException.
	Policy *Document   `yaml:"policy"`
	Images []*ECRImage `yaml:"images"`
}

// ECREncryption is a repository's encryption configuration.
type ECREncryption struct {
	Type string `yaml:"type"` // AES256 | KMS | KMS_DSSE
	// KMSKey is the key of a KMS or KMS_DSSE repository; default the
	// account's AWS managed key (aws/ecr) in the repository's region.
	KMSKey string `yaml:"kms_key"`
}

// ECRImage is one image (manifest) of a repository.
type ECRImage struct {
	// Digest is sha256:<64 hex digits>; default derived from the repository
	// and the image's position.
	Digest     string     `yaml:"digest"`
	Tags       []string   `yaml:"tags"`
	Pushed     time.Time  `yaml:"pushed"`
	Size       int64      `yaml:"size"` // imageSizeInBytes; default derived
	LastPulled *time.Time `yaml:"last_pulled"`
}

var (
	// ecrRepoNameRE is the repositoryName pattern of the ECR API reference
	// (2-256 characters, checked separately).
	ecrRepoNameRE = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
	ecrDigestRE   = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
	// ecrTagRE is the OCI distribution spec's tag grammar (ECR accepts up
	// to 300 characters; the spec's 128 is what clients push).
	ecrTagRE = regexp.MustCompile(`^[\w][\w.-]{0,127}$`)
)

var (
	ecrMutabilities = []string{"MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION"}
	ecrEncryptions  = []string{"AES256", "KMS", "KMS_DSSE"}
)

// ecr checks an account's ECR section: names and enums in ECR's shapes,
// one repository of a name per region, one registry entry per region, tags
// and digests unique within a repository.
func (v *validator) ecr(p []any, a *Account) {
	p = at(p, "ecr")
	regs := map[string]bool{}
	for i, r := range a.ECR.Registries {
		rp := at(p, "registries", i)
		if r == nil {
			v.errf(rp, "empty registry")
			continue
		}
		switch {
		case !validRegion(r.Region):
			v.errf(at(rp, "region"), "%q is not a region name (a registry entry needs its region)", r.Region)
		case regs[r.Region]:
			v.errf(at(rp, "region"), "the registry of %s appears twice", r.Region)
		case !a.regionEnabled(r.Region):
			v.errf(at(rp, "region"), "region %s is not enabled for account %s", r.Region, a.ID)
		}
		regs[r.Region] = true
		for j, rule := range r.Replication {
			v.ecrReplicationRule(at(rp, "replication", j), rule)
		}
	}
	repos := map[[2]string]bool{}
	for i, r := range a.ECR.Repositories {
		rp := at(p, "repositories", i)
		if r == nil {
			v.errf(rp, "empty repository")
			continue
		}
		region := orDefault(r.Region, a.homeRegion())
		if !validRegion(region) {
			v.errf(at(rp, "region"), "%q is not a region name", r.Region)
		} else if !a.regionEnabled(region) {
			v.errf(at(rp, "region"), "region %s is not enabled for account %s", region, a.ID)
		}
		if len(r.Name) < 2 || len(r.Name) > 256 || !ecrRepoNameRE.MatchString(r.Name) {
			v.errf(at(rp, "name"), "%q is not an ECR repository name (2-256 lower-case letters, digits and ._-/ separators)", r.Name)
		} else if repos[[2]string{region, r.Name}] {
			v.errf(at(rp, "name"), "repository %s appears twice in %s", r.Name, region)
		}
		repos[[2]string{region, r.Name}] = true
		if r.ImageTagMutability != "" && !slices.Contains(ecrMutabilities, r.ImageTagMutability) {
			v.errf(at(rp, "image_tag_mutability"), "image_tag_mutability %q is not one of %s", r.ImageTagMutability, strings.Join(ecrMutabilities, ", "))
		}
		if e := r.Encryption; e != nil {
			if !slices.Contains(ecrEncryptions, e.Type) {
				v.errf(at(rp, "encryption", "type"), "encryption type %q is not one of %s", e.Type, strings.Join(ecrEncryptions, ", "))
			}
			if e.Type == "AES256" && e.KMSKey != "" {
				v.errf(at(rp, "encryption", "kms_key"), "an AES256 repository has no KMS key")
			}
		}
		v.ecrImages(at(rp, "images"), r)
	}
}

func (v *validator) ecrReplicationRule(p []any, rule *ECRReplicationRule) {
	if rule == nil {
		v.errf(p, "empty replication rule")
		return
	}
	if len(rule.Destinations) == 0 {
		v.errf(at(p, "destinations"), "a replication rule needs at least one destination")
	}
	for k, d := range rule.Destinations {
		if !validRegion(d.Region) {
			v.errf(at(p, "destinations", k, "region"), "%q is not a region name", d.Region)
		}
		if !accountIDRE.MatchString(d.RegistryID) {
			v.errf(at(p, "destinations", k, "registry_id"), "registry_id %q is not 12 digits", d.RegistryID)
		}
	}
	// Amazon ECR service quotas: 100 filters per rule.
	if len(rule.RepositoryFilters) > 100 {
		v.errf(at(p, "repository_filters"), "a rule has at most 100 filters, not %d", len(rule.RepositoryFilters))
	}
	for k, f := range rule.RepositoryFilters {
		if f.FilterType != "PREFIX_MATCH" {
			v.errf(at(p, "repository_filters", k, "filter_type"), "filter_type %q is not PREFIX_MATCH", f.FilterType)
		}
		if f.Filter == "" {
			v.errf(at(p, "repository_filters", k, "filter"), "a repository filter needs a filter")
		}
	}
}

func (v *validator) ecrImages(p []any, r *ECRRepository) {
	tags, digests := map[string]bool{}, map[string]bool{}
	for j, img := range r.Images {
		ip := at(p, j)
		if img == nil {
			v.errf(ip, "empty image")
			continue
		}
		if img.Digest != "" {
			if !ecrDigestRE.MatchString(img.Digest) {
				v.errf(at(ip, "digest"), "digest %q is not sha256: and 64 lower-case hex digits", img.Digest)
			} else if digests[img.Digest] {
				v.errf(at(ip, "digest"), "digest %s appears twice in repository %s", img.Digest, r.Name)
			}
			digests[img.Digest] = true
		}
		if img.Size < 0 {
			v.errf(at(ip, "size"), "size %d is negative", img.Size)
		}
		for k, t := range img.Tags {
			switch {
			case !ecrTagRE.MatchString(t):
				v.errf(at(ip, "tags", k), "%q is not an image tag", t)
			case tags[t]:
				v.errf(at(ip, "tags", k), "tag %s points at two images of repository %s (a tag names one image)", t, r.Name)
			}
			tags[t] = true
		}
	}
}
