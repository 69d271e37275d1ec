// Package results holds what trustmap's analyzers find, as plain typed
// values: entry points, trust-boundary crossings, attack paths and STRIDE
// threats, their severities and orders, and the user's trust (recognized
// parties, expected-public resources, suppressions) that judges them.
//
// The analysis framework (package analyzers) is the contract for running
// analyzers; this package is the domain they speak. report, store and
// model read these types; none of them imports an analyzer.
package results
