package model

import (
	"fmt"
	"strings"
	"testing"

	"github.com/trustmap/trustmap/analyzers/analyzertest"
)

// matchScan is the small account of testdata/scans/match.yaml.
func matchScan(t *testing.T) *Scan {
	t.Helper()
	snap, trust := analyzertest.Load(t, "testdata/scans/match.yaml")
	s := analysed(t, snap, trust, "match.yaml")
	s.MatchTag = "threatmodel-id"
	s.KnownAccounts = map[string]string{"111122223333": "partner-acme"}
	return s
}

// otmWith is an OTM model whose components are the given flow-style YAML
// mappings, in an Internet zone and an AWS zone.
func otmWith(t *testing.T, components ...string) *Model {
	t.Helper()
	src := "otmVersion: 0.2.0\nproject: {name: p, id: p}\ntrustZones:\n" +
		"  - {id: f0ba7722-39b6-4c81-8290-a30a248bb8d9, name: Internet, risk: {trustRating: 1}}\n" +
		"  - {id: aws, name: AWS account, risk: {trustRating: 90}}\n  - {id: partners, name: Partners, risk: {trustRating: 30}}\ncomponents:\n"
	for _, c := range components {
		src += "  - " + c + "\n"
	}
	m, err := Parse([]byte(src), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// tdWith is a Threat Dragon v2 model with the given cells (shape, name).
func tdWith(t *testing.T, cells ...[2]string) *Model {
	t.Helper()
	var cs []string
	for i, c := range cells {
		typ := map[string]string{"actor": "tm.Actor", "process": "tm.Process", "store": "tm.Store"}[c[0]]
		cs = append(cs, fmt.Sprintf(`{"id": "c%d", "shape": %q, "position": {"x": %d, "y": 0}, "size": {"width": 100, "height": 100}, "data": {"type": %q, "name": %q}}`, i, c[0], i*200, typ, c[1]))
	}
	src := `{"version": "2.3.0", "summary": {"title": "t"}, "detail": {"diagrams": [{"id": 0, "cells": [` + strings.Join(cs, ",") + `]}]}}`
	m, err := Parse([]byte(src), "m.json")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

const (
	ledgerARN = "arn:aws:s3:::acme-ledger"
	ingestFn  = "arn:aws:lambda:us-east-1:123456789012:function:acme-ingest"
	ingestB   = "arn:aws:s3:::acme-ingest"
	ordersAPI = "arn:aws:apigateway:us-east-1::/restapis/o1"
	eventsQ   = "arn:aws:sqs:us-east-1:123456789012:acme-events"
)

// outcome renders how an element was matched: "method resource (confidence)
// reason", "ambiguous: why [candidates]", or "none".
func outcome(mt *Matching, id string) string {
	if x := mt.Of(id); x != nil {
		return fmt.Sprintf("%s %s (%.2f) %s", x.Method, x.Resource, x.Confidence, x.Reason)
	}
	for _, a := range mt.Ambiguous {
		if a.Element.ID == id {
			var cs []string
			for _, c := range a.Candidates {
				cs = append(cs, fmt.Sprintf("%s %.2f", c.Resource, c.Confidence))
			}
			return fmt.Sprintf("ambiguous: %s [%s]", a.Why, strings.Join(cs, ", "))
		}
	}
	return "none"
}

func TestTheMatcherSaysHowEachElementWasMatched(t *testing.T) {
	s := matchScan(t)
	m := otmWith(t,
		`{id: e1, name: Anything, type: s3, parent: {trustZone: aws}, attributes: {arn: "arn:aws:s3:::acme-ledger"}}`,
		`{id: e2, name: Ingest v2, type: aws-lambda-function, parent: {trustZone: aws}, attributes: {arn: "arn:aws:lambda:us-east-1:123456789012:function:acme-ingest:live"}}`,
		`{id: e3, name: Objects, type: s3, parent: {trustZone: aws}, attributes: {arn: "arn:aws:s3:::acme-ledger/reports/*"}}`,
		`{id: e4, name: API, type: api-gateway, parent: {trustZone: aws}, attributes: {arn: "arn:aws:execute-api:us-east-1:123456789012:o1/prod/GET/orders"}}`,
		`{id: e5, name: acme-ledger, type: s3, parent: {trustZone: aws}, attributes: {arn: "arn:aws:s3:::acme-ledger-old"}}`,
		`{id: el-7, name: Whatever the model calls it, type: sqs-simple-queue-service, parent: {trustZone: aws}}`,
		`{id: dup, name: Duplicated, type: s3, parent: {trustZone: aws}}`,
		`{id: e8, name: orders-api, type: api-gateway, parent: {trustZone: aws}}`,
		`{id: e9, name: Ledger, type: s3, parent: {trustZone: aws}}`,
		`{id: e10, name: acme-ingest, type: empty-component, parent: {trustZone: aws}}`,
		`{id: e11, name: Payments, type: s3, parent: {trustZone: aws}}`,
		`{id: e12, name: Partner 111122223333, type: aws-account, parent: {trustZone: partners}}`,
		`{id: e13, name: partner-acme, type: aws-account, parent: {trustZone: partners}}`,
		`{id: e14, name: Customers, type: generic-client, parent: {trustZone: f0ba7722-39b6-4c81-8290-a30a248bb8d9}}`,
		`{id: e15, name: Partner API, type: api-gateway, description: "only 111122223333 may call it", parent: {trustZone: aws}}`,
		`{id: e16, name: Reports archive, type: s3, parent: {trustZone: aws}}`,
	)
	mt := match(m, newInventory(s))
	for id, want := range map[string]string{
		"e1":   `arn arn:aws:s3:::acme-ledger (1.00) attributes.arn is arn:aws:s3:::acme-ledger`,
		"e2":   `arn ` + ingestFn + ` (1.00) attributes.arn is arn:aws:lambda:us-east-1:123456789012:function:acme-ingest:live (the function of that version or alias)`,
		"e3":   `arn arn:aws:s3:::acme-ledger (1.00) attributes.arn is arn:aws:s3:::acme-ledger/reports/* (its bucket)`,
		"e4":   `arn ` + ordersAPI + ` (1.00) attributes.arn is arn:aws:execute-api:us-east-1:123456789012:o1/prod/GET/orders (the API it invokes)`,
		"e5":   `none`, // the ARN the model gives is gone: no fallback to the name
		"el-7": `tag ` + eventsQ + ` (1.00) the resource's tag threatmodel-id=el-7 is the element's id`,
		"dup":  `ambiguous: 2 resources carry tag threatmodel-id=dup [arn:aws:s3:::acme-dup-1 1.00, arn:aws:s3:::acme-dup-2 1.00]`,
		"e8":   `name ` + ordersAPI + ` (1.00) name "orders-api" is "orders-api" (RestAPI); type api-gateway fits`,
		"e9":   `name ` + ledgerARN + ` (0.85) name "Ledger" is, but for the account's naming prefix and kind words, "acme-ledger" (S3Bucket); type s3 fits`,
		"e10":  `ambiguous: 2 resources fit about as well [` + ingestFn + ` 0.80, ` + ingestB + ` 0.80]`,
		"e11":  `ambiguous: the best fit is weak (0.50, a match needs 0.60) [arn:aws:s3:::acme-payments-exports 0.50]`,
		"e12":  `name account:111122223333 (0.95) the element names account 111122223333`,
		"e13":  `name account:111122223333 (0.85) trustmap.yaml names account 111122223333 "partner-acme"`,
		"e14":  `name internet (0.70) "Customers" stands for callers on the internet (zone "Internet" is IriusRisk's Internet zone)`,
		"e15":  `none`, // an AWS component that mentions a partner is not the partner
		"e16":  `none`,
	} {
		if got := outcome(mt, id); got != want {
			t.Errorf("%s:\n got %s\nwant %s", id, got, want)
		}
	}
}

func TestThreatDragonShapesAndNamesNarrowTheKind(t *testing.T) {
	s := matchScan(t)
	m := tdWith(t, [2]string{"store", "acme-ingest"}, [2]string{"process", "acme-ingest"}, [2]string{"store", "Ledger bucket"}, [2]string{"process", "Ledger"})
	mt := match(m, newInventory(s))
	for id, want := range map[string]string{
		"c0": "name " + ingestB + " (1.00)",
		"c1": "name " + ingestFn + " (1.00)",
		"c2": "name " + ledgerARN + " (0.85)",
		"c3": "none", // a process is no bucket
	} {
		if got := outcome(mt, id); !strings.HasPrefix(got, want) {
			t.Errorf("%s: got %s, want %s…", id, got, want)
		}
	}
}

func TestTokensSplitNamesAsPeopleWriteThem(t *testing.T) {
	for in, want := range map[string]string{
		"OrdersAPI-prod":         "orders api prod",
		"acme_orders.data":       "acme orders data",
		"GET /orders/{id}":       "get orders id",
		"Background\nWorker":     "background worker",
		"S3Bucket":               "s3 bucket",
		"  partner--exchange  ":  "partner exchange",
		"HTTPApiGatewayV2Routes": "http api gateway v2 routes",
	} {
		if got := strings.Join(tokens(in), " "); got != want {
			t.Errorf("tokens(%q) = %q, want %q", in, got, want)
		}
	}
}
