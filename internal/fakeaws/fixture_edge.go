package fakeaws

// edgeAndData checks the sections of the edge and data services:
// CloudFront, WAFv2, RDS, EKS and OpenSearch (one file each).
func (v *validator) edgeAndData(p []any, a *Account) {
	v.cloudfront(p, a)
	v.wafv2(p, a)
	v.rds(p, a)
	v.eks(p, a)
	v.opensearch(p, a)
}
