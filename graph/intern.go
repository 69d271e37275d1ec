package graph

// interner hands out one copy of each string it is given: a snapshot read
// from JSON has a new string for every occurrence of a node id in an edge,
// of an account, a region, a kind, an API name in evidence, a tag. Interned,
// a large account's snapshot holds each once. The map lives only while one
// snapshot is interned.
type interner map[string]string

func (in interner) str(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := in[s]; ok {
		return v
	}
	in[s] = s
	return s
}

func (in interner) strs(ss []string) {
	for i, s := range ss {
		ss[i] = in.str(s)
	}
}

// intern makes the snapshot's repeated strings share one copy each. It
// changes no value, only where the bytes live.
func (s *Snapshot) intern() {
	in := interner{}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		n.ID = in.str(n.ID)
		n.Kind = Kind(in.str(string(n.Kind)))
		n.Account = in.str(n.Account)
		n.Region = in.str(n.Region)
		for k, v := range n.Tags {
			n.Tags[k] = in.str(v)
		}
	}
	for i := range s.Edges {
		e := &s.Edges[i]
		e.From, e.To = in.str(e.From), in.str(e.To)
		e.Kind, e.Via = EdgeKind(in.str(string(e.Kind))), Via(in.str(string(e.Via)))
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
	for i := range s.Coverage {
		g := &s.Coverage[i]
		g.Account, g.Service, g.Region, g.API = in.str(g.Account), in.str(g.Service), in.str(g.Region), in.str(g.API)
	}
}
