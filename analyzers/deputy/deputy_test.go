package deputy_test

import (
	"testing"

	"github.com/trustmap/trustmap/analyzers/analyzertest"
	"github.com/trustmap/trustmap/analyzers/deputy"
)

func TestDeputy(t *testing.T) { analyzertest.Run(t, deputy.Analyzer, "testdata") }
