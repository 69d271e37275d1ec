package emulatortest

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// The seeder's calls for the services of issues 12 and 13 that moto 4.1
// implements: SNS, EventBridge, KMS, Secrets Manager, ECR, EC2, ELBv2,
// CloudFront and RDS. Like seed_test.go, each creates and reads back only
// the identifier the next call needs.

func (s *seeder) cfgFor() aws.Config { return config(s.region) }

// ---- SNS

// topic creates a topic; with policy set, it replaces SNS's default policy.
func (s *seeder) topic(name, policy string) string {
	s.t.Helper()
	c := sns.NewFromConfig(s.cfgFor())
	out, err := c.CreateTopic(s.ctx, &sns.CreateTopicInput{Name: aws.String(name)})
	s.must("topic "+name, err)
	if policy != "" {
		_, err = c.SetTopicAttributes(s.ctx, &sns.SetTopicAttributesInput{TopicArn: out.TopicArn, AttributeName: aws.String("Policy"), AttributeValue: aws.String(policy)})
		s.must("policy of topic "+name, err)
	}
	return aws.ToString(out.TopicArn)
}

// ---- EventBridge

// bus creates a custom event bus and grants events:PutEvents to an account
// with PutPermission.
func (s *seeder) bus(name, grantee string) string {
	s.t.Helper()
	c := eventbridge.NewFromConfig(s.cfgFor())
	out, err := c.CreateEventBus(s.ctx, &eventbridge.CreateEventBusInput{Name: aws.String(name)})
	s.must("event bus "+name, err)
	if grantee != "" {
		sid := "grant-" + grantee
		if grantee == "*" {
			sid = "grant-everyone"
		}
		_, err = c.PutPermission(s.ctx, &eventbridge.PutPermissionInput{EventBusName: aws.String(name), Action: aws.String("events:PutEvents"),
			Principal: aws.String(grantee), StatementId: aws.String(sid)})
		s.must("permission of event bus "+name, err)
	}
	return aws.ToString(out.EventBusArn)
}

// ---- KMS

// key creates a symmetric key with a key policy and returns its ARN.
func (s *seeder) key(desc, policy string) string {
	s.t.Helper()
	out, err := kms.NewFromConfig(s.cfgFor()).CreateKey(s.ctx, &kms.CreateKeyInput{Description: aws.String(desc), Policy: aws.String(policy)})
	s.must("KMS key "+desc, err)
	return aws.ToString(out.KeyMetadata.Arn)
}

// ---- Secrets Manager

// secret creates a secret (a placeholder value: the scan never reads it)
// and, with policy set, attaches a resource policy. It returns the ARN,
// whose random suffix Secrets Manager chooses.
// With key set, the secret is encrypted with that KMS key rather than
// aws/secretsmanager.
func (s *seeder) secret(name, key, policy string) string {
	s.t.Helper()
	c := secretsmanager.NewFromConfig(s.cfgFor())
	in := &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String("placeholder")}
	if key != "" {
		in.KmsKeyId = aws.String(key)
	}
	out, err := c.CreateSecret(s.ctx, in)
	s.must("secret "+name, err)
	if policy != "" {
		_, err = c.PutResourcePolicy(s.ctx, &secretsmanager.PutResourcePolicyInput{SecretId: out.ARN, ResourcePolicy: aws.String(policy)})
		s.must("policy of secret "+name, err)
	}
	return aws.ToString(out.ARN)
}

// ---- ECR

func (s *seeder) repository(name, policy string) string {
	s.t.Helper()
	c := ecr.NewFromConfig(s.cfgFor())
	out, err := c.CreateRepository(s.ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(name)})
	s.must("repository "+name, err)
	if policy != "" {
		_, err = c.SetRepositoryPolicy(s.ctx, &ecr.SetRepositoryPolicyInput{RepositoryName: aws.String(name), PolicyText: aws.String(policy)})
		s.must("policy of repository "+name, err)
	}
	return aws.ToString(out.Repository.RepositoryArn)
}

// ---- EC2

// network is the default VPC moto creates in a region, with two of its
// subnets (an ALB needs two Availability Zones), made what AWS's default VPC
// is (VPC User Guide, "Default VPCs": an internet gateway attached and a
// main route table sending 0.0.0.0/0 to it). moto's default VPC has neither.
type network struct {
	VPC     string
	Subnets []string
}

