package main

import (
	"encoding/json"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trustmap/trustmap/policy"
)

var policyTypes = []string{"s3", "sqs", "sns", "lambda", "apigateway", "kms", "secretsmanager", "events", "ecr", "iam-role-trust"}

var accountRE = regexp.MustCompile(`^[0-9]{12}$`)

func newPolicyCmd(e env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Work with IAM policy documents",
	}
	var typ, account, orgID, output string
	explain := &cobra.Command{
		Use:   "explain FILE|-",
		Short: "Say who outside the owner account a resource policy lets in, and how to fix it",
		Example: "  trustmap policy explain --type s3 --account 111122223333 bucket-policy.json\n" +
			"  aws sqs get-queue-attributes ... | jq -r .Attributes.Policy | trustmap policy explain --type sqs --account 111122223333 --output json -",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(policyTypes, typ) {
				return usageErr("--type must be one of %s", strings.Join(policyTypes, ", "))
			}
			if !accountRE.MatchString(account) {
				return usageErr("--account must be a 12-digit AWS account id")
			}
			if orgID != "" && !strings.HasPrefix(orgID, "o-") {
				return usageErr("--org-id must look like o-xxxxxxxxxx")
			}
			if output != "text" && output != "json" {
				return usageErr("--output must be text or json")
			}
			name := args[0]
			var data []byte
			var err error
			if name == "-" {
				name = "stdin"
				data, err = io.ReadAll(io.LimitReader(cmd.InOrStdin(), 10<<20))
			} else {
				data, err = os.ReadFile(name)
			}
			if err != nil {
				return usageErr("%v", err)
			}
			p, err := policy.Parse(data)
			if err != nil {
				return usageErr("%s: %v", name, err)
			}
			ctx := policy.Context{ResourceType: typ, OwnerAccount: account, OrgID: orgID}
			res := policy.Analyze(p, ctx)
			if output == "json" {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			return policy.Explain(e.stdout, p, ctx, res)
		},
	}
	f := explain.Flags()
	f.StringVar(&typ, "type", "", "resource type: "+strings.Join(policyTypes, ", "))
	f.StringVar(&account, "account", "", "the owner account id")
	f.StringVar(&orgID, "org-id", "", "the owner's organization id, if any")
	f.StringVarP(&output, "output", "o", "text", "text or json")
	cmd.AddCommand(explain)
	return cmd
}
