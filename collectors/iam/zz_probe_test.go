package iam

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/collectors/collectortest"
)

func TestProbe(t *testing.T) {
	srv := collectortest.Start(t, `
accounts:
  - id: "123456789012"
    access_keys: [AKIATEST000000000001]
    regions: [us-east-1]
`)
	cfg, _ := collectors.LoadConfig(context.Background(), collectors.ConfigOptions{EndpointURL: srv.URL(), Credentials: credentials.NewStaticCredentialsProvider("AKIATEST000000000001", "x", ""), MaxAttempts: 1})
	_, err := iam.NewFromConfig(cfg).GetAccountAuthorizationDetails(context.Background(), &iam.GetAccountAuthorizationDetailsInput{})
	t.Logf("iam: %v", err)
	_, err = apigateway.NewFromConfig(cfg).GetRestApis(context.Background(), &apigateway.GetRestApisInput{Limit: aws.Int32(500)})
	t.Logf("apigw: %v", err)
	_, err = apigatewayv2.NewFromConfig(cfg).GetApis(context.Background(), &apigatewayv2.GetApisInput{})
	t.Logf("apigwv2: %v", err)
}
