package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/trustmap/trustmap/internal/fakeaws"
	"github.com/trustmap/trustmap/report"
)

const orgFixture = `
accounts:
  - id: "123456789012"
    access_keys: [AKIAMGMT000000000001]
    regions: [us-east-1]
    organization:
      id: o-a1b2c3d4e5
      master_account_id: "123456789012"
      accounts:
        - {id: "123456789012", name: mgmt, email: m@example.com, status: ACTIVE}
        - {id: "210987654321", name: member, email: d@example.com, status: ACTIVE}
        - {id: "333344445555", name: unreachable, email: u@example.com, status: ACTIVE}
    s3:
      buckets:
        - {name: mgmt-public, region: us-east-1, ownership: BucketOwnerEnforced, policy_is_public: true,
           policy: '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::mgmt-public/*"}]}'}
  - id: "210987654321"
    regions: [us-east-1]
    roles_assumable: [arn:aws:iam::210987654321:role/trustmap-audit]
    s3:
      buckets:
        - {name: member-public, region: us-east-1, ownership: BucketOwnerEnforced, policy_is_public: true,
           policy: '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::member-public/*"}]}'}
  - id: "333344445555"
    regions: [us-east-1]
`

func TestOrgScanAssumesARoleInEachMemberAndRecordsTheUnreachableOne(t *testing.T) {
	w, err := fakeaws.ParseFixture([]byte(orgFixture), "org.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeaws.New(w, fakeaws.Options{})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAMGMT000000000001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	dir := t.TempDir()
	code, _, stderr := runCLI(t, "", "scan", "-q", "--endpoint-url", srv.URL(), "--org", "--org-role-name", "trustmap-audit",
		"--services", "s3", "--output-dir", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "report.json"))
	var rep report.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Accounts, []string{"123456789012", "210987654321"}) {
		t.Errorf("accounts = %v, want the management account and the reachable member", rep.Accounts)
	}
	// The report is grouped by account. (--services s3 leaves out the
	// organizations collector, so the organization id is not read here.)
	if o := rep.Organization; o == nil || o.Summary.Accounts != 2 {
		t.Errorf("organization = %+v, want the two scanned accounts", o)
	} else {
		for _, a := range o.Accounts {
			if len(a.FromOutside) != 1 || a.FromOutside[0].Zone != "internet" || !a.FromOutside[0].Direct {
				t.Errorf("account %s reached from outside by %+v, want the internet directly (its public bucket)", a.Account, a.FromOutside)
			}
		}
	}
	var eps []string
	for _, ep := range rep.EntryPoints {
		eps = append(eps, ep.Account+" "+ep.ResourceARN)
	}
	slices.Sort(eps)
	if want := []string{"123456789012 arn:aws:s3:::mgmt-public", "210987654321 arn:aws:s3:::member-public"}; !slices.Equal(eps, want) {
		t.Errorf("entry points = %v, want %v", eps, want)
	}
	var gap *report.Coverage
	for i, c := range rep.Coverage {
		if c.API == "GetCallerIdentity" && c.Resource == "arn:aws:iam::333344445555:role/trustmap-audit" {
			gap = &rep.Coverage[i]
		}
	}
	if gap == nil || gap.Status != "denied" {
		t.Errorf("no denied gap for the unreachable member; coverage = %+v", rep.Coverage)
	}
}
