// Package deploy_test checks the scheduled-job recipes in deploy/ as far as
// a machine without AWS, Kubernetes or GitHub can: each file against the
// schema or linter of its platform, every trustmap command line against
// the CLI's flags, and the host script end to end against the demo account.
package deploy_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	cfnschema "github.com/awslabs/goformation/v7/schema"
	"github.com/rhysd/actionlint"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8syaml "sigs.k8s.io/yaml"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// trustmapBinary builds cmd/trustmap for the tests, and checks that it
// needs no C toolchain: with CGO_ENABLED=0 (deploy/Dockerfile's build)
// every package of it, the SQLite driver included, still builds.
func trustmapBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		list := exec.Command("go", "list", "-e", "-deps", "-f", "{{.ImportPath}}{{if .Error}} ERROR {{.Error}}{{end}}", "../cmd/trustmap")
		list.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := list.CombinedOutput()
		if err != nil || bytes.Contains(out, []byte(" ERROR ")) || !bytes.Contains(out, []byte("modernc.org/sqlite\n")) {
			buildErr = fmt.Errorf("CGO_ENABLED=0 go list -deps ./cmd/trustmap: %v\n%s", err, out)
			return
		}
		dir, err := os.MkdirTemp("", "trustmap-deploy-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "trustmap")
		if out, err := exec.Command("go", "build", "-o", binary, "../cmd/trustmap").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/trustmap: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// checkFlags runs `trustmap SUB --help` and fails on any flag of args it
// does not list.
func checkFlags(t *testing.T, where string, args []string) {
	t.Helper()
	if len(args) == 0 {
		t.Fatalf("%s: no trustmap command", where)
	}
	var sub []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		sub = append(sub, a)
	}
	out, err := exec.Command(trustmapBinary(t), append(sub, "--help")...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: trustmap %s --help: %v\n%s", where, strings.Join(sub, " "), err, out)
	}
	for _, a := range args {
		if !strings.HasPrefix(a, "--") {
			continue
		}
		name, _, _ := strings.Cut(a, "=")
		if !regexp.MustCompile(`(?m)^\s+(-\w, )?` + regexp.QuoteMeta(name) + `\b`).Match(out) {
			t.Errorf("%s: trustmap %s has no flag %s", where, strings.Join(sub, " "), name)
		}
	}
}

// commandLines finds the trustmap command lines of a shell text (the
// continuation lines joined).
func commandLines(text string) [][]string {
	text = strings.ReplaceAll(text, "\\\n", " ")
	var out [][]string
	re := regexp.MustCompile(`(?:^|[\s;(|&])(?:trustmap|"\$TRUSTMAP")\s+((?:scan|analyze|collect|diff|history|policy|version)\b[^\n|;&>)]*)`)
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		var args []string
		for _, f := range strings.Fields(m[1]) {
			if strings.HasPrefix(f, "$") || strings.HasPrefix(f, "\"$") {
				continue // a variable: a value or a list of flags set elsewhere
			}
			args = append(args, strings.Trim(f, `"`))
		}
		out = append(out, args)
	}
	return out
}

func TestKubernetesManifestDecodesStrictlyIntoTheKubernetesAPITypes(t *testing.T) {
	data, err := os.ReadFile("kubernetes/cronjob.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cron *batchv1.CronJob
	kinds := map[string]bool{}
	for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(data), -1) {
		var tm metav1.TypeMeta
		if err := k8syaml.Unmarshal([]byte(doc), &tm); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		kinds[tm.APIVersion+" "+tm.Kind] = true
		var obj any
		switch tm.APIVersion + " " + tm.Kind {
		case "v1 ServiceAccount":
			obj = &corev1.ServiceAccount{}
		case "batch/v1 CronJob":
			cron = &batchv1.CronJob{}
			obj = cron
		default:
			t.Fatalf("document %d: unexpected %s %s", i, tm.APIVersion, tm.Kind)
		}
		// Strict: an unknown or misspelled field is an error, as the API
		// server's strict field validation makes it.
		if err := k8syaml.UnmarshalStrict([]byte(doc), obj); err != nil {
			t.Errorf("document %d (%s): %v", i, tm.Kind, err)
		}
	}
	if cron == nil || !kinds["v1 ServiceAccount"] {
		t.Fatalf("want a ServiceAccount and a CronJob, got %v", kinds)
	}
	spec := cron.Spec
	if f := strings.Fields(spec.Schedule); len(f) != 5 {
		t.Errorf("schedule %q is not a five-field cron expression", spec.Schedule)
	}
	job := spec.JobTemplate.Spec
	if job.BackoffLimit == nil || *job.BackoffLimit != 0 {
		t.Error("backoffLimit must be 0: a failed gate is a finding, not something to retry")
	}
	pod := job.Template.Spec
	if pod.RestartPolicy != corev1.RestartPolicyNever || pod.ServiceAccountName != "trustmap" {
		t.Errorf("restartPolicy %s, serviceAccountName %s", pod.RestartPolicy, pod.ServiceAccountName)
	}
	c := pod.Containers[0]
	var store *corev1.EnvVar
	for i := range c.Env {
		if c.Env[i].Name == "TRUSTMAP_STORE" {
			store = &c.Env[i]
		}
	}
	if store == nil || store.ValueFrom == nil || store.ValueFrom.SecretKeyRef == nil {
		t.Error("TRUSTMAP_STORE must come from a secret (it holds the database password)")
	}
	checkFlags(t, "kubernetes/cronjob.yaml", c.Args)
	// trustmap's --timeout must end the scan before Kubernetes kills the pod,
	// so the report of a long scan is written and the exit code is 4.
	for _, a := range c.Args {
		if d, ok := strings.CutPrefix(a, "--timeout="); ok {
			var minutes int
			fmt.Sscanf(d, "%dm", &minutes)
			if job.ActiveDeadlineSeconds == nil || int64(minutes*60) >= *job.ActiveDeadlineSeconds {
				t.Errorf("--timeout %s is not shorter than activeDeadlineSeconds", d)
			}
		}
	}
	if !slices.ContainsFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool {
		return strings.Contains(strings.Join(c.Args, " "), "--output-dir="+m.MountPath)
	}) {
		t.Error("--output-dir is not a mounted volume (the root filesystem is read-only)")
	}
}

