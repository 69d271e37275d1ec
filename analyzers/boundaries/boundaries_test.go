package boundaries_test

import (
	"testing"

	"github.com/trustmap/trustmap/analyzers/analyzertest"
	"github.com/trustmap/trustmap/analyzers/boundaries"
)

func TestBoundaries(t *testing.T) { analyzertest.Run(t, boundaries.Analyzer, "testdata") }
