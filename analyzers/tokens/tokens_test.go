package tokens_test

import (
	"testing"

	"github.com/trustmap/trustmap/analyzers/analyzertest"
	"github.com/trustmap/trustmap/analyzers/tokens"
)

func TestTokens(t *testing.T) { analyzertest.Run(t, tokens.Analyzer, "testdata") }
