package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/spf13/cobra"

	"github.com/trustmap/trustmap/collectors"
	"github.com/trustmap/trustmap/report"
	"github.com/trustmap/trustmap/report/export"
)

// --security-hub is the one feature of trustmap that writes to AWS: it
// imports the ASFF findings into Security Hub with BatchImportFindings,
// which needs securityhub:BatchImportFindings beyond the read-only policy.

// securityHubHelp is the flag's help text.
const securityHubHelp = "after writing the report, import its findings into AWS Security Hub (BatchImportFindings, per region); " +
	"the one feature that writes to AWS: needs securityhub:BatchImportFindings beyond the read-only policy"

// BatchImportFindings limits (Security Hub API reference).
const (
	shMaxPerCall      = 100
	shMaxFindingBytes = 240 * 1024
	shMaxCallBytes    = 6 * 1024 * 1024
	shCallOverhead    = len(`{"Findings":[]}`)
)

// securityHubAPI is the one Security Hub call trustmap makes.
type securityHubAPI interface {
	BatchImportFindings(ctx context.Context, in *securityhub.BatchImportFindingsInput, optFns ...func(*securityhub.Options)) (*securityhub.BatchImportFindingsOutput, error)
}

// shResult counts what an import did.
type shResult struct {
	Imported, Failed, Dropped int
}

func (r shResult) add(o shResult) shResult {
	return shResult{r.Imported + o.Imported, r.Failed + o.Failed, r.Dropped + o.Dropped}
}

// pushSecurityHub imports the report's ASFF findings, one client per region
// (a finding is imported in the region of its ProductArn), with the
// credentials and endpoint the scan used. It returns an exit-code-3 error
// when any finding was not imported. The findings are collected, as
// pushByRegion groups them by region before it sends any.
func pushSecurityHub(ctx context.Context, e env, opts collectors.ConfigOptions, in report.Input) error {
	findings := slices.Collect(export.ASFFFindings(in))
	if len(findings) == 0 {
		fmt.Fprintln(e.stderr, "trustmap: security hub: nothing to import")
		return nil
	}
	cfg, err := collectors.LoadConfig(ctx, opts)
	if err != nil {
		return failErr("security hub: %v", err)
	}
	return pushByRegion(ctx, e.stderr, findings, func(region string) securityHubAPI {
		return securityhub.NewFromConfig(cfg, func(o *securityhub.Options) { o.Region = region })
	})
}

// pushByRegion groups findings by region and imports each group through
// the client newClient returns for it.
func pushByRegion(ctx context.Context, stderr io.Writer, findings []export.ASFFFinding, newClient func(region string) securityHubAPI) error {
	byRegion := map[string][]export.ASFFFinding{}
	var regions []string
	for _, f := range findings {
		if _, ok := byRegion[f.Region]; !ok {
			regions = append(regions, f.Region)
		}
		byRegion[f.Region] = append(byRegion[f.Region], f)
	}
	slices.Sort(regions)
	var total shResult
	for _, region := range regions {
		res := importFindings(ctx, newClient(region), byRegion[region], stderr)
		fmt.Fprintf(stderr, "trustmap: security hub %s: %d imported, %d failed, %d too large\n", region, res.Imported, res.Failed, res.Dropped)
		total = total.add(res)
	}
	if total.Failed > 0 || total.Dropped > 0 {
		return failErr("security hub: %d of %d findings were not imported (see above)", total.Failed+total.Dropped, len(findings))
	}
	return nil
}

// importFindings sends findings in batches within BatchImportFindings'
// limits: at most 100 findings and 6 MB per call; a finding over 240 KB is
// dropped and reported. Failed calls and failed findings are reported on
// stderr and counted; the remaining batches are still sent.
func importFindings(ctx context.Context, c securityHubAPI, findings []export.ASFFFinding, stderr io.Writer) shResult {
	var res shResult
	for _, batch := range batchFindings(findings, stderr, &res) {
		in := &securityhub.BatchImportFindingsInput{Findings: make([]types.AwsSecurityFinding, len(batch))}
		for i, f := range batch {
			in.Findings[i] = toSDKFinding(f)
		}
		out, err := c.BatchImportFindings(ctx, in)
		if err != nil {
			fmt.Fprintf(stderr, "trustmap: security hub: BatchImportFindings (%d findings): %s\n", len(batch), collectors.ErrorSummary(err))
			res.Failed += len(batch)
			continue
		}
		failed := int(aws.ToInt32(out.FailedCount))
		for _, ff := range out.FailedFindings {
			fmt.Fprintf(stderr, "trustmap: security hub: finding %s not imported: %s: %s\n", aws.ToString(ff.Id), aws.ToString(ff.ErrorCode), aws.ToString(ff.ErrorMessage))
		}
		failed = max(failed, len(out.FailedFindings))
		res.Failed += failed
		res.Imported += len(batch) - failed
	}
	return res
}

