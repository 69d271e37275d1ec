package graph

import (
	"encoding/binary"
	"reflect"
	"strings"

	"github.com/trustmap/trustmap/policy"
)

// interner hands out one copy of each string it is given: a snapshot read
// from JSON has a new string for every occurrence of a node id in an edge,
// of an account, a region, a kind, an API name in evidence, a tag. Interned,
// a large account's snapshot holds each once. The map lives only while one
// snapshot is interned.
//
// pack then moves the copies into a few large strings: a string the AWS
// SDK decoded is a slice of a block shared by every string of its response
// (smithy-go's string arena, up to 4 KiB), and keeping a function's name
// kept the whole block; and strings kept one by one are scattered over
// memory among the garbage of the reading, each rounded up to its size
// class, so the heap's spans stay in use long after most of what was in
// them is gone.
type interner struct {
	seen map[string]string
}

func (in interner) str(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := in.seen[s]; ok {
		return v
	}
	in.seen[s] = s
	return s
}

// packChunk is the size of the strings pack makes; a string longer than
// packAlone (a policy document) keeps an allocation of its own.
const (
	packChunk = 1 << 20
	packAlone = 16 << 10
)

// pack makes each string the interner holds a substring of a few large
// strings, copied once: after it, interning the snapshot again points
// every field at the packed copies, and the strings first given, with the
// blocks they sat in, are garbage.
func (in interner) pack() {
	var (
		b     strings.Builder
		keys  []string
		begin []int
	)
	flush := func() {
		if b.Len() == 0 {
			return
		}
		chunk := b.String()
		for i, k := range keys {
			in.seen[k] = chunk[begin[i] : begin[i]+len(k)]
		}
		b, keys, begin = strings.Builder{}, keys[:0], begin[:0]
	}
	for k := range in.seen {
		if len(k) > packAlone {
			in.seen[k] = strings.Clone(k)
			continue
		}
		if b.Len()+len(k) > packChunk {
			flush()
		}
		if b.Len() == 0 {
			b.Grow(packChunk)
		}
		keys, begin = append(keys, k), append(begin, b.Len())
		b.WriteString(k)
	}
	flush()
}

