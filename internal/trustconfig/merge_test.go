package trustconfig

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/analyzers/results"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/policy"
)

// inserted returns the lines of after that are not in before, checking
// that before's lines are all in after, in order: a merge only adds.
// Each inserted line is given with the kept line that follows it.
func inserted(t *testing.T, before, after string) []string {
	t.Helper()
	b, a := strings.Split(before, "\n"), strings.Split(after, "\n")
	var out []string
	i := 0
	for _, l := range a {
		if i < len(b) && l == b[i] {
			i++
			continue
		}
		next := "<end>"
		if i < len(b) {
			next = b[i]
		}
		out = append(out, l+"   ⟶ before: "+next)
	}
	if i != len(b) {
		t.Fatalf("the merge lost line %d of the file: %q", i+1, b[i])
	}
	return out
}

func mustMerge(t *testing.T, existing string, s *Scan) (string, MergeStats) {
	t.Helper()
	out, st, err := Merge([]byte(existing), "trustmap.yaml", s)
	if err != nil {
		t.Fatalf("merge: %v", err)
	}
	if _, err := Parse(out, "trustmap.yaml"); err != nil {
		t.Fatalf("the merged file does not parse: %v\n%s", err, out)
	}
	if err := validateYAML(t, out); err != nil {
		t.Fatalf("the merged file is not valid for the schema: %v\n%s", err, out)
	}
	return string(out), st
}

func replaceLine(t *testing.T, text, old, new string) string {
	t.Helper()
	if !strings.Contains(text, old+"\n") {
		t.Fatalf("no line %q", old)
	}
	return strings.Replace(text, old+"\n", new+"\n", 1)
}

func TestMergingTheSameScanChangesNothing(t *testing.T) {
	s := SeenIn(scan1())
	start := string(Starter(s))
	edited := replaceLine(t, start, `  # - {id: "111122223333", name: "account 111122223333"}`, `  - {id: "111122223333", name: partner-acme}`)
	for name, doc := range map[string]string{"the starter file": start, "a file with an uncommented line": edited} {
		out, st := mustMerge(t, doc, s)
		if out != doc || !st.Unchanged {
			t.Errorf("%s changed:\n%s", name, cmp.Diff(doc, out))
		}
	}
}

// scan2 is scan1 a week later: the partner and the VPC-endpoint bucket are
// gone; a new account reaches a role; two buckets became public, one of
// them covered by a glob the user wrote.
func scan2() Results {
	r := scan1()
	r.ScannedAt = scanTime.AddDate(0, 0, 7)
	r.EntryPoints = slices.DeleteFunc(r.EntryPoints, func(ep results.EntryPoint) bool {
		return ep.ID == "EP-partner" || ep.ID == "EP-role" || ep.ID == "EP-vpce"
	})
	r.Boundaries = slices.DeleteFunc(r.Boundaries, func(c results.Crossing) bool { return c.FromZone == graph.ZoneExternalAccount("111122223333") })
	r.EntryPoints = append(r.EntryPoints,
		entryPoint("EP-new", "arn:aws:iam::123456789012:role/new", policy.CrossAccount, results.SevHigh, "555566667777"),
		entryPoint("EP-www-eu", "arn:aws:s3:::acme-www-eu", policy.Public, results.SevHigh, "*"),
		entryPoint("EP-q", "arn:aws:sqs:us-east-1:123456789012:acme-new", policy.Public, results.SevHigh, "*"))
	r.Boundaries = append(r.Boundaries, crossing(graph.ZoneExternalAccount("555566667777"), "arn:aws:iam::123456789012:role/new", graph.EdgeCanAssume, graph.ViaTrustPolicy, "EP-new", "New"))
	return r
}

