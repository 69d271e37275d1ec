package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/trustmap/trustmap/model"
)

// The tests of `trustmap model` run the whole CLI on the demo account's
// scan, saved once, and on the demo models of testdata/models. They assert
// on the elements those models hold (which the demo's owners got right,
// stale or wrong), not on counts that any new demo resource would change.

const (
	demoOTM = "../../testdata/models/demo.otm.yaml"
	demoTD  = "../../testdata/models/demo.threatdragon.json"
)

var (
	demoScanOnce sync.Once
	demoScanDir  string
	demoScanErr  string
)

// demoScanFiles scans the demo account once per test binary and returns
// the directory holding its report.json and snapshot.json.
func demoScanFiles(t *testing.T) string {
	t.Helper()
	demoScanOnce.Do(func() {
		dir, err := os.MkdirTemp("", "trustmap-model-test-")
		if err != nil {
			demoScanErr = err.Error()
			return
		}
		if code, _, stderr := runCLI(t, "", "scan", "--demo", "-q", "--output-dir", dir); code != exitOK {
			demoScanErr = stderr
			return
		}
		demoScanDir = dir
	})
	if demoScanDir == "" {
		t.Fatalf("scanning the demo: %s", demoScanErr)
	}
	return demoScanDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoScanDir != "" {
		os.RemoveAll(demoScanDir)
	}
	os.Exit(code)
}

// Offline on a saved snapshot, validate finds the drift the demo models
// were written with, says which evidence contradicts which element, and
// --fail-on-drift turns it into exit 1.
func TestModelValidateOnASavedSnapshotFindsTheDemoModelsDrift(t *testing.T) {
	snap := filepath.Join(demoScanFiles(t), "snapshot.json")
	for _, c := range []struct {
		model string
		want  []string
	}{
		{demoOTM, []string{
			"STALE", `component "Legacy orders queue" (id legacy-queue) at ` + demoOTM + ":",
			"sqs:ListQueues (account 123456789012, us-east-1) listed",
			"FLOWS THE ACCOUNT DOES NOT ALLOW", `data flow "Publish order events" (id orders-events)`,
			`[trust-zone] component "Partner sync" (id partner-sync)`,
			`[authentication] data flow "Order requests (HTTPS, Cognito-authenticated)"`,
			"apigateway:GetResources; GET /orders authorization NONE",
			`has mitigation "AWS WAF web ACL on the prod stage" marked implemented`,
			"apigateway:GetStages: stage prod of orders-api has no webAclArn",
			"acme-legacy-logs (arn:aws:s3:::acme-legacy-logs)",
			`component "Ledger" (id ledger) at ` + demoOTM + ":", "by arn (1.00): attributes.arn is arn:aws:s3:::acme-ledger",
		}},
		{demoTD, []string{"Threat Dragon v2, json", "STALE", "CONTRADICTIONS", "acme-legacy-logs (arn:aws:s3:::acme-legacy-logs)"}},
	} {
		t.Run(filepath.Base(c.model), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", "model", "validate", "--model", c.model, snap)
			if code != exitOK {
				t.Fatalf("exit %d without --fail-on-drift: %s", code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("the drift report does not say %q", w)
				}
			}
			code, _, stderr = runCLI(t, "", "model", "validate", "--model", c.model, "--fail-on-drift", snap)
			if code != exitFindings {
				t.Errorf("--fail-on-drift: exit %d, want %d", code, exitFindings)
			}
			if !strings.HasPrefix(stderr, "trustmap: --fail-on-drift: ") || strings.Count(stderr, "\n") != 1 {
				t.Errorf("--fail-on-drift: stderr %q, want one line saying what drifted", stderr)
			}
		})
	}
}

// The JSON drift report holds the same judgements as the text, typed: the
// stale element with its evidence, each contradiction with its kind.
func TestModelValidateJSONNamesEachDriftItemAndItsEvidence(t *testing.T) {
	snap := filepath.Join(demoScanFiles(t), "snapshot.json")
	code, stdout, stderr := runCLI(t, "", "model", "validate", "--model", demoOTM, "--output", "json", snap)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var d model.Drift
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if !d.Scan.Complete || !d.Scan.Full {
		t.Errorf("scan %+v: a snapshot is a complete, full inventory", d.Scan)
	}
	stale := map[string][]string{}
	for _, s := range d.Stale {
		stale[s.Element.ID] = s.Evidence
	}
	if ev := stale["legacy-queue"]; len(ev) == 0 || !strings.HasPrefix(ev[0], "sqs:ListQueues") {
		t.Errorf("legacy-queue: stale evidence %q, want the ListQueues call that did not list it", ev)
	}
	if _, ok := stale["orders-data"]; ok {
		t.Error("orders-data is deployed (acme-orders-data) and was called stale")
	}
	kinds := map[string]string{}
	for _, c := range d.Contradictions {
		kinds[c.Element.ID] = string(c.Kind)
		if len(c.Evidence) == 0 {
			t.Errorf("contradiction on %s has no evidence", c.Element.ID)
		}
	}
	for id, kind := range map[string]string{"partner-sync": "trust-zone", "events-queue": "trust-zone", "customers-orders": "authentication", "injection-orders": "mitigation"} {
		if kinds[id] != kind {
			t.Errorf("%s: contradiction %q, want %q (all: %v)", id, kinds[id], kind, kinds)
		}
	}
}

