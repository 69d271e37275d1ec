// Package organization defines the organization analyzer: for each scanned
// account, who can reach it from outside its organization — every outside
// trust zone that gets in through one of the account's own entry points, or
// through an entry point of another scanned account whose attack paths go on
// into it (a role of the account that another scanned account's compute may
// assume, a bucket it may write to; graph.Resolve draws those cross-account
// identity edges when both sides' policies allow them).
//
// Zones inside the organization are the organization itself and its
// accounts (scanned, or listed by the management account). An account whose
// organization is unknown treats every zone outside the scanned accounts as
// outside. The view reports no findings: the entry points, crossings and
// paths it summarises carry them.
package organization
