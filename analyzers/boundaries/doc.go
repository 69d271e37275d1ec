// Package boundaries defines the boundaries analyzer: every edge whose two
// ends lie in different trust zones (internet, any AWS account, a named
// external account, an organization, an AWS service, a federated identity
// provider, a scanned account) is a trust-boundary crossing.
//
// A crossing is recognized when trustmap.yaml names its outside party (a
// known account, the organization), marks the resource expected-public, or
// when the baseline (a previous report or an OTM model) already holds the
// entry point. Unrecognized crossings are the ones a threat model has
// missed; they come first in every output. Well-known vendor accounts are
// labelled from vendors.json, shipped inside the binary — a label, never a
// recognition.
package boundaries
