package graph

import "strings"

// Which KMS key protects which data. A data store names its key as its
// service's API reports it — a key id, a key ARN, an alias name or an alias
// ARN — and Resolve links the key to it (EdgeProtects, via encryption) once
// every key and alias of the scan is known. Reading such data takes
// kms:Decrypt on the key as well as the read permission on the store
// (writing it, kms:GenerateDataKey): Graph.KeyAccess answers that for an
// attack path.

// keyRef is what a data store says about the key that encrypts it.
type keyRef struct {
	ref    string // as the API named it
	source string // the API and field
}

// encryptionKey returns the key reference of a node, or ok=false when the
// node names none (not encrypted with KMS, or encrypted with a key the
// service owns, such as SSE-SQS).
//
// A secret without KmsKeyId is encrypted with the AWS managed key
// aws/secretsmanager (Secrets Manager User Guide, "Secret encryption and
// decryption in AWS Secrets Manager").
func (n *Node) encryptionKey() (keyRef, bool) {
	switch {
	case n.Queue() != nil && n.Queue().KMSKeyID != "":
		return keyRef{n.Queue().KMSKeyID, "sqs:GetQueueAttributes KmsMasterKeyId"}, true
	case n.Topic() != nil && n.Topic().KMSKeyID != "":
		return keyRef{n.Topic().KMSKeyID, "sns:GetTopicAttributes KmsMasterKeyId"}, true
	case n.Secret() != nil && n.Secret().KMSKeyID != "":
		return keyRef{n.Secret().KMSKeyID, "secretsmanager:ListSecrets KmsKeyId"}, true
	case n.Secret() != nil:
		return keyRef{"alias/aws/secretsmanager", "secretsmanager:ListSecrets (no KmsKeyId: the AWS managed key)"}, true
	}
	return keyRef{}, false
}

// keyIndex finds keys by ARN, and by alias name per account and region.
type keyIndex struct {
	aliases map[string]string // account|region|alias/NAME -> key ARN
}

func (r *resolver) keyIndex() *keyIndex {
	idx := &keyIndex{aliases: map[string]string{}}
	for _, k := range r.byKind[KindKMSKey] {
		if k.Key() == nil {
			continue
		}
		for _, a := range k.Key().Aliases {
			idx.aliases[k.Account+"|"+k.Region+"|"+a] = k.ID
		}
	}
	return idx
}

// resolve turns a key reference made by a store of account acct in region
// into a key ARN ("" when an alias cannot be resolved).
func (idx *keyIndex) resolve(ref, acct, region string) string {
	switch {
	case strings.HasPrefix(ref, "arn:"):
		parts := strings.SplitN(ref, ":", 6)
		if len(parts) < 6 {
			return ""
		}
		if strings.HasPrefix(parts[5], "key/") {
			return ref
		}
		if strings.HasPrefix(parts[5], "alias/") {
			return idx.aliases[parts[4]+"|"+parts[3]+"|"+parts[5]]
		}
		return ""
	case strings.HasPrefix(ref, "alias/"):
		return idx.aliases[acct+"|"+region+"|"+ref]
	case ref != "":
		return "arn:" + partitionOf(region) + ":kms:" + region + ":" + acct + ":key/" + ref
	}
	return ""
}

// protects links every key to the data it encrypts. An alias the scan
// cannot resolve (an AWS managed key never used, a key of a region out of
// scope) gives no edge.
func (r *resolver) protects() {
	var idx *keyIndex
	for i := range r.g.Snapshot.Nodes {
		n := &r.g.Snapshot.Nodes[i]
		ref, ok := n.encryptionKey()
		if !ok {
			continue
		}
		if idx == nil {
			idx = r.keyIndex()
		}
		key := idx.resolve(ref.ref, n.Account, n.Region)
		if key == "" {
			continue
		}
		r.edge(Edge{
			From: key, To: n.ID, Kind: EdgeProtects, Via: ViaEncryption, Certainty: True,
			Evidence: []Evidence{{Source: ref.source, Detail: "encrypted with " + ref.ref}},
		})
	}
}

// partitionOf is the ARN partition of a region.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}
