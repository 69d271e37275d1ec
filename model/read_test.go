package model

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// summary renders what a reader made of a model, compactly, for tests.
func summary(m *Model) []string {
	out := []string{fmt.Sprintf("%s %s %s v%d %q", m.Format, m.Encoding, m.Version, m.TDMajor, m.Title)}
	for _, z := range m.Zones {
		s := fmt.Sprintf("zone %s %q parent=%q", z.ID, oneLineName(z.Name), z.Parent)
		if z.Box != nil {
			s += fmt.Sprintf(" box=%g,%g,%g,%g", z.Box.X, z.Box.Y, z.Box.W, z.Box.H)
		}
		out = append(out, s)
	}
	for _, e := range m.Elements {
		s := fmt.Sprintf("element %s %q %s zone=%q", e.ID, oneLineName(e.Name), e.Type, e.Zone)
		if e.ParentComponent != "" {
			s += " in=" + e.ParentComponent
		}
		if e.ARN != "" {
			s += " arn=" + e.ARN + " (" + e.ARNFrom + ")"
		}
		if e.Box != nil {
			s += fmt.Sprintf(" box=%g,%g,%g,%g", e.Box.X, e.Box.Y, e.Box.W, e.Box.H)
		}
		out = append(out, s)
	}
	for _, f := range m.Flows {
		out = append(out, fmt.Sprintf("flow %s %q %s→%s bidirectional=%v protocol=%q", f.ID, oneLineName(f.Name), f.Source, f.Destination, f.Bidirectional, f.Protocol))
	}
	for _, t := range m.Threats {
		var ms []string
		for _, mr := range t.Mitigations {
			ms = append(ms, fmt.Sprintf("%s:%s", mr.State, oneLineName(mitName(mr))))
		}
		out = append(out, fmt.Sprintf("threat %s %q on=%s status=%s categories=%s mitigations=[%s]", t.ID, oneLineName(t.Title), t.On, t.Status,
			strings.Join(t.Categories, ","), strings.Join(ms, "; ")))
	}
	return out
}

