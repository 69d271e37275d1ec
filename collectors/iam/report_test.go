package iam

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trustmap/trustmap/graph"
)

func TestParseReport(t *testing.T) {
	// Columns out of the usual order, upper-case booleans as the IAM user
	// guide writes them, and the report's sentinels.
	const report = "arn,USER,mfa_active,password_enabled,password_last_used," +
		"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_service," +
		"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_service\n" +
		"arn:aws:iam::123456789012:root,<root_account>,TRUE,not_supported,2024-05-01T10:00:00+00:00,FALSE,N/A,N/A,N/A,FALSE,N/A,N/A,N/A\n" +
		"arn:aws:iam::123456789012:user/ci,ci,FALSE,FALSE,N/A,TRUE,2019-01-01T00:00:00+00:00,2020-02-02T00:00:00+00:00,s3,FALSE,2024-03-03T00:00:00+00:00,N/A,N/A\n" +
		"arn:aws:iam::123456789012:user/web,web,false,true,no_information,true,2024-01-01T00:00:00+00:00,no_information,N/A,false,N/A,N/A,N/A\n"
	got, err := parseReport([]byte(report))
	if err != nil {
		t.Fatal(err)
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	want := map[string]reportRow{
		"<root_account>": {user: "<root_account>", arn: "arn:aws:iam::123456789012:root", mfa: graph.True, password: graph.Unknown,
			passwordLastUsed: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		"ci": {user: "ci", arn: "arn:aws:iam::123456789012:user/ci", mfa: graph.False, password: graph.False, keys: [2]keySlot{
			{exists: true, active: true, rotated: day(2019, 1, 1), lastUsed: day(2020, 2, 2), lastUsedService: "s3", lastUsedKnown: graph.True},
			{exists: true, rotated: day(2024, 3, 3), lastUsedKnown: graph.True},
		}},
		"web": {user: "web", arn: "arn:aws:iam::123456789012:user/web", mfa: graph.False, password: graph.True, keys: [2]keySlot{
			{exists: true, active: true, rotated: day(2024, 1, 1)}, // no_information: last use unknown
			{}, // an empty slot
		}},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(reportRow{}, keySlot{})); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestParseReportRejectsAReportWithoutUsers(t *testing.T) {
	for name, report := range map[string]string{
		"an empty report":                "",
		"a report without a user column": "arn,mfa_active\narn:aws:iam::123456789012:user/x,true\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := parseReport([]byte(report)); err == nil {
				t.Error("parseReport succeeded, want an error")
			}
		})
	}
}

func TestMaskKeyIDKeepsFourCharactersAtEachEnd(t *testing.T) {
	if got := maskKeyID("AKIAIOSFODNN7EXAMPLE"); got != "AKIA…MPLE" {
		t.Errorf("maskKeyID = %q", got)
	}
}
