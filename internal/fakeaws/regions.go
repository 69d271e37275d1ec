package fakeaws

import (
	"regexp"
	"slices"
)

// optInRegions are the commercial Regions an account must opt in to
// (AWS General Reference, "Enable or disable AWS Regions"). Every other
// Region is enabled in every account.
var optInRegions = map[string]bool{
	"af-south-1": true, "ap-east-1": true, "ap-east-2": true, "ap-south-2": true,
	"ap-southeast-3": true, "ap-southeast-4": true, "ap-southeast-5": true,
	"ap-southeast-6": true, "ap-southeast-7": true, "ca-west-1": true,
	"eu-central-2": true, "eu-south-1": true, "eu-south-2": true,
	"il-central-1": true, "me-central-1": true, "me-south-1": true,
	"mx-central-1": true,
}

var regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

func validRegion(r string) bool { return regionRE.MatchString(r) }

func isOptIn(r string) bool { return optInRegions[r] }

// regions returns the account's enabled regions (us-east-1 when none are
// listed).
func (a *Account) regions() []string {
	if len(a.Regions) == 0 {
		return []string{"us-east-1"}
	}
	return a.Regions
}

// homeRegion is where resources without a region live.
func (a *Account) homeRegion() string { return a.regions()[0] }

// regionEnabled reports whether a request signed for region r may reach the
// account: listed regions are enabled, listed disabled regions and unlisted
// opt-in regions are not, and any other (standard) region is enabled but,
// unless listed, holds nothing.
func (a *Account) regionEnabled(r string) bool {
	if slices.Contains(a.regions(), r) {
		return true
	}
	if slices.Contains(a.DisabledRegions, r) {
		return false
	}
	return !isOptIn(r)
}

// optInStatus is EC2 DescribeRegions' optInStatus for a region of the account.
func (a *Account) optInStatus(r string) string {
	switch {
	case !a.regionEnabled(r):
		return "not-opted-in"
	case isOptIn(r):
		return "opted-in"
	default:
		return "opt-in-not-required"
	}
}
