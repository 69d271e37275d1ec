package fakeaws

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Helpers shared by the JSON 1.1 services of this wave (EventBridge, KMS,
// Secrets Manager): POST / with X-Amz-Target PREFIX.Operation and a JSON
// body of the model's member names.

const amzJSON11 = "application/x-amz-json-1.1"

// jsonOp is one operation of a JSON service whose requests decode into R.
type jsonOp[R any] struct {
	handle func(*call, *R) (*response, error)
	// resource names what faults match on (a key id, a secret name...).
	resource func(*call, *R) string
}

// jsonRPCService routes X-Amz-Target targetPrefix+Op to ops. A body that is
// not JSON is the SerializationException the AWS JSON protocols send.
func jsonRPCService[R any](svc, targetPrefix string, ops map[string]jsonOp[R]) *service {
	return &service{route: func(c *call) (operation, bool) {
		name, ok := strings.CutPrefix(c.r.Header.Get("X-Amz-Target"), targetPrefix)
		op, found := ops[name]
		if !ok || !found || c.r.Method != http.MethodPost {
			return operation{}, false
		}
		req := new(R)
		bad := len(c.body) > 0 && json.Unmarshal(c.body, req) != nil
		resource := ""
		if !bad && op.resource != nil {
			resource = op.resource(c, req)
		}
		return operation{name: name, resource: resource, handle: func(c *call) (*response, error) {
			if bad {
				return nil, errorFor(svc, "SerializationException", "Start of structure or map found where not expected.")
			}
			return op.handle(c, req)
		}}, true
	}}
}

// json11 is a 200 JSON 1.1 answer.
func json11(v any) (*response, error) { return jsonReply(amzJSON11, v) }

// pageSize checks an optional page-size member against [1, max] and
// returns it, or def when absent. bad builds the service's error for a
// value out of range.
func pageSize(n *int32, def, max int, bad func(v int32) error) (int, error) {
	if n == nil {
		return def, nil
	}
	if *n < 1 || int(*n) > max {
		return 0, bad(*n)
	}
	return int(*n), nil
}

// derivedUUID is a lower-case UUID (version 4 layout) derived from seed, so
// ids a fixture leaves out are the same on every run.
func derivedUUID(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	sum[6] = sum[6]&0x0f | 0x40
	sum[8] = sum[8]&0x3f | 0x80
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// derivedHex is n lower-case hex digits (n <= 64) derived from the parts.
func derivedHex(n int, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])[:n]
}

// derivedAlnum is n letters and digits (n <= 32) derived from seed, in the
// style of the six characters Secrets Manager appends to secret ARNs.
func derivedAlnum(n int, seed string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha256.Sum256([]byte(seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return string(b)
}

func sortedKeys[M ~map[K]V, K cmp.Ordered, V any](m M) []K {
	return slices.Sorted(maps.Keys(m))
}

func itoa(i int) string { return strconv.Itoa(i) }

// limitError is the validation message the Smithy-based JSON services send
// for a page size out of range.
func limitError(member string, v int32, max int) string {
	if v < 1 {
		return "1 validation error detected: Value '" + strconv.Itoa(int(v)) + "' at '" + member + "' failed to satisfy constraint: Member must have value greater than or equal to 1"
	}
	return "1 validation error detected: Value '" + strconv.Itoa(int(v)) + "' at '" + member + "' failed to satisfy constraint: Member must have value less than or equal to " + strconv.Itoa(max)
}