// resolve replaces CloudFormation's intrinsic functions with values of the
// type the property takes, after checking what they refer to exists.
func resolve(t *testing.T, v any, params, resources map[string]any) any {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 1 {
			for k, arg := range x {
				switch k {
				case "Ref":
					name := arg.(string)
					if strings.HasPrefix(name, "AWS::") {
						return "us-east-1"
					}
					if p, ok := params[name].(map[string]any); ok {
						if strings.HasPrefix(fmt.Sprint(p["Type"]), "List<") {
							return []any{"subnet-0123456789abcdef0"}
						}
						return "placeholder"
					}
					if _, ok := resources[name]; !ok {
						t.Errorf("Ref %s: no such parameter or resource", name)
					}
					return "placeholder"
				case "Fn::GetAtt":
					parts := arg.([]any)
					if _, ok := resources[parts[0].(string)]; !ok {
						t.Errorf("Fn::GetAtt %v: no such resource", parts)
					}
					return "arn:aws:placeholder"
				case "Fn::Sub":
					s, ok := arg.(string)
					if !ok {
						t.Errorf("Fn::Sub %v: only the string form is resolved by this test", arg)
						return "placeholder"
					}
					return substitute(t, s, func(name string) (string, bool) {
						res, _, _ := strings.Cut(name, ".")
						_, isParam := params[name]
						_, isResource := resources[res]
						return "placeholder", strings.HasPrefix(name, "AWS::") || isParam || isResource
					})
				case "Fn::Join", "Fn::If", "Fn::Select":
					t.Errorf("%s: not resolved by this test; keep the template to Ref and GetAtt or extend the test", k)
				}
			}
		}
		out := map[string]any{}
		for k, e := range x {
			out[k] = resolve(t, e, params, resources)
		}
		return out
	case []any:
		var out []any
		for _, e := range x {
			r := resolve(t, e, params, resources)
			if l, ok := r.([]any); ok && isRefList(e) {
				out = append(out, l...)
				continue
			}
			out = append(out, r)
		}
		return out
	}
	return v
}

// substitute replaces the ${NAME} of an Fn::Sub string by value(NAME),
// failing on a name it does not know (${!X} stays a literal ${X}).
func substitute(t *testing.T, s string, value func(name string) (string, bool)) string {
	t.Helper()
	return regexp.MustCompile(`\$\{([^}]*)\}`).ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		if lit, ok := strings.CutPrefix(name, "!"); ok {
			return "${" + lit + "}"
		}
		v, ok := value(name)
		if !ok {
			t.Errorf("Fn::Sub %q: ${%s} is no parameter or resource", s, name)
		}
		return v
	})
}

func isRefList(v any) bool {
	m, ok := v.(map[string]any)
	return ok && m["Ref"] != nil
}

