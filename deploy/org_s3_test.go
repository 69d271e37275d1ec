package deploy_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// The S3 variants of the organization-sharding recipes: the shards write
// their parts to s3://BUCKET/PREFIX/{shard} (collect --output-dir), the
// merge reads the N prefixes, and no shared volume is involved.

// s3Shards finds s3://BUCKET/PREFIX/{shard} in the shard command's
// --output-dir.
func s3Shards(t *testing.T, where string, args []string) (bucket, prefix string) {
	t.Helper()
	re := regexp.MustCompile(`^--output-dir=s3://([^/]+)/(.+)/\{shard\}$`)
	for _, a := range args {
		if m := re.FindStringSubmatch(a); m != nil {
			return m[1], m[2]
		}
	}
	t.Fatalf("%s: no --output-dir=s3://BUCKET/PREFIX/{shard} in %v", where, args)
	return "", ""
}

// checkMergeReadsEveryShard checks that the merge's s3:// arguments are
// exactly s3://bucket/prefix/0 … /n-1, and that both sides name the
// bucket's region alike.
func checkMergeReadsEveryShard(t *testing.T, where string, shard, merge []string, bucket, prefix, n string) {
	t.Helper()
	var got, want []string
	for _, a := range merge {
		if strings.HasPrefix(a, "s3://") {
			got = append(got, a)
		}
	}
	count, err := strconv.Atoi(n)
	if err != nil {
		t.Fatalf("%s: --shard=auto/%s: %v", where, n, err)
	}
	for i := range count {
		want = append(want, "s3://"+bucket+"/"+prefix+"/"+strconv.Itoa(i))
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: the merge reads %v; the shards (auto/%s) write %v", where, got, n, want)
	}
	region := func(args []string) string {
		for _, a := range args {
			if r, ok := strings.CutPrefix(a, "--results-region="); ok {
				return r
			}
		}
		return "us-east-1 (the default)"
	}
	if region(shard) != region(merge) {
		t.Errorf("%s: the shards write to a bucket in %s, the merge reads it in %s", where, region(shard), region(merge))
	}
}

func TestKubernetesS3ShardsWriteToTheResultsPrefixAndTheMergeReadsEveryShard(t *testing.T) {
	jobs, accounts, kinds := decodeK8sObjects(t, "kubernetes/org-shards-s3.yaml")
	if len(jobs) != 1 || len(accounts) != 1 || kinds["v1 PersistentVolumeClaim"] {
		t.Fatalf("want a ServiceAccount and one Job, no volume claim, got %v", kinds)
	}
	pod, c, n := indexedShards(t, "kubernetes/org-shards-s3.yaml", jobs[0])
	bucket, prefix := s3Shards(t, "kubernetes/org-shards-s3.yaml", c.Args)
	checkIRSA(t, "kubernetes/org-shards-s3.yaml", pod, accounts)
	if len(pod.Volumes) != 0 || len(c.VolumeMounts) != 0 {
		t.Errorf("the S3 shards need no volume, got %v", pod.Volumes)
	}
	if c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Error("the shard container needs a memory request and limit")
	}

	merges, mergeAccounts, mergeKinds := decodeK8sObjects(t, "kubernetes/org-merge-s3.yaml")
	if len(merges) != 1 || len(mergeAccounts) != 1 || mergeKinds["v1 PersistentVolumeClaim"] {
		t.Fatalf("org-merge-s3.yaml: want a ServiceAccount and one Job, no volume claim, got %v", mergeKinds)
	}
	mpod := merges[0].Spec.Template.Spec
	m := mpod.Containers[0]
	checkFlags(t, "kubernetes/org-merge-s3.yaml", m.Args)
	checkIRSA(t, "kubernetes/org-merge-s3.yaml", mpod, mergeAccounts)
	if mpod.ServiceAccountName == pod.ServiceAccountName {
		t.Errorf("the merge runs as the shards' ServiceAccount %s: it needs only the read statements", pod.ServiceAccountName)
	}
	checkMergeReadsEveryShard(t, "kubernetes", c.Args, m.Args, bucket, prefix, n)
	for _, v := range mpod.Volumes {
		if v.PersistentVolumeClaim != nil {
			t.Errorf("the S3 merge mounts the volume claim %s", v.PersistentVolumeClaim.ClaimName)
		}
	}
}

