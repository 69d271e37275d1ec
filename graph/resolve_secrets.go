package graph

// secret derives access edges from a secret's resource policy. Secrets
// Manager takes only signed requests, so "anyone" is any AWS account's
// principals. Reading the value also takes kms:Decrypt on the key that
// encrypts the secret (the protects edge to it); attack paths say whether
// the reader has that too (Graph.KeyAccess).
func (r *resolver) secret(n *Node) {
	s := n.Secret()
	if s == nil {
		return
	}
	res, ok := r.judgePolicy(n, s.Policy, "secretsmanager", ViaSecretPolicy)
	if ok && s.Policy.State == True {
		r.grantEdges(n, res, ViaSecretPolicy, s.Policy.Source, false, True, nil)
	}
}
