package main

import (
	"fmt"

	"github.com/trustmap/trustmap/internal/fakeaws"
)

// The resource-policy services of the generated account (issue 12): SNS
// topics each with a queue subscription (every 5th also an HTTPS one), event
// buses (a default one per region, and a few custom ones) with rules whose
// targets are functions (every 10th also a queue), a few API destinations,
// KMS keys each with an alias (every 3rd with a grant to one of the
// account's roles), secrets (every 2nd encrypted with a key of its own).
// Every 4th queue is encrypted with a key. Exposures are planted as for the
// other kinds: offset 0 public, offset 1 cross-account (a topic anyone or
// the partner may publish to, a bus the partner may put events on, a key
// grant to the partner's role or a key policy open to "*" through S3, a
// secret the partner's role or anyone may read).

func topicName(i int) string  { return fmt.Sprintf("bench-topic-%06d", i) }
func busName(i int) string    { return fmt.Sprintf("bench-bus-%03d", i) }
func ruleName(i int) string   { return fmt.Sprintf("bench-rule-%06d", i) }
func secretName(i int) string { return fmt.Sprintf("bench/secret-%06d", i) }

// keyID is a key id (a UUID) derived from its index.
func keyID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

func keyAlias(i int) string { return fmt.Sprintf("alias/bench-key-%06d", i) }

func (s scenario) keyARN(i int) string {
	return "arn:aws:kms:" + s.region(i) + ":" + benchAccount + ":key/" + keyID(i)
}

func (g *generated) sns(s scenario, a *fakeaws.Account) {
	for i := range s.Topics {
		name, region := topicName(i), s.region(i)
		arn := "arn:aws:sns:" + region + ":" + benchAccount + ":" + name
		t := &fakeaws.Topic{Name: name, Region: region} // no policy: SNS's default (AWS:SourceOwner)
		switch s.plant(i) {
		case plantPublic:
			t.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"%s"}]}`, arn)
			g.plantEntry(arn, "topic-policy")
		case plantCross:
			t.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"%s"},"Action":["sns:Publish","sns:Subscribe"],"Resource":"%s"}]}`, partnerAccount, arn)
			g.plantEntry(arn, "topic-policy")
		}
		if s.Queues > 0 {
			t.Subscriptions = append(t.Subscriptions, &fakeaws.SNSSubscription{Protocol: "sqs", Endpoint: s.queueARN(sameRegion(s, i, s.Queues))})
		}
		if i%5 == 4 {
			t.Subscriptions = append(t.Subscriptions, &fakeaws.SNSSubscription{Protocol: "https", Endpoint: fmt.Sprintf("https://hooks.example.com/bench/%d", i)})
		}
		if i%4 == 0 && s.Keys > 0 {
			t.KMSMasterKeyID = keyAlias(sameRegion(s, i, s.Keys))
		}
		a.SNS.Topics = append(a.SNS.Topics, t)
	}
	g.Resources["SNSTopic"] = s.Topics
}

