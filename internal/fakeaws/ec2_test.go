package fakeaws

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"
)

func TestDescribeRegions(t *testing.T) {
	srv := startFixture(t, basicFixture, Options{})
	tests := []struct {
		name string
		in   ec2.DescribeRegionsInput
		want map[string]string // region -> optInStatus
	}{
		{"without AllRegions only enabled regions come back", ec2.DescribeRegionsInput{},
			map[string]string{"us-east-1": "opt-in-not-required", "eu-west-1": "opt-in-not-required", "af-south-1": "opted-in"}},
		{"AllRegions adds the disabled opt-in regions", ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)},
			map[string]string{"us-east-1": "opt-in-not-required", "eu-west-1": "opt-in-not-required", "af-south-1": "opted-in", "ap-east-1": "not-opted-in"}},
		{"an opt-in-status filter narrows the list", ec2.DescribeRegionsInput{AllRegions: aws.Bool(true),
			Filters: []types.Filter{{Name: aws.String("opt-in-status"), Values: []string{"opted-in", "not-opted-in"}}}},
			map[string]string{"af-south-1": "opted-in", "ap-east-1": "not-opted-in"}},
		{"named regions are reported even when the fixture does not list them", ec2.DescribeRegionsInput{AllRegions: aws.Bool(true), RegionNames: []string{"eu-west-3", "me-south-1"}},
			map[string]string{"eu-west-3": "opt-in-not-required", "me-south-1": "not-opted-in"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := srv.ec2(t, clientConfig{}).DescribeRegions(context.Background(), &tc.in)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, r := range out.Regions {
				got[aws.ToString(r.RegionName)] = aws.ToString(r.OptInStatus)
				if want := "ec2." + aws.ToString(r.RegionName) + ".amazonaws.com"; aws.ToString(r.Endpoint) != want {
					t.Errorf("endpoint %s, want %s", aws.ToString(r.Endpoint), want)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("regions (-want +got):\n%s", diff)
			}
		})
	}

	errs := []struct {
		name string
		in   ec2.DescribeRegionsInput
		want apiError
	}{
		{"an unknown filter is an invalid parameter value", ec2.DescribeRegionsInput{Filters: []types.Filter{{Name: aws.String("colour"), Values: []string{"red"}}}}, apiError{"InvalidParameterValue", 400}},
		{"DryRun answers DryRunOperation", ec2.DescribeRegionsInput{DryRun: aws.Bool(true)}, apiError{"DryRunOperation", 412}},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			_, err := srv.ec2(t, clientConfig{}).DescribeRegions(context.Background(), &tc.in)
			if diff := cmp.Diff(tc.want, decodeError(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}
