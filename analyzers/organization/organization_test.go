package organization_test

import (
	"testing"

	"github.com/trustmap/trustmap/analyzers/analyzertest"
	"github.com/trustmap/trustmap/analyzers/organization"
)

func TestOrganization(t *testing.T) {
	analyzertest.Run(t, organization.Analyzer, "testdata")
}
