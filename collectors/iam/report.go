package iam

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

const (
	reportSource = "iam:GetCredentialReport"
	rootUser     = "<root_account>"
)

// reportRow is one user's line of the credential report, parsed. Nothing
// else of the report is kept.
type reportRow struct {
	user, arn        string
	mfa, password    graph.Tri
	passwordLastUsed time.Time
	keys             [2]keySlot
}

// keySlot is one of a user's two access key slots.
type keySlot struct {
	exists          bool
	active          bool
	rotated         time.Time
	lastUsed        time.Time
	lastUsedService string
	lastUsedKnown   graph.Tri
}

// keys fills in users' password, MFA and access keys and adds the key nodes:
// from the credential report's rows when it could be had, per user otherwise.
func (c *Collector) keys(ctx context.Context, t collectors.Target, b *graph.Builder, gaps *collectors.Gaps, client api, d *details, rows map[string]reportRow) {
	if rows == nil {
		users := d.users
		if !d.complete {
			users = c.listUsers(ctx, t, b, gaps, client, d)
		}
		c.perUser(ctx, t, b, gaps, client, users)
		return
	}
	var missing []*user
	for _, u := range d.users {
		row, ok := rows[u.name]
		if !ok {
			missing = append(missing, u) // created after the report was
			continue
		}
		delete(rows, u.name)
		applyRow(t, b, u, row)
	}
	for name, row := range rows {
		if name != rootUser && d.complete {
			continue // deleted since the report was generated
		}
		u := &user{name: name, arn: row.arn, attrs: &graph.IAMUser{}}
		if name == rootUser {
			u.name = "root"
		}
		d.users = append(d.users, u)
		applyRow(t, b, u, row)
	}
	c.perUser(ctx, t, b, gaps, client, missing)
}

// report asks IAM for the credential report, generating it first, and parses
// it. It returns nil, with a gap recorded, when the report cannot be had.
func (c *Collector) report(ctx context.Context, t collectors.Target, b *graph.Builder, gaps *collectors.Gaps, client api) map[string]reportRow {
	tries, wait := c.ReportTries, c.ReportWait
	if tries <= 0 {
		tries = 6
	}
	if wait <= 0 {
		wait = time.Second
	}
	for try := 1; ; try++ {
		gen, err := client.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		switch {
		case err != nil && !notReady(err):
			gaps.Fail("", "GenerateCredentialReport", "", err)
			if collectors.Classify(err) == collectors.ClassCancelled {
				return nil
			}
			// A report generated earlier (within 4 hours) may still be read.
			out, err := client.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
			if err != nil {
				if !notReady(err) {
					gaps.Fail("", "GetCredentialReport", "", err)
				}
				return nil
			}
			return c.parse(t, b, gaps, out.Content)
		case err == nil && gen.State == types.ReportStateTypeComplete:
			out, err := client.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
			if err == nil {
				return c.parse(t, b, gaps, out.Content)
			}
			if !notReady(err) {
				gaps.Fail("", "GetCredentialReport", "", err)
				return nil
			}
		}
		if try >= tries {
			gaps.Add(graph.Gap{API: "GetCredentialReport", Status: graph.GapTimeout,
				Error: fmt.Sprintf("the credential report was not ready after %d tries", tries)})
			return nil
		}
		select {
		case <-ctx.Done():
			gaps.Fail("", "GetCredentialReport", "", ctx.Err())
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, 8*time.Second)
	}
}

// notReady reports whether err means "the report is not there yet": being
// generated, missing, expired, or generation requested too often.
func notReady(err error) bool {
	var inProgress *types.CredentialReportNotReadyException
	var absent *types.CredentialReportNotPresentException
	var expired *types.CredentialReportExpiredException
	if errors.As(err, &inProgress) || errors.As(err, &absent) || errors.As(err, &expired) {
		return true
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "ReportInProgress", "ReportNotPresent", "ReportExpired", "LimitExceeded":
			return true
		}
	}
	return false
}

