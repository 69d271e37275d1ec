package fakeaws

import (
	"net"
	"net/http"
	"strings"
)

// S3 Control (REST-XML with wrapped errors): aws_wire.md §2. The SDK sends
// the account id twice, as the host prefix {AccountId}. and as the
// x-amz-account-id header; the fake checks that they agree.

const s3controlNS = "http://awss3control.amazonaws.com/doc/2018-08-20/"

func s3controlService() *service {
	return &service{route: func(c *call) (operation, bool) {
		if c.r.Method == http.MethodGet && c.r.URL.Path == "/v20180820/configuration/publicAccessBlock" {
			return operation{name: "GetPublicAccessBlock", resource: c.r.Header.Get("x-amz-account-id"), handle: s3controlGetPublicAccessBlock}, true
		}
		return s3controlAccessPointRoute(c) // s3control_accesspoints.go
	}}
}

// targetAccount checks the request's account id and returns the account
// it names, which must be the caller's.
func (c *call) targetAccount() (*Account, error) {
	id := c.r.Header.Get("x-amz-account-id")
	if id == "" {
		return nil, errorFor("s3control", "InvalidRequest", "Missing required header for this request: x-amz-account-id")
	}
	host := c.r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if prefix, _, ok := strings.Cut(host, "."); ok && accountIDRE.MatchString(prefix) && prefix != id {
		return nil, errorFor("s3control", "InvalidRequest", "The account id in the host ("+prefix+") does not match the x-amz-account-id header ("+id+")")
	}
	if id != c.account().ID {
		return nil, errorFor("s3control", ErrAccessDenied, "")
	}
	return c.account(), nil
}

func s3controlGetPublicAccessBlock(c *call) (*response, error) {
	a, err := c.targetAccount()
	if err != nil {
		return nil, err
	}
	if a.S3.PublicAccessBlock == nil {
		return nil, errorFor("s3control", "NoSuchPublicAccessBlockConfiguration", "")
	}
	return xmlResponse("application/xml", publicAccessBlockXML(s3controlNS, a.S3.PublicAccessBlock)), nil
}