// checkIRSA checks that the pod runs as a ServiceAccount of the manifest
// annotated with an IAM role (IRSA; EKS Pod Identity associates a role
// with the same ServiceAccount), whose token is mounted.
func checkIRSA(t *testing.T, where string, pod corev1.PodSpec, accounts map[string]*corev1.ServiceAccount) {
	t.Helper()
	sa := accounts[pod.ServiceAccountName]
	switch {
	case sa == nil:
		t.Errorf("%s: the pod's ServiceAccount %q is not in the manifest", where, pod.ServiceAccountName)
	case !regexp.MustCompile(`^arn:aws:iam::\d{12}:role/\S+$`).MatchString(sa.Annotations["eks.amazonaws.com/role-arn"]):
		t.Errorf("%s: ServiceAccount %s has no eks.amazonaws.com/role-arn annotation", where, sa.Name)
	case (sa.AutomountServiceAccountToken != nil && !*sa.AutomountServiceAccountToken) ||
		(pod.AutomountServiceAccountToken != nil && !*pod.AutomountServiceAccountToken):
		t.Errorf("%s: the ServiceAccount token is not mounted: no AWS credentials for S3", where)
	}
}

// resultsStatements are iam/trustmap-results.json's statements by Sid.
func resultsStatements(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile("../iam/trustmap-results.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Statement []map[string]any }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for _, st := range doc.Statement {
		out[st["Sid"].(string)] = st
	}
	return out
}

// substituteAll replaces every Fn::Sub of a template's resources by its
// string with vars substituted.
func substituteAll(t *testing.T, v any, vars map[string]string) any {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		if s, ok := x["Fn::Sub"].(string); ok && len(x) == 1 {
			return substitute(t, s, func(name string) (string, bool) { v, ok := vars[name]; return v, ok })
		}
		out := map[string]any{}
		for k, e := range x {
			out[k] = substituteAll(t, e, vars)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = substituteAll(t, e, vars)
		}
		return out
	}
	return v
}

// roleStatements are the statements of a role's inline policies.
func roleStatements(resources map[string]any, role string) []map[string]any {
	var out []map[string]any
	props := resources[role].(map[string]any)["Properties"].(map[string]any)
	for _, p := range props["Policies"].([]any) {
		for _, st := range p.(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			out = append(out, st.(map[string]any))
		}
	}
	return out
}

