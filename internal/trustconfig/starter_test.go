package trustconfig

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

const own = "123456789012"

var scanTime = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// crossing builds a crossing from an outside zone into one of our
// resources, with the statement that grants it.
func crossing(from graph.Zone, to string, kind graph.EdgeKind, via graph.Via, ep string, sid string) results.Crossing {
	return results.Crossing{
		ID: "BX-" + to + kind.String(), From: "x", To: to, FromZone: from, ToZone: graph.ZoneAccount(own), Kind: kind, Via: via,
		Exposure: policy.CrossAccount, EntryPoint: ep,
		Grants: []graph.Evidence{{Source: "s3:GetBucketPolicy", Statements: []policy.StatementRef{{Index: 0, Sid: sid}}}},
	}
}

func entryPoint(id, arn string, exposure policy.Verdict, sev results.Severity, principals ...string) results.EntryPoint {
	return results.EntryPoint{ID: id, ResourceARN: arn, Exposure: exposure, Severity: sev, Principals: principals, Via: graph.ViaBucketPolicy,
		Access:   []graph.EdgeKind{graph.EdgeCanRead},
		Evidence: results.EPEvidence{Grants: []graph.Evidence{{Source: "s3:GetBucketPolicy", Statements: []policy.StatementRef{{Index: 1, Sid: "Public"}}}}}}
}

// scan1 sees a partner (two ways in), a vendor, an organization, a public
// bucket, a bucket open to "*" behind a VPC endpoint, an AWS service
// (which trustmap.yaml cannot recognize) and a bucket that notifies a
// queue in another account.
func scan1() Results {
	vpce := entryPoint("EP-vpce", "arn:aws:s3:::acme-vpce", policy.CrossAccount, results.SevMedium, "*")
	vpce.Evidence.Conditions = []string{"StringEquals aws:SourceVpce = vpce-1"}
	out := crossing(graph.ZoneAccount(own), "arn:aws:sqs:us-east-1:999988887777:their-queue", graph.EdgeTriggers, 0, "", "")
	out.From, out.ToZone, out.Grants = "arn:aws:s3:::acme-uploads", graph.ZoneExternalAccount("999988887777"), []graph.Evidence{{Source: "s3:GetBucketNotificationConfiguration", Detail: "QueueConfigurations"}}
	return Results{
		Source: "report.json", Accounts: []string{own}, ScannedAt: scanTime, Complete: true,
		EntryPoints: []results.EntryPoint{
			entryPoint("EP-partner", "arn:aws:s3:::acme-partner", policy.CrossAccount, results.SevHigh, "111122223333"),
			entryPoint("EP-role", "arn:aws:iam::123456789012:role/partner", policy.CrossAccount, results.SevHigh, "111122223333"),
			entryPoint("EP-dd", "arn:aws:iam::123456789012:role/datadog", policy.CrossAccount, results.SevHigh, "464622532012"),
			entryPoint("EP-org", "arn:aws:s3:::acme-org", policy.CrossAccount, results.SevMedium, "o-a1b2c3d4e5"),
			entryPoint("EP-public", "arn:aws:s3:::acme-www", policy.Public, results.SevHigh, "*"),
			vpce,
			entryPoint("EP-svc", "arn:aws:lambda:us-east-1:123456789012:function:f", policy.CrossAccount, results.SevMedium, "s3.amazonaws.com"),
		},
		Boundaries: []results.Crossing{
			crossing(graph.ZoneExternalAccount("111122223333"), "arn:aws:s3:::acme-partner", graph.EdgeCanRead, graph.ViaBucketPolicy, "EP-partner", "PartnerRead"),
			crossing(graph.ZoneExternalAccount("111122223333"), "arn:aws:s3:::acme-partner", graph.EdgeCanWrite, graph.ViaBucketPolicy, "EP-partner", "PartnerWrite"),
			crossing(graph.ZoneExternalAccount("111122223333"), "arn:aws:iam::123456789012:role/partner", graph.EdgeCanAssume, graph.ViaTrustPolicy, "EP-role", "Partner"),
			crossing(graph.ZoneExternalAccount("464622532012"), "arn:aws:iam::123456789012:role/datadog", graph.EdgeCanAssume, graph.ViaTrustPolicy, "EP-dd", ""),
			withRecognized(crossing(graph.ZoneOrganization("o-a1b2c3d4e5"), "arn:aws:s3:::acme-org", graph.EdgeCanRead, graph.ViaBucketPolicy, "EP-org", "Org"), "known: own organization o-a1b2c3d4e5"),
			crossing(graph.ZoneAWSService("s3.amazonaws.com"), "arn:aws:lambda:us-east-1:123456789012:function:f", graph.EdgeCanInvoke, graph.ViaLambdaPermission, "EP-svc", ""),
			out,
		},
	}
}

