package fakeaws

import (
	"encoding/xml"
	"net/http"
	"strings"
	"time"
)

// response is what a handler answers; the server adds the request-id headers.
type response struct {
	status int
	header http.Header
	body   []byte
}

// xmlw writes XML by hand, so that element order, namespaces and attributes
// (S3's xsi:type) are exactly what AWS sends.
type xmlw struct{ b *strings.Builder }

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

func newXML(b *strings.Builder) *xmlw {
	b.WriteString(xmlHeader)
	return &xmlw{b}
}

// open writes a start tag; attrs are name, value pairs.
func (x *xmlw) open(name string, attrs ...string) *xmlw {
	x.start(name, attrs)
	x.b.WriteByte('>')
	return x
}

func (x *xmlw) start(name string, attrs []string) {
	x.b.WriteByte('<')
	x.b.WriteString(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		x.b.WriteByte(' ')
		x.b.WriteString(attrs[i])
		x.b.WriteString(`="`)
		xml.EscapeText(x.b, []byte(attrs[i+1])) //nolint:errcheck // strings.Builder does not fail
		x.b.WriteByte('"')
	}
}

// empty writes a self-closing element.
func (x *xmlw) empty(name string, attrs ...string) *xmlw {
	x.start(name, attrs)
	x.b.WriteString("/>")
	return x
}

func (x *xmlw) close(name string) *xmlw {
	x.b.WriteString("</")
	x.b.WriteString(name)
	x.b.WriteByte('>')
	return x
}

// leaf writes <name>value</name>.
func (x *xmlw) leaf(name, value string) *xmlw {
	x.open(name)
	xml.EscapeText(x.b, []byte(value)) //nolint:errcheck // strings.Builder does not fail
	return x.close(name)
}

// text writes escaped character data.
func (x *xmlw) text(v string) *xmlw {
	xml.EscapeText(x.b, []byte(v)) //nolint:errcheck // strings.Builder does not fail
	return x
}

// leafIf writes the leaf only when value is not empty.
func (x *xmlw) leafIf(name, value string) *xmlw {
	if value != "" {
		x.leaf(name, value)
	}
	return x
}

func (x *xmlw) boolLeaf(name string, v bool) *xmlw {
	if v {
		return x.leaf(name, "true")
	}
	return x.leaf(name, "false")
}

func xmlResponse(contentType, body string) *response {
	h := http.Header{}
	h.Set("Content-Type", contentType)
	return &response{status: http.StatusOK, header: h, body: []byte(body)}
}

// defaultTime stands in for timestamps a fixture leaves out, so that
// responses never depend on the clock.
var defaultTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func orDefaultTime(t time.Time) time.Time {
	if t.IsZero() {
		return defaultTime
	}
	return t
}

// isoMillis is the ISO 8601 form S3 uses: 2019-12-11T23:32:47.000Z.
func isoMillis(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// isoSeconds is the ISO 8601 form the query services use: 2011-07-15T23:28:33Z.
func isoSeconds(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
