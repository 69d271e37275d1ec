package fakeaws

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// EC2 (EC2 query: no Result wrapper, lower-case requestId, lists of <item>):
// aws_wire.md §10. DescribeRegions lives here; instances and the network
// around them in ec2_*.go, resolved once per account (ec2_world*.go).

func ec2Service() *service {
	w := &ec2Worlds{} // per server: services() runs once per New
	handlers := map[string]struct {
		resource string // form field faults match on
		h        func(*call) (*response, error)
	}{
		"DescribeRegions":                {"", ec2DescribeRegions},
		"DescribeInstances":              {"", w.describeInstances},
		"DescribeAddresses":              {"", w.describeAddresses},
		"DescribeVpcs":                   {"", w.describeVpcs},
		"DescribeSubnets":                {"", w.describeSubnets},
		"DescribeInternetGateways":       {"", w.describeInternetGateways},
		"DescribeRouteTables":            {"", w.describeRouteTables},
		"DescribeNetworkAcls":            {"", w.describeNetworkAcls},
		"DescribeSecurityGroups":         {"", w.describeSecurityGroups},
		"DescribeSecurityGroupRules":     {"", w.describeSecurityGroupRules},
		"DescribeManagedPrefixLists":     {"", w.describeManagedPrefixLists},
		"GetManagedPrefixListEntries":    {"PrefixListId", w.getManagedPrefixListEntries},
		"DescribeLaunchTemplates":        {"", w.describeLaunchTemplates},
		"DescribeLaunchTemplateVersions": {"LaunchTemplateId", w.describeLaunchTemplateVersions},
		"DescribeVpcEndpoints":           {"", w.describeVpcEndpoints},
	}
	return &service{route: func(c *call) (operation, bool) {
		action := c.form.Get("Action")
		op, ok := handlers[action]
		if !ok {
			return operation{}, false
		}
		return operation{name: action, resource: c.form.Get(op.resource), handle: op.h}, true
	}}
}

// ec2List reads a flattened EC2 list: Name.1, Name.2, ...
func ec2List(form url.Values, name string) []string {
	var out []string
	for i := 1; form.Has(fmt.Sprintf("%s.%d", name, i)); i++ {
		out = append(out, form.Get(fmt.Sprintf("%s.%d", name, i)))
	}
	return out
}

type ec2Filter struct {
	name   string
	values []string
}

func ec2Filters(form url.Values) []ec2Filter {
	var out []ec2Filter
	for i := 1; form.Has(fmt.Sprintf("Filter.%d.Name", i)); i++ {
		out = append(out, ec2Filter{
			name:   form.Get(fmt.Sprintf("Filter.%d.Name", i)),
			values: ec2List(form, fmt.Sprintf("Filter.%d.Value", i)),
		})
	}
	return out
}

func ec2Error(code, format string, args ...any) error {
	return errorFor("ec2", code, fmt.Sprintf(format, args...))
}

// ec2DescribeRegions lists the account's regions: without AllRegions=true
// only the enabled ones (disabled regions are silently absent). Regions
// named with RegionName.N are reported even when the fixture does not list
// them.
func ec2DescribeRegions(c *call) (*response, error) {
	if strings.EqualFold(c.form.Get("DryRun"), "true") {
		return nil, ec2Error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
	}
	a := c.account()
	all := strings.EqualFold(c.form.Get("AllRegions"), "true")
	names := slices.Concat(a.regions(), a.DisabledRegions)
	if requested := ec2List(c.form, "RegionName"); len(requested) > 0 {
		for _, r := range requested {
			if !validRegion(r) {
				return nil, ec2Error("InvalidParameterValue", "Invalid region: %s", r)
			}
		}
		names = requested
	}
	slices.Sort(names)
	names = slices.Compact(names)
	filters := ec2Filters(c.form)
	for _, f := range filters {
		if f.name != "region-name" && f.name != "opt-in-status" && f.name != "endpoint" {
			return nil, ec2Error("InvalidParameterValue", "The filter '%s' is invalid", f.name)
		}
	}
	return ec2Response(c, "DescribeRegions", func(x *xmlw) {
		x.open("regionInfo")
		for _, r := range names {
			status := a.optInStatus(r)
			endpoint := "ec2." + r + ".amazonaws.com"
			if (!all && status == "not-opted-in") || !ec2Matches(filters, r, status, endpoint) {
				continue
			}
			x.open("item").leaf("regionName", r).leaf("regionEndpoint", endpoint).leaf("optInStatus", status).close("item")
		}
		x.close("regionInfo")
	}), nil
}

func ec2Matches(filters []ec2Filter, region, status, endpoint string) bool {
	for _, f := range filters {
		got := map[string]string{"region-name": region, "opt-in-status": status, "endpoint": endpoint}[f.name]
		if !slices.Contains(f.values, got) {
			return false
		}
	}
	return true
}

// ec2Response wraps an EC2 result: <OpResponse xmlns><requestId>...
func ec2Response(c *call, op string, body func(x *xmlw)) *response {
	var b strings.Builder
	x := newXML(&b).open(op+"Response", "xmlns", queryNamespaces["ec2"]).leaf("requestId", c.ids.id)
	body(x)
	x.close(op + "Response")
	return xmlResponse("text/xml;charset=UTF-8", b.String())
}
