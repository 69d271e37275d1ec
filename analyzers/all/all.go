// Package all lists every analyzer, in the order they are documented.
package all

import (
	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/boundaries"
	"github.com/trustmap/trustmap/analyzers/deputy"
	"github.com/trustmap/trustmap/analyzers/exposure"
	"github.com/trustmap/trustmap/analyzers/organization"
	"github.com/trustmap/trustmap/analyzers/paths"
	"github.com/trustmap/trustmap/analyzers/threats"
	"github.com/trustmap/trustmap/analyzers/tokens"
)

// Analyzers returns the explicit list of analyzers trustmap runs.
func Analyzers() []*analyzers.Analyzer {
	return []*analyzers.Analyzer{
		exposure.Analyzer,
		boundaries.Analyzer,
		deputy.Analyzer,
		tokens.Analyzer,
		paths.Analyzer,
		threats.Analyzer,
		organization.Analyzer,
	}
}
