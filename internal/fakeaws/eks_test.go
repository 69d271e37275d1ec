package fakeaws

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	"github.com/google/go-cmp/cmp"
)

const eksFixture = `
accounts:
  - id: "123456789012"
    access_keys: [AKIADEMO0000000001]
    regions: [us-east-1, eu-west-1]
    eks:
      clusters:
        - name: open
          role_arn: arn:aws:iam::123456789012:role/eks-cluster
          vpc_id: vpc-0abc
          subnet_ids: [subnet-1, subnet-2]
          created: 2024-05-01T00:00:00Z
          access_entries:
            - principal_arn: arn:aws:iam::123456789012:role/admins
              kubernetes_groups: [ops]
              access_policies:
                - {policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"}
                - {policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", scope: namespace, namespaces: [default]}
            - {principal_arn: "arn:aws:iam::111122223333:role/vendor"}
            - {principal_arn: "arn:aws:iam::123456789012:user/ci", username: ci-bot}
        - name: restricted
          version: "1.30"
          endpoint_private_access: true
          public_access_cidrs: [203.0.113.0/24]
          authentication_mode: API
          logging_types: [api, audit]
          secrets_kms_key_arn: arn:aws:kms:us-east-1:123456789012:key/k1
        - {name: private-only, endpoint_public_access: false, endpoint_private_access: true, authentication_mode: CONFIG_MAP}
        - {name: ireland, region: eu-west-1}
faults:
  - {service: eks, api: DescribeCluster, resource: private-only, error: AccessDenied}
`

func (s *Server) eksClient(t *testing.T, cc clientConfig) *eks.Client {
	return eks.NewFromConfig(s.config(t, cc), func(o *eks.Options) { o.BaseEndpoint = aws.String(s.URL()) })
}

func TestEKSListClusters(t *testing.T) {
	srv := startYAML(t, eksFixture, Options{})
	p := eks.NewListClustersPaginator(srv.eksClient(t, clientConfig{}), &eks.ListClustersInput{MaxResults: aws.Int32(2)})
	var names []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		names = append(names, out.Clusters...)
	}
	if diff := cmp.Diff([]string{"open", "private-only", "restricted"}, names); diff != "" || pages != 2 {
		t.Errorf("%d pages; clusters (-want +got):\n%s", pages, diff)
	}
	_, err := srv.eksClient(t, clientConfig{attempts: 1}).ListClusters(context.Background(), &eks.ListClustersInput{NextToken: aws.String("bogus")})
	var ip *ekstypes.InvalidParameterException
	if !errors.As(err, &ip) || decodeError(t, err).Status != 400 {
		t.Errorf("foreign token: %v, want InvalidParameterException 400", err)
	}
}