// validateCFN checks a template's resources against the CloudFormation
// resource schemas, and that replacing mistakeFrom (a property name quoted
// in JSON) by mistakeTo fails the check. It returns the raw resources.
func validateCFN(t *testing.T, path, mistakeFrom, mistakeTo string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tmpl map[string]any
	if err := yaml.Unmarshal(data, &tmpl); err != nil {
		t.Fatal(err)
	}
	params, _ := tmpl["Parameters"].(map[string]any)
	resources, _ := tmpl["Resources"].(map[string]any)
	resolved := resolve(t, tmpl, params, resources)

	// The CloudFormation JSON Schema that goformation generates from AWS's
	// resource specification: every resource type, its properties (no
	// others: additionalProperties false), their types and required ones.
	// Each resource is validated against its type's definition (compiling
	// only the definitions the template's types reach keeps this fast).
	var full struct {
		Definitions map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal([]byte(cfnschema.CloudformationSchema), &full); err != nil {
		t.Fatal(err)
	}
	defs := map[string]any{}
	var reach func(v any)
	reach = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				name := strings.TrimPrefix(ref, "#/definitions/")
				if _, seen := defs[name]; !seen {
					d, ok := full.Definitions[name]
					if !ok {
						t.Fatalf("schema: no definition %s", name)
					}
					defs[name] = d
					reach(d)
				}
			}
			for _, e := range x {
				reach(e)
			}
		case []any:
			for _, e := range x {
				reach(e)
			}
		}
	}
	resolvedResources := resolved.(map[string]any)["Resources"].(map[string]any)
	var names []string
	for name, r := range resolvedResources {
		typ, _ := r.(map[string]any)["Type"].(string)
		if _, ok := full.Definitions[typ]; !ok {
			t.Errorf("%s: no resource type %q in the CloudFormation schema", name, typ)
			continue
		}
		reach(map[string]any{"$ref": "#/definitions/" + typ})
		names = append(names, name)
	}
	validate := func(doc []byte) error {
		var errs []string
		var resources map[string]any
		json.Unmarshal(doc, &resources)
		for _, name := range names {
			typ := resources[name].(map[string]any)["Type"].(string)
			c := jsonschema.NewCompiler()
			c.DefaultDraft(jsonschema.Draft4)
			if err := c.AddResource("cfn.json", map[string]any{"$ref": "#/definitions/" + typ, "definitions": defs}); err != nil {
				t.Fatal(err)
			}
			sch, err := c.Compile("cfn.json")
			if err != nil {
				t.Fatal(err)
			}
			one, _ := json.Marshal(resources[name])
			v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(one))
			if err := sch.Validate(v); err != nil {
				errs = append(errs, fmt.Sprintf("%s (%s): %v", name, typ, err))
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("%s", strings.Join(errs, "\n"))
		}
		return nil
	}
	j, err := json.Marshal(resolvedResources)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(j); err != nil {
		t.Errorf("the template does not validate against the CloudFormation resource schemas:\n%v", err)
	}
	// A deliberate mistake must fail, or the check proves nothing.
	bad := strings.Replace(string(j), `"`+mistakeFrom+`"`, `"`+mistakeTo+`"`, 1)
	if bad == string(j) || validate([]byte(bad)) == nil {
		t.Errorf("%s: a misspelled property (%s) validated: the schema check is not working", path, mistakeTo)
	}
	return resources
}

func TestCloudFormationTemplateValidatesAgainstTheResourceSchemas(t *testing.T) {
	resources := validateCFN(t, "aws/eventbridge-ecs.yaml", "ScheduleExpressionTimezone", "ScheduleTimezone")
	// The task role is the shipped read-only policy, action for action.
	var shipped struct{ Statement []struct{ Action []string } }
	raw, err := os.ReadFile("../iam/trustmap-readonly.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &shipped); err != nil {
		t.Fatal(err)
	}
	var got []string
	role := resources["TaskRole"].(map[string]any)["Properties"].(map[string]any)
	for _, p := range role["Policies"].([]any) {
		for _, st := range p.(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			for _, a := range st.(map[string]any)["Action"].([]any) {
				got = append(got, a.(string))
			}
		}
	}
	want := slices.Clone(shipped.Statement[0].Action)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(want, got) {
		t.Errorf("TaskRole actions differ from iam/trustmap-readonly.json:\n got %v\nwant %v", got, want)
	}
	td := resources["TaskDefinition"].(map[string]any)["Properties"].(map[string]any)
	cont := td["ContainerDefinitions"].([]any)[0].(map[string]any)
	var cmd []string
	for _, a := range cont["Command"].([]any) {
		cmd = append(cmd, a.(string))
	}
	checkFlags(t, "aws/eventbridge-ecs.yaml", cmd)
	secret := cont["Secrets"].([]any)[0].(map[string]any)
	if secret["Name"] != "TRUSTMAP_STORE" {
		t.Error("TRUSTMAP_STORE must come from Secrets Manager")
	}
}

