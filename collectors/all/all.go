// Package all lists every collector trustmap runs. The list is explicit: no
// init() registration, no blank imports.
package all

import (
	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/collectors/apigateway"
	"github.com/trustmap/trustmap/collectors/apigatewayv2"
	"github.com/trustmap/trustmap/collectors/cloudfront"
	"github.com/trustmap/trustmap/collectors/ec2"
	"github.com/trustmap/trustmap/collectors/eks"
	"github.com/trustmap/trustmap/collectors/elb"
	"github.com/trustmap/trustmap/collectors/elbv2"
	"github.com/trustmap/trustmap/collectors/iam"
	"github.com/trustmap/trustmap/collectors/lambda"
	"github.com/trustmap/trustmap/collectors/opensearch"
	"github.com/trustmap/trustmap/collectors/organizations"
	"github.com/trustmap/trustmap/collectors/rds"
	"github.com/trustmap/trustmap/collectors/s3"
	"github.com/trustmap/trustmap/collectors/sqs"
	"github.com/trustmap/trustmap/collectors/wafv2"
)

// Collectors returns a fresh instance of every collector.
func Collectors() []collectors.Collector {
	return []collectors.Collector{
		organizations.New(),
		iam.New(),
		s3.New(),
		lambda.New(),
		sqs.New(),
		apigateway.New(),
		apigatewayv2.New(),
		cloudfront.New(),
		wafv2.New(),
		rds.New(),
		eks.New(),
		opensearch.New(),
		ec2.New(),
		elbv2.New(),
		elb.New(),
	}
}

// Names returns the collectors' names.
func Names() []string {
	var ns []string
	for _, c := range Collectors() {
		ns = append(ns, c.Name())
	}
	return ns
}
