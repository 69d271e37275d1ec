package report_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/all"
	"github.com/trustmap/trustmap/analyzers/analyzertest"
	"github.com/trustmap/trustmap/graph"
	"github.com/trustmap/trustmap/report"
	"github.com/trustmap/trustmap/report/html"
)

// orgReport builds the report of the three-account organization fixture
// that the boundaries, paths and organization analyzers also check.
func orgReport(t *testing.T) (*report.Report, *graph.Graph) {
	t.Helper()
	snap, trust := analyzertest.Load(t, "../analyzers/organization/testdata/organization.yaml")
	snap.Tool = graph.Tool{Name: "trustmap", Version: "test"}
	g := graph.Resolve(snap)
	res, err := analyzers.Run(g, trust, all.Analyzers())
	if err != nil {
		t.Fatal(err)
	}
	return report.Build(g, res), g
}

func TestAMultiAccountReportIsGroupedByAccountWithAnOrganizationSummary(t *testing.T) {
	r, g := orgReport(t)
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, report.Input{Report: r, Graph: g}); err != nil {
		t.Fatal(err)
	}
	if err := report.Validate(buf.Bytes()); err != nil {
		t.Fatalf("report.json does not validate: %v", err)
	}
	o := r.Organization
	if o == nil {
		t.Fatal("no organization section for a three-account scan")
	}
	if !slices.Equal(o.IDs, []string{"o-exampleorg1"}) {
		t.Errorf("ids = %v", o.IDs)
	}
	want := report.OrgSummary{Accounts: 3, ReachableFromOutside: 2, InternalCrossings: 1, CrossAccountPaths: 3}
	if o.Summary != want {
		t.Errorf("summary = %+v, want %+v", o.Summary, want)
	}
	byAcct := map[string]report.AccountSection{}
	for _, a := range o.Accounts {
		byAcct[a.Account] = a
	}
	if a := byAcct["111111111111"]; a.EntryPoints != 0 || len(a.FromOutside) != 0 {
		t.Errorf("management account = %+v, want nothing in and nobody from outside", a)
	}
	ss := byAcct["333333333333"]
	if ss.InternalCrossingsIn != 1 || ss.PathsInto == 0 || len(ss.FromOutside) != 2 {
		t.Errorf("shared services = %+v, want one crossing from the organization, paths into it, two outside zones", ss)
	}
	var through []string
	for _, x := range ss.FromOutside {
		if !x.Direct {
			through = append(through, string(x.Zone)+" via "+strings.Join(x.Through, ","))
		}
	}
	if !slices.Equal(through, []string{"internet via 222222222222"}) {
		t.Errorf("indirect reach into shared services = %v, want the internet through the workload account", through)
	}
}

func TestAOneAccountReportHasNoOrganizationSection(t *testing.T) {
	snap, trust := analyzertest.Load(t, "../analyzers/paths/testdata/paths.yaml")
	g := graph.Resolve(snap)
	res, err := analyzers.Run(g, trust, all.Analyzers())
	if err != nil {
		t.Fatal(err)
	}
	if r := report.Build(g, res); r.Organization != nil {
		t.Errorf("organization = %+v for one account", r.Organization)
	}
}

func TestMarkdownAndHTMLShowWhoReachesEachAccountFromOutsideTheOrganization(t *testing.T) {
	r, g := orgReport(t)
	var md, page bytes.Buffer
	if err := report.WriteMarkdown(&md, report.Input{Report: r, Graph: g}); err != nil {
		t.Fatal(err)
	}
	if err := html.WriteHTML(&page, report.Input{Report: r, Graph: g}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"## Organization",
		"3 accounts scanned (organization `o-exampleorg1`); 2 reachable from outside their organization",
		"### Who reaches `333333333333` from outside the organization",
		"- internet (high), through account `222222222222`: `arn:aws:sqs:us-east-1:222222222222:wl-events`",
		"- external-account:999988887777 (high), directly: `arn:aws:iam::333333333333:role/partner-read`",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	for _, want := range []string{`<section id="organization">`, "<code>333333333333</code>", "through 222222222222"} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}