func withRecognized(c results.Crossing, by string) results.Crossing {
	c.Recognized, c.RecognizedBy = true, by
	return c
}

func TestTheStarterFileListsEveryPartyCommentedOutAndRecognizesNothing(t *testing.T) {
	s := SeenIn(scan1())
	data := Starter(s)
	c, err := Parse(data, "trustmap.yaml")
	if err != nil {
		t.Fatalf("the starter file does not parse: %v\n%s", err, data)
	}
	if c.Version != Version || len(c.KnownAccounts)+len(c.Organizations)+len(c.ExpectedPublic)+len(c.Suppressions) != 0 {
		t.Errorf("the starter file recognizes something: %+v", c)
	}
	if err := validateYAML(t, data); err != nil {
		t.Errorf("the starter file is not valid for the schema: %v", err)
	}
	text := string(data)
	if !strings.HasPrefix(text, "# yaml-language-server: $schema="+SchemaURL+"\n") {
		t.Errorf("the first line does not name the schema for editors:\n%s", text[:strings.Index(text, "\n")])
	}
	// Entry lines, by section, in order: severity (highest first), then id.
	got := map[string][]string{}
	sec := ""
	for _, l := range strings.Split(text, "\n") {
		if m := regexp.MustCompile(`^([a-z_]+):$`).FindStringSubmatch(l); m != nil {
			sec = m[1]
		}
		if strings.HasPrefix(l, "  # - ") {
			got[sec] = append(got[sec], strings.TrimPrefix(l, "  # "))
		}
	}
	want := map[string][]string{
		"known_accounts": {
			`- {id: "111122223333", name: "account 111122223333"}`,
			`- {id: "464622532012", name: "Datadog"}`,
			`- {id: "999988887777", name: "account 999988887777"}`,
		},
		"organizations": {`- "o-a1b2c3d4e5"`},
		"expected_public": {
			`- {resource: "arn:aws:s3:::acme-www", reason: ""}`,
			`- {resource: "arn:aws:s3:::acme-vpce", reason: ""}`,
		},
		"suppressions": {`- {rule: TM-DEP-002, resource: "arn:aws:iam::123456789012:role/example", owner: you@example.com, expires: 2027-01-31, reason: "vendor is migrating to an external id"}`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("commented-out entries (-want +got):\n%s", diff)
	}
	// The evidence: what each party reaches and the statement that grants it.
	for _, w := range []string{
		"  # 111122223333: 2 ways in, highest severity high\n" +
			"  #   high     can-assume  arn:aws:iam::123456789012:role/partner\n" +
			"  #            trust-policy: s3:GetBucketPolicy statement 1 (Sid \"Partner\")\n" +
			"  #   high     can-read, can-write  arn:aws:s3:::acme-partner\n" +
			"  #            bucket-policy: s3:GetBucketPolicy statement 1 (Sid \"PartnerRead\"); s3:GetBucketPolicy statement 1 (Sid \"PartnerWrite\")\n",
		"  # 464622532012 (Datadog, from trustmap's list of well-known accounts: a label, not a recognition): 1 way in",
		"  #   medium   triggers  arn:aws:s3:::acme-uploads -> arn:aws:sqs:us-east-1:999988887777:their-queue\n" +
			"  #            s3:GetBucketNotificationConfiguration QueueConfigurations\n",
		"  #   already recognized by the scan (known: own organization o-a1b2c3d4e5): listing it is not needed\n",
		"  # arn:aws:s3:::acme-www: 1 way in, highest severity high\n" +
			"  #   high     can-read through its bucket-policy\n" +
			"  #            s3:GetBucketPolicy statement 2 (Sid \"Public\")\n",
		"  # arn:aws:s3:::acme-vpce (not public: open to any AWS principal that meets the conditions below): 1 way in, highest severity medium\n" +
			"  #   medium   can-read through its bucket-policy\n" +
			"  #            s3:GetBucketPolicy statement 2 (Sid \"Public\"); when StringEquals aws:SourceVpce = vpce-1\n",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("the starter file lacks\n%s\nin\n%s", w, text)
		}
	}
	if strings.Contains(text, "s3.amazonaws.com") {
		t.Errorf("an AWS service principal is listed, but no section of trustmap.yaml recognizes one")
	}
}

