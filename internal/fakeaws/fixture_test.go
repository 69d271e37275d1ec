package fakeaws

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseFixture(t *testing.T) {
	w, err := LoadFixture(basicFixture)
	if err != nil {
		t.Fatal(err)
	}
	a := w.Accounts[0]
	got := struct {
		Accounts       int
		Roles          []AssumableRole
		Buckets        int
		Created        time.Time
		PolicyIsPublic bool
		EU             string
	}{len(w.Accounts), a.RolesAssumable, len(a.S3.Buckets), a.S3.Buckets[0].Created, a.S3.Buckets[0].PolicyIsPublic, a.S3.Buckets[3].LocationConstraint}
	want := struct {
		Accounts       int
		Roles          []AssumableRole
		Buckets        int
		Created        time.Time
		PolicyIsPublic bool
		EU             string
	}{2, []AssumableRole{
		{ARN: "arn:aws:iam::111122223333:role/trustmap-audit"},
		{ARN: "arn:aws:iam::111122223333:role/vendor-audit", ExternalID: "ext-1234"},
	}, 5, time.Date(2024, 1, 7, 10, 0, 0, 0, time.UTC), true, "EU"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fixture (-want +got):\n%s", diff)
	}
}

func TestDocumentsBecomeJSON(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"a mapping keeps its key order", "policy: {Version: '2012-10-17', Statement: []}", `{"Version":"2012-10-17","Statement":[]}`},
		{"an unquoted date stays the text written", "policy: {Version: 2012-10-17}", `{"Version":"2012-10-17"}`},
		{"numbers, booleans and null keep their JSON types", "policy: {a: 1, b: 2.5, c: true, d: null, e: '1'}", `{"a":1,"b":2.5,"c":true,"d":null,"e":"1"}`},
		{"a YAML-only number is quoted", "policy: {a: 0x1F}", `{"a":"0x1F"}`},
		{"strings are escaped for JSON", "policy: {a: \"quote \\\" and\\ttab\"}", `{"a":"quote \" and\ttab"}`},
		{"a string is kept verbatim, even when it is not JSON", "policy: '{not json'", `{not json`},
		{"a block sequence becomes an array", "policy:\n  - x\n  - {y: z}", `["x",{"y":"z"}]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, err := ParseFixture([]byte(`
accounts:
  - id: "123456789012"
    s3:
      buckets:
        - name: bucket-a
          `+strings.ReplaceAll(tc.yaml, "\n", "\n          ")), "doc.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if got := w.Accounts[0].S3.Buckets[0].Policy.JSON; got != tc.want {
				t.Errorf("JSON = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestParseFixtureErrors(t *testing.T) {
	const head = "accounts:\n  - id: \"123456789012\"\n"
	tests := []struct {
		name, yaml string
		want       string // a substring of the error, which starts with file:line
	}{
		{"an unknown field names the file and line", head + "    colour: blue\n",
			"bad.yaml:3: field colour not found in type fakeaws.Account"},
		{"an unknown field deep inside names its line", head + "    s3:\n      buckets:\n        - name: bucket-a\n          polcy: {}\n",
			"bad.yaml:6: field polcy not found in type fakeaws.Bucket"},
		{"a wrong type names its line", head + "    regions: us-east-1\n",
			"bad.yaml:3: cannot unmarshal !!str `us-east-1` into []string"},
		{"an unknown field in a role mapping is an error", head + "    roles_assumable: [{arn: x, externalid: y}]\n",
			"bad.yaml:3: field externalid not found in type fakeaws.AssumableRole"},
		{"an account id must be 12 digits", "accounts:\n  - id: \"12345\"\n",
			"bad.yaml:2: accounts[0].id: account id \"12345\" is not 12 digits"},
		{"account ids are unique", head + "  - id: \"123456789012\"\n",
			"bad.yaml:3: accounts[1].id: account id 123456789012 appears twice"},
		{"bucket names are global", head + "    s3: {buckets: [{name: bucket-a}]}\n  - id: \"111122223333\"\n    s3: {buckets: [{name: bucket-a}]}\n",
			"bucket bucket-a appears twice (bucket names are global)"},
		{"a bucket name must be valid", head + "    s3: {buckets: [{name: Bucket_A}]}\n",
			"accounts[0].s3.buckets[0].name: \"Bucket_A\" is not a valid bucket name"},
		{"a standard region cannot be disabled", head + "    disabled_regions: [us-east-1]\n",
			"bad.yaml:3: accounts[0].disabled_regions[0]: \"us-east-1\" is not an opt-in region, so it cannot be disabled"},
		{"a bucket cannot live in a disabled region", head + "    disabled_regions: [af-south-1]\n    s3: {buckets: [{name: bucket-a, region: af-south-1}]}\n",
			"region af-south-1 is not enabled for account 123456789012"},
		{"BucketOwnerEnforced forbids grants to others", head + "    s3: {buckets: [{name: bucket-a, ownership: BucketOwnerEnforced, acl: {grants: [{type: Group, uri: \"http://acs.amazonaws.com/groups/global/AllUsers\", permission: READ}]}}]}\n",
			"ownership BucketOwnerEnforced disables ACLs"},
		{"policy_is_public needs a policy", head + "    s3: {buckets: [{name: bucket-a, policy_is_public: true}]}\n",
			"policy_is_public needs a policy"},
		{"an assumable role must be in a fixture account", head + "    roles_assumable: [\"arn:aws:iam::999999999999:role/x\"]\n",
			"bad.yaml:3: accounts[0].roles_assumable[0]: role arn:aws:iam::999999999999:role/x is in account 999999999999, which is not in the fixture"},
		{"a fault names a known service", head + "faults: [{service: dynamodb, error: Throttling}]\n",
			"bad.yaml:3: faults[0].service: service \"dynamodb\" is not one of"},
		{"a throttle key is service:Api", head + "throttle: {apis: {GetBucketPolicy: {rate: 1}}}\n",
			"throttle.apis.GetBucketPolicy: \"GetBucketPolicy\" is not service:Api with a known service"},
		{"a latency must be a duration", head + "latency: soon\n",
			"bad.yaml:3: cannot unmarshal !!str `soon` into time.Duration"},
		{"an empty fixture is an error", "", "bad.yaml: empty fixture"},
		{"a fixture without accounts is an error", "latency: 1ms\n", "bad.yaml:1: a fixture needs at least one account"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFixture([]byte(tc.yaml), "bad.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestValidateChecksWorldsBuiltInGo(t *testing.T) {
	w := &World{Accounts: []*Account{{ID: "1234"}}}
	if err := w.Validate(); err == nil || !strings.Contains(err.Error(), "world: accounts[0].id") {
		t.Errorf("error = %v, want a complaint about accounts[0].id", err)
	}
}