// value interns every string reachable from v, which is addressable: the
// fields of structs, the elements of slices and arrays, what pointers and
// interfaces point to, and the values of maps of strings. A node's
// attributes are forty types, walked without a line each.
func (in interner) value(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			v.SetString(in.str(v.String()))
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			in.value(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			in.value(v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := range v.Len() {
			in.value(v.Index(i))
		}
	case reflect.Map:
		if v.Type().Elem().Kind() != reflect.String {
			return
		}
		for it := v.MapRange(); it.Next(); {
			v.SetMapIndex(it.Key(), reflect.ValueOf(in.str(it.Value().String())).Convert(v.Type().Elem()))
		}
	}
}

func (in interner) strs(ss []string) {
	for i, s := range ss {
		ss[i] = in.str(s)
	}
}

// intern makes the snapshot's repeated strings share one copy each, packed
// (interner.pack). It changes no value, only where the bytes live.
func (s *Snapshot) intern() {
	in := interner{seen: map[string]string{}}
	s.internWith(in)
	in.pack()
	s.internWith(in)
}

func (s *Snapshot) internWith(in interner) {
	for i := range s.Nodes {
		in.node(&s.Nodes[i])
	}
	for i := range s.Edges {
		in.edge(&s.Edges[i])
	}
	for i := range s.Coverage {
		in.gap(&s.Coverage[i])
	}
}

func (in interner) node(n *Node) {
	n.ID = in.str(n.ID)
	n.Kind = Kind(in.str(string(n.Kind)))
	n.Account = in.str(n.Account)
	n.Region = in.str(n.Region)
	n.Name = in.str(n.Name)
	for k, v := range n.Tags {
		n.Tags[k] = in.str(v)
	}
	in.value(reflect.ValueOf(&n.Attrs).Elem())
}

func (in interner) edge(e *Edge) {
	e.From, e.To = in.str(e.From), in.str(e.To)
	e.Principal = in.str(e.Principal)
	in.strs(e.Actions)
	if g := e.Gate; g != nil {
		// The same text in shared bytes: no change to a gate other
		// edges may hold.
		g.Authorizer = in.str(g.Authorizer)
		in.strs(g.Conditions)
	}
	for j := range e.Evidence {
		ev := &e.Evidence[j]
		ev.Source, ev.Detail, ev.Fix = in.str(ev.Source), in.str(ev.Detail), in.str(ev.Fix)
		in.strs(ev.Actions)
		in.strs(ev.Conditions)
		in.strs(ev.PinnedBy)
	}
}

func (in interner) gap(g *Gap) {
	g.Account, g.Service, g.Region, g.API = in.str(g.Account), in.str(g.Service), in.str(g.Region), in.str(g.API)
}

// shareEdgeSlices makes edges with equal evidence share one evidence
// slice, and edges with equal actions one actions slice. A policy that
// grants a role a set of resources gives each resource an edge with the
// same evidence: at 100,000 resources, 130,000 evidence arrays held 29,000
// different contents. The graph is read-only once built, so sharing
// changes nothing a reader can see.
func shareEdgeSlices(edges []Edge) {
	evidence, actions := newDistinct[Evidence](), newDistinct[string]()
	evOf, actOf := make([]int32, len(edges)), make([]int32, len(edges))
	var key []byte
	for i := range edges {
		e := &edges[i]
		evOf[i], actOf[i] = -1, -1
		if len(e.Evidence) > 0 {
			key = evidenceKey(key[:0], e.Evidence)
			evOf[i] = evidence.add(key, e.Evidence)
		}
		if len(e.Actions) > 0 {
			key = appendStrings(key[:0], e.Actions)
			actOf[i] = actions.add(key, e.Actions)
		}
	}
	// The distinct slices are copied into one array each, end to end:
	// made one by one as resolve went, they were scattered among its
	// garbage, and kept the spans it left mostly empty in use.
	evSlab := evidence.pack()
	packEvidence(evSlab)
	actions.pack()
	for i := range edges {
		if j := evOf[i]; j >= 0 {
			edges[i].Evidence = evidence.slices[j]
		}
		if j := actOf[i]; j >= 0 {
			edges[i].Actions = actions.slices[j]
		}
	}
}

// distinct numbers slices by content (a key the caller makes of it).
type distinct[T any] struct {
	index  map[string]int32
	slices [][]T
	n      int // their elements
}

func newDistinct[T any]() *distinct[T] { return &distinct[T]{index: map[string]int32{}} }

// add returns the number of s's content, s being the first slice with it
// when it is new.
func (d *distinct[T]) add(key []byte, s []T) int32 {
	if j, ok := d.index[string(key)]; ok {
		return j
	}
	j := int32(len(d.slices))
	d.index[string(key)] = j
	d.slices = append(d.slices, s)
	d.n += len(s)
	return j
}

// pack copies the distinct slices end to end into one array, which it
// returns, and makes each of them its part of it.
func (d *distinct[T]) pack() []T {
	slab := make([]T, 0, d.n)
	for j, s := range d.slices {
		d.slices[j], slab = moveTo(slab, s)
	}
	return slab
}

// evidenceKey appends to b an encoding of evs that two lists share only
// when they are equal: each string is preceded by its length.
func evidenceKey(b []byte, evs []Evidence) []byte {
	b = binary.AppendUvarint(b, uint64(len(evs)))
	for i := range evs {
		ev := &evs[i]
		b = appendString(b, ev.Source)
		b = binary.AppendUvarint(b, uint64(len(ev.Statements)))
		for _, st := range ev.Statements {
			b = binary.AppendVarint(b, int64(st.Index))
			b = appendString(b, st.Sid)
		}
		b = appendStrings(b, ev.Actions)
		b = appendStrings(b, ev.Conditions)
		b = appendStrings(b, ev.PinnedBy)
		b = binary.AppendUvarint(b, uint64(len(ev.Guards)))
		for _, g := range ev.Guards {
			b = appendString(b, string(g))
		}
		b = appendString(b, ev.Fix)
		b = appendString(b, ev.Detail)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

// packEvidence does for the pieces of evidence what shareEdgeSlices does
// for the slices that hold them: their lists go end to end into one array
// of each type. (Packing their details and fixes too was measured: it
// copied strings the snapshot's interning had packed already, 2 MB more,
// and freed no span.)
func packEvidence(evs []Evidence) {
	var nStr, nRef, nGuard int
	for i := range evs {
		ev := &evs[i]
		nStr += len(ev.Actions) + len(ev.Conditions) + len(ev.PinnedBy)
		nRef += len(ev.Statements)
		nGuard += len(ev.Guards)
	}
	strs, refs, guards := make([]string, 0, nStr), make([]policy.StatementRef, 0, nRef), make([]policy.Guard, 0, nGuard)
	for i := range evs {
		ev := &evs[i]
		ev.Actions, strs = moveTo(strs, ev.Actions)
		ev.Conditions, strs = moveTo(strs, ev.Conditions)
		ev.PinnedBy, strs = moveTo(strs, ev.PinnedBy)
		ev.Statements, refs = moveTo(refs, ev.Statements)
		ev.Guards, guards = moveTo(guards, ev.Guards)
	}
}

// moveTo appends s to slab, whose capacity holds it, and returns the copy
// (its capacity its length) and the slab.
func moveTo[T any](slab, s []T) ([]T, []T) {
	if len(s) == 0 {
		return s, slab
	}
	at := len(slab)
	slab = append(slab, s...)
	return slab[at:len(slab):len(slab)], slab
}