// batchFindings splits findings into calls of at most shMaxPerCall findings
// and shMaxCallBytes, dropping (and reporting) any finding over
// shMaxFindingBytes. Sizes are those of the JSON the API receives.
func batchFindings(findings []export.ASFFFinding, stderr io.Writer, res *shResult) [][]export.ASFFFinding {
	var batches [][]export.ASFFFinding
	var cur []export.ASFFFinding
	size := shCallOverhead
	for _, f := range findings {
		raw, err := json.Marshal(f)
		if err != nil || len(raw) > shMaxFindingBytes {
			fmt.Fprintf(stderr, "trustmap: security hub: finding %s dropped: %d bytes is over the %d-byte limit per finding\n", f.ID, len(raw), shMaxFindingBytes)
			res.Dropped++
			continue
		}
		n := len(raw) + 1 // and a comma
		if len(cur) == shMaxPerCall || (len(cur) > 0 && size+n > shMaxCallBytes) {
			batches = append(batches, cur)
			cur, size = nil, shCallOverhead
		}
		cur = append(cur, f)
		size += n
	}
	if len(cur) > 0 {
		batches = append(batches, cur)
	}
	return batches
}

// toSDKFinding converts the file format to the SDK's input type.
func toSDKFinding(f export.ASFFFinding) types.AwsSecurityFinding {
	sev := func(s export.ASFFSeverity) (types.SeverityLabel, *string) {
		var orig *string
		if s.Original != "" {
			orig = aws.String(s.Original)
		}
		return types.SeverityLabel(s.Label), orig
	}
	label, orig := sev(f.Severity)
	out := types.AwsSecurityFinding{
		SchemaVersion: aws.String(f.SchemaVersion),
		Id:            aws.String(f.ID),
		ProductArn:    aws.String(f.ProductArn),
		GeneratorId:   aws.String(f.GeneratorID),
		AwsAccountId:  aws.String(f.AwsAccountID),
		Types:         f.Types,
		CreatedAt:     aws.String(f.CreatedAt),
		UpdatedAt:     aws.String(f.UpdatedAt),
		Severity:      &types.Severity{Label: label, Original: orig},
		Title:         aws.String(f.Title),
		Description:   aws.String(f.Description),
		ProductFields: f.ProductFields,
		RecordState:   types.RecordState(f.RecordState),
	}
	plabel, porig := sev(f.FindingProviderFields.Severity)
	out.FindingProviderFields = &types.FindingProviderFields{
		Severity: &types.FindingProviderSeverity{Label: plabel, Original: porig},
		Types:    f.FindingProviderFields.Types,
	}
	for _, r := range f.Resources {
		sr := types.Resource{Type: aws.String(r.Type), Id: aws.String(r.ID), Partition: types.Partition(r.Partition), Region: aws.String(r.Region)}
		if r.Details != nil {
			sr.Details = &types.ResourceDetails{Other: r.Details.Other}
		}
		out.Resources = append(out.Resources, sr)
	}
	if f.Remediation != nil {
		rec := &types.Recommendation{Text: aws.String(f.Remediation.Recommendation.Text)}
		if f.Remediation.Recommendation.URL != "" {
			rec.Url = aws.String(f.Remediation.Recommendation.URL)
		}
		out.Remediation = &types.Remediation{Recommendation: rec}
	}
	return out
}

// securityHubOptions is --security-hub and the credentials it imports with.
type securityHubOptions struct {
	enabled bool
	aws     collectors.ConfigOptions // zero for analyze: the SDK's default chain and AWS_ENDPOINT_URL
}

func (o *securityHubOptions) bind(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&o.enabled, "security-hub", false, securityHubHelp)
}

// fromScan takes the scan's credentials and endpoint (--profile,
// --assume-role, --endpoint-url). Findings are imported into the account
// that reports them, so the demo account and multi-account scans, whose
// findings belong to accounts these credentials cannot import into, are
// refused.
func (o *securityHubOptions) fromScan(co *collectOptions) error {
	if !o.enabled {
		return nil
	}
	if co.demo {
		return usageErr("--security-hub imports into a real Security Hub; it cannot be used with --demo")
	}
	if len(co.profiles) > 0 || co.org {
		return usageErr("--security-hub imports into the scanned account with the scan's credentials: use it with a single-account scan, not --profiles or --org")
	}
	o.aws = collectors.ConfigOptions{Profile: co.profile, EndpointURL: co.endpointURL, AssumeRole: co.assumeRole, ExternalID: co.externalID}
	return nil
}

// push imports the findings when --security-hub is set.
func (o *securityHubOptions) push(ctx context.Context, e env, in report.Input) error {
	if !o.enabled {
		return nil
	}
	return pushSecurityHub(ctx, e, o.aws, in)
}