func (s *seeder) defaultNetwork() network {
	s.t.Helper()
	c := ec2.NewFromConfig(s.cfgFor())
	v, err := c.DescribeVpcs(s.ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	s.must("the default VPC", err)
	if len(v.Vpcs) == 0 {
		s.t.Fatalf("seeding: the emulator has no default VPC in %s", s.region)
	}
	n := network{VPC: aws.ToString(v.Vpcs[0].VpcId)}
	sn, err := c.DescribeSubnets(s.ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{n.VPC}}}})
	s.must("the default subnets", err)
	for _, x := range sn.Subnets {
		n.Subnets = append(n.Subnets, aws.ToString(x.SubnetId))
	}
	if len(n.Subnets) < 2 {
		s.t.Fatalf("seeding: the default VPC has %d subnets, want 2", len(n.Subnets))
	}
	igw, err := c.CreateInternetGateway(s.ctx, &ec2.CreateInternetGatewayInput{})
	s.must("the default VPC's internet gateway", err)
	_, err = c.AttachInternetGateway(s.ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: igw.InternetGateway.InternetGatewayId, VpcId: aws.String(n.VPC)})
	s.created("attaching the internet gateway", err)
	rt, err := c.DescribeRouteTables(s.ctx, &ec2.DescribeRouteTablesInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{n.VPC}},
		{Name: aws.String("association.main"), Values: []string{"true"}}}})
	s.must("the default VPC's main route table", err)
	if len(rt.RouteTables) == 0 {
		s.t.Fatalf("seeding: the default VPC has no main route table")
	}
	_, err = c.CreateRoute(s.ctx, &ec2.CreateRouteInput{RouteTableId: rt.RouteTables[0].RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0"),
		GatewayId: igw.InternetGateway.InternetGatewayId})
	s.created("the default route to the internet gateway", err)
	return n
}

// securityGroup creates a group in vpc admitting each TCP port from cidr.
func (s *seeder) securityGroup(name, vpc, cidr string, ports ...int32) string {
	s.t.Helper()
	c := ec2.NewFromConfig(s.cfgFor())
	out, err := c.CreateSecurityGroup(s.ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String(name), VpcId: aws.String(vpc)})
	s.must("security group "+name, err)
	var perms []ec2types.IpPermission
	for _, p := range ports {
		perms = append(perms, ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(p), ToPort: aws.Int32(p),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String(cidr)}}})
	}
	if len(perms) > 0 {
		_, err = c.AuthorizeSecurityGroupIngress(s.ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: out.GroupId, IpPermissions: perms})
		s.created("ingress of "+name, err)
	}
	return aws.ToString(out.GroupId)
}

// instanceProfile creates an instance profile holding role.
func (s *seeder) instanceProfile(name, role string) string {
	s.t.Helper()
	out, err := s.iam.CreateInstanceProfile(s.ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String(name)})
	s.created("instance profile "+name, err)
	_, err = s.iam.AddRoleToInstanceProfile(s.ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(name), RoleName: aws.String(role)})
	s.must("role of instance profile "+name, err)
	if out == nil {
		return "arn:aws:iam::" + accountID + ":instance-profile/" + name
	}
	return aws.ToString(out.InstanceProfile.Arn)
}

// instance launches one instance in subnet with a public IPv4 address (or
// none), in group, running as profile ("" for none), with IMDSv1 allowed
// as AWS's default for RunInstances without MetadataOptions is.
func (s *seeder) instance(subnet, group, profile string, public bool) string {
	s.t.Helper()
	in := &ec2.RunInstancesInput{ImageId: aws.String("ami-12c6146b"), InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		NetworkInterfaces: []ec2types.InstanceNetworkInterfaceSpecification{{DeviceIndex: aws.Int32(0), SubnetId: aws.String(subnet),
			Groups: []string{group}, AssociatePublicIpAddress: aws.Bool(public)}},
		MetadataOptions: &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateOptional, HttpEndpoint: ec2types.InstanceMetadataEndpointStateEnabled}}
	if profile != "" {
		in.IamInstanceProfile = &ec2types.IamInstanceProfileSpecification{Arn: aws.String(profile)}
	}
	out, err := ec2.NewFromConfig(s.cfgFor()).RunInstances(s.ctx, in)
	s.must("instance in "+subnet, err)
	return "arn:aws:ec2:" + s.region + ":" + accountID + ":instance/" + aws.ToString(out.Instances[0].InstanceId)
}

// ---- ELBv2