func TestReadersReadEveryFormatIntoOneForm(t *testing.T) {
	for _, c := range []struct {
		file string
		want []string
	}{
		{"testdata/models/iriusrisk-style.otm.yaml", []string{
			`otm yaml 0.2.0 v0 "Bookshop"`,
			`zone f0ba7722-39b6-4c81-8290-a30a248bb8d9 "Internet" parent="" box=0,0,300,400`,
			`zone private-zone "Private" parent="" box=400,0,700,600`,
			`element browser "Browser" web-client zone="f0ba7722-39b6-4c81-8290-a30a248bb8d9" box=50,80,80,60`,
			`element shop "Shop service" web-service zone="private-zone"`,
			`element orders-db "Order database" postgresql zone="private-zone"`,
			`element order-repo-class "Order repository class" code-class zone="private-zone" in=shop`,
			`flow browser-to-shop "Browse and buy" browser→shop bidirectional=true protocol=""`,
			`flow shop-to-db "Store orders" shop→orders-db bidirectional=false protocol=""`,
			`threat injection "SQL injection" on=shop status=exposed categories=Tampering,Information disclosure mitigations=[implemented:Validate input]`,
			`threat injection "SQL injection" on=shop-to-db status=mitigated categories=Tampering,Information disclosure mitigations=[required:Validate input]`,
		}},
		{"testdata/models/startleft-style.otm.yaml", []string{
			`otm yaml 0.1.0 v0 "Payments Terraform"`,
			`zone b61d6911-338d-46a8-9f39-8dcd24abfe91 "Public Cloud" parent=""`,
			`zone f0ba7722-39b6-4c81-8290-a30a248bb8d9 "Internet" parent=""`,
			`element f0ba7722-39b6-4c81-8290-a30a248bb8d9.aws_security_group-alb.0_0_0_0_0 "0.0.0.0/0" generic-client zone="f0ba7722-39b6-4c81-8290-a30a248bb8d9"`,
			`element b61d6911-338d-46a8-9f39-8dcd24abfe91.aws_vpc-main "main" vpc zone="b61d6911-338d-46a8-9f39-8dcd24abfe91"`,
			`element b61d6911-338d-46a8-9f39-8dcd24abfe91.aws_vpc-main.aws_subnet-private "private" empty-component zone="b61d6911-338d-46a8-9f39-8dcd24abfe91" in=b61d6911-338d-46a8-9f39-8dcd24abfe91.aws_vpc-main`,
			`element b61d6911-338d-46a8-9f39-8dcd24abfe91.aws_vpc-main.aws_subnet-private.aws_lambda_function-charge "charge" aws-lambda-function zone="b61d6911-338d-46a8-9f39-8dcd24abfe91" in=b61d6911-338d-46a8-9f39-8dcd24abfe91.aws_vpc-main.aws_subnet-private`,
			`element b61d6911-338d-46a8-9f39-8dcd24abfe91.aws_s3_bucket-receipts "receipts" s3 zone="b61d6911-338d-46a8-9f39-8dcd24abfe91"`,
			`element b61d6911-338d-46a8-9f39-8dcd24abfe91.aws_sqs_queue-charges "charges" sqs-simple-queue-service zone="b61d6911-338d-46a8-9f39-8dcd24abfe91"`,
			`flow 3a0f6c1e-5b1c-4f5e-9d4f-6f3e2c1b0a01 "charges to charge" b61d6911-338d-46a8-9f39-8dcd24abfe91.aws_sqs_queue-charges→b61d6911-338d-46a8-9f39-8dcd24abfe91.aws_vpc-main.aws_subnet-private.aws_lambda_function-charge bidirectional=false protocol=""`,
			`flow 3a0f6c1e-5b1c-4f5e-9d4f-6f3e2c1b0a02 "charge to receipts" b61d6911-338d-46a8-9f39-8dcd24abfe91.aws_vpc-main.aws_subnet-private.aws_lambda_function-charge→b61d6911-338d-46a8-9f39-8dcd24abfe91.aws_s3_bucket-receipts bidirectional=false protocol=""`,
		}},
		{"testdata/models/mtmt-style.otm.yaml", []string{
			`otm yaml 0.1.0 v0 "Mobile banking"`,
			`zone f0ba7722-39b6-4c81-8290-a30a248bb8d9 "Internet" parent="" box=330,130,320,300`,
			`zone 2ab4effa-40b7-4cd2-ba81-8247d29a6f2d "Private Secured Cloud" parent="" box=740,140,370,310`,
			`element 5b2b1f0e-1d0c-4c2a-9f3e-0000000000a1 "Mobile Client" android-device-client zone="f0ba7722-39b6-4c81-8290-a30a248bb8d9" box=100,100,82,82`,
			`element 5b2b1f0e-1d0c-4c2a-9f3e-0000000000a2 "Accounts API" web-service zone="2ab4effa-40b7-4cd2-ba81-8247d29a6f2d"`,
			`flow 5b2b1f0e-1d0c-4c2a-9f3e-0000000000f1 "HTTPS" 5b2b1f0e-1d0c-4c2a-9f3e-0000000000a1→5b2b1f0e-1d0c-4c2a-9f3e-0000000000a2 bidirectional=false protocol=""`,
			`threat 12 "An adversary may spoof the mobile client and call the accounts API with stolen tokens" on=5b2b1f0e-1d0c-4c2a-9f3e-0000000000a1 status=AutoGenerated categories=Spoofing mitigations=[RECOMMENDED:Bind tokens to the device]`,
			`threat 13 "An adversary may read account data in transit" on=5b2b1f0e-1d0c-4c2a-9f3e-0000000000a2 status=AutoGenerated categories=Information Disclosure mitigations=[IMPLEMENTED:Enforce TLS 1.2 or later]`,
		}},
		{"testdata/models/td-v2-boxes.json", []string{
			`threatdragon json 2.3.0 v2 "Three Tier Web Application"`,
			`zone a0000000-0000-4000-8000-0000000000b1 "Internet" parent="" box=151.99999999999983,170.00000000000057,250,220`,
			`zone a0000000-0000-4000-8000-0000000000b2 "Public Cloud" parent="" box=563,180.00000000000057,540,220`,
			`element a0000000-0000-4000-8000-0000000000c1 "Web UI" tm.Process zone="a0000000-0000-4000-8000-0000000000b1" box=211.99999999999983,220.00000000000057,130,120`,
			`element a0000000-0000-4000-8000-0000000000c2 "Web Service" tm.Process zone="a0000000-0000-4000-8000-0000000000b2" box=587,220.00000000000057,150,120`,
			`element a0000000-0000-4000-8000-0000000000c3 "PostgreSQL" tm.Store zone="a0000000-0000-4000-8000-0000000000b2" box=893,245.00000000000057,160,80`,
			`flow a0000000-0000-4000-8000-0000000000f1 "HTTPS" a0000000-0000-4000-8000-0000000000c1→a0000000-0000-4000-8000-0000000000c2 bidirectional=false protocol="HTTPS"`,
			`flow a0000000-0000-4000-8000-0000000000f2 "SQL" a0000000-0000-4000-8000-0000000000c2→a0000000-0000-4000-8000-0000000000c3 bidirectional=false protocol="TCP/5432"`,
			`threat a0000000-0000-4000-8000-0000000000e1 "Denial of service" on=a0000000-0000-4000-8000-0000000000c2 status=Mitigated categories=Denial of service mitigations=[implemented:Rate limiting and a WAF in front of the service.]`,
		}},
		{"testdata/models/td-v1.json", []string{
			`threatdragon json  v1 "Shop (v1 model)"`,
			`element d1000000-0000-4000-8000-000000000001 "Customer" tm.Actor zone="" box=26,38,160,80`,
			`element d1000000-0000-4000-8000-000000000002 "Checkout Service" tm.Process zone="" box=208,189,100,100`,
			`element d1000000-0000-4000-8000-000000000003 "Orders Bucket" tm.Store zone="" arn=arn:aws:s3:::shop-orders (description) box=450,400,160,80`,
			`flow d1000000-0000-4000-8000-0000000000f1 "Place order" d1000000-0000-4000-8000-000000000001→d1000000-0000-4000-8000-000000000002 bidirectional=false protocol="HTTPS"`,
			`flow d1000000-0000-4000-8000-0000000000f2 "Store order" d1000000-0000-4000-8000-000000000002→d1000000-0000-4000-8000-000000000003 bidirectional=false protocol="HTTPS"`,
			`threat  "Price tampering" on=d1000000-0000-4000-8000-000000000002 status=Open categories=Tampering mitigations=[required:Validate totals on the server.]`,
		}},
		// Published examples, verbatim (testdata/models/upstream/README.md):
		// the OTM specification's own example, Threat Dragon 1.x's demo
		// model, and the new empty models both versions of the app save.
		{"testdata/models/upstream/otm-EXAMPLE.yaml", []string{
			`otm yaml 0.2.0 v0 "Test project"`,
			`zone f0ba7722-39b6-4c81-8290-a30a248bb8d9 "Internet" parent="" box=600,100,100,100`,
			`zone 2ab4effa-40b7-4cd2-ba81-8247d29a6f2d "Private" parent="" box=0,0,100,100`,
			`element web-client "Web Client" web-client zone="f0ba7722-39b6-4c81-8290-a30a248bb8d9" box=100,100,50,50`,
			`element web-service "Web Service" web-service zone="2ab4effa-40b7-4cd2-ba81-8247d29a6f2d" box=100,100,50,50`,
			`element customer-database "Customer Database" database zone="2ab4effa-40b7-4cd2-ba81-8247d29a6f2d" box=200,100,50,50`,
			`element class-customerdatabase "Class CustomerDatabase" code-class zone="2ab4effa-40b7-4cd2-ba81-8247d29a6f2d"`,
			`flow webclient-to-webservice "Dataflow between webclient and webservice." web-client→web-service bidirectional=true protocol=""`,
			`flow cc-store-in-db "Dataflow between webservice and mongo." web-service→customer-database bidirectional=true protocol=""`,
			`threat 22724267-be7e-44c0-8b1f-d7d33e9a34ec "Threat 1" on=web-service status=exposed categories=Spoofing,Tampering mitigations=[implemented:This is the name of mitigation 1]`,
			`threat 22724267-be7e-44c0-8b1f-d7d33e9a34ec "Threat 1" on=cc-store-in-db status=exposed categories=Spoofing,Tampering mitigations=[required:This is the name of mitigation 1]`,
		}},
		{"testdata/models/upstream/td-demo-threat-model.json", []string{
			`threatdragon json  v1 "Demo Threat Model"`,
			`element a25bbb4e-093f-4238-a620-31efdee452dc "Worker Config" tm.Store zone="" box=637,388,160,80`,
			`element 936557f9-22e2-4bac-bb70-0089c5c2fbe1 "Database" tm.Store zone="" box=324,398,160,80`,
			`element bdd3e115-4b92-4020-90b7-c3351dba292b "Web Application Config" tm.Store zone="" box=52,408,160,80`,
			`element ec574fb4-87e7-494b-88dc-2a3c99172067 "Message Queue" tm.Store zone="" box=408,28,160,80`,
			`element 3e75b596-9c70-41b6-a2cf-a15899c254d3 "Background Worker Process" tm.Process zone="" box=598,179,100,100`,
			`element 0d9909ea-1398-4898-be81-cf1c808324dc "Web Application" tm.Process zone="" box=208,189,100,100`,
			`element b394f9f7-07ca-42bc-b616-ad77c6fbfcce "Browser" tm.Actor zone="" box=26,38,160,80`,
			`flow 56b56e8c-751d-4d8a-a9c7-6554c9f142ee "Web Request" b394f9f7-07ca-42bc-b616-ad77c6fbfcce→0d9909ea-1398-4898-be81-cf1c808324dc bidirectional=false protocol="HTTP/S"`,
			`flow 86347588-6629-45e3-a441-09ca11bce894 "Put Message" 0d9909ea-1398-4898-be81-cf1c808324dc→ec574fb4-87e7-494b-88dc-2a3c99172067 bidirectional=false protocol=""`,
			`flow 4bbf279c-49c7-436d-9afa-e94435e6ec72 "Message" ec574fb4-87e7-494b-88dc-2a3c99172067→3e75b596-9c70-41b6-a2cf-a15899c254d3 bidirectional=false protocol=""`,
			`flow 75949d2c-0449-4a10-add3-07ac91a0c608 "Worker Query Results" 936557f9-22e2-4bac-bb70-0089c5c2fbe1→3e75b596-9c70-41b6-a2cf-a15899c254d3 bidirectional=false protocol=""`,
			`flow 1b1cf1eb-d9ac-463b-a9ae-d816c42e7107 "Web Response" 0d9909ea-1398-4898-be81-cf1c808324dc→b394f9f7-07ca-42bc-b616-ad77c6fbfcce bidirectional=false protocol="HTTP/S"`,
			`flow c8c746d8-2a26-464e-8524-3350be8dcae5 "Read web app config" bdd3e115-4b92-4020-90b7-c3351dba292b→0d9909ea-1398-4898-be81-cf1c808324dc bidirectional=false protocol=""`,
			`flow 6cba52e8-0d26-481f-bcc1-dbf0b66d8b42 "Read worker config" a25bbb4e-093f-4238-a620-31efdee452dc→3e75b596-9c70-41b6-a2cf-a15899c254d3 bidirectional=false protocol=""`,
			`flow 2fd00bd2-c603-4d72-a12f-c20a3a1ba77b "Queries" 0d9909ea-1398-4898-be81-cf1c808324dc→936557f9-22e2-4bac-bb70-0089c5c2fbe1 bidirectional=false protocol=""`,
			`flow d117ddba-2508-45ce-b9ea-fb9df56a79e5 "Web App Query Results" 936557f9-22e2-4bac-bb70-0089c5c2fbe1→0d9909ea-1398-4898-be81-cf1c808324dc bidirectional=false protocol=""`,
			`flow 015880b7-fb7a-4fe3-b729-fbd40bd7afcb "Worker Queries" 3e75b596-9c70-41b6-a2cf-a15899c254d3→936557f9-22e2-4bac-bb70-0089c5c2fbe1 bidirectional=false protocol=""`,
			`threat  "Accessing DB credentials" on=a25bbb4e-093f-4238-a620-31efdee452dc status=Open categories=Information disclosure mitigations=[required:Encrypt the DB credentials in the configuration file. Expire and replace the DB credentials regularly.]`,
			`threat  "Unauthorised access" on=936557f9-22e2-4bac-bb70-0089c5c2fbe1 status=Mitigated categories=Information disclosure mitigations=[implemented:Require all queries to be authenticated.]`,
			`threat  "Credential theft" on=936557f9-22e2-4bac-bb70-0089c5c2fbe1 status=Open categories=Information disclosure mitigations=[required:Use a firewall to restrict access to the DB to only the Background Worker IP address.]`,
			`threat  "Credentials should be encrypted" on=bdd3e115-4b92-4020-90b7-c3351dba292b status=Open categories=Information disclosure mitigations=[required:The Message Queue credentials should be encrypted.]`,
			`threat  "Message secrecy" on=ec574fb4-87e7-494b-88dc-2a3c99172067 status=Open categories=Information disclosure mitigations=[required:Use message level encryption for high sensitivity data (e.g. security tokens) in messages.]`,
			`threat  "Message tampering" on=ec574fb4-87e7-494b-88dc-2a3c99172067 status=Open categories=Tampering mitigations=[required:Sign all queue messages at the Web Server. Validate the message signature at the Background Worker and reject any message with a missing or invalid signature. Log any failed messages.]`,
			`threat  "Fake messages could be placed on the queue" on=ec574fb4-87e7-494b-88dc-2a3c99172067 status=Mitigated categories=Spoofing mitigations=[implemented:Restrict access to the queue to the IP addresses of the Web Server and Background Worker. Implement authentication on the queue endpoint.]`,
			`threat  "Poison messages 1" on=3e75b596-9c70-41b6-a2cf-a15899c254d3 status=Open categories=Denial of service mitigations=[required:Implement a poison message queue where messages are placed after a fixed number of retries.]`,
			`threat  "Poison messages 2" on=3e75b596-9c70-41b6-a2cf-a15899c254d3 status=Open categories=Denial of service mitigations=[required:Validate the content of all messages, before processing. Reject any message that have invalid content and log the rejection. Do not log the malicious content - instead log a description of the error.]`,
			`threat  "Data flow should use HTTP/S" on=56b56e8c-751d-4d8a-a9c7-6554c9f142ee status=Mitigated categories=Information disclosure mitigations=[implemented:The requests should require HTTP/S. This will provide confidentiality and integrity. HTTP should not be supported.]`,
			`threat  "Data flow should use HTTP/S" on=86347588-6629-45e3-a441-09ca11bce894 status=Open categories=Information disclosure mitigations=[required:The requests should require HTTP/S. This will provide confidentiality and integrity. HTTP should not be supported.]`,
			`threat  "Data flow should use HTTP/S" on=4bbf279c-49c7-436d-9afa-e94435e6ec72 status=Open categories=Information disclosure mitigations=[required:The requests should require HTTP/S. This will provide confidentiality and integrity. HTTP should not be supported.]`,
			`threat  "Man in the middle attack" on=75949d2c-0449-4a10-add3-07ac91a0c608 status=Open categories=Information disclosure mitigations=[required:Enforce an encrypted connection at the DB server]`,
			`threat  "Data flow should use HTTP/S" on=1b1cf1eb-d9ac-463b-a9ae-d816c42e7107 status=Mitigated categories=Information disclosure mitigations=[implemented:The requests should require HTTP/S. This will provide confidentiality and integrity. HTTP should not be supported.]`,
		}},
		{"testdata/models/upstream/td-v2-new-model.json", []string{
			`threatdragon json 2.3.0 v2 "New Blank Model"`,
		}},
		{"testdata/models/upstream/td-test-v1-model.json", []string{
			`threatdragon json 1.6.1 v1 "New threat model"`,
		}},
		{"testdata/models/upstream/td-test-v2-model.json", []string{
			`threatdragon json 2.0.0-RC1 v2 "New threat model"`,
		}},
	} {
		t.Run(c.file, func(t *testing.T) {
			if diff := cmp.Diff(c.want, summary(readModel(t, c.file))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadersFindTheARNsAndTrustmapsOwnThreats(t *testing.T) {
	m := readModel(t, "testdata/models/manual.otm.json")
	if e := m.Element("claims-api"); e.ARN != "arn:aws:apigateway:eu-west-1::/restapis/c1a2b3c4d5" || e.ARNFrom != "attributes.arn" || e.Box == nil || e.Box.X != 320.5 {
		t.Errorf("claims-api: %+v", e)
	}
	if z := m.Zone("claims-vpc"); z.Parent != "b61d6911-338d-46a8-9f39-8dcd24abfe91" || z.TrustRating == nil || *z.TrustRating != 80 {
		t.Errorf("claims-vpc: %+v", z)
	}
	d := readModel(t, "../testdata/models/demo.threatdragon.json")
	for id, want := range map[string]string{
		"c0000000-0000-4000-8000-00000000000b": "arn:aws:lambda:us-east-1:123456789012:function:acme-image-resizer (data.arn)",
		"c0000000-0000-4000-8000-000000000005": "arn:aws:s3:::acme-partner-exchange (description)",
	} {
		if e := d.Element(id); e.ARN+" ("+e.ARNFrom+")" != want {
			t.Errorf("%s: ARN %q from %q, want %s", id, e.ARN, e.ARNFrom, want)
		}
	}
	// trustmap's exports: every threat is trustmap's, by id (OTM) or title (Threat Dragon).
	for _, f := range []string{"../report/export/testdata/pipeline.otm.json.golden", "../report/export/testdata/pipeline.threatdragon.json.golden"} {
		for _, th := range readModel(t, f).Threats {
			if !trustmapThreatRE.MatchString(th.Trustmap) {
				t.Errorf("%s: threat %q is not recognized as trustmap's", f, th.Title)
			}
		}
	}
	for _, th := range readModel(t, "testdata/models/iriusrisk-style.otm.yaml").Threats {
		if th.Trustmap != "" {
			t.Errorf("the modeler's threat %q is taken for trustmap's", th.Title)
		}
	}
}

func TestAFlowToNoElementIsAWarningNotAnError(t *testing.T) {
	src := `{"otmVersion": "0.2.0", "project": {"name": "p", "id": "p"},
"components": [{"id": "a", "name": "A", "type": "t", "parent": {"trustZone": "z"}}],
"dataflows": [{"id": "f", "name": "F", "source": "a", "destination": "gone"}]}`
	m, err := Parse([]byte(src), "m.otm.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0], `m.otm.json:3:15: dataflows[0]: "gone" is not a component of the model`) {
		t.Errorf("warnings: %q", m.Warnings)
	}
}

// A malformed file gets one line naming the file and the position of each
// problem, as trustmap.yaml's reader does.
func TestAMalformedModelGetsOneLineNamingFileAndPosition(t *testing.T) {
	for _, c := range []struct{ name, file, src, want string }{
		{"broken JSON", "m.json", "{\n  \"otmVersion\": \"0.2.0\",\n  \"project\": {\"name\": \"p\",}\n}",
			`m.json:3:27: invalid character '}' looking for beginning of object key string`},
		{"broken YAML", "m.yaml", "otmVersion: 0.2.0\nproject:\n\tname: p\n",
			`m.yaml:3: found character that cannot start any token`},
		{"neither format", "m.json", `{"version": "2.0", "cells": []}`,
			`m.json: neither an OTM file (no otmVersion) nor a Threat Dragon model (no summary and detail)`},
		{"not an object", "m.json", `[1, 2]`,
			`m.json:1:1: the file holds a list, not a threat model (an OTM file or a Threat Dragon model)`},
		{"components not a list", "m.yaml", "otmVersion: 0.2.0\nproject: {name: p, id: p}\ncomponents:\n  id: a\n",
			`m.yaml:4:3: components: expected a list or null, found an object`},
		{"a component without an id", "m.yaml", "otmVersion: 0.2.0\nproject: {name: p, id: p}\ncomponents:\n  - name: A\n    parent: {trustZone: z}\n",
			`m.yaml:4:5: components[0]: id is required`},
		{"a parent that is a string", "m.yaml", "otmVersion: 0.2.0\nproject: {name: p, id: p}\ncomponents:\n  - {id: a, name: A, parent: z}\n",
			`m.yaml:4:30: components[0].parent: expected an object or null, found a string`},
		{"no project", "m.json", `{"otmVersion": "0.2.0"}`, `m.json:1:1: project is required`},
		{"a threat instance that is a string", "m.yaml", "otmVersion: 0.2.0\nproject: {name: p, id: p}\ncomponents:\n  - id: a\n    threats: [t1]\n",
			`m.yaml:5:15: components[0].threats[0]: expected a threat instance (an object with threat and state), found a string`},
		{"Threat Dragon cells not a list", "m.json", `{"summary": {"title": "t"}, "detail": {"diagrams": [{"id": 0, "cells": {"a": 1}}]}}`,
			`m.json:1:72: detail.diagrams[0].cells: expected a list, found an object`},
		{"a Threat Dragon cell without an id", "m.json", `{"summary": {"title": "t"}, "detail": {"diagrams": [{"cells": [{"shape": "actor", "data": {"type": "tm.Actor"}}]}]}}`,
			`m.json:1:64: detail.diagrams[0].cells[0]: id is required`},
		{"Threat Dragon threats not a list", "m.json", `{"summary": {"title": "t"}, "detail": {"diagrams": [{"cells": [{"id": "c", "shape": "actor", "data": {"type": "tm.Actor", "threats": "none"}}]}]}}`,
			`m.json:1:134: detail.diagrams[0].cells[0].data.threats: expected a list or null, found a string`},
		{"several problems in one line", "m.yaml", "otmVersion: 0.2.0\nproject: {name: p, id: p}\ncomponents:\n  - name: A\n  - 7\n",
			`m.yaml:4:5: components[0]: id is required; m.yaml:5:5: components[1]: expected an object, found a number`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.src), c.file)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != c.want {
				t.Errorf("error:\n got %s\nwant %s", err, c.want)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}
