package exposure_test

import (
	"testing"

	"github.com/trustmap/trustmap/analyzers/analyzertest"
	"github.com/trustmap/trustmap/analyzers/exposure"
)

func TestExposure(t *testing.T) { analyzertest.Run(t, exposure.Analyzer, "testdata") }