// parse reads the report CSV and then clears it, so the report's bytes are
// never kept. Columns are found by header name, case-insensitively.
func (c *Collector) parse(t collectors.Target, b *graph.Builder, gaps *collectors.Gaps, content []byte) map[string]reportRow {
	defer clear(content)
	rows, err := parseReport(content)
	if err != nil {
		gaps.Add(graph.Gap{API: "GetCredentialReport", Status: graph.GapError,
			Error: "unreadable credential report: " + err.Error()})
		return nil
	}
	return rows
}

func parseReport(content []byte) (map[string]reportRow, error) {
	r := csv.NewReader(bytes.NewReader(content))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"user", "arn"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("no %q column", need)
		}
	}
	rows := map[string]reportRow{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row := reportRow{
			user: get("user"), arn: get("arn"),
			mfa: boolean(get("mfa_active")), password: boolean(get("password_enabled")),
			passwordLastUsed: date(get("password_last_used")),
		}
		for n := range row.keys {
			p := fmt.Sprintf("access_key_%d_", n+1)
			k := keySlot{active: boolean(get(p+"active")) == graph.True, rotated: date(get(p + "last_rotated"))}
			k.exists = k.active || !k.rotated.IsZero()
			if !k.exists {
				continue // an empty slot
			}
			used := get(p + "last_used_date")
			k.lastUsed = date(used)
			if !k.lastUsed.IsZero() || strings.EqualFold(used, "N/A") {
				k.lastUsedKnown = graph.True // a date, or never used
			}
			if svc := get(p + "last_used_service"); !sentinel(svc) {
				k.lastUsedService = svc
			}
			row.keys[n] = k
		}
		if row.user != "" {
			rows[row.user] = row
		}
	}
}

// applyRow sets a user's report facts and adds a node per existing key slot.
func applyRow(t collectors.Target, b *graph.Builder, u *user, row reportRow) {
	u.attrs.MFAActive = row.mfa
	u.attrs.PasswordEnabled = row.password
	u.attrs.PasswordLastUsed = row.passwordLastUsed
	u.attrs.KeysKnown = graph.True
	for n, k := range row.keys {
		if !k.exists {
			continue
		}
		status := "Inactive"
		if k.active {
			status = "Active"
		}
		addKey(t, b, u, n+1, fmt.Sprintf("access key %d", n+1), &graph.AccessKey{
			User: u.name, Status: status, CreatedAt: k.rotated, LastUsed: k.lastUsed,
			LastUsedService: k.lastUsedService, LastUsedKnown: k.lastUsedKnown,
		}, reportSource)
	}
}

func addKey(t collectors.Target, b *graph.Builder, u *user, slot int, name string, k *graph.AccessKey, source string) {
	id := KeyARN(u.arn, slot)
	b.AddNode(graph.Node{ID: id, Kind: graph.KindAccessKey, Name: name, Account: t.Account, Attrs: k})
	b.AddEdge(graph.Edge{From: u.arn, To: id, Kind: graph.EdgeHasKey, Certainty: graph.True,
		Evidence: []graph.Evidence{{Source: source, Detail: fmt.Sprintf("access key slot %d, %s", slot, k.Status)}}})
}

func boolean(s string) graph.Tri {
	switch {
	case strings.EqualFold(s, "true"):
		return graph.True
	case strings.EqualFold(s, "false"):
		return graph.False
	}
	return graph.Unknown // not_supported, N/A
}

// date parses a report date; the sentinels N/A, no_information and
// not_supported give the zero time.
func date(s string) time.Time {
	if sentinel(s) {
		return time.Time{}
	}
	if d, err := time.Parse(time.RFC3339, s); err == nil {
		return d.UTC()
	}
	return time.Time{}
}

func sentinel(s string) bool {
	switch strings.ToLower(s) {
	case "", "n/a", "no_information", "not_supported":
		return true
	}
	return false
}
