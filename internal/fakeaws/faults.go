package fakeaws

import (
	"encoding/xml"
	"net/http"
	"strings"
	"sync"
)

// Fault kinds: answers AWS never gives but an endpoint that is not AWS
// does, every time, for an operation it lacks or a case it shortcuts. Each
// is moto 4.1.14's documented answer (shared/emulators/moto/README.md).
const (
	// FaultEmptyBody is a 200 with an empty body (Content-Length: 0):
	// moto's GetBucketNotificationConfiguration for a bucket with none,
	// where AWS sends an empty <NotificationConfiguration/>.
	FaultEmptyBody = "empty-body"
	// FaultWrongRoot is a 200 whose XML document is another operation's
	// answer, a <ListBucketResult>: moto's GetBucketPolicyStatus, which it
	// routes to the bucket's object listing.
	FaultWrongRoot = "wrong-root"
	// FaultHTML404 is a 404 with an HTML page and no AWS error code: moto's
	// answer for a route it does not have (Lambda ListFunctionUrlConfigs).
	FaultHTML404 = "html-404"
)

// FaultKinds lists the fault kinds.
var FaultKinds = []string{FaultEmptyBody, FaultWrongRoot, FaultHTML404}

// faultSet matches calls against the fixture's faults. Faults are tried in
// order; one whose count is used up no longer matches, so a later fault for
// the same call can take over.
type faultSet struct {
	mu     sync.Mutex
	faults []Fault
	fired  []int
}

func newFaultSet(fs []Fault) *faultSet {
	return &faultSet{faults: fs, fired: make([]int, len(fs))}
}

// callInfo is what a fault can match on.
type callInfo struct{ service, api, account, region, resource string }

// match returns the fault to inject into the call, if any, and uses it up.
// request is the call's body and query string.
func (f *faultSet) match(ci callInfo, request string) (Fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, ft := range f.faults {
		if !ft.matches(ci) || (ft.Count > 0 && f.fired[i] >= ft.Count) ||
			(ft.RequestContains != "" && !strings.Contains(request, ft.RequestContains)) {
			continue
		}
		f.fired[i]++
		return ft, true
	}
	return Fault{}, false
}

func (ft Fault) matches(ci callInfo) bool {
	field := func(want, got string) bool { return want == "" || want == got }
	return ft.Service == ci.service && field(ft.API, ci.api) && field(ft.Account, ci.account) &&
		field(ft.Region, ci.region) && field(ft.Resource, ci.resource)
}

// answer is what a fault of a Kind sends instead of the operation's answer.
func (ft Fault) answer(resource string) *response {
	switch ft.Kind {
	case FaultEmptyBody:
		return &response{status: http.StatusOK, header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}}
	case FaultWrongRoot:
		return &response{status: http.StatusOK, header: http.Header{"Content-Type": {"application/xml"}},
			body: []byte(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>` +
				escapeXML(resource) + `</Name><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>`)}
	default: // FaultHTML404
		return &response{status: http.StatusNotFound, header: http.Header{"Content-Type": {"text/html; charset=utf-8"}},
			body: []byte("<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n" +
				"<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n")}
	}
}

// err is the error the fault injects, in service's protocol.
func (ft Fault) err(service string) *awsError {
	e := errorFor(service, ft.Error, ft.Message)
	if ft.Status != 0 {
		e.Status = ft.Status
	}
	return e
}

func escapeXML(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) //nolint:errcheck // strings.Builder does not fail
	return b.String()
}