func TestEKSDescribeCluster(t *testing.T) {
	srv := startYAML(t, eksFixture, Options{})
	ctx := context.Background()
	c := srv.eksClient(t, clientConfig{attempts: 1})
	get := func(t *testing.T, name string) *ekstypes.Cluster {
		t.Helper()
		out, err := c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Cluster
	}

	t.Run("a cluster left to the defaults has a public endpoint open to 0.0.0.0/0", func(t *testing.T) {
		cl := get(t, "open")
		v := cl.ResourcesVpcConfig
		type got struct {
			ARN, Role, VPC, Status, Mode string
			Public, Private, Bootstrap   bool
			CIDRs, Subnets               []string
			Created                      time.Time
		}
		g := got{aws.ToString(cl.Arn), aws.ToString(cl.RoleArn), aws.ToString(v.VpcId), string(cl.Status), string(cl.AccessConfig.AuthenticationMode),
			v.EndpointPublicAccess, v.EndpointPrivateAccess, aws.ToBool(cl.AccessConfig.BootstrapClusterCreatorAdminPermissions),
			v.PublicAccessCidrs, v.SubnetIds, aws.ToTime(cl.CreatedAt)}
		want := got{"arn:aws:eks:us-east-1:123456789012:cluster/open", "arn:aws:iam::123456789012:role/eks-cluster", "vpc-0abc", "ACTIVE", "API_AND_CONFIG_MAP",
			true, false, true, []string{"0.0.0.0/0"}, []string{"subnet-1", "subnet-2"}, time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}
		if diff := cmp.Diff(want, g); diff != "" {
			t.Errorf("cluster (-want +got):\n%s", diff)
		}
		if e := aws.ToString(cl.Endpoint); !strings.HasPrefix(e, "https://") || !strings.HasSuffix(e, ".us-east-1.eks.amazonaws.com") {
			t.Errorf("endpoint %s", e)
		}
		if i := aws.ToString(cl.Identity.Oidc.Issuer); !strings.HasPrefix(i, "https://oidc.eks.us-east-1.amazonaws.com/id/") {
			t.Errorf("issuer %s", i)
		}
		if !strings.HasPrefix(aws.ToString(v.ClusterSecurityGroupId), "sg-") || aws.ToString(cl.CertificateAuthority.Data) == "" {
			t.Errorf("cluster security group %q, CA %q", aws.ToString(v.ClusterSecurityGroupId), aws.ToString(cl.CertificateAuthority.Data))
		}
	})

	t.Run("a restricted cluster carries its CIDR, private access, logging and secrets key", func(t *testing.T) {
		cl := get(t, "restricted")
		v := cl.ResourcesVpcConfig
		if !v.EndpointPublicAccess || !v.EndpointPrivateAccess || len(v.PublicAccessCidrs) != 1 || v.PublicAccessCidrs[0] != "203.0.113.0/24" ||
			cl.AccessConfig.AuthenticationMode != "API" || aws.ToString(cl.Version) != "1.30" {
			t.Errorf("cluster %+v %+v", cl, v)
		}
		l := cl.Logging.ClusterLogging
		if len(l) != 2 || !aws.ToBool(l[0].Enabled) || len(l[0].Types) != 2 || aws.ToBool(l[1].Enabled) || len(l[1].Types) != 3 {
			t.Errorf("logging %+v", l)
		}
		if aws.ToString(cl.EncryptionConfig[0].Provider.KeyArn) != "arn:aws:kms:us-east-1:123456789012:key/k1" {
			t.Errorf("encryption %+v", cl.EncryptionConfig)
		}
	})

	t.Run("an unknown cluster, or one of another region, is ResourceNotFoundException 404 naming the cluster", func(t *testing.T) {
		_, err := c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("ireland")})
		var nf *ekstypes.ResourceNotFoundException
		if !errors.As(err, &nf) || aws.ToString(nf.ClusterName) != "ireland" || nf.ErrorMessage() != "No cluster found for name: ireland." {
			t.Fatalf("got %v, want ResourceNotFoundException for ireland", err)
		}
		if diff := cmp.Diff(apiError{"ResourceNotFoundException", 404}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})

	t.Run("a denied DescribeCluster is AccessDeniedException 403", func(t *testing.T) {
		_, err := c.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String("private-only")})
		if diff := cmp.Diff(apiError{"AccessDeniedException", 403}, decodeError(t, err)); diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
}

