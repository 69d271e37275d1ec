package fakeaws

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// What every EC2 Describe* operation of the fake shares: the resolved world
// per account (built once per server), DryRun, ids, filters and NextToken
// paging.

// EC2DescribeRate is EC2's published request token bucket for a
// non-mutating action (Describe*): 100 tokens, refilled at 20 a second, per
// account, Region and action ("Request throttling for the Amazon EC2 API",
// Amazon EC2 Developer Guide). Use it as a fixture's (or the benchmark's)
// rate for "ec2:*".
var EC2DescribeRate = Rate{Rate: 20, Burst: 100}

// ec2Worlds caches each account's resolved EC2 world for one server.
type ec2Worlds struct {
	mu sync.Mutex
	m  map[*Account]*ec2Net
}

func (w *ec2Worlds) get(a *Account) *ec2Net {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[*Account]*ec2Net{}
	}
	n := w.m[a]
	if n == nil {
		n = buildEC2(a, nil)
		w.m[a] = n
	}
	return n
}

// regionOf returns the call's region of the account's world (empty when
// the account has nothing there).
func (w *ec2Worlds) regionOf(c *call) *ec2Region {
	if r := w.get(c.account()).regions[c.region]; r != nil {
		return r
	}
	return &ec2Region{name: c.region}
}

// ec2Limits is an operation's MaxResults range; tooFew and tooMany are the
// messages AWS sends when it is out of range (empty: a generic one).
type ec2Limits struct {
	min, max int
	msg      string // a fixed message for any value out of range
	clamp    bool   // above max is not an error: max items come back
}

var (
	ec2Limits5to1000 = ec2Limits{min: 5, max: 1000}
	ec2Limits5to100  = ec2Limits{min: 5, max: 100}
	ec2Limits1to100  = ec2Limits{min: 1, max: 100}
	// Observed: "Maximum results allowed are between 1 and 200"
	// (aws/aws-cli#3397, DescribeLaunchTemplateVersions).
	ec2Limits1to200 = ec2Limits{min: 1, max: 200, msg: "Maximum results allowed are between 1 and 200"}
	// DescribeVpcEndpoints: "If the value is greater than 1,000, we return
	// only 1,000 items."
	ec2LimitsVPCE = ec2Limits{min: 1, max: 1000, clamp: true}
)

// ec2Page pages n items with MaxResults/NextToken. Without MaxResults every
// item comes back (the EC2 pagination docs), from the token's offset. The
// token is opaque and names the operation: another operation's token, or
// anything else, is InvalidParameterValue.
func ec2Page(c *call, op string, n int, lim ec2Limits) (start, end int, next string, err error) {
	start, end = 0, n
	if t := c.form.Get("NextToken"); t != "" {
		raw, derr := base64.RawURLEncoding.DecodeString(t)
		rest, ok := strings.CutPrefix(string(raw), "ec2:"+op+":")
		off, aerr := strconv.Atoi(rest)
		if derr != nil || !ok || aerr != nil || off < 0 || off > n {
			return 0, 0, "", ec2Error("InvalidParameterValue", "Value ( %s ) for parameter NextToken is invalid. The token is invalid.", t)
		}
		start = off
	}
	if v := c.form.Get("MaxResults"); v != "" {
		m, perr := strconv.Atoi(v)
		switch {
		case perr != nil:
			return 0, 0, "", ec2Error("InvalidParameterValue", "Value ( %s ) for parameter maxResults is invalid.", v)
		case lim.clamp && m > lim.max:
			m = lim.max
		case lim.msg != "" && (m < lim.min || m > lim.max):
			return 0, 0, "", ec2Error("InvalidParameterValue", "%s", lim.msg)
		case m < lim.min:
			// Observed: "Value ( 1 ) for parameter maxResults is invalid.
			// Expecting a value greater than 5." (aws/aws-sdk-ruby#2575)
			return 0, 0, "", ec2Error("InvalidParameterValue", "Value ( %d ) for parameter maxResults is invalid. Expecting a value greater than %d.", m, lim.min)
		case m > lim.max:
			return 0, 0, "", ec2Error("InvalidParameterValue", "Value ( %d ) for parameter maxResults is invalid. Expecting a value less than or equal to %d.", m, lim.max)
		}
		end = min(n, start+m)
	}
	if end < n {
		next = base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("ec2:%s:%d", op, end)))
	}
	return start, end, next, nil
}