func TestMergeKeepsTheUsersLinesAddsWhatIsNewAndMarksWhatIsGone(t *testing.T) {
	doc := string(Starter(SeenIn(scan1())))
	// The user trusts the partner (renamed) and Datadog, says why in a
	// comment of their own, and writes a glob for the website buckets.
	doc = replaceLine(t, doc, `  # - {id: "111122223333", name: "account 111122223333"}`, "  # contract renewed in 2026\n  - {id: \"111122223333\", name: partner-acme}")
	doc = replaceLine(t, doc, `  # - {id: "464622532012", name: "Datadog"}`, `  - {id: "464622532012", name: "Datadog"}`)
	doc = replaceLine(t, doc, "expected_public:", "expected_public:\n  - resource: \"arn:aws:s3:::acme-www*\"\n    reason: the website buckets")
	before, err := Parse([]byte(doc), "trustmap.yaml")
	if err != nil {
		t.Fatal(err)
	}

	s2 := SeenIn(scan2())
	out, st := mustMerge(t, doc, s2)
	orgs := "   ⟶ before: # organizations: AWS Organizations whose member accounts you trust. The scanned"
	sups := "   ⟶ before: # suppressions: findings you accept for a while. Each needs a rule or a"
	want := []string{
		// The partner, written by the user, is marked, not deleted.
		`  # not seen since the scan of 2026-12-04 12:00 UTC: "111122223333"; remove this entry if that access is gone   ⟶ before:   - {id: "111122223333", name: partner-acme}`,
		// The new account comes after the last entry of known_accounts,
		// before the next section's help.
		`  # 555566667777: 1 way in, highest severity high` + orgs,
		`  #   high     can-assume  arn:aws:iam::123456789012:role/new` + orgs,
		`  #            trust-policy: s3:GetBucketPolicy statement 1 (Sid "New")` + orgs,
		`  # - {id: "555566667777", name: "account 555566667777"}` + orgs,
		orgs,
		// The commented-out suggestion the scan no longer saw is marked too.
		`  # not seen since the scan of 2026-12-04 12:00 UTC: "arn:aws:s3:::acme-vpce"; remove this entry if that access is gone   ⟶ before:   # - {resource: "arn:aws:s3:::acme-vpce", reason: ""}`,
		// acme-www-eu is covered by the user's glob; only the queue is new.
		`  # arn:aws:sqs:us-east-1:123456789012:acme-new: 1 way in, highest severity high` + sups,
		`  #   high     can-read through its bucket-policy` + sups,
		`  #            s3:GetBucketPolicy statement 2 (Sid "Public")` + sups,
		`  # - {resource: "arn:aws:sqs:us-east-1:123456789012:acme-new", reason: ""}` + sups,
		sups,
	}
	if diff := cmp.Diff(want, inserted(t, doc, out)); diff != "" {
		t.Errorf("inserted lines (-want +got):\n%s\nmerged file:\n%s", diff, out)
	}
	if i, j := strings.Index(out, "555566667777"), strings.Index(out, "\norganizations:"); i > j {
		t.Errorf("the new account was not added inside known_accounts")
	}
	if diff := cmp.Diff(map[string]int{"known_accounts": 1, "expected_public": 1}, st.Added); diff != "" || st.Marked != 2 || st.Unmarked != 0 {
		t.Errorf("stats = %+v", st)
	}
	after, _ := Parse([]byte(out), "trustmap.yaml")
	if !sameMeaning(before, after) {
		t.Errorf("the merge changed what the file recognizes: %+v -> %+v", before, after)
	}

	// Idempotent: the same scan again changes nothing.
	again, st := mustMerge(t, out, s2)
	if again != out || !st.Unchanged {
		t.Errorf("a second merge of the same scan changed the file:\n%s", cmp.Diff(out, again))
	}

	// The partner is back a week later: its mark goes, nothing else moves.
	r3 := scan2()
	r3.ScannedAt = scanTime.AddDate(0, 0, 14)
	r3.Boundaries = append(r3.Boundaries, crossing(graph.ZoneExternalAccount("111122223333"), "arn:aws:s3:::acme-partner", graph.EdgeCanRead, graph.ViaBucketPolicy, "", "PartnerRead"))
	back, st := mustMerge(t, out, SeenIn(r3))
	if st.Unmarked != 1 || st.Marked != 0 || len(st.Added) != 0 {
		t.Errorf("stats = %+v", st)
	}
	if strings.Contains(back, `"111122223333"; remove this entry`) || !strings.Contains(back, `"arn:aws:s3:::acme-vpce"; remove this entry`) {
		t.Errorf("only the partner's mark should be gone:\n%s", back)
	}
	if back != strings.Replace(out, "  # not seen since the scan of 2026-12-04 12:00 UTC: \"111122223333\"; remove this entry if that access is gone\n", "", 1) {
		t.Errorf("more than the mark changed:\n%s", cmp.Diff(out, back))
	}
}

