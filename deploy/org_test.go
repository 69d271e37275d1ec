package deploy_test

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8syaml "sigs.k8s.io/yaml"
)

// decodeK8s decodes every document of a manifest strictly into its
// Kubernetes API type.
func decodeK8s(t *testing.T, path string) (jobs []*batchv1.Job, kinds map[string]bool) {
	t.Helper()
	jobs, _, kinds = decodeK8sObjects(t, path)
	return jobs, kinds
}

// decodeK8sObjects is decodeK8s with the ServiceAccounts too, by name.
func decodeK8sObjects(t *testing.T, path string) (jobs []*batchv1.Job, accounts map[string]*corev1.ServiceAccount, kinds map[string]bool) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	kinds = map[string]bool{}
	var sas []*corev1.ServiceAccount
	for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(data), -1) {
		var tm metav1.TypeMeta
		if err := k8syaml.Unmarshal([]byte(doc), &tm); err != nil {
			t.Fatalf("%s document %d: %v", path, i, err)
		}
		kinds[tm.APIVersion+" "+tm.Kind] = true
		var obj any
		switch tm.APIVersion + " " + tm.Kind {
		case "v1 ServiceAccount":
			sa := &corev1.ServiceAccount{}
			sas = append(sas, sa)
			obj = sa
		case "v1 PersistentVolumeClaim":
			obj = &corev1.PersistentVolumeClaim{}
		case "batch/v1 Job":
			j := &batchv1.Job{}
			jobs = append(jobs, j)
			obj = j
		default:
			t.Fatalf("%s document %d: unexpected %s %s", path, i, tm.APIVersion, tm.Kind)
		}
		if err := k8syaml.UnmarshalStrict([]byte(doc), obj); err != nil {
			t.Errorf("%s document %d (%s): %v", path, i, tm.Kind, err)
		}
	}
	accounts = map[string]*corev1.ServiceAccount{}
	for _, sa := range sas {
		accounts[sa.Name] = sa
	}
	return jobs, accounts, kinds
}

// shardCount reads N from --shard=auto/N.
func shardCount(t *testing.T, args []string) string {
	for _, a := range args {
		if n, ok := strings.CutPrefix(a, "--shard=auto/"); ok {
			return n
		}
	}
	t.Fatalf("no --shard=auto/N in %v", args)
	return ""
}

// indexedShards checks that job is an Indexed Job whose container's flags
// the CLI knows and whose --shard=auto/N agrees with its completions, and
// returns its pod, container and N.
func indexedShards(t *testing.T, where string, job *batchv1.Job) (corev1.PodSpec, corev1.Container, string) {
	t.Helper()
	shards := job.Spec
	if shards.CompletionMode == nil || *shards.CompletionMode != batchv1.IndexedCompletion || shards.Completions == nil {
		t.Fatalf("%s: the shard Job must be an Indexed Job with completions", where)
	}
	pod := shards.Template.Spec
	c := pod.Containers[0]
	checkFlags(t, where, c.Args)
	n := shardCount(t, c.Args)
	if n != itoa(*shards.Completions) {
		t.Errorf("%s: --shard=auto/%s but completions %d", where, n, *shards.Completions)
	}
	return pod, c, n
}

func TestKubernetesOrganizationShardsAreAnIndexedJobAndTheMergeReadsEveryShard(t *testing.T) {
	jobs, kinds := decodeK8s(t, "kubernetes/org-shards.yaml")
	if len(jobs) != 1 || !kinds["v1 ServiceAccount"] || !kinds["v1 PersistentVolumeClaim"] {
		t.Fatalf("want a ServiceAccount, a PersistentVolumeClaim and one Job, got %v", kinds)
	}
	pod, c, _ := indexedShards(t, "kubernetes/org-shards.yaml", jobs[0])
	if pod.ServiceAccountName != "trustmap" || !slices.Contains(c.Args, "--output-dir=/parts/{shard}") {
		t.Errorf("serviceAccountName %q, args %v: want the trustmap ServiceAccount and --output-dir=/parts/{shard}", pod.ServiceAccountName, c.Args)
	}
	if c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Error("the shard container needs a memory request and limit")
	}

	merges, _ := decodeK8s(t, "kubernetes/org-merge.yaml")
	if len(merges) != 1 {
		t.Fatalf("org-merge.yaml: want one Job, got %d", len(merges))
	}
	m := merges[0].Spec.Template.Spec.Containers[0]
	checkFlags(t, "kubernetes/org-merge.yaml", m.Args)
	for i := range int(*jobs[0].Spec.Completions) {
		if !slices.Contains(m.Args, "/parts/"+itoa(int32(i))) {
			t.Errorf("the merge does not read shard %d (/parts/%d): %v", i, i, m.Args)
		}
	}
}

// batchCommand is the Command of a job definition of a template's
// resources (after substituteAll when it uses Fn::Sub).
func batchCommand(t *testing.T, resources map[string]any, name string) []string {
	t.Helper()
	var cmd []string
	for _, a := range containerProperties(resources, name)["Command"].([]any) {
		s, ok := a.(string)
		if !ok {
			t.Fatalf("%s: command argument %v is not a string", name, a)
		}
		cmd = append(cmd, s)
	}
	return cmd
}

func containerProperties(resources map[string]any, name string) map[string]any {
	return resources[name].(map[string]any)["Properties"].(map[string]any)["ContainerProperties"].(map[string]any)
}

func itoa(i int32) string { return strconv.Itoa(int(i)) }

func TestAWSBatchOrganizationTemplateValidatesAndItsMergeReadsEveryShard(t *testing.T) {
	resources := validateCFN(t, "aws-batch/org-shards.yaml", "ReadonlyRootFilesystem", "ReadOnlyRootFilesystem")
	shard, merge := batchCommand(t, resources, "ShardJobDefinition"), batchCommand(t, resources, "MergeJobDefinition")
	checkFlags(t, "aws-batch/org-shards.yaml shard", shard)
	checkFlags(t, "aws-batch/org-shards.yaml merge", merge)
	n := shardCount(t, shard)
	if !slices.Contains(shard, "--output-dir=/parts/{shard}") {
		t.Errorf("shard command %v: want --output-dir=/parts/{shard}", shard)
	}
	var dirs int
	for _, a := range merge {
		if strings.HasPrefix(a, "/parts/") && a != "/parts/report" {
			dirs++
		}
	}
	if itoa(int32(dirs)) != n {
		t.Errorf("the merge reads %d shard directories, the shards are auto/%s", dirs, n)
	}
}
