package graph

import (
	"encoding/json"
	"fmt"
)

// Tri is a three-valued fact. The zero value is Unknown: a fact that a denied,
// throttled or failed API call hid from the scan. An empty string or a nil
// pointer never stands for "no" in the graph; False must be said explicitly.
type Tri int8

const (
	// Unknown means the scan could not establish the fact.
	Unknown Tri = iota
	// False means the scan established that the fact does not hold.
	False
	// True means the scan established that the fact holds.
	True
)

// TriOf turns a known boolean into a Tri.
func TriOf(b bool) Tri {
	if b {
		return True
	}
	return False
}

// Known reports whether the fact was established either way.
func (t Tri) Known() bool { return t != Unknown }

// IsTrue reports whether the fact is known to hold.
func (t Tri) IsTrue() bool { return t == True }

// IsFalse reports whether the fact is known not to hold.
func (t Tri) IsFalse() bool { return t == False }

func (t Tri) String() string {
	switch t {
	case True:
		return "true"
	case False:
		return "false"
	default:
		return "unknown"
	}
}

// MarshalJSON writes "true", "false" or "unknown".
func (t Tri) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// UnmarshalJSON reads "true", "false", "unknown" (and JSON booleans).
func (t *Tri) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case bool:
		*t = TriOf(x)
	case string:
		switch x {
		case "true":
			*t = True
		case "false":
			*t = False
		case "unknown", "":
			*t = Unknown
		default:
			return fmt.Errorf("tri-state value %q: want true, false or unknown", x)
		}
	case nil:
		*t = Unknown
	default:
		return fmt.Errorf("tri-state value %s: want true, false or unknown", b)
	}
	return nil
}

// And combines two facts: False wins, then Unknown.
func (t Tri) And(o Tri) Tri {
	if t == False || o == False {
		return False
	}
	if t == Unknown || o == Unknown {
		return Unknown
	}
	return True
}

// Or combines two facts: True wins, then Unknown.
func (t Tri) Or(o Tri) Tri {
	if t == True || o == True {
		return True
	}
	if t == Unknown || o == Unknown {
		return Unknown
	}
	return False
}

// Not negates a fact; Unknown stays Unknown.
func (t Tri) Not() Tri {
	switch t {
	case True:
		return False
	case False:
		return True
	}
	return Unknown
}
