package fakeaws

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SQS (AWS JSON 1.0, query-compatible: errors carry x-amzn-query-error):
// aws_wire.md §7.

const sqsJSON = "application/x-amz-json-1.0"

// sqsRequest holds the members of the SQS requests the fake answers.
type sqsRequest struct {
	QueueUrl               string
	QueueName              string
	QueueOwnerAWSAccountId string
	QueueNamePrefix        string
	NextToken              string
	MaxResults             *int
	AttributeNames         []string
}

var sqsHandlers = map[string]func(*call, *sqsRequest) (*response, error){
	"ListQueues":         sqsListQueues,
	"GetQueueAttributes": sqsGetQueueAttributes,
	"GetQueueUrl":        sqsGetQueueURL,
}

func sqsService() *service {
	return &service{route: func(c *call) (operation, bool) {
		name, ok := strings.CutPrefix(c.r.Header.Get("X-Amz-Target"), "AmazonSQS.")
		h := sqsHandlers[name]
		if !ok || h == nil || c.r.Method != http.MethodPost {
			return operation{}, false
		}
		var req sqsRequest
		bad := len(c.body) > 0 && json.Unmarshal(c.body, &req) != nil
		resource := req.QueueName
		if req.QueueUrl != "" {
			resource = req.QueueUrl[strings.LastIndexByte(req.QueueUrl, '/')+1:]
		}
		return operation{name: name, resource: resource, handle: func(c *call) (*response, error) {
			if bad {
				return nil, errorFor("sqs", "SerializationException", "Start of structure or map found where not expected.")
			}
			return h(c, &req)
		}}, true
	}}
}

func queueURL(region, account, name string) string {
	return "https://sqs." + region + ".amazonaws.com/" + account + "/" + name
}

func findQueue(a *Account, region, name string) *Queue {
	for _, q := range a.SQS.Queues {
		if q != nil && q.Name == name && orDefault(q.Region, a.homeRegion()) == region {
			return q
		}
	}
	return nil
}

// sqsAccessDenied is SQS's denial, whose message names the endpoint, not
// the queue.
func sqsAccessDenied(region string) error {
	return errorFor("sqs", ErrAccessDenied, "Access to the resource https://sqs."+region+".amazonaws.com/ is denied.")
}

// queueIn finds account's queue name in the signed region. Another
// account's existing queue is access denied (the fake does not evaluate
// queue policies); a missing one does not exist.
func queueIn(c *call, account, name string) (*Queue, error) {
	a := c.account()
	if account != a.ID {
		if other := c.srv.accounts[account]; other != nil && findQueue(other, c.region, name) != nil {
			return nil, sqsAccessDenied(c.region)
		}
		return nil, errorFor("sqs", "QueueDoesNotExist", "")
	}
	q := findQueue(a, c.region, name)
	if q == nil {
		return nil, errorFor("sqs", "QueueDoesNotExist", "")
	}
	return q, nil
}

// queueByURL finds the queue a QueueUrl names by its path, /account/name;
// the host is not consulted (the signed region decides).
func queueByURL(c *call, raw string) (*Queue, string, error) {
	u, err := url.Parse(raw)
	var parts []string
	if err == nil {
		parts = strings.Split(strings.Trim(u.Path, "/"), "/")
	}
	if err != nil || u.Scheme == "" || len(parts) != 2 || !accountIDRE.MatchString(parts[0]) || parts[1] == "" {
		return nil, "", errorFor("sqs", "InvalidAddress", "The address "+raw+" is not valid for this endpoint.")
	}
	q, err := queueIn(c, parts[0], parts[1])
	return q, parts[0], err
}

func invalidParameter(msg string) error {
	e := errorFor("sqs", "InvalidParameterValueException", msg)
	e.QueryCode = "InvalidParameterValue"
	return e
}

// sqsListQueues lists the region's queues by name. With MaxResults (1-1000)
// it pages with NextToken; without it the answer holds at most 1,000 URLs
// and never a NextToken, even when more queues exist (ListQueues docs).
func sqsListQueues(c *call, req *sqsRequest) (*response, error) {
	limit := 1000
	if req.MaxResults != nil {
		if n := *req.MaxResults; n < 1 || n > 1000 {
			return nil, invalidParameter("Value " + strconv.Itoa(n) + " for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.")
		}
		limit = *req.MaxResults
	}
	a := c.account()
	var names []string
	for _, q := range a.SQS.Queues {
		if q != nil && orDefault(q.Region, a.homeRegion()) == c.region && strings.HasPrefix(q.Name, req.QueueNamePrefix) {
			names = append(names, q.Name)
		}
	}
	slices.Sort(names)
	names, next, ok := page(names, func(n string) string { return n }, "queue", req.NextToken, limit)
	if !ok {
		return nil, invalidParameter("Invalid NextToken value.")
	}
	if req.MaxResults == nil {
		next = ""
	}
	out := struct {
		QueueUrls []string `json:",omitempty"`
		NextToken string   `json:",omitempty"`
	}{NextToken: next}
	for _, n := range names {
		out.QueueUrls = append(out.QueueUrls, queueURL(c.region, a.ID, n))
	}
	return jsonReply(sqsJSON, out)
}