func TestEKSAccessEntries(t *testing.T) {
	srv := startYAML(t, eksFixture, Options{})
	ctx := context.Background()
	c := srv.eksClient(t, clientConfig{attempts: 1})

	t.Run("ListAccessEntries pages the principals, and filters by associated policy", func(t *testing.T) {
		p := eks.NewListAccessEntriesPaginator(c, &eks.ListAccessEntriesInput{ClusterName: aws.String("open"), MaxResults: aws.Int32(2)})
		var all []string
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, out.AccessEntries...)
		}
		want := []string{"arn:aws:iam::111122223333:role/vendor", "arn:aws:iam::123456789012:role/admins", "arn:aws:iam::123456789012:user/ci"}
		if diff := cmp.Diff(want, all); diff != "" {
			t.Errorf("entries (-want +got):\n%s", diff)
		}
		admin, err := c.ListAccessEntries(ctx, &eks.ListAccessEntriesInput{ClusterName: aws.String("open"),
			AssociatedPolicyArn: aws.String("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy")})
		if err != nil || len(admin.AccessEntries) != 1 || admin.AccessEntries[0] != "arn:aws:iam::123456789012:role/admins" {
			t.Errorf("admins: %v, %v", admin, err)
		}
	})

	t.Run("DescribeAccessEntry derives the username and entry ARN as EKS does", func(t *testing.T) {
		out, err := c.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String("open"), PrincipalArn: aws.String("arn:aws:iam::123456789012:role/admins")})
		if err != nil {
			t.Fatal(err)
		}
		e := out.AccessEntry
		if aws.ToString(e.Username) != "arn:aws:sts::123456789012:assumed-role/admins/{{SessionName}}" || e.KubernetesGroups[0] != "ops" || aws.ToString(e.Type) != "STANDARD" ||
			!strings.HasPrefix(aws.ToString(e.AccessEntryArn), "arn:aws:eks:us-east-1:123456789012:access-entry/open/role/123456789012/admins/") {
			t.Errorf("entry %+v", e)
		}
		user, err := c.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String("open"), PrincipalArn: aws.String("arn:aws:iam::123456789012:user/ci")})
		if err != nil || aws.ToString(user.AccessEntry.Username) != "ci-bot" {
			t.Errorf("user entry: %v, %v", user, err)
		}
	})

	t.Run("ListAssociatedAccessPolicies answers the policies with their scopes", func(t *testing.T) {
		out, err := c.ListAssociatedAccessPolicies(ctx, &eks.ListAssociatedAccessPoliciesInput{ClusterName: aws.String("open"), PrincipalArn: aws.String("arn:aws:iam::123456789012:role/admins")})
		if err != nil {
			t.Fatal(err)
		}
		p := out.AssociatedAccessPolicies
		if len(p) != 2 || p[0].AccessScope.Type != "cluster" || p[1].AccessScope.Type != "namespace" || p[1].AccessScope.Namespaces[0] != "default" {
			t.Errorf("policies %+v", p)
		}
	})

	t.Run("an unknown principal is ResourceNotFoundException; a CONFIG_MAP cluster refuses the access entry API", func(t *testing.T) {
		_, err := c.DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{ClusterName: aws.String("open"), PrincipalArn: aws.String("arn:aws:iam::123456789012:role/nobody")})
		var nf *ekstypes.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Errorf("unknown principal: %v", err)
		}
		_, err = c.ListAccessEntries(ctx, &eks.ListAccessEntriesInput{ClusterName: aws.String("private-only")})
		var ir *ekstypes.InvalidRequestException
		if !errors.As(err, &ir) || decodeError(t, err).Status != 400 {
			t.Errorf("CONFIG_MAP cluster: %v, want InvalidRequestException 400", err)
		}
	})
}

func TestEKSThrottlingAndUnknownOperation(t *testing.T) {
	srv := startYAML(t, eksFixture+"throttle: {apis: {\"eks:ListClusters\": {rate: 0.001, burst: 1}}}\n", Options{})
	c := srv.eksClient(t, clientConfig{attempts: 1})
	if _, err := c.ListClusters(context.Background(), &eks.ListClustersInput{}); err != nil {
		t.Fatal(err)
	}
	_, err := c.ListClusters(context.Background(), &eks.ListClustersInput{})
	var th *ekstypes.ThrottlingException
	if !errors.As(err, &th) {
		t.Errorf("got %v, want the typed ThrottlingException", err)
	}
	if diff := cmp.Diff(apiError{"ThrottlingException", 429}, decodeError(t, err)); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	_, err = c.ListNodegroups(context.Background(), &eks.ListNodegroupsInput{ClusterName: aws.String("open")})
	if diff := cmp.Diff(apiError{"UnknownOperationException", 404}, decodeError(t, err)); diff != "" {
		t.Errorf("unknown operation (-want +got):\n%s", diff)
	}
}
