package main

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/policy"
)

// resultsActions is the IAM action each call of s3PartsAPI needs (Service
// Authorization Reference, Amazon S3: ListObjectsV2 is s3:ListBucket).
var resultsActions = map[string]string{
	"PutObject":     "s3:PutObject",
	"GetObject":     "s3:GetObject",
	"ListObjectsV2": "s3:ListBucket",
}

// policyStatements reads an IAM policy file into Sid → actions.
func policyStatements(t *testing.T, path string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := policy.Parse(data); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var doc struct {
		Statement []struct {
			Sid    string
			Action any
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, s := range doc.Statement {
		switch a := s.Action.(type) {
		case string:
			out[s.Sid] = []string{a}
		case []any:
			for _, x := range a {
				out[s.Sid] = append(out[s.Sid], x.(string))
			}
		}
	}
	return out
}

func TestTheResultsPolicyAllowsEveryResultsCallAndNothingElse(t *testing.T) {
	stmts := policyStatements(t, "../../iam/trustmap-results.json")
	var s3Actions, calls []string
	for _, as := range stmts {
		for _, a := range as {
			if strings.HasPrefix(a, "s3:") {
				s3Actions = append(s3Actions, a)
			}
		}
	}
	api := reflect.TypeFor[s3PartsAPI]()
	for i := range api.NumMethod() {
		m := api.Method(i).Name
		a, ok := resultsActions[m]
		if !ok {
			t.Errorf("s3PartsAPI.%s: no IAM action known for it; add it to resultsActions and to iam/trustmap-results.json", m)
		}
		calls = append(calls, a)
	}
	slices.Sort(s3Actions)
	slices.Sort(calls)
	if d := cmp.Diff(calls, s3Actions); d != "" {
		t.Errorf("iam/trustmap-results.json's S3 actions differ from the results calls (-calls +policy):\n%s", d)
	}
	want := map[string][]string{
		"ShardsWriteParts": {"s3:PutObject"}, "MergeListParts": {"s3:ListBucket"}, "MergeReadParts": {"s3:GetObject"},
		"ShardsEncryptWithResultsKmsKey": {"kms:GenerateDataKey"}, "MergeDecryptWithResultsKmsKey": {"kms:Decrypt"},
	}
	if d := cmp.Diff(want, stmts); d != "" {
		t.Errorf("statements (-want +got):\n%s", d)
	}
	for _, as := range policyStatements(t, "../../iam/trustmap-readonly.json") {
		for _, a := range as {
			if slices.Contains(calls, a) || strings.HasPrefix(a, "kms:GenerateDataKey") || a == "kms:Decrypt" {
				t.Errorf("the read-only policy allows %s, a results-bucket action", a)
			}
		}
	}
}