func TestAnIncompleteScanMarksNothingAsGone(t *testing.T) {
	doc := string(Starter(SeenIn(scan1())))
	r := scan2()
	r.Complete = false
	out, st := mustMerge(t, doc, SeenIn(r))
	if st.Marked != 0 || strings.Contains(out, "not seen since") {
		t.Errorf("an incomplete scan marked entries as gone:\n%s", out)
	}
	if st.Added["known_accounts"] != 1 {
		t.Errorf("an incomplete scan should still add what it saw: %+v", st)
	}
}

func TestMergeIntoAHandWrittenFileAddsMissingSectionsInItsStyle(t *testing.T) {
	for _, eol := range []string{"\n", "\r\n"} {
		doc := strings.ReplaceAll("# our trust config\n"+
			"known_accounts: []   # none yet\n"+
			"expected_public:\n"+
			"- resource: \"arn:aws:s3:::acme-www\"\n"+
			"  reason: website\n", "\n", eol)
		s := SeenIn(scan1())
		out, st := mustMerge(t, doc, s)
		if eol == "\r\n" && strings.Count(out, "\n") != strings.Count(out, "\r\n") {
			t.Errorf("the merge mixed line endings into a CRLF file")
		}
		out = strings.ReplaceAll(out, "\r\n", "\n")
		for _, w := range []string{
			"# our trust config\nknown_accounts:   # none yet\n  # 111122223333: 2 ways in",
			"  # - {id: \"999988887777\", name: \"account 999988887777\"}\n\nexpected_public:\n",
			// expected_public is written at column 0: so are its new entries.
			"- resource: \"arn:aws:s3:::acme-www\"\n  reason: website\n\n# arn:aws:s3:::acme-vpce (not public",
			"\n# - {resource: \"arn:aws:s3:::acme-vpce\", reason: \"\"}\n",
			// organizations was missing: it is added whole, at the end.
			"\n# organizations: AWS Organizations whose member accounts you trust. The scanned\n",
			"organizations:\n  # o-a1b2c3d4e5: 1 way in",
		} {
			if !strings.Contains(out, w) {
				t.Errorf("the merged file lacks %q:\n%s", w, out)
			}
		}
		if st.Added["expected_public"] != 1 || st.Added["known_accounts"] != 3 || st.Added["organizations"] != 1 {
			t.Errorf("stats = %+v", st)
		}
		// Uncommenting a column-0 entry gives a valid file.
		c, err := Parse([]byte(strings.Replace(strings.Replace(out, `# - {resource: "arn:aws:s3:::acme-vpce", reason: ""}`, `- {resource: "arn:aws:s3:::acme-vpce", reason: "tools"}`, 1),
			`  # - {id: "464622532012", name: "Datadog"}`, `  - {id: "464622532012", name: "Datadog"}`, 1)), "t")
		if err != nil || len(c.ExpectedPublic) != 2 || len(c.KnownAccounts) != 1 {
			t.Errorf("uncommenting the added entries: %+v, %v", c, err)
		}
		again, st := mustMerge(t, out, s)
		if again != out || !st.Unchanged {
			t.Errorf("a second merge changed the file:\n%s", cmp.Diff(out, again))
		}
	}
}

func TestMergeBesideAListWrittenInFlowStyle(t *testing.T) {
	doc := "known_accounts: [{id: \"111122223333\", name: partner}]\n"
	out, _ := mustMerge(t, doc, SeenIn(scan1()))
	if !strings.HasPrefix(out, doc+"  # (the list above is written [like, this]: to uncomment an entry below, write the list one \"- \" item per line)\n  # 464622532012") {
		t.Errorf("merged:\n%s", out)
	}
	again, st := mustMerge(t, out, SeenIn(scan1()))
	if again != out || !st.Unchanged {
		t.Errorf("a second merge changed the file:\n%s", cmp.Diff(out, again))
	}
}

func TestMergeNeverTouchesAFileItCannotRead(t *testing.T) {
	_, _, err := Merge([]byte("known_accounts:\n  - {id: \"1234\", name: x}\n"), "trustmap.yaml", SeenIn(scan1()))
	if err == nil || err.Error() != `trustmap.yaml:2:10: known_accounts[0].id: "1234" is not a 12-digit account id` {
		t.Errorf("err = %v", err)
	}
}
