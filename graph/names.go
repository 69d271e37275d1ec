package graph

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// EdgeKind and Via are held by every edge, hundreds of thousands of times
// in a large account, so an edge holds each as a two-byte code (a string
// header is sixteen) and a codebook keeps the names. The kinds and ways
// in this package declares have their codes from the start; a name this
// build does not know (a snapshot written by a newer one) gets the next
// free code when it is first read, so it round-trips unchanged. Codes are
// never compared for order: Compare goes by name, the order the edges and
// reports have always had.
type codebook struct {
	what  string
	mu    sync.Mutex
	names atomic.Pointer[[]string] // code → name; code 0 is ""
	codes sync.Map                 // name → uint16
}

func newCodebook(what string) *codebook {
	b := &codebook{what: what}
	b.names.Store(&[]string{""})
	b.codes.Store("", uint16(0))
	return b
}

// add returns name's code, giving it the next one if it has none.
func (b *codebook) add(name string) (uint16, error) {
	if c, ok := b.codes.Load(name); ok {
		return c.(uint16), nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.codes.Load(name); ok {
		return c.(uint16), nil
	}
	old := *b.names.Load()
	if len(old) > 1<<16-1 {
		return 0, fmt.Errorf("graph: more than %d distinct %s names", 1<<16-1, b.what)
	}
	// String reads the table without the lock: the new name goes past
	// the end of every table a reader may hold (in place when there is
	// room), and the longer table is published after it is written.
	next := append(old, name)
	c := uint16(len(old))
	b.names.Store(&next)
	b.codes.Store(name, c)
	return c, nil
}

// must is add for the names this package declares.
func (b *codebook) must(name string) uint16 {
	c, err := b.add(name)
	if err != nil {
		panic(err)
	}
	return c
}

// compare orders two codes by their names.
func (b *codebook) compare(x, y uint16) int {
	if x == y {
		return 0
	}
	return strings.Compare(b.name(x), b.name(y))
}

func (b *codebook) name(c uint16) string {
	names := *b.names.Load()
	if int(c) < len(names) {
		return names[c]
	}
	return fmt.Sprintf("%s(%d)", b.what, c) // a code no name was given: a bug
}

var (
	edgeKinds = newCodebook("edge kind")
	vias      = newCodebook("via")
)

// String is the kind's name, e.g. "can-read"; "" for none.
func (k EdgeKind) String() string { return edgeKinds.name(uint16(k)) }

// Compare orders kinds by name.
func (k EdgeKind) Compare(o EdgeKind) int { return edgeKinds.compare(uint16(k), uint16(o)) }

// EdgeKindNamed returns the kind of that name, registering a name this
// build does not declare.
func EdgeKindNamed(name string) (EdgeKind, error) {
	c, err := edgeKinds.add(name)
	return EdgeKind(c), err
}

// MarshalText spells the kind by name (JSON, YAML).
func (k EdgeKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a kind by name.
func (k *EdgeKind) UnmarshalText(b []byte) error {
	v, err := EdgeKindNamed(string(b))
	*k = v
	return err
}

func edgeKind(name string) EdgeKind { return EdgeKind(edgeKinds.must(name)) }

// String is the way in's name, e.g. "bucket-policy"; "" for none.
func (v Via) String() string { return vias.name(uint16(v)) }

// Compare orders ways in by name.
func (v Via) Compare(o Via) int { return vias.compare(uint16(v), uint16(o)) }

// ViaNamed returns the way in of that name, registering a name this build
// does not declare.
func ViaNamed(name string) (Via, error) {
	c, err := vias.add(name)
	return Via(c), err
}

// MarshalText spells the way in by name (JSON, YAML).
func (v Via) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText reads a way in by name.
func (v *Via) UnmarshalText(b []byte) error {
	x, err := ViaNamed(string(b))
	*v = x
	return err
}

func via(name string) Via { return Via(vias.must(name)) }
