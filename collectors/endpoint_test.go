package collectors

import "testing"

func TestEndpointURLKeepsOnlySchemeAndHost(t *testing.T) {
	for in, want := range map[string]string{
		"https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX": "https://hooks.slack.com/…",
		"https://user:s3cret@example.com/":                                      "https://example.com",
		"http://Example.COM:8080/x?api_key=abc":                                 "http://example.com:8080/…",
		"https://example.com":                                                   "https://example.com",
		"not a url":                                                             "(unparseable URL)",
		"":                                                                      "(unparseable URL)",
	} {
		if got := EndpointURL(in); got != want {
			t.Errorf("EndpointURL(%q) = %q, want %q", in, got, want)
		}
	}
}