func (g *generated) eventBridge(s scenario, a *fakeaws.Account) {
	buses := []string{"default"}
	for b := range s.Buses {
		buses = append(buses, busName(b))
	}
	for b := range s.Buses {
		region := s.region(b)
		bus := &fakeaws.EventBus{Name: busName(b), Region: region, Created: created}
		arn := "arn:aws:events:" + region + ":" + benchAccount + ":event-bus/" + bus.Name
		switch s.plant(b) {
		case plantPublic:
			bus.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"%s"}]}`, arn)
			g.plantEntry(arn, "bus-policy")
		case plantCross:
			bus.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"events:PutEvents","Resource":"%s"}]}`, partnerAccount, arn)
			g.plantEntry(arn, "bus-policy")
		}
		a.EventBridge.Buses = append(a.EventBridge.Buses, bus)
	}
	for i := range s.Rules {
		region := s.region(i)
		// Rule i is on the default bus of its region, or on a custom bus of
		// the same region (custom buses are spread round-robin too).
		bus := "default"
		if s.Buses > 0 && i%3 != 0 {
			if b := sameRegion(s, i, s.Buses); s.region(b) == region {
				bus = busName(b)
			}
		}
		r := &fakeaws.EventRule{Name: ruleName(i), Region: region, Bus: bus, EventPattern: fakeaws.Doc(`{"source":["bench.app"]}`)}
		if s.Functions > 0 {
			r.Targets = append(r.Targets, &fakeaws.EventTarget{ID: "fn", ARN: s.functionARN(sameRegion(s, i, s.Functions))})
		}
		if i%10 == 9 && s.Queues > 0 {
			r.Targets = append(r.Targets, &fakeaws.EventTarget{ID: "queue", ARN: s.queueARN(sameRegion(s, i, s.Queues))})
		}
		a.EventBridge.Rules = append(a.EventBridge.Rules, r)
	}
	for i := range s.APIDestinations {
		region := s.region(i)
		conn := "bench-conn-" + region
		if i < len(s.Regions) {
			a.EventBridge.Connections = append(a.EventBridge.Connections, &fakeaws.EventConnection{Name: conn, Region: region, AuthorizationType: "API_KEY",
				APIKey: &fakeaws.EventAPIKeyAuth{Name: "x-api-key", Value: "bench-not-a-real-key"}, Created: created})
			g.Resources["Secret"]++ // EventBridge keeps the connection's credentials in a secret
		}
		a.EventBridge.APIDestinations = append(a.EventBridge.APIDestinations, &fakeaws.APIDestination{Name: fmt.Sprintf("bench-dest-%04d", i), Region: region,
			Connection: conn, Endpoint: fmt.Sprintf("https://api.partner.example/bench/%d", i), HTTPMethod: "POST", Created: created})
	}
	g.Resources["EventBus"] = s.Buses + len(s.Regions) // and each region's default bus
	g.Resources["EventRule"] = s.Rules
	g.Resources["APIDestination"] = s.APIDestinations
}

func (g *generated) kms(s scenario, a *fakeaws.Account) {
	for i := range s.Keys {
		region := s.region(i)
		k := &fakeaws.KMSKey{ID: keyID(i), Region: region, Created: created} // no policy: KMS's default (root delegates to IAM)
		arn := s.keyARN(i)
		switch s.plant(i) {
		case plantPublic:
			k.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"kms:*","Resource":"*"},`+
				`{"Sid":"ThroughS3","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.%s.amazonaws.com"}}}]}`, benchAccount, region)
			g.plantEntry(arn, "key-policy")
		case plantCross:
			k.Grants = append(k.Grants, &fakeaws.KMSGrant{Name: "partner", GranteePrincipal: "arn:aws:iam::" + partnerAccount + ":role/bench-reader",
				Operations: []string{"Decrypt", "DescribeKey"}, Created: created})
			g.plantEntry(arn, "kms-grant")
		}
		if i%3 == 2 && s.Roles > 0 {
			k.Grants = append(k.Grants, &fakeaws.KMSGrant{Name: "app", GranteePrincipal: roleARN(roleName(i % s.Roles)),
				Operations: []string{"Encrypt", "Decrypt", "GenerateDataKey"}, Created: created})
		}
		a.KMS.Keys = append(a.KMS.Keys, k)
		a.KMS.Aliases = append(a.KMS.Aliases, &fakeaws.KMSAlias{Name: keyAlias(i), Region: region, Target: keyID(i), Created: created})
	}
	g.Resources["KMSKey"] = s.Keys
}

func (g *generated) secrets(s scenario, a *fakeaws.Account) {
	for i := range s.Secrets {
		region := s.region(i)
		sec := &fakeaws.Secret{Name: secretName(i), Region: region, Suffix: fmt.Sprintf("%06d", i%1000000)[:6], Created: created, Value: "bench-not-a-real-secret"}
		arn := "arn:aws:secretsmanager:" + region + ":" + benchAccount + ":secret:" + sec.Name + "-" + sec.Suffix
		switch s.plant(i) {
		case plantPublic:
			sec.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`)
			g.plantEntry(arn, "secret-policy")
		case plantCross:
			sec.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:role/bench-reader"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`, partnerAccount)
			g.plantEntry(arn, "secret-policy")
		case plantThird:
			// Readable by the account's own roles only.
			sec.Policy = doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`, benchAccount)
		}
		if i%2 == 1 && s.Keys > 0 {
			sec.KMSKeyID = s.keyARN(sameRegion(s, i, s.Keys))
		}
		a.SecretsManager.Secrets = append(a.SecretsManager.Secrets, sec)
	}
	g.Resources["Secret"] += s.Secrets
}
