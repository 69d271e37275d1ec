package threats_test

import (
	"testing"

	"github.com/trustmap/trustmap/analyzers/analyzertest"
	"github.com/trustmap/trustmap/analyzers/threats"
)

func TestThreats(t *testing.T) { analyzertest.Run(t, threats.Analyzer, "testdata") }