// ec2DryRun answers a DryRun request: the caller may call the operation.
func ec2DryRun(c *call) error {
	if strings.EqualFold(c.form.Get("DryRun"), "true") {
		return ec2Error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
	}
	return nil
}

// ec2Resource is how the generic Describe* sees a resource: its id, its tags
// and the values of a filter (known false for a filter it does not have).
type ec2Resource interface {
	ec2ID() string
	ec2Tags() map[string]string
	ec2Filter(name string) (values []string, known bool)
}

// ec2Select applies ids (a flattened list parameter) and filters. Ids that
// match nothing are reported by notFound; an unknown filter is
// InvalidParameterValue; more than 200 filter values is
// FilterLimitExceeded (observed, gjbae1212/gossm#35).
func ec2Select[T ec2Resource](c *call, items []T, idParam string, notFound func(missing []string) error) ([]T, error) {
	if err := ec2DryRun(c); err != nil {
		return nil, err
	}
	out := items
	if ids := ec2List(c.form, idParam); len(ids) > 0 {
		out = nil
		var missing []string
		for _, id := range ids {
			i := slices.IndexFunc(items, func(t T) bool { return t.ec2ID() == id })
			if i < 0 {
				missing = append(missing, id)
			} else if !slices.ContainsFunc(out, func(t T) bool { return t.ec2ID() == id }) {
				out = append(out, items[i])
			}
		}
		if len(missing) > 0 && notFound != nil {
			if err := notFound(missing); err != nil {
				return nil, err
			}
		}
	}
	filters := ec2Filters(c.form)
	count := 0
	for _, f := range filters {
		count += len(f.values)
	}
	if count > 200 {
		return nil, ec2Error("FilterLimitExceeded", "The maximum number of filter values specified on a single call is 200")
	}
	var kept []T
	for _, t := range out {
		ok, err := ec2FilterMatch(t, filters)
		if err != nil {
			return nil, err
		}
		if ok {
			kept = append(kept, t)
		}
	}
	return kept, nil
}

func ec2FilterMatch(t ec2Resource, filters []ec2Filter) (bool, error) {
	for _, f := range filters {
		var got []string
		tags := t.ec2Tags()
		switch {
		case strings.HasPrefix(f.name, "tag:"):
			if v, ok := tags[strings.TrimPrefix(f.name, "tag:")]; ok {
				got = []string{v}
			}
		case f.name == "tag-key":
			got = iamSortedKeys(tags)
		case f.name == "tag-value":
			for _, k := range iamSortedKeys(tags) {
				got = append(got, tags[k])
			}
		default:
			v, known := t.ec2Filter(f.name)
			if !known {
				return false, ec2Error("InvalidParameterValue", "The filter '%s' is invalid", f.name)
			}
			got = v
		}
		if !slices.ContainsFunc(f.values, func(pattern string) bool {
			return slices.ContainsFunc(got, func(g string) bool { return ec2Wildcard(pattern, g) })
		}) {
			return false, nil
		}
	}
	return true, nil
}

// ec2Wildcard matches an EC2 filter value: * is any run of characters, ?
// any one character.
func ec2Wildcard(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return pattern == s
	}
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	ok, _ := regexp.MatchString(re, s)
	return ok
}

func boolString(b bool) string { return strconv.FormatBool(b) }

// ec2TagSet writes a tagSet, in key order; nothing when there are no tags.
func ec2TagSet(x *xmlw, tags map[string]string) {
	if len(tags) == 0 {
		return
	}
	x.open("tagSet")
	for _, k := range iamSortedKeys(tags) {
		x.open("item").leaf("key", k).leaf("value", tags[k]).close("item")
	}
	x.close("tagSet")
}

// ec2Items writes a list of strings as <name><item>v</item>...</name>.
func ec2Items(x *xmlw, name string, values []string) {
	x.open(name)
	for _, v := range values {
		x.leaf("item", v)
	}
	x.close(name)
}

// ec2NotFound makes the not-found error of an id parameter: "The KIND ID
// 'x' does not exist" (and the plural for several).
func ec2NotFound(code, kind string) func([]string) error {
	return func(missing []string) error {
		if len(missing) == 1 {
			return ec2Error(code, "The %s ID '%s' does not exist", kind, missing[0])
		}
		return ec2Error(code, "The %s IDs '%s' do not exist", kind, strings.Join(missing, ", "))
	}
}
