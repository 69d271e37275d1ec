// Package all lists every analyzer, in the order they are documented.
package all

import (
	"github.com/trustmap/trustmap/analyzers"
	"github.com/trustmap/trustmap/analyzers/exposure"
)

// Analyzers returns the explicit list of analyzers trustmap runs.
func Analyzers() []*analyzers.Analyzer {
	return []*analyzers.Analyzer{
		exposure.Analyzer,
	}
}