func TestGitHubWorkflowPassesActionlintAndUploadsSARIFAndTheHTMLReport(t *testing.T) {
	path := "github/trustmap-scheduled.yml"
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("actionlint: %s:%d:%d: %s [%s]", path, e.Line, e.Column, e.Message, e.Kind)
	}
	data, _ := os.ReadFile(path)
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string            `yaml:"name"`
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				If   string            `yaml:"if"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	var sarif, html, scanned bool
	for _, st := range wf.Jobs["scan"].Steps {
		for _, args := range commandLines(st.Run) {
			checkFlags(t, path+" step "+st.Name, args)
			if args[0] == "scan" {
				joined := strings.Join(args, " ")
				scanned = strings.Contains(joined, "--output-dir out") && strings.Contains(joined, "sarif") && strings.Contains(joined, "html")
			}
		}
		if strings.HasPrefix(st.Uses, "github/codeql-action/upload-sarif@") {
			sarif = st.With["sarif_file"] == "out/report.sarif" && strings.Contains(st.If, "always()")
		}
		if strings.HasPrefix(st.Uses, "actions/upload-artifact@") {
			html = strings.Contains(st.With["path"], "out/report.html") && strings.Contains(st.If, "always()")
		}
	}
	if !scanned || !sarif || !html {
		t.Errorf("scan writes sarif and html to out/: %v; SARIF uploaded always: %v; HTML uploaded always: %v", scanned, sarif, html)
	}
}

func TestSystemdUnitsVerify(t *testing.T) {
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	script, _ := filepath.Abs("host/trustmap-scheduled.sh")
	dir := t.TempDir()
	for _, f := range []string{"trustmap-scan.service", "trustmap-scan.timer"} {
		data, err := os.ReadFile(filepath.Join("host", f))
		if err != nil {
			t.Fatal(err)
		}
		// The unit names the installed path; verify against the script here.
		data = bytes.ReplaceAll(data, []byte("/usr/local/lib/trustmap/trustmap-scheduled.sh"), []byte(script))
		os.WriteFile(filepath.Join(dir, f), data, 0o644)
	}
	out, err := exec.Command(sa, "verify", "--man=no", filepath.Join(dir, "trustmap-scan.service"), filepath.Join(dir, "trustmap-scan.timer")).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func TestTheHostScriptRecordsHistoryAndPassesTheExitCodesOn(t *testing.T) {
	bin := trustmapBinary(t)
	script, _ := filepath.Abs("host/trustmap-scheduled.sh")
	text, _ := os.ReadFile(script)
	for _, args := range commandLines(string(text)) {
		checkFlags(t, "host/trustmap-scheduled.sh", args)
	}
	cron, _ := os.ReadFile("host/trustmap.cron")
	if !strings.Contains(string(cron), "trustmap-scheduled.sh") {
		t.Error("the cron line does not run the script")
	}
	home := t.TempDir()
	run := func(extra ...string) (int, string) {
		cmd := exec.Command("/bin/sh", script)
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_STATE_HOME="+filepath.Join(home, "state"),
			"TRUSTMAP="+bin, "TRUSTMAP_SCAN_ARGS=--demo", "TRUSTMAP_STORE=", "TRUSTMAP_KEEP_REPORTS=2")
		cmd.Env = append(cmd.Env, extra...)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, string(out)
	}
	if code, out := run("TRUSTMAP_FAIL_ON="); code != 0 || !strings.Contains(out, "nothing new") {
		t.Fatalf("first run: exit %d\n%s", code, out)
	}
	db := filepath.Join(home, "data", "trustmap", "history.db")
	st, err := os.Stat(db)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the history store is not at %s with mode 0600: %v %v", db, err, st)
	}
	// The demo has unrecognized high entry points: --fail-on high fails.
	if code, out := run("TRUSTMAP_FAIL_ON=high"); code != 1 || !strings.Contains(out, "report.html") || !strings.Contains(out, "--fail-on high") {
		t.Errorf("--fail-on high: exit %d, want 1\n%s", code, out)
	}
	// A store that cannot be opened: exit 3, the report written anyway.
	if code, out := run("TRUSTMAP_STORE=" + filepath.Join(script, "history.db")); code != 3 || !strings.Contains(out, "history store") {
		t.Errorf("a broken store: exit %d, want 3\n%s", code, out)
	}
	reports, _ := filepath.Glob(filepath.Join(home, "state", "trustmap", "reports", "*", "report.html"))
	if len(reports) == 0 || len(reports) > 2 {
		t.Errorf("%d reports kept, want 1 or 2 (TRUSTMAP_KEEP_REPORTS=2)", len(reports))
	}
	out, err := exec.Command(bin, "history", "--store", db).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "complete") {
		t.Errorf("trustmap history on the script's store: %v\n%s", err, out)
	}
}
