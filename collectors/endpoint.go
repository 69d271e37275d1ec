package collectors

import (
	"net/url"
	"strings"
)

// EndpointURL is how a URL outside AWS that a resource sends data to (an
// SNS HTTP/S subscription, an EventBridge API destination) is kept in the
// graph: its scheme and host, and "/…" when it had more. The rest is
// dropped because it is where such URLs carry their secret: a Slack or
// Teams webhook's token is its path, other services put an API key in the
// query, and user:password@ may precede the host. Two URLs of one host are
// one endpoint, one outside party. A value that does not parse as an
// absolute URL is kept as "(unparseable URL)", never verbatim.
func EndpointURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "(unparseable URL)"
	}
	out := strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		out += "/…"
	}
	return out
}