// A modeler without AWS access validates against the last report.json:
// ways in and contradictions are judged, staleness is not (a report lists
// ways in, not the inventory), and the report says so.
func TestModelValidateOnAReportJudgesNoStaleness(t *testing.T) {
	rep := filepath.Join(demoScanFiles(t), "report.json")
	code, stdout, stderr := runCLI(t, "", "model", "validate", "--model", demoOTM, "--output", "json", rep)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var d model.Drift
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		t.Fatal(err)
	}
	if d.Scan.Full || len(d.Stale) != 0 {
		t.Errorf("a report alone called %d elements stale (full inventory %v)", len(d.Stale), d.Scan.Full)
	}
	if !slices.ContainsFunc(d.Unmodeled, func(u model.Unmodeled) bool { return u.Resource == "arn:aws:s3:::acme-legacy-logs" }) {
		t.Error("the public acme-legacy-logs is not an unmodeled way in")
	}
	if !slices.ContainsFunc(d.Contradictions, func(c model.Contradiction) bool { return c.Element.ID == "partner-sync" }) {
		t.Error("the report's cross-account acme-partner-sync does not contradict the model's private zone")
	}
}

// update writes the model with the account merged in; a second update of
// its output on the same account changes nothing, byte for byte; the
// result validates without unmodeled ways in.
func TestModelUpdateTwiceChangesNothingTheSecondTime(t *testing.T) {
	snap := filepath.Join(demoScanFiles(t), "snapshot.json")
	for _, m := range []string{demoOTM, demoTD} {
		t.Run(filepath.Base(m), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), filepath.Base(m))
			code, stdout, stderr := runCLI(t, "", "model", "update", "--model", m, "-o", out, snap)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range []string{"add-element", "mark-stale", "acme-legacy-logs"} {
				if !strings.Contains(stdout, w) {
					t.Errorf("the update's summary does not say %q:\n%s", w, stdout)
				}
			}
			first, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if code, stdout, stderr = runCLI(t, "", "model", "update", "--model", out, "-o", out, snap); code != exitOK {
				t.Fatalf("second update: exit %d: %s", code, stderr)
			}
			if want := out + ": the model is up to date with the account: nothing changed\n"; stdout != want {
				t.Errorf("second update said %q, want %q", stdout, want)
			}
			second, _ := os.ReadFile(out)
			if string(second) != string(first) {
				t.Error("the second update rewrote the model")
			}
			code, stdout, _ = runCLI(t, "", "model", "validate", "--model", out, "--output", "json", snap)
			var d model.Drift
			if err := json.Unmarshal([]byte(stdout), &d); code != exitOK || err != nil {
				t.Fatalf("validating the update: exit %d, %v", code, err)
			}
			if len(d.Unmodeled) != 0 {
				t.Errorf("still unmodeled after the update: %v", d.Unmodeled)
			}
		})
	}
}

// Bad input to `trustmap model` is one line naming the file and the
// position, and exit 2.
func TestModelCommandErrorsAreOneLineWithExitTwo(t *testing.T) {
	snap := filepath.Join(demoScanFiles(t), "snapshot.json")
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badJSON := write("bad.json", "{\n  \"otmVersion\": \"0.2.0\",\n  \"project\": {\"name\": \"p\",}\n}")
	badYAML := write("bad.otm.yaml", "otmVersion: 0.2.0\nproject: {name: p, id: p}\ncomponents:\n  - name: A\n")
	badTD := write("bad-td.json", `{"summary": {"title": "t"}, "detail": {"diagrams": [{"id": 0, "cells": {"a": 1}}]}}`)
	badScan := write("scan.json", "{\"schema_version\": 1,\n \"nodes\": [x]}")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"a model with a JSON syntax error", []string{"model", "validate", "--model", badJSON, snap}, badJSON + ":3:27: invalid character '}'"},
		{"an OTM component without an id", []string{"model", "update", "--model", badYAML, "-o", "-", snap}, badYAML + ":4:5: components[0]: id is required"},
		{"Threat Dragon cells that are not a list", []string{"model", "validate", "--model", badTD, snap}, badTD + ":1:72: detail.diagrams[0].cells: expected a list"},
		{"a missing model file", []string{"model", "validate", "--model", filepath.Join(dir, "none.json"), snap}, filepath.Join(dir, "none.json")},
		{"no --model", []string{"model", "validate", snap}, "--model FILE is required"},
		{"a malformed snapshot", []string{"model", "validate", "--model", demoOTM, badScan}, badScan + ": line 2, column 12: invalid character 'x'"},
		{"a file and scan flags", []string{"model", "validate", "--model", demoOTM, "--demo", snap}, "not both"},
		{"an unknown output", []string{"model", "validate", "--model", demoOTM, "--output", "xml", snap}, `unknown format "xml"`},
		{"an unknown stale mode", []string{"model", "update", "--model", demoOTM, "-o", "-", "--stale", "drop", snap}, `unknown mode "drop"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", c.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q does not say %q", stderr, c.want)
			}
			if strings.Count(strings.TrimRight(stderr, "\n"), "\n") != 0 || stdout != "" {
				t.Errorf("want one line of stderr and no stdout; stdout %q, stderr:\n%s", stdout, stderr)
			}
		})
	}
}

// Without a file, validate scans first with the scan flags, and judges the
// same way it does offline.
func TestModelValidateScansWhenGivenNoFile(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "model", "validate", "--model", demoOTM, "--demo", "-q", "--output", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var d model.Drift
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		t.Fatal(err)
	}
	if d.Scan.Source != "scan of the demo account" || !d.Scan.Full {
		t.Errorf("scan %+v", d.Scan)
	}
	if !slices.ContainsFunc(d.Stale, func(s model.Stale) bool { return s.Element.ID == "legacy-queue" }) {
		t.Error("the deleted legacy queue is not stale")
	}
}