// loadBalancer creates an application load balancer with one HTTP listener
// on port forwarding to a target group of instance (an id) on the same
// port, and returns the load balancer's and the listener's ARNs.
func (s *seeder) loadBalancer(name string, scheme elbtypes.LoadBalancerSchemeEnum, vpc string, subnets []string, group string, port int32, instance string) (string, string) {
	s.t.Helper()
	c := elbv2.NewFromConfig(s.cfgFor())
	tg, err := c.CreateTargetGroup(s.ctx, &elbv2.CreateTargetGroupInput{Name: aws.String(name + "-tg"), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(port),
		VpcId: aws.String(vpc), TargetType: elbtypes.TargetTypeEnumInstance})
	s.must("target group of "+name, err)
	tgARN := tg.TargetGroups[0].TargetGroupArn
	_, err = c.RegisterTargets(s.ctx, &elbv2.RegisterTargetsInput{TargetGroupArn: tgARN, Targets: []elbtypes.TargetDescription{{Id: aws.String(instance), Port: aws.Int32(port)}}})
	s.must("targets of "+name, err)
	lb, err := c.CreateLoadBalancer(s.ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String(name), Scheme: scheme, Type: elbtypes.LoadBalancerTypeEnumApplication,
		Subnets: subnets, SecurityGroups: []string{group}})
	s.must("load balancer "+name, err)
	arn := lb.LoadBalancers[0].LoadBalancerArn
	l, err := c.CreateListener(s.ctx, &elbv2.CreateListenerInput{LoadBalancerArn: arn, Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(port),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tgARN}}})
	s.must("listener of "+name, err)
	return aws.ToString(arn), aws.ToString(l.Listeners[0].ListenerArn)
}

// ---- RDS

// database creates a PostgreSQL instance in the default VPC with group.
// StorageEncrypted is always given: without it moto answers
// <StorageEncrypted>None</StorageEncrypted>, a boolean no SDK parses.
func (s *seeder) database(name, group string, public bool) string {
	s.t.Helper()
	out, err := rds.NewFromConfig(s.cfgFor()).CreateDBInstance(s.ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String(name),
		DBInstanceClass: aws.String("db.t3.micro"), Engine: aws.String("postgres"), AllocatedStorage: aws.Int32(20),
		MasterUsername: aws.String("emu"), MasterUserPassword: aws.String("not-a-real-password-0"),
		PubliclyAccessible: aws.Bool(public), StorageEncrypted: aws.Bool(true), VpcSecurityGroupIds: []string{group}})
	s.must("database "+name, err)
	return aws.ToString(out.DBInstance.DBInstanceArn)
}

// ---- CloudFront

// originAccessControl creates an S3 origin access control that signs
// every request (CloudFront Developer Guide, "Restricting access to an
// Amazon S3 origin").
func (s *seeder) originAccessControl(name string) string {
	s.t.Helper()
	out, err := cloudfront.NewFromConfig(s.cfgFor()).CreateOriginAccessControl(s.ctx, &cloudfront.CreateOriginAccessControlInput{
		OriginAccessControlConfig: &cftypes.OriginAccessControlConfig{Name: aws.String(name), OriginAccessControlOriginType: cftypes.OriginAccessControlOriginTypesS3,
			SigningBehavior: cftypes.OriginAccessControlSigningBehaviorsAlways, SigningProtocol: cftypes.OriginAccessControlSigningProtocolsSigv4}})
	s.must("origin access control "+name, err)
	return aws.ToString(out.OriginAccessControl.Id)
}

// distribution creates an enabled distribution whose one origin is the
// bucket's REST endpoint, signed for with oac. It returns the
// distribution's id and the ARN moto gives it.
func (s *seeder) distribution(ref, bucket, oac string) (string, string) {
	s.t.Helper()
	out, err := cloudfront.NewFromConfig(s.cfgFor()).CreateDistribution(s.ctx, &cloudfront.CreateDistributionInput{DistributionConfig: &cftypes.DistributionConfig{
		CallerReference: aws.String(ref), Comment: aws.String(ref), Enabled: aws.Bool(true),
		Origins: &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{{Id: aws.String("s3"), DomainName: aws.String(bucket + ".s3.us-east-1.amazonaws.com"),
			S3OriginConfig: &cftypes.S3OriginConfig{OriginAccessIdentity: aws.String("")}, OriginAccessControlId: aws.String(oac)}}},
		// The legacy cache settings (MinTTL, ForwardedValues): moto 4.1
		// predates cache policies.
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String("s3"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyRedirectToHttps,
			//lint:ignore SA1019 moto 4.1 reads only the legacy cache settings
			MinTTL: aws.Int64(0), ForwardedValues: &cftypes.ForwardedValues{QueryString: aws.Bool(false), Cookies: &cftypes.CookiePreference{Forward: cftypes.ItemSelectionNone}}},
	}})
	s.must("distribution "+ref, err)
	return aws.ToString(out.Distribution.Id), aws.ToString(out.Distribution.ARN)
}
