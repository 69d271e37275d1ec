package lambda

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/graph"
)

// configuration turns what ListFunctions said about a function into its
// attributes. Environment variable values are dropped here and never leave
// this function: only the sorted names are kept.
func configuration(fn types.FunctionConfiguration) *graph.LambdaFunction {
	attrs := &graph.LambdaFunction{
		Runtime:      string(fn.Runtime),
		Handler:      aws.ToString(fn.Handler),
		Role:         aws.ToString(fn.Role),
		LastModified: aws.ToString(fn.LastModified),
		PackageType:  string(fn.PackageType),
	}
	if fn.Environment != nil {
		for k := range fn.Environment.Variables {
			attrs.EnvVarNames = append(attrs.EnvVarNames, k)
		}
		slices.Sort(attrs.EnvVarNames)
	}
	if fn.VpcConfig != nil && aws.ToString(fn.VpcConfig.VpcId) != "" {
		attrs.InVPC = true
	}
	return attrs
}

// policy reads the resource policy of a function, or of one of its aliases
// when qualifier is set. No policy is an answer (Absent); a failed read
// leaves the policy Unknown and records a gap.
func (r *reader) policy(ctx context.Context, name, qualifier string) graph.Doc {
	const src = "lambda:GetPolicy"
	in := &lambda.GetPolicyInput{FunctionName: aws.String(name)}
	resource := name
	if qualifier != "" {
		in.Qualifier = aws.String(qualifier)
		resource = name + ":" + qualifier
	}
	out, err := r.client.GetPolicy(ctx, in)
	switch {
	case err == nil && aws.ToString(out.Policy) != "":
		return graph.Present(aws.ToString(out.Policy), src)
	case err == nil, collectors.IsNotFound(err):
		return graph.Absent(src)
	default:
		r.gaps.Fail(r.t.Region, "GetPolicy", resource, err)
		return graph.Hidden(src)
	}
}

func functionURL(cfg types.FunctionUrlConfig) *graph.FunctionURL {
	u := &graph.FunctionURL{
		URL:        aws.ToString(cfg.FunctionUrl),
		AuthType:   string(cfg.AuthType),
		Qualifier:  qualifier(aws.ToString(cfg.FunctionArn)),
		InvokeMode: string(cfg.InvokeMode),
	}
	if cfg.Cors != nil {
		u.CORSAllowOrigins = slices.Clone(cfg.Cors.AllowOrigins)
		u.CORSAllowCreds = aws.ToBool(cfg.Cors.AllowCredentials)
	}
	return u
}

// A function ARN is arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME, with
// an optional :QUALIFIER (version or alias) as an eighth field.
const unqualifiedFields = 7

// unqualified strips the version or alias qualifier from a function ARN.
func unqualified(arn string) string {
	parts := strings.SplitN(arn, ":", unqualifiedFields+1)
	if len(parts) <= unqualifiedFields {
		return arn
	}
	return strings.Join(parts[:unqualifiedFields], ":")
}

// qualifier returns the version or alias qualifier of a function ARN, or ""
// when there is none or it is $LATEST (the unqualified function itself).
func qualifier(arn string) string {
	parts := strings.SplitN(arn, ":", unqualifiedFields+1)
	if len(parts) <= unqualifiedFields || parts[unqualifiedFields] == "$LATEST" {
		return ""
	}
	return parts[unqualifiedFields]
}