func TestAWSBatchS3TemplateWritesToTheResultsPrefixWithTheShippedPermissions(t *testing.T) {
	const path = "aws-batch/org-shards-s3.yaml"
	raw := validateCFN(t, path, "ReadonlyRootFilesystem", "ReadOnlyRootFilesystem")
	// The parameters as iam/trustmap-results.json writes them, so that the
	// roles' statements compare with the shipped ones as they are.
	resources := substituteAll(t, raw, map[string]string{
		"ResultsBucket": "BUCKET", "ResultsPrefix": "PREFIX", "ResultsRegion": "eu-west-1", "AWS::Region": "us-east-1",
	}).(map[string]any)

	shard, merge := batchCommand(t, resources, "ShardJobDefinition"), batchCommand(t, resources, "MergeJobDefinition")
	checkFlags(t, path+" shard", shard)
	checkFlags(t, path+" merge", merge)
	n := shardCount(t, shard)
	bucket, prefix := s3Shards(t, path, shard)
	if bucket != "BUCKET" || prefix != "PREFIX" {
		t.Errorf("the shards write to s3://%s/%s, not the ResultsBucket and ResultsPrefix parameters", bucket, prefix)
	}
	if !slices.Contains(shard, "--results-region=eu-west-1") {
		t.Errorf("shard command %v: --results-region does not follow the ResultsRegion parameter", shard)
	}
	checkMergeReadsEveryShard(t, path, shard, merge, bucket, prefix, n)

	// No EFS: no volume but the merge's ephemeral report directory.
	for _, name := range []string{"ShardJobDefinition", "MergeJobDefinition"} {
		for _, v := range asList(containerProperties(resources, name)["Volumes"]) {
			if len(v.(map[string]any)) != 1 {
				t.Errorf("%s: volume %v: the S3 variant needs no file system", name, v)
			}
		}
	}

	// Each job runs as its own role, holding the statements of
	// iam/trustmap-results.json its side needs, scoped to the parameters.
	shipped := resultsStatements(t)
	for _, c := range []struct {
		job, role string
		sids      []string
	}{
		{"ShardJobDefinition", "ShardRole", []string{"ShardsWriteParts"}},
		{"MergeJobDefinition", "MergeRole", []string{"MergeListParts", "MergeReadParts"}},
	} {
		ref, _ := containerProperties(resources, c.job)["JobRoleArn"].(map[string]any)
		if got := asList(ref["Fn::GetAtt"]); len(got) != 2 || got[0] != c.role {
			t.Errorf("%s runs as %v, want %s", c.job, ref, c.role)
		}
		var sids []string
		for _, st := range roleStatements(resources, c.role) {
			sid, _ := st["Sid"].(string)
			if sid == "" {
				if c.role == "MergeRole" {
					t.Errorf("MergeRole: a statement beyond iam/trustmap-results.json's: %v", st)
				}
				continue
			}
			sids = append(sids, sid)
			got, _ := json.Marshal(st)
			want, _ := json.Marshal(shipped[sid])
			if string(got) != string(want) {
				t.Errorf("%s statement %s differs from iam/trustmap-results.json:\n got %s\nwant %s", c.role, sid, got, want)
			}
		}
		if !slices.Equal(sids, c.sids) {
			t.Errorf("%s has the results statements %v, want %v", c.role, sids, c.sids)
		}
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// TestEveryOrganizationManifestIsChecked fails on a recipe file no test
// checks: a new variant gets a test, and a line here naming it.
func TestEveryOrganizationManifestIsChecked(t *testing.T) {
	checked := map[string]string{
		"kubernetes/cronjob.yaml":       "TestKubernetesManifestDecodesStrictlyIntoTheKubernetesAPITypes",
		"kubernetes/org-shards.yaml":    "TestKubernetesOrganizationShardsAreAnIndexedJobAndTheMergeReadsEveryShard",
		"kubernetes/org-merge.yaml":     "TestKubernetesOrganizationShardsAreAnIndexedJobAndTheMergeReadsEveryShard",
		"kubernetes/org-shards-s3.yaml": "TestKubernetesS3ShardsWriteToTheResultsPrefixAndTheMergeReadsEveryShard",
		"kubernetes/org-merge-s3.yaml":  "TestKubernetesS3ShardsWriteToTheResultsPrefixAndTheMergeReadsEveryShard",
		"aws-batch/org-shards.yaml":     "TestAWSBatchOrganizationTemplateValidatesAndItsMergeReadsEveryShard",
		"aws-batch/org-shards-s3.yaml":  "TestAWSBatchS3TemplateWritesToTheResultsPrefixWithTheShippedPermissions",
		"aws/eventbridge-ecs.yaml":      "TestCloudFormationTemplateValidatesAgainstTheResourceSchemas",
		"github/trustmap-scheduled.yml": "TestGitHubWorkflowPassesActionlintAndUploadsSARIFAndTheHTMLReport",
	}
	for _, dir := range []string{"kubernetes", "aws-batch", "aws", "github"} {
		files, err := filepath.Glob(dir + "/*")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if _, ok := checked[filepath.ToSlash(f)]; !ok {
				t.Errorf("%s: no test checks it", f)
			}
		}
	}
}
