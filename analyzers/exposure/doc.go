// Package exposure defines the exposure analyzer: one entry point per
// (resource, way in) through which something outside the resource's account
// can reach it — a bucket policy or ACL, a Lambda permission or function
// URL, a queue policy, an API method, a role trust policy.
//
// Its result, []results.EntryPoint, is what report.json lists as
// entry_points. It also reports findings for public and unrecognized
// cross-account entry points and for resources whose exposure could not be
// judged (an unreadable or invalid policy, AWS disagreeing with the engine).
package exposure
