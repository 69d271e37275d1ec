// Package emulatortest scans an account seeded in an AWS emulator written by
// other people — moto 4.1.14, ../shared/emulators/moto — with the real
// trustmap binary, and checks the report against what AWS's documentation
// says each seeded case is. The fake in internal/fakeaws and the collectors
// are written by the same team; an emulator built by others catches the
// mistakes both could share.
//
// The tests live in _test.go files only (they use the AWS SDK to seed, and
// no package outside collectors/ and cmd/ may import it). They run when an
// emulator answers at $TRUSTMAP_EMULATOR_URL (default
// http://127.0.0.1:5000) and are skipped otherwise — except with CI=true,
// where an unreachable emulator fails them. .ci/run starts moto with
// ../shared/emulators/moto/start.sh and stops it at the end:
//
//	../shared/emulators/moto/start.sh 5060     # prints moto's pid
//	TRUSTMAP_EMULATOR_URL=http://127.0.0.1:5060 go test ./internal/emulatortest/
//	kill PID
//
// The seeded account (account_test.go, and account_services_test.go for
// the services of issues 12 and 13) follows AWS's documentation case by
// case, each with its source. Where moto answers differently from AWS
// (its README lists the cases), the test names the difference and checks
// that trustmap judges by AWS's rules: an answer AWS never gives is a
// coverage gap or an unparseable policy, never a guessed verdict.
//
// Beyond the differences its README lists, these tests found (moto 4.1.14;
// the seed or trustmap follows AWS, as said):
//
//	| area | moto | AWS | here |
//	| --- | --- | --- | --- |
//	| EC2 default VPC | no internet gateway, no 0.0.0.0/0 route | both (VPC User Guide, "Default VPCs") | the seed adds them |
//	| IAM GetAccountAuthorizationDetails | every instance profile listed under every role | only the profiles that hold the role | trustmap keeps a profile only if its Roles name the role |
//	| ELBv2 HTTP listeners | carry SslPolicy ELBSecurityPolicy-2016-08 | no SslPolicy (HTTPS/TLS only) | trustmap notes weak TLS only on HTTPS/TLS listeners |
//	| RDS CreateDBInstance without StorageEncrypted | <StorageEncrypted>None</StorageEncrypted>, which no SDK parses | true or false | the seed always sets it |
//	| EC2 DescribeInstances IamInstanceProfile Id | an association id (iip-assoc-…) | the profile's id (AIPA…) | trustmap reads the ARN |
//	| Lambda function URL on an alias (Qualifier) | ignored: the URL is the function's | the alias's own URL | checked as moto's form |
//	| OpenSearch ListDomainNames, S3 Control ListAccessPoints and ListMultiRegionAccessPoints, CloudFront ListCloudFrontOriginAccessIdentities | 404 without an AWS error document | implemented | a coverage gap each |
//
// A larger account for timing (about 2,000 resources) is seeded with
//
//	TRUSTMAP_EMULATOR_URL=... go test ./internal/emulatortest/ -run TestSeedLargeAccount -large 2000
//
// which leaves the emulator seeded for `trustmap scan --endpoint-url`.
package emulatortest
