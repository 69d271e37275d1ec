package fakeaws

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// laughs is a policy whose aliases expand a billion times.
const laughs = `accounts:
  - id: "123456789012"
    s3:
      buckets:
        - name: b
          policy:
            a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
            e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
            f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
            g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
            h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
            i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
`

func TestAFixtureCannotMakeTheParserRecurseOrExplode(t *testing.T) {
	for name, doc := range map[string]string{
		"an alias inside itself": "accounts:\n  - id: \"123456789012\"\n    s3: {buckets: [{name: b, policy: &p {a: [*p]}}]}\n",
		"a billion laughs":       laughs,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseFixture([]byte(doc), "f.yaml")
			if err == nil || !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Errorf("error %v, want one naming the fixture", err)
			}
			t.Log(err)
		})
	}
}

// FuzzParseFixture: a fixture of any bytes never panics or hangs the
// parser; every error line names the fixture; a world that parses
// validates again and builds a server.
func FuzzParseFixture(f *testing.F) {
	paths, _ := filepath.Glob("../../testdata/accounts/*.yaml")
	paths = append(paths, "../demo/demo.yaml")
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		oneAccount,
		"accounts:\n  - id: \"123456789012\"\n    s3: {buckets: [{name: b, policy: '{not json'}]}\nchaos: {seed: 1, rate: 0.5, kinds: [reset]}\n",
		"accounts: [{id: \"123456789012\", roles_assumable: [{arn: x, external_id: y}]}]\n",
		netHead + "      instances: [{name: i, subnet: a, public_ip: 203.0.113.1}]\n    elbv2:\n      target_groups: [{name: t, protocol: HTTP, port: 80, vpc: v, targets: [{id: i}]}]\n      load_balancers: [{name: l, subnets: [a, b], listeners: [{port: 80, protocol: HTTP, default_actions: [{type: forward, target_group: t}]}]}]\n    elb: {load_balancers: [{name: c, subnets: [a]}]}\n",
		"accounts:\n  - id: \"123456789012\"\n    s3: {buckets: [{name: b, policy: &p {a: [*p]}}]}\n",
		"latency: -1s\n", "", "accounts: [",
		laughs,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseFixture(data, "f.yaml")
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "f.yaml") {
					t.Fatalf("error line %q does not name the fixture", line)
				}
			}
			return
		}
		if err := w.Validate(); err != nil {
			t.Fatalf("a parsed world does not validate: %v", err)
		}
		New(w, Options{})
	})
}
