package fakeaws

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Amazon ECR (AWS JSON 1.1, X-Amz-Target AmazonEC2ContainerRegistry_V20150921.Op,
// errors {"__type": Code, "message": ...} with HTTP 400). Sources: the ECR API
// Reference ("DescribeRepositories", "DescribeImages", "GetRepositoryPolicy",
// "GetRegistryPolicy", "DescribeRegistry") and aws-sdk-go-v2 service/ecr's
// request and response snapshots, which fix the member names (lower camel
// case) and the timestamps (epoch seconds).

const (
	ecrJSON   = "application/x-amz-json-1.1"
	ecrTarget = "AmazonEC2ContainerRegistry_V20150921."
)

// ecrRequest holds the members of the ECR requests the fake answers.
type ecrRequest struct {
	RegistryID      *string          `json:"registryId"`
	RepositoryName  *string          `json:"repositoryName"`
	RepositoryNames []string         `json:"repositoryNames"`
	ImageIDs        []ecrImageIDJSON `json:"imageIds"`
	Filter          *struct {
		TagStatus string `json:"tagStatus"`
	} `json:"filter"`
	NextToken  *string `json:"nextToken"`
	MaxResults *int    `json:"maxResults"`
}

type ecrImageIDJSON struct {
	ImageDigest string `json:"imageDigest,omitempty"`
	ImageTag    string `json:"imageTag,omitempty"`
}

var ecrHandlers = map[string]func(*call, *ecrRequest) (*response, error){
	"DescribeRepositories": ecrDescribeRepositories,
	"GetRepositoryPolicy":  ecrGetRepositoryPolicy,
	"GetRegistryPolicy":    ecrGetRegistryPolicy,
	"DescribeRegistry":     ecrDescribeRegistry,
	"DescribeImages":       ecrDescribeImages,
}

func ecrService() *service {
	return &service{route: func(c *call) (operation, bool) {
		name, ok := strings.CutPrefix(c.r.Header.Get("X-Amz-Target"), ecrTarget)
		h := ecrHandlers[name]
		if !ok || h == nil || c.r.Method != http.MethodPost {
			return operation{}, false
		}
		var req ecrRequest
		bad := len(c.body) > 0 && json.Unmarshal(c.body, &req) != nil
		resource := ""
		if req.RepositoryName != nil {
			resource = *req.RepositoryName
		}
		return operation{name: name, resource: resource, handle: func(c *call) (*response, error) {
			if bad {
				return nil, errorFor("ecr", "SerializationException", "Start of structure or map found where not expected.")
			}
			return h(c, &req)
		}}, true
	}}
}

// ECR's error messages, as the service words them.
func ecrRepoNotFound(name, registry string) error {
	return errorFor("ecr", "RepositoryNotFoundException", fmt.Sprintf("The repository with name '%s' does not exist in the registry with id '%s'", name, registry))
}

func ecrInvalid(format string, args ...any) error {
	return errorFor("ecr", "InvalidParameterException", fmt.Sprintf(format, args...))
}

// ecrRegistry checks the request's registryId, which defaults to the
// caller's own registry. Another account's registry is AccessDenied: the fake
// does not evaluate repository policies.
func ecrRegistry(c *call, req *ecrRequest, op, resource string) (string, error) {
	a := c.account()
	if req.RegistryID == nil {
		return a.ID, nil
	}
	id := *req.RegistryID
	if !accountIDRE.MatchString(id) {
		return "", ecrInvalid("Invalid parameter at 'registryId' failed to satisfy constraint: 'must satisfy regular expression '[0-9]{12}''")
	}
	if id != a.ID {
		return "", errorFor("ecr", ErrAccessDenied, fmt.Sprintf("User: %s is not authorized to perform: ecr:%s on resource: arn:aws:ecr:%s:%s:repository/%s because no resource-based policy allows the ecr:%s action", c.caller.arn(), op, c.region, id, resource, op))
	}
	return id, nil
}

// ecrMaxResults reads maxResults (1-1000; 100 when absent, as the API
// Reference says for DescribeRepositories and DescribeImages).
func ecrMaxResults(req *ecrRequest) (int, error) {
	if req.MaxResults == nil {
		return 100, nil
	}
	n := *req.MaxResults
	if n < 1 || n > 1000 {
		return 0, ecrInvalid("Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value between 1 and 1000'")
	}
	return n, nil
}

func ecrRepositories(a *Account, region string) []*ECRRepository {
	var out []*ECRRepository
	for _, r := range a.ECR.Repositories {
		if r != nil && orDefault(r.Region, a.homeRegion()) == region {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(x, y *ECRRepository) int { return strings.Compare(x.Name, y.Name) })
	return out
}

func findRepository(a *Account, region, name string) *ECRRepository {
	for _, r := range ecrRepositories(a, region) {
		if r.Name == name {
			return r
		}
	}
	return nil
}

func ecrRepositoryURI(account, region, name string) string {
	return account + ".dkr.ecr." + region + ".amazonaws.com/" + name
}

type ecrRepositoryJSON struct {
	RepositoryArn              string       `json:"repositoryArn"`
	RegistryId                 string       `json:"registryId"`
	RepositoryName             string       `json:"repositoryName"`
	RepositoryUri              string       `json:"repositoryUri"`
	CreatedAt                  epochSeconds `json:"createdAt"`
	ImageTagMutability         string       `json:"imageTagMutability"`
	ImageScanningConfiguration struct {
		ScanOnPush bool `json:"scanOnPush"`
	} `json:"imageScanningConfiguration"`
	EncryptionConfiguration struct {
		EncryptionType string `json:"encryptionType"`
		KmsKey         string `json:"kmsKey,omitempty"`
	} `json:"encryptionConfiguration"`
}

func ecrRepositoryOf(a *Account, region string, r *ECRRepository) ecrRepositoryJSON {
	j := ecrRepositoryJSON{
		RepositoryArn:      "arn:aws:ecr:" + region + ":" + a.ID + ":repository/" + r.Name,
		RegistryId:         a.ID,
		RepositoryName:     r.Name,
		RepositoryUri:      ecrRepositoryURI(a.ID, region, r.Name),
		CreatedAt:          epochSeconds(orDefaultTime(r.Created)),
		ImageTagMutability: orDefault(r.ImageTagMutability, "MUTABLE"),
	}
	j.ImageScanningConfiguration.ScanOnPush = r.ScanOnPush
	j.EncryptionConfiguration.EncryptionType = "AES256"
	if e := r.Encryption; e != nil {
		j.EncryptionConfiguration.EncryptionType = e.Type
		if e.Type != "AES256" {
			// Without a key of its own a KMS repository uses the account's
			// AWS managed key for ECR in its region.
			j.EncryptionConfiguration.KmsKey = cmp.Or(e.KMSKey, "arn:aws:kms:"+region+":"+a.ID+":key/"+uuidFrom("aws/ecr:"+a.ID+region))
		}
	}
	return j
}

// ecrDescribeRepositories lists the region's repositories by name, 100 a page
// by default; with repositoryNames it describes those (paging options are
// then refused, as the API Reference says) and a missing one is
// RepositoryNotFoundException.
func ecrDescribeRepositories(c *call, req *ecrRequest) (*response, error) {
	registry, err := ecrRegistry(c, req, "DescribeRepositories", "*")
	if err != nil {
		return nil, err
	}
	a := c.account()
	out := struct {
		Repositories []ecrRepositoryJSON `json:"repositories"`
		NextToken    string              `json:"nextToken,omitempty"`
	}{Repositories: []ecrRepositoryJSON{}}
	if len(req.RepositoryNames) > 0 {
		if req.MaxResults != nil || req.NextToken != nil {
			return nil, ecrInvalid("Invalid parameter: maxResults and nextToken cannot be used with repositoryNames")
		}
		for _, n := range req.RepositoryNames {
			r := findRepository(a, c.region, n)
			if r == nil {
				return nil, ecrRepoNotFound(n, registry)
			}
			out.Repositories = append(out.Repositories, ecrRepositoryOf(a, c.region, r))
		}
		return jsonReply(ecrJSON, out)
	}
	limit, err := ecrMaxResults(req)
	if err != nil {
		return nil, err
	}
	items, next, ok := page(ecrRepositories(a, c.region), func(r *ECRRepository) string { return r.Name }, "ecr-repo", deref(req.NextToken), limit)
	if !ok {
		return nil, ecrInvalid("Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'")
	}
	for _, r := range items {
		out.Repositories = append(out.Repositories, ecrRepositoryOf(a, c.region, r))
	}
	out.NextToken = next
	return jsonReply(ecrJSON, out)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ecrRequestedRepository finds the request's repositoryName in the caller's
// registry and the signed region.
func ecrRequestedRepository(c *call, req *ecrRequest, op string) (*ECRRepository, string, error) {
	name := deref(req.RepositoryName)
	registry, err := ecrRegistry(c, req, op, name)
	if err != nil {
		return nil, "", err
	}
	if req.RepositoryName == nil {
		return nil, "", ecrInvalid("Invalid parameter at 'repositoryName' failed to satisfy constraint: 'Member must not be null'")
	}
	if len(name) < 2 || len(name) > 256 || !ecrRepoNameRE.MatchString(name) {
		return nil, "", ecrInvalid("Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '%s''", strings.Trim(ecrRepoNameRE.String(), "^$"))
	}
	r := findRepository(c.account(), c.region, name)
	if r == nil {
		return nil, "", ecrRepoNotFound(name, registry)
	}
	return r, registry, nil
}

// ecrGetRepositoryPolicy answers the policy as ECR stores it: a valid
// document comes back re-serialised in ECR's pretty-printed form (see
// ecrPolicyText); a repository without one is
// RepositoryPolicyNotFoundException.
func ecrGetRepositoryPolicy(c *call, req *ecrRequest) (*response, error) {
	r, registry, err := ecrRequestedRepository(c, req, "GetRepositoryPolicy")
	if err != nil {
		return nil, err
	}
	if r.Policy == nil {
		return nil, errorFor("ecr", "RepositoryPolicyNotFoundException", fmt.Sprintf("Repository policy does not exist for the repository with name '%s' in the registry with id '%s'", r.Name, registry))
	}
	return jsonReply(ecrJSON, struct {
		RegistryID     string `json:"registryId"`
		RepositoryName string `json:"repositoryName"`
		PolicyText     string `json:"policyText"`
	}{registry, r.Name, ecrPolicyText(r.Policy)})
}

func ecrRegistryOf(a *Account, region string) *ECRRegistry {
	for _, r := range a.ECR.Registries {
		if r != nil && r.Region == region {
			return r
		}
	}
	return nil
}

// ecrGetRegistryPolicy answers the registry policy of the signed region, or
// RegistryPolicyNotFoundException.
func ecrGetRegistryPolicy(c *call, req *ecrRequest) (*response, error) {
	a := c.account()
	reg := ecrRegistryOf(a, c.region)
	if reg == nil || reg.Policy == nil {
		return nil, errorFor("ecr", "RegistryPolicyNotFoundException", fmt.Sprintf("Registry policy does not exist in the registry with id '%s'", a.ID))
	}
	return jsonReply(ecrJSON, struct {
		RegistryID string `json:"registryId"`
		PolicyText string `json:"policyText"`
	}{a.ID, ecrPolicyText(reg.Policy)})
}

type ecrReplicationRuleJSON struct {
	Destinations      []ecrDestinationJSON `json:"destinations"`
	RepositoryFilters []ecrFilterJSON      `json:"repositoryFilters,omitempty"`
}

type ecrDestinationJSON struct {
	Region     string `json:"region"`
	RegistryID string `json:"registryId"`
}

type ecrFilterJSON struct {
	Filter     string `json:"filter"`
	FilterType string `json:"filterType"`
}

// ecrDescribeRegistry answers the registry id and its replication rules; a
// registry without replication has an empty rule list.
func ecrDescribeRegistry(c *call, _ *ecrRequest) (*response, error) {
	a := c.account()
	out := struct {
		RegistryID               string `json:"registryId"`
		ReplicationConfiguration struct {
			Rules []ecrReplicationRuleJSON `json:"rules"`
		} `json:"replicationConfiguration"`
	}{RegistryID: a.ID}
	out.ReplicationConfiguration.Rules = []ecrReplicationRuleJSON{}
	if reg := ecrRegistryOf(a, c.region); reg != nil {
		for _, rule := range reg.Replication {
			if rule == nil {
				continue
			}
			j := ecrReplicationRuleJSON{Destinations: []ecrDestinationJSON{}}
			for _, d := range rule.Destinations {
				j.Destinations = append(j.Destinations, ecrDestinationJSON(d))
			}
			for _, f := range rule.RepositoryFilters {
				j.RepositoryFilters = append(j.RepositoryFilters, ecrFilterJSON(f))
			}
			out.ReplicationConfiguration.Rules = append(out.ReplicationConfiguration.Rules, j)
		}
	}
	return jsonReply(ecrJSON, out)
}

// image is a repository image with its derived defaults filled in.
type image struct {
	digest string
	tags   []string
	pushed time.Time
	size   int64
	pulled *time.Time
}

// ecrImagesOf returns a repository's images sorted by digest.
func ecrImagesOf(account, region string, r *ECRRepository) []image {
	var out []image
	for i, img := range r.Images {
		if img == nil {
			continue
		}
		seed := fmt.Sprintf("ecr-image:%s:%s:%s:%d", account, region, r.Name, i)
		sum := sha256.Sum256([]byte(seed))
		out = append(out, image{
			digest: cmp.Or(img.Digest, "sha256:"+hex.EncodeToString(sum[:])),
			tags:   img.Tags,
			pushed: orDefaultTime(img.Pushed),
			size:   cmp.Or(img.Size, 20_000_000+int64(sum[0])<<16),
			pulled: img.LastPulled,
		})
	}
	slices.SortFunc(out, func(x, y image) int { return strings.Compare(x.digest, y.digest) })
	return out
}

type ecrImageDetailJSON struct {
	RegistryID             string        `json:"registryId"`
	RepositoryName         string        `json:"repositoryName"`
	ImageDigest            string        `json:"imageDigest"`
	ImageTags              []string      `json:"imageTags,omitempty"`
	ImageSizeInBytes       int64         `json:"imageSizeInBytes"`
	ImagePushedAt          epochSeconds  `json:"imagePushedAt"`
	ImageManifestMediaType string        `json:"imageManifestMediaType"`
	ArtifactMediaType      string        `json:"artifactMediaType"`
	LastRecordedPullTime   *epochSeconds `json:"lastRecordedPullTime,omitempty"`
}

// ecrDescribeImages describes a repository's images (by digest, 100 a page
// by default), filtered by tagStatus, or the imageIds asked for, of which a
// missing one is ImageNotFoundException.
func ecrDescribeImages(c *call, req *ecrRequest) (*response, error) {
	r, registry, err := ecrRequestedRepository(c, req, "DescribeImages")
	if err != nil {
		return nil, err
	}
	imgs := ecrImagesOf(registry, c.region, r)
	out := struct {
		ImageDetails []ecrImageDetailJSON `json:"imageDetails"`
		NextToken    string               `json:"nextToken,omitempty"`
	}{ImageDetails: []ecrImageDetailJSON{}}
	detail := func(img image) ecrImageDetailJSON {
		d := ecrImageDetailJSON{
			RegistryID: registry, RepositoryName: r.Name, ImageDigest: img.digest, ImageTags: img.tags,
			ImageSizeInBytes: img.size, ImagePushedAt: epochSeconds(img.pushed),
			ImageManifestMediaType: "application/vnd.docker.distribution.manifest.v2+json",
			ArtifactMediaType:      "application/vnd.docker.container.image.v1+json",
		}
		if img.pulled != nil {
			t := epochSeconds(*img.pulled)
			d.LastRecordedPullTime = &t
		}
		return d
	}
	if len(req.ImageIDs) > 0 {
		if req.MaxResults != nil || req.NextToken != nil {
			return nil, ecrInvalid("Invalid parameter: maxResults and nextToken cannot be used with imageIds")
		}
		for _, id := range req.ImageIDs {
			i := slices.IndexFunc(imgs, func(img image) bool {
				return (id.ImageDigest == "" || id.ImageDigest == img.digest) && (id.ImageTag == "" || slices.Contains(img.tags, id.ImageTag))
			})
			if i < 0 || (id.ImageDigest == "" && id.ImageTag == "") {
				return nil, errorFor("ecr", "ImageNotFoundException", fmt.Sprintf("The image with imageId {imageDigest:'%s', imageTag:'%s'} does not exist within the repository with name '%s' in the registry with id '%s'",
					orDefault(id.ImageDigest, "null"), orDefault(id.ImageTag, "null"), r.Name, registry))
			}
			out.ImageDetails = append(out.ImageDetails, detail(imgs[i]))
		}
		return jsonReply(ecrJSON, out)
	}
	limit, err := ecrMaxResults(req)
	if err != nil {
		return nil, err
	}
	if req.Filter != nil {
		keep := map[string]func(image) bool{
			"TAGGED":   func(img image) bool { return len(img.tags) > 0 },
			"UNTAGGED": func(img image) bool { return len(img.tags) == 0 },
			"ANY":      func(image) bool { return true },
		}[req.Filter.TagStatus]
		if keep == nil {
			return nil, ecrInvalid("Invalid parameter at 'filter.tagStatus' failed to satisfy constraint: 'Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]'")
		}
		imgs = slices.DeleteFunc(imgs, func(img image) bool { return !keep(img) })
	}
	items, next, ok := page(imgs, func(img image) string { return img.digest }, "ecr-image", deref(req.NextToken), limit)
	if !ok {
		return nil, ecrInvalid("Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'")
	}
	for _, img := range items {
		out.ImageDetails = append(out.ImageDetails, detail(img))
	}
	out.NextToken = next
	return jsonReply(ecrJSON, out)
}

// ecrImageURIRE is an ECR image URI: ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO
// with a :tag or an @sha256:digest.
var ecrImageURIRE = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([a-z0-9._/-]+)(?::([\w][\w.-]{0,127})|@(sha256:[a-f0-9]{64}))$`)

// resolveImageURI is what Lambda reports as ResolvedImageUri for an image
// URI: the repository URI pinned to the digest the tag pointed at. The
// digest comes from the fixture's repository when the image is there, and
// is derived from the URI otherwise.
func (s *Server) resolveImageURI(uri string) string {
	m := ecrImageURIRE.FindStringSubmatch(uri)
	if m == nil {
		return ""
	}
	account, region, repo, tag, digest := m[1], m[2], m[3], m[4], m[5]
	base := ecrRepositoryURI(account, region, repo)
	if digest != "" {
		return base + "@" + digest
	}
	if a := s.accounts[account]; a != nil {
		if r := findRepository(a, region, repo); r != nil {
			for _, img := range ecrImagesOf(account, region, r) {
				if slices.Contains(img.tags, tag) {
					return base + "@" + img.digest
				}
			}
		}
	}
	sum := sha256.Sum256([]byte("ecr-image:" + uri))
	return base + "@sha256:" + hex.EncodeToString(sum[:])
}

// ecrPolicyText is a policy as ECR returns it. ECR parses a policy when it
// is set and stores it re-serialised, pretty-printed the way Jackson's
// default printer writes JSON: objects one member a line, two spaces of
// indent per object level, " : " between name and value, arrays inline as
// [ a, b ] (the API Reference's GetRepositoryPolicy / DeleteRepositoryPolicy
// sample responses and the AWS CLI examples show exactly this shape). A
// fixture string that is not valid JSON is served verbatim.
func ecrPolicyText(d *Document) string {
	if s, ok := jacksonPretty(d.JSON); ok {
		return s
	}
	return d.JSON
}

// jacksonPretty re-prints a JSON document in Jackson's DefaultPrettyPrinter
// style, keeping member order and number literals. ok is false for input
// that is not one JSON value.
func jacksonPretty(in string) (string, bool) {
	dec := json.NewDecoder(strings.NewReader(in))
	dec.UseNumber()
	p := &prettyPrinter{dec: dec}
	tok, err := dec.Token()
	if err != nil || p.value(tok) != nil {
		return "", false
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", false
	}
	return p.b.String(), true
}

type prettyPrinter struct {
	dec     *json.Decoder
	b       strings.Builder
	nesting int
}

func (p *prettyPrinter) newline() {
	p.b.WriteByte('\n')
	p.b.WriteString(strings.Repeat("  ", p.nesting))
}

func (p *prettyPrinter) value(tok json.Token) error {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return p.object()
		case '[':
			return p.array()
		}
		return fmt.Errorf("unexpected %v", t)
	case string:
		p.b.WriteString(jsonQuote(t))
	case json.Number:
		p.b.WriteString(t.String())
	case bool:
		p.b.WriteString(strconv.FormatBool(t))
	case nil:
		p.b.WriteString("null")
	}
	return nil
}

func (p *prettyPrinter) object() error {
	p.b.WriteByte('{')
	p.nesting++
	n := 0
	for p.dec.More() {
		key, err := p.dec.Token()
		if err != nil {
			return err
		}
		if n > 0 {
			p.b.WriteByte(',')
		}
		p.newline()
		p.b.WriteString(jsonQuote(key.(string)))
		p.b.WriteString(" : ")
		v, err := p.dec.Token()
		if err != nil {
			return err
		}
		if err := p.value(v); err != nil {
			return err
		}
		n++
	}
	if _, err := p.dec.Token(); err != nil { // '}'
		return err
	}
	p.nesting--
	if n > 0 {
		p.newline()
	} else {
		p.b.WriteByte(' ')
	}
	p.b.WriteByte('}')
	return nil
}

func (p *prettyPrinter) array() error {
	p.b.WriteByte('[')
	n := 0
	for p.dec.More() {
		if n > 0 {
			p.b.WriteByte(',')
		}
		p.b.WriteByte(' ')
		v, err := p.dec.Token()
		if err != nil {
			return err
		}
		if err := p.value(v); err != nil {
			return err
		}
		n++
	}
	if _, err := p.dec.Token(); err != nil { // ']'
		return err
	}
	p.b.WriteString(" ]")
	return nil
}