// sqsAttributeNames are the attribute names GetQueueAttributes accepts
// (QueueAttributeName in the model, plus All).
var sqsAttributeNames = []string{
	"All", "Policy", "VisibilityTimeout", "MaximumMessageSize", "MessageRetentionPeriod",
	"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "CreatedTimestamp",
	"LastModifiedTimestamp", "QueueArn", "ApproximateNumberOfMessagesDelayed", "DelaySeconds",
	"ReceiveMessageWaitTimeSeconds", "RedrivePolicy", "FifoQueue", "ContentBasedDeduplication",
	"KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "DeduplicationScope", "FifoThroughputLimit",
	"RedriveAllowPolicy", "SqsManagedSseEnabled",
}

// queueAttributes is every attribute of q, each a string as SQS sends them:
// numbers and booleans in decimal and lower case, timestamps as epoch
// seconds, policies as JSON text. Attributes that do not apply (Policy on a
// queue without one, FIFO settings on a standard queue) are absent.
func queueAttributes(region, account string, q *Queue) map[string]string {
	created := strconv.FormatInt(orDefaultTime(q.Created).Unix(), 10)
	attrs := map[string]string{
		"QueueArn":                              "arn:aws:sqs:" + region + ":" + account + ":" + q.Name,
		"ApproximateNumberOfMessages":           "0",
		"ApproximateNumberOfMessagesNotVisible": "0",
		"ApproximateNumberOfMessagesDelayed":    "0",
		"CreatedTimestamp":                      created,
		"LastModifiedTimestamp":                 created,
		"VisibilityTimeout":                     "30",
		"MaximumMessageSize":                    "262144",
		"MessageRetentionPeriod":                "345600",
		"DelaySeconds":                          "0",
		"ReceiveMessageWaitTimeSeconds":         "0",
	}
	sse := q.KMSMasterKeyID == ""
	if q.SQSManagedSSE != nil {
		sse = *q.SQSManagedSSE
	}
	attrs["SqsManagedSseEnabled"] = strconv.FormatBool(sse)
	if q.KMSMasterKeyID != "" {
		attrs["KmsMasterKeyId"] = q.KMSMasterKeyID
		attrs["KmsDataKeyReusePeriodSeconds"] = "300"
	}
	if q.Policy != nil {
		attrs["Policy"] = q.Policy.JSON
	}
	if q.RedrivePolicy != nil {
		attrs["RedrivePolicy"] = q.RedrivePolicy.JSON
	}
	if strings.HasSuffix(q.Name, ".fifo") {
		attrs["FifoQueue"] = "true"
		attrs["ContentBasedDeduplication"] = "false"
		attrs["DeduplicationScope"] = "queue"
		attrs["FifoThroughputLimit"] = "perQueue"
	}
	maps.Copy(attrs, q.Attributes)
	return attrs
}

// sqsGetQueueAttributes answers the named attributes (All for every one);
// no names is an empty result, an unknown name InvalidAttributeName.
func sqsGetQueueAttributes(c *call, req *sqsRequest) (*response, error) {
	q, account, err := queueByURL(c, req.QueueUrl)
	if err != nil {
		return nil, err
	}
	all := queueAttributes(c.region, account, q)
	out := map[string]string{}
	for _, n := range req.AttributeNames {
		switch {
		case n == "All":
			maps.Copy(out, all)
		case slices.Contains(sqsAttributeNames, n):
			if v, ok := all[n]; ok {
				out[n] = v
			}
		default:
			return nil, errorFor("sqs", "InvalidAttributeName", "Unknown Attribute "+n+".")
		}
	}
	return jsonReply(sqsJSON, struct {
		Attributes map[string]string `json:",omitempty"`
	}{out})
}

// sqsGetQueueURL finds a queue by name, in the caller's account or the one
// QueueOwnerAWSAccountId names.
func sqsGetQueueURL(c *call, req *sqsRequest) (*response, error) {
	account := orDefault(req.QueueOwnerAWSAccountId, c.account().ID)
	if _, err := queueIn(c, account, req.QueueName); err != nil {
		return nil, err
	}
	return jsonReply(sqsJSON, struct{ QueueUrl string }{queueURL(c.region, account, req.QueueName)})
}

// Helpers shared by the JSON services (Lambda, SQS, Organizations).

// jsonReply is a 200 response with v encoded as JSON. HTML escaping is off:
// AWS sends <, > and & as they are.
func jsonReply(contentType string, v any) (*response, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("Content-Type", contentType)
	return &response{status: http.StatusOK, header: h, body: bytes.TrimSuffix(b.Bytes(), []byte("\n"))}, nil
}

// epochSeconds is a timestamp the JSON protocols send as a number of
// seconds, with milliseconds when there are any (1569284520.333).
type epochSeconds time.Time

func (t epochSeconds) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(time.Time(t).UnixMilli())/1000, 'f', -1, 64), nil
}

// page returns the items after the one token names (from the start for an
// empty token), at most limit of them, and the opaque token for the next
// page, empty when nothing is left. items must be sorted by key; ok is false
// for a token the fake did not issue.
func page[T any](items []T, key func(T) string, kind, token string, limit int) (out []T, next string, ok bool) {
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		after, found := strings.CutPrefix(string(raw), kind+":")
		if err != nil || !found {
			return nil, "", false
		}
		i := slices.IndexFunc(items, func(x T) bool { return key(x) > after })
		if i < 0 {
			i = len(items)
		}
		items = items[i:]
	}
	if len(items) > limit {
		items = items[:limit]
		next = base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + key(items[limit-1])))
	}
	return items, next, true
}
