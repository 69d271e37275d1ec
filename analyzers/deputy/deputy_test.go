package deputy_test

import (
	"testing"

	"github.com/trustmap/trustmap/analyzers/analyzertest"
	"github.com/trustmap/trustmap/analyzers/deputy"
)

func TestGolden(t *testing.T) { analyzertest.Run(t, deputy.Analyzer, "testdata") }
