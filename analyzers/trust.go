package analyzers

// Trust is what the user already knows and accepts: the trust config
// (trustmap.yaml) and an existing model. Analyzers use it to say which
// trust-boundary crossings are recognized.
type Trust struct {
	// KnownAccounts maps an account id to a name ("vendor: Datadog").
	KnownAccounts map[string]string
	// OrgIDs are organizations whose members are trusted.
	OrgIDs []string
	// ExpectedPublic maps a resource ARN (or a glob) to the reason it is public.
	ExpectedPublic map[string]string
	// Baseline holds the ids of entry points an existing model already has.
	Baseline map[string]bool
	// BaselineName names the baseline, for "recognized_by".
	BaselineName string
}
