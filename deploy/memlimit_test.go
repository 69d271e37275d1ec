package deploy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	k8syaml "sigs.k8s.io/yaml"
)

// TestEveryTrustmapContainerTakesGOMEMLIMITFromItsMemoryLimit checks that
// each trustmap container in deploy/kubernetes has a memory limit and sets
// the Go runtime's soft limit from it: GOMEMLIMIT from resourceFieldRef
// limits.memory with the default divisor (a count of bytes, which is what
// GOMEMLIMIT reads a bare number as; a divisor of 1Mi would give it
// mebibytes read as bytes).
func TestEveryTrustmapContainerTakesGOMEMLIMITFromItsMemoryLimit(t *testing.T) {
	pods := podTemplates(t, "kubernetes/*.yaml")
	if len(pods) < 5 {
		t.Fatalf("found %d pod templates, want the cron job's, and the shards' and the merge's of both organization variants", len(pods))
	}
	for where, pod := range pods {
		for _, c := range append(pod.InitContainers, pod.Containers...) {
			if !strings.Contains(c.Image, "trustmap") {
				continue
			}
			if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
				t.Errorf("%s container %s: no memory limit", where, c.Name)
			}
			var limit *corev1.EnvVar
			for i := range c.Env {
				if c.Env[i].Name == "GOMEMLIMIT" {
					limit = &c.Env[i]
				}
			}
			switch {
			case limit == nil:
				t.Errorf("%s container %s: no GOMEMLIMIT", where, c.Name)
			case limit.ValueFrom == nil || limit.ValueFrom.ResourceFieldRef == nil ||
				limit.ValueFrom.ResourceFieldRef.Resource != "limits.memory":
				t.Errorf("%s container %s: GOMEMLIMIT does not come from limits.memory", where, c.Name)
			case !limit.ValueFrom.ResourceFieldRef.Divisor.IsZero() && limit.ValueFrom.ResourceFieldRef.Divisor.Value() != 1:
				t.Errorf("%s container %s: GOMEMLIMIT's divisor %s: GOMEMLIMIT reads a bare number as bytes",
					where, c.Name, limit.ValueFrom.ResourceFieldRef.Divisor.String())
			}
		}
	}
}

// TestEveryRecordingContainerSaysWhereTheHistoryGoes: analyze and scan
// record each run in the history store, by default under $HOME, which a
// read-only root filesystem does not allow; the run then exits 3 after
// writing the report, and Kubernetes counts the Job failed. A container
// that runs them names a store (--store, TRUSTMAP_STORE) or --no-store.
func TestEveryRecordingContainerSaysWhereTheHistoryGoes(t *testing.T) {
	checked := 0
	for where, pod := range podTemplates(t, "kubernetes/*.yaml") {
		for _, c := range pod.Containers {
			args := append(append([]string(nil), c.Command...), c.Args...)
			if !strings.Contains(c.Image, "trustmap") || len(args) == 0 || (args[0] != "analyze" && args[0] != "scan") {
				continue
			}
			checked++
			named := false
			for _, a := range args {
				named = named || strings.HasPrefix(a, "--store=") || a == "--store" || a == "--no-store"
			}
			for _, e := range c.Env {
				named = named || e.Name == "TRUSTMAP_STORE"
			}
			if !named {
				t.Errorf("%s container %s runs %s with no --store, TRUSTMAP_STORE or --no-store", where, c.Name, args[0])
			}
		}
	}
	if checked < 3 {
		t.Fatalf("checked %d containers, want the cron job's and both organization merges", checked)
	}
}

// podTemplates decodes, strictly, the pod template of every Job and
// CronJob in the manifests glob matches, by "FILE NAME".
func podTemplates(t *testing.T, glob string) map[string]corev1.PodSpec {
	t.Helper()
	manifests, err := filepath.Glob(glob)
	if err != nil {
		t.Fatal(err)
	}
	pods := map[string]corev1.PodSpec{}
	for _, f := range manifests {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(data), -1) {
			switch {
			case regexp.MustCompile(`(?m)^kind: CronJob\s*$`).MatchString(doc):
				var cron batchv1.CronJob
				if err := k8syaml.UnmarshalStrict([]byte(doc), &cron); err != nil {
					t.Fatal(err)
				}
				pods[f+" "+cron.Name] = cron.Spec.JobTemplate.Spec.Template.Spec
			case regexp.MustCompile(`(?m)^kind: Job\s*$`).MatchString(doc):
				var job batchv1.Job
				if err := k8syaml.UnmarshalStrict([]byte(doc), &job); err != nil {
					t.Fatal(err)
				}
				pods[f+" "+job.Name] = job.Spec.Template.Spec
			}
		}
	}
	return pods
}
