package all

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/collectors"
)

// readPrefixes are the method and action name prefixes of read-only calls.
var readPrefixes = []string{"List", "Get", "Describe", "Search", "BatchGet", "Lookup"}

// readAllowlist holds the calls that do not start with a read prefix but
// change nothing an account owner cares about. Each needs a reason.
var readAllowlist = map[string]string{
	// Asks IAM to (re)build the credential report, a read-only CSV summary
	// of users and keys; it changes no user, key or policy.
	"GenerateCredentialReport": "builds the read-only credential report",
	// API Gateway names its IAM actions after HTTP verbs; GET reads. The
	// shipped policy scopes it to APIs and domain names, so it cannot read
	// API key values (/apikeys).
	"GET": "API Gateway's read action",
}

func isRead(name string) bool {
	if _, ok := readAllowlist[name]; ok {
		return true
	}
	for _, p := range readPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func TestEveryCollectorClientHoldsOnlyReadMethods(t *testing.T) {
	for _, c := range Collectors() {
		d, ok := c.(collectors.Describer)
		if !ok {
			t.Errorf("collector %s does not describe its clients (collectors.Describer)", c.Name())
			continue
		}
		for _, spec := range d.Clients() {
			for i := 0; i < spec.Interface.NumMethod(); i++ {
				m := spec.Interface.Method(i).Name
				if !isRead(m) {
					t.Errorf("collector %s: client method %s is not a read call", c.Name(), m)
				}
				if len(spec.Actions[m]) == 0 {
					t.Errorf("collector %s: client method %s names no IAM action", c.Name(), m)
				}
			}
			for m := range spec.Actions {
				if _, ok := spec.Interface.MethodByName(m); !ok {
					t.Errorf("collector %s: IAM actions listed for %s, which the client interface lacks", c.Name(), m)
				}
			}
		}
	}
}

func TestShippedIAMPolicyAllowsExactlyTheActionsCollectorsCall(t *testing.T) {
	data, err := os.ReadFile("../../iam/trustmap-readonly.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []struct {
			Effect   string
			Action   []string
			Resource any
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("iam/trustmap-readonly.json: %v", err)
	}
	var shipped []string
	for _, st := range doc.Statement {
		if st.Effect != "Allow" {
			t.Errorf("statement with Effect %q: the shipped policy only allows", st.Effect)
		}
		shipped = append(shipped, st.Action...)
	}
	for _, st := range doc.Statement {
		for _, a := range st.Action {
			if a == "apigateway:GET" && fmt.Sprint(st.Resource) == "*" {
				t.Errorf("apigateway:GET on every resource would let the scanner read API key values; scope it to APIs and domain names")
			}
		}
	}
	for _, a := range shipped {
		_, name, _ := strings.Cut(a, ":")
		if strings.Contains(a, "*") || !isRead(name) {
			t.Errorf("shipped policy holds %q, which is not a single read action", a)
		}
	}
	used := slices.Clone(collectors.RunnerActions)
	for _, c := range Collectors() {
		d, ok := c.(collectors.Describer)
		if !ok {
			continue
		}
		for _, spec := range d.Clients() {
			for _, acts := range spec.Actions {
				used = append(used, acts...)
			}
		}
	}
	slices.Sort(used)
	used = slices.Compact(used)
	slices.Sort(shipped)
	if diff := cmp.Diff(used, shipped); diff != "" {
		t.Errorf("actions the collectors call (-) vs the shipped policy (+):\n%s", diff)
	}
}

// secretReads are read actions that return a secret value or plaintext:
// "List"/"Get" names, so the read rule above lets them pass, and the
// scanner must never hold them. Secrets Manager's values
// (GetSecretValue, BatchGetSecretValue: AWS Secrets Manager API
// Reference); KMS plaintext (Decrypt, GenerateDataKey*, which returns a
// plaintext data key, GetParametersForImport: AWS KMS API Reference);
// Systems Manager SecureString parameters (GetParameter, GetParameters,
// GetParametersByPath with decryption: AWS Systems Manager API Reference).
var secretReads = []string{
	"secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue",
	"kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom",
	"kms:ReEncryptTo", "kms:GetParametersForImport",
	"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
}

func TestNoClientAndNoShippedActionCanReadASecretValue(t *testing.T) {
	data, err := os.ReadFile("../../iam/trustmap-readonly.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range secretReads {
		if strings.Contains(string(data), `"`+a+`"`) {
			t.Errorf("iam/trustmap-readonly.json allows %s, which returns a secret value", a)
		}
	}
	for _, c := range Collectors() {
		d, ok := c.(collectors.Describer)
		if !ok {
			continue
		}
		for _, spec := range d.Clients() {
			for m, acts := range spec.Actions {
				for _, a := range acts {
					if slices.Contains(secretReads, a) {
						t.Errorf("collector %s: %s needs %s, which returns a secret value", c.Name(), m, a)
					}
				}
				_, op, _ := strings.Cut(slices.Concat(acts, []string{":"})[0], ":")
				if slices.ContainsFunc(secretReads, func(s string) bool { _, sop, _ := strings.Cut(s, ":"); return sop == m || sop == op }) {
					t.Errorf("collector %s: client method %s reads a secret value", c.Name(), m)
				}
			}
		}
	}
}

// TestNoCollectorReadsImageContentOrCode: who may pull, push or
// use code is a fact of the resource policies; the content is not needed
// and must not be readable with the shipped policy.
//   - ecr:BatchGetImage returns image manifests, ecr:GetDownloadUrlForLayer
//     a URL to download a layer, ecr:GetAuthorizationToken a Docker
//     password: the ECR collector reads repository and registry policies
//     only, and the image a function runs comes from the function
//     (lambda:GetFunction's ImageUri).
//   - lambda:GetLayerVersion returns a URL to download the layer's code:
//     ListLayerVersions and GetLayerVersionPolicy say all trustmap needs.
//
// Secret values are TestNoClientAndNoShippedActionCanReadASecretValue's.
func TestNoCollectorReadsImageContentOrCode(t *testing.T) {
	forbidden := []string{
		"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:GetAuthorizationToken",
		"lambda:GetLayerVersion", "lambda:GetLayerVersionByArn",
	}
	data, err := os.ReadFile("../../iam/trustmap-readonly.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Collectors() {
		d, ok := c.(collectors.Describer)
		if !ok {
			continue
		}
		for _, spec := range d.Clients() {
			for m, acts := range spec.Actions {
				for _, a := range acts {
					if slices.Contains(forbidden, a) {
						t.Errorf("collector %s: %s needs %s, which returns content", c.Name(), m, a)
					}
				}
			}
		}
	}
	for _, a := range forbidden {
		if strings.Contains(string(data), `"`+a+`"`) {
			t.Errorf("the shipped policy grants %s", a)
		}
	}
}
