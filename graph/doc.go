// Package graph is trustmap's typed state in the middle of the pipeline:
// the nodes (resources and principals), edges and trust zones of an
// account, as collected (a Snapshot) and as resolved (a Graph).
//
// Collectors add nodes and structural edges to a Builder, which is safe for
// concurrent use; Freeze sorts everything into a Snapshot, so output never
// depends on goroutine timing. A Snapshot is written as versioned JSON and
// read back with ReadSnapshot, so an old scan is re-judged by today's rules.
//
// Resolve turns a Snapshot into a Graph: it keeps the structural edges and
// adds access edges from principals (in their trust zones) to resources,
// decided by the policy engine from policies, ACLs and auth settings, plus
// Notes for what is not an edge (an unreadable policy, a neutralised
// grant). Every fact a denied call could hide is a Tri: Unknown is never
// read as "no".
//
// An edge's identity is its Key (From, To, Kind, Via): the builder, the
// sort and the merge use it alike, and Merge keeps every piece of Evidence
// — each granting statement with the policy engine's fix, each setting —
// typed as the stage that found it knew it.
package graph
