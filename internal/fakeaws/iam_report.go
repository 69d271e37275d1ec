package fakeaws

import (
	"encoding/base64"
	"strings"
	"sync"
	"time"
)

// The IAM credential report (IAM User Guide, "Generate credential reports
// for your AWS account"; aws_wire.md §4).
//
// GenerateCredentialReport answers STARTED ("No report exists. Starting a
// new report generation task") the first time for an account and COMPLETE
// on every later call. The fake generates instantly: once started, the
// report is ready, so GetCredentialReport succeeds after the first
// GenerateCredentialReport and answers ReportNotPresent (410) before it.
// The slow path (ReportInProgress, 404) and expiry (ReportExpired, 410) are
// fixture faults on GetCredentialReport. Reports never expire.

// IAMRoot is the account's root user, for the credential report's
// <root_account> row. Its access keys appear only in that report and in
// ListAccessKeys signed by the root user.
type IAMRoot struct {
	Created          time.Time       `yaml:"created"`
	MFAActive        bool            `yaml:"mfa_active"`
	PasswordLastUsed *time.Time      `yaml:"password_last_used"`
	AccessKeys       []*IAMAccessKey `yaml:"access_keys"`
}

// iamReports holds one server's credential report state per account.
type iamReports struct {
	mu        sync.Mutex
	generated map[string]time.Time
}

func newIAMReports() *iamReports { return &iamReports{generated: map[string]time.Time{}} }

func (rs *iamReports) generate(c *call) (*response, error) {
	rs.mu.Lock()
	_, done := rs.generated[c.account().ID]
	if !done {
		rs.generated[c.account().ID] = time.Now().UTC().Truncate(time.Second)
	}
	rs.mu.Unlock()
	return queryResponse(c, "GenerateCredentialReport", func(x *xmlw) {
		if done {
			x.leaf("State", "COMPLETE")
			return
		}
		x.leaf("Description", "No report exists. Starting a new report generation task").leaf("State", "STARTED")
	}), nil
}

func (rs *iamReports) get(c *call) (*response, error) {
	rs.mu.Lock()
	at, ok := rs.generated[c.account().ID]
	rs.mu.Unlock()
	if !ok {
		return nil, iamError("ReportNotPresent", "Unable to find credential report. To create a credential report, use GenerateCredentialReport.")
	}
	csv := iamCredentialReport(c.account())
	return queryResponse(c, "GetCredentialReport", func(x *xmlw) {
		x.leaf("Content", base64.StdEncoding.EncodeToString([]byte(csv))).
			leaf("ReportFormat", "text/csv").leaf("GeneratedTime", isoSeconds(at))
	}), nil
}

// iamReportHeader is the report's header, 22 columns in AWS's order.
const iamReportHeader = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed," +
	"password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date," +
	"access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated," +
	"access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active," +
	"cert_1_last_rotated,cert_2_active,cert_2_last_rotated"

// iamReportTime is the report's date format: ISO 8601 with +00:00.
func iamReportTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+00:00") }

func iamBool(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// iamKeyColumns are the five columns of access key i (0 or 1): a missing
// key is false and N/A; an unused key has N/A for its last use.
func iamKeyColumns(keys []*IAMAccessKey, i int) []string {
	var live []*IAMAccessKey
	for _, k := range keys {
		if k != nil {
			live = append(live, k)
		}
	}
	if i >= len(live) {
		return []string{"false", "N/A", "N/A", "N/A", "N/A"}
	}
	k := live[i]
	cols := []string{iamBool(orDefault(k.Status, "Active") == "Active"), iamReportTime(orDefaultTime(k.Created)), "N/A", "N/A", "N/A"}
	if k.LastUsed != nil {
		cols[2] = iamReportTime(*k.LastUsed)
		cols[3] = orDefault(k.LastUsedRegion, "N/A")
		cols[4] = orDefault(k.LastUsedService, "N/A")
	}
	return cols
}

// iamCredentialReport is the CSV: the root row first, then one row per
// user. A user without a password has N/A for every password column; one
// whose password was never used has no_information; the root user's
// password columns that do not apply are not_supported. The fake has no
// signing certificates and no password policy (password_next_rotation N/A).
func iamCredentialReport(a *Account) string {
	var b strings.Builder
	b.WriteString(iamReportHeader + "\n")
	row := func(cols ...string) { b.WriteString(strings.Join(cols, ",") + "\n") }
	certs := []string{"false", "N/A", "false", "N/A"}

	root := a.IAM.Root
	if root == nil {
		root = &IAMRoot{}
	}
	used := "no_information"
	if root.PasswordLastUsed != nil {
		used = iamReportTime(*root.PasswordLastUsed)
	}
	cols := []string{"<root_account>", "arn:aws:iam::" + a.ID + ":root", iamReportTime(orDefaultTime(root.Created)),
		"not_supported", used, "not_supported", "not_supported", iamBool(root.MFAActive)}
	cols = append(append(append(cols, iamKeyColumns(root.AccessKeys, 0)...), iamKeyColumns(root.AccessKeys, 1)...), certs...)
	row(cols...)

	for _, u := range a.IAM.Users {
		if u == nil {
			continue
		}
		created := orDefaultTime(u.Created)
		pw := []string{"false", "N/A", "N/A", "N/A"}
		if u.PasswordEnabled {
			pw = []string{"true", "no_information", iamReportTime(created), "N/A"}
			if u.PasswordLastUsed != nil {
				pw[1] = iamReportTime(*u.PasswordLastUsed)
			}
			if u.PasswordLastChanged != nil {
				pw[2] = iamReportTime(*u.PasswordLastChanged)
			}
		}
		cols := append([]string{u.Name, u.arn(a), iamReportTime(created)}, pw...)
		cols = append(cols, iamBool(u.MFAActive))
		cols = append(append(append(cols, iamKeyColumns(u.AccessKeys, 0)...), iamKeyColumns(u.AccessKeys, 1)...), certs...)
		row(cols...)
	}
	return b.String()
}
