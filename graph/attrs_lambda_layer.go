package graph

// LambdaLayer is one version of a Lambda layer (ListLayerVersions,
// GetLayerVersionPolicy). Versions are immutable: no one can change the
// code of a published version, so who may read it is the only question.
type LambdaLayer struct {
	Layer              string   `json:"layer"` // the layer's name
	Version            int64    `json:"version"`
	Description        string   `json:"description,omitempty"`
	CreatedDate        string   `json:"created_date,omitempty"` // Lambda's own format
	CompatibleRuntimes []string `json:"compatible_runtimes,omitempty"`
	LicenseInfo        string   `json:"license_info,omitempty"`
	Policy             Doc      `json:"policy"`
}

// FunctionImage is the container image a function of package type Image
// runs (GetFunction Code). Known is Unknown when GetFunction failed.
type FunctionImage struct {
	Known Tri    `json:"known"`
	URI   string `json:"image_uri,omitempty"`
	// ResolvedURI is the digest Lambda resolved at the last deployment:
	// what runs until the function is deployed again.
	ResolvedURI string `json:"resolved_image_uri,omitempty"`
}
