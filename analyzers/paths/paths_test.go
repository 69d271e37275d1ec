package paths_test

import (
	"testing"

	"github.com/trustmap/trustmap/analyzers/analyzertest"
	"github.com/trustmap/trustmap/analyzers/paths"
)

func TestPaths(t *testing.T) { analyzertest.Run(t, paths.Analyzer, "testdata") }
