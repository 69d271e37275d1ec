package fakeaws

import "strings"

// Key policies KMS writes itself, and the key specs KMS knows, each from
// the page of the AWS KMS Developer Guide named beside it. KMS stores the
// policies it writes pretty-printed, with " : " between names and values
// and "[ {" opening statement lists; GetKeyPolicy returns them so.

// defaultKeyPolicy is the key policy KMS gives a key created through the
// API without one: the account principal (and so IAM policies) may do
// everything. Developer Guide, "Default key policy"; the stored text as the
// CloudTrail example of PutKeyPolicy ("ct-put-key-policy") shows it.
func defaultKeyPolicy(account string) string {
	return "{\n" +
		"  \"Version\" : \"2012-10-17\",\n" +
		"  \"Id\" : \"key-default-1\",\n" +
		"  \"Statement\" : [ {\n" +
		"    \"Sid\" : \"Enable IAM User Permissions\",\n" +
		"    \"Effect\" : \"Allow\",\n" +
		"    \"Principal\" : {\n" +
		"      \"AWS\" : \"arn:aws:iam::" + account + ":root\"\n" +
		"    },\n" +
		"    \"Action\" : \"kms:*\",\n" +
		"    \"Resource\" : \"*\"\n" +
		"  } ]\n" +
		"}"
}

// awsManagedKeyPolicy is the shape of the policies AWS writes for its AWS
// managed keys: everyone in the account may use the key through the
// service (kms:ViaService and kms:CallerAccount), and the account may read
// the key's metadata directly.
type awsManagedKeyPolicy struct {
	id, service, viaHost string
	useActions           []string
	metaActions          []string
}

// awsManagedKeyPolicies are the AWS managed key policies AWS documents, by
// the service of the alias alias/aws/SERVICE. Other AWS managed keys need
// their policy in the fixture.
var awsManagedKeyPolicies = map[string]*awsManagedKeyPolicy{
	// Secrets Manager User Guide, "Encryption and decryption in Secrets
	// Manager" (auto-secretsmanager-1).
	"secretsmanager": {id: "auto-secretsmanager-1", service: "AWS Secrets Manager", viaHost: "secretsmanager",
		useActions:  []string{"kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"},
		metaActions: []string{"kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"}},
	// KMS Developer Guide, "How Amazon WorkMail uses AWS KMS"
	// (auto-workmail-1).
	"workmail": {id: "auto-workmail-1", service: "WorkMail", viaHost: "workmail",
		useActions:  []string{"kms:Decrypt", "kms:CreateGrant", "kms:ReEncrypt*", "kms:DescribeKey", "kms:Encrypt"},
		metaActions: []string{"kms:Describe*", "kms:List*", "kms:Get*", "kms:RevokeGrant"}},
}

func (p *awsManagedKeyPolicy) text(region, account string) string {
	list := func(xs []string) string { return `[ "` + strings.Join(xs, `", "`) + `" ]` }
	return "{\n" +
		"  \"Version\" : \"2012-10-17\",\n" +
		"  \"Id\" : \"" + p.id + "\",\n" +
		"  \"Statement\" : [ {\n" +
		"    \"Sid\" : \"Allow access through " + p.service + " for all principals in the account that are authorized to use " + p.service + "\",\n" +
		"    \"Effect\" : \"Allow\",\n" +
		"    \"Principal\" : {\n" +
		"      \"AWS\" : \"*\"\n" +
		"    },\n" +
		"    \"Action\" : " + list(p.useActions) + ",\n" +
		"    \"Resource\" : \"*\",\n" +
		"    \"Condition\" : {\n" +
		"      \"StringEquals\" : {\n" +
		"        \"kms:ViaService\" : \"" + p.viaHost + "." + region + ".amazonaws.com\",\n" +
		"        \"kms:CallerAccount\" : \"" + account + "\"\n" +
		"      }\n" +
		"    }\n" +
		"  }, {\n" +
		"    \"Sid\" : \"Allow direct access to key metadata to the account\",\n" +
		"    \"Effect\" : \"Allow\",\n" +
		"    \"Principal\" : {\n" +
		"      \"AWS\" : \"arn:aws:iam::" + account + ":root\"\n" +
		"    },\n" +
		"    \"Action\" : " + list(p.metaActions) + ",\n" +
		"    \"Resource\" : \"*\"\n" +
		"  } ]\n" +
		"}"
}

// kmsSpecUsages are the key usages each key spec allows (Developer Guide,
// "Key spec reference"; API Reference, CreateKey KeyUsage). The first is
// the default.
var kmsSpecUsages = map[string][]string{
	"SYMMETRIC_DEFAULT": {"ENCRYPT_DECRYPT"},
	"RSA_2048":          {"ENCRYPT_DECRYPT", "SIGN_VERIFY"},
	"RSA_3072":          {"ENCRYPT_DECRYPT", "SIGN_VERIFY"},
	"RSA_4096":          {"ENCRYPT_DECRYPT", "SIGN_VERIFY"},
	"ECC_NIST_P256":     {"SIGN_VERIFY", "KEY_AGREEMENT"},
	"ECC_NIST_P384":     {"SIGN_VERIFY", "KEY_AGREEMENT"},
	"ECC_NIST_P521":     {"SIGN_VERIFY", "KEY_AGREEMENT"},
	"ECC_SECG_P256K1":   {"SIGN_VERIFY"},
	"HMAC_224":          {"GENERATE_VERIFY_MAC"},
	"HMAC_256":          {"GENERATE_VERIFY_MAC"},
	"HMAC_384":          {"GENERATE_VERIFY_MAC"},
	"HMAC_512":          {"GENERATE_VERIFY_MAC"},
	"ML_DSA_44":         {"SIGN_VERIFY"},
	"ML_DSA_65":         {"SIGN_VERIFY"},
	"ML_DSA_87":         {"SIGN_VERIFY"},
}

// kmsAlgorithms are the algorithms DescribeKey reports for a spec and
// usage: the KeyMetadata member and its values (API Reference,
// KeyMetadata).
func kmsAlgorithms(spec, usage string) (member string, algs []string) {
	switch {
	case spec == "SYMMETRIC_DEFAULT":
		return "EncryptionAlgorithms", []string{"SYMMETRIC_DEFAULT"}
	case strings.HasPrefix(spec, "RSA_") && usage == "ENCRYPT_DECRYPT":
		return "EncryptionAlgorithms", []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}
	case strings.HasPrefix(spec, "RSA_"):
		return "SigningAlgorithms", []string{"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
			"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"}
	case usage == "KEY_AGREEMENT":
		return "KeyAgreementAlgorithms", []string{"ECDH"}
	case spec == "ECC_NIST_P384":
		return "SigningAlgorithms", []string{"ECDSA_SHA_384"}
	case spec == "ECC_NIST_P521":
		return "SigningAlgorithms", []string{"ECDSA_SHA_512"}
	case strings.HasPrefix(spec, "ECC_"):
		return "SigningAlgorithms", []string{"ECDSA_SHA_256"}
	case strings.HasPrefix(spec, "HMAC_"):
		return "MacAlgorithms", []string{"HMAC_SHA_" + strings.TrimPrefix(spec, "HMAC_")}
	case strings.HasPrefix(spec, "ML_DSA_"):
		return "SigningAlgorithms", []string{"ML_DSA_SHAKE_256"}
	}
	return "", nil
}