// uncomment removes the "# " of the entry line that contains key.
func uncomment(t *testing.T, data []byte, key string) []byte {
	t.Helper()
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		if m := commentedEntryRE.FindStringSubmatch(l); m != nil && strings.Contains(l, `"`+key+`"`) {
			lines[i] = m[1] + m[2]
			return []byte(strings.Join(lines, "\n"))
		}
	}
	t.Fatalf("no commented entry for %s", key)
	return nil
}

func TestUncommentingALineRecognizesThatParty(t *testing.T) {
	data := Starter(SeenIn(scan1()))
	data = uncomment(t, data, "111122223333")
	data = uncomment(t, data, "464622532012")
	data = uncomment(t, data, "o-a1b2c3d4e5")
	c, err := Parse(data, "trustmap.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tr := &results.Trust{}
	c.Trust(tr)
	if diff := cmp.Diff(map[string]string{"111122223333": "account 111122223333", "464622532012": "Datadog"}, tr.KnownAccounts); diff != "" {
		t.Errorf("known accounts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"o-a1b2c3d4e5"}, tr.OrgIDs); diff != "" {
		t.Errorf("organizations (-want +got):\n%s", diff)
	}
	// A public resource needs a reason: uncommenting alone says so, at the line.
	pub := uncomment(t, data, "arn:aws:s3:::acme-www")
	_, err = Parse(pub, "trustmap.yaml")
	line := 1 + slices.Index(strings.Split(string(pub), "\n"), `  - {resource: "arn:aws:s3:::acme-www", reason: ""}`)
	want := "trustmap.yaml:" + strconv.Itoa(line) + ":49: expected_public[0].reason: a reason is required: say why anyone may reach this resource"
	if err == nil || err.Error() != want {
		t.Errorf("uncommenting a public resource without a reason: got %v, want %s", err, want)
	}
}

func TestTextFromTheAccountStaysInsideItsComment(t *testing.T) {
	r := scan1()
	evil := "x\n- {id: \"222233334444\", name: injected}\r\u2028\u0085- \"o-injected0000\""
	r.Boundaries[0].Grants[0].Statements[0].Sid = evil
	r.Boundaries[0].Grants[0].Detail = evil
	r.Source = "report\n- {id: \"222233334444\", name: injected}.json"
	data := Starter(SeenIn(r))
	c, err := Parse(data, "trustmap.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.KnownAccounts)+len(c.Organizations) != 0 {
		t.Errorf("text from the scanned account became an entry: %+v", c)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, "injected") && !strings.HasPrefix(strings.TrimSpace(l), "#") {
			t.Errorf("line %q is outside a comment", l)
		}
	}
	merged, _, err := Merge(data, "trustmap.yaml", SeenIn(r))
	if err != nil || string(merged) != string(data) {
		t.Errorf("merging the same scan changed the file (err %v)", err)
	}
}

func TestASectionTheScanSawNothingForSaysSo(t *testing.T) {
	data := string(Starter(SeenIn(Results{Accounts: []string{own}, ScannedAt: scanTime, Complete: true})))
	for _, sec := range []string{"known_accounts", "organizations", "expected_public"} {
		if !strings.Contains(data, sec+":\n  # (none seen by the scan of 123456789012 at 2026-11-27 12:00 UTC)\n") {
			t.Errorf("section %s does not say the scan saw none:\n%s", sec, data)
		}
	}
}
