package fakeaws

import (
	"regexp"
	"time"
)

// SecretsManager is an account's Secrets Manager state (FIXTURE.md,
// "secretsmanager"). Secrets are regional.
type SecretsManager struct {
	Secrets []*Secret `yaml:"secrets"`
}

// Secret is one secret. Its value is never served: the fake answers
// GetSecretValue and BatchGetSecretValue as operations it does not
// implement, as befits a read-only scanner's test endpoint.
type Secret struct {
	Name   string `yaml:"name"`
	Region string `yaml:"region"`
	// Suffix is the six characters AWS appends to the ARN (default derived
	// from the name).
	Suffix      string `yaml:"arn_suffix"`
	Description string `yaml:"description"`
	// KMSKeyID is the key that encrypts the secret; absent: the AWS managed
	// key aws/secretsmanager, and KmsKeyId is left out of the answers (as
	// the API reference says).
	KMSKeyID string `yaml:"kms_key_id"`
	// Policy is the resource policy (GetResourcePolicy); absent: none.
	Policy            *Document            `yaml:"policy"`
	RotationLambdaARN string               `yaml:"rotation_lambda_arn"`
	RotationRules     *SecretRotationRules `yaml:"rotation_rules"`
	// RotationEnabled defaults to true when the secret has a rotation
	// Lambda or rotation rules.
	RotationEnabled *bool     `yaml:"rotation_enabled"`
	Created         time.Time `yaml:"created"`
	LastChanged     time.Time `yaml:"last_changed"`
	LastRotated     time.Time `yaml:"last_rotated"`
	NextRotation    time.Time `yaml:"next_rotation"`
	// LastAccessed is served as its date (midnight UTC), as AWS rounds it.
	LastAccessed time.Time `yaml:"last_accessed"`
	// Deleted is the DeletedDate of a secret scheduled for deletion:
	// ListSecrets leaves it out unless IncludePlannedDeletion.
	Deleted       time.Time         `yaml:"deleted"`
	Tags          map[string]string `yaml:"tags"`
	OwningService string            `yaml:"owning_service"`
	PrimaryRegion string            `yaml:"primary_region"`
	// Versions maps version ids to staging labels (default: one derived
	// version labelled AWSCURRENT).
	Versions map[string][]string `yaml:"versions"`
	// Value is the secret value. It is never served; it is here so a test
	// can prove that.
	Value string `yaml:"value"`
}

// SecretRotationRules is a secret's rotation schedule.
type SecretRotationRules struct {
	AutomaticallyAfterDays int    `yaml:"automatically_after_days"`
	ScheduleExpression     string `yaml:"schedule_expression"`
	Duration               string `yaml:"duration"`
}

var (
	// secretNameRE: 1-512 of letters, digits and /_+=.@- (CreateSecret).
	secretNameRE   = regexp.MustCompile(`^[A-Za-z0-9/_+=.@!-]{1,512}$`)
	secretSuffixRE = regexp.MustCompile(`^[A-Za-z0-9]{6}$`)
	lambdaARNRE    = regexp.MustCompile(`^arn:aws:lambda:[a-z0-9-]+:[0-9]{12}:function:[a-zA-Z0-9_-]{1,64}$`)
)

func (v *validator) secretsManager(p []any, a *Account) {
	type regional struct{ region, name string }
	seen := map[regional]bool{}
	for j, s := range a.SecretsManager.Secrets {
		sp := at(p, "secretsmanager", "secrets", j)
		if s == nil {
			v.errf(sp, "empty secret")
			continue
		}
		region := regionOf(a, s.Region)
		if !validRegion(region) {
			v.errf(at(sp, "region"), "%q is not a region name", s.Region)
		} else if !a.regionEnabled(region) {
			v.errf(at(sp, "region"), "region %s is not enabled for account %s", region, a.ID)
		}
		k := regional{region, s.Name}
		switch {
		case !secretNameRE.MatchString(s.Name):
			v.errf(at(sp, "name"), "%q is not a valid secret name (1-512 of letters, digits and /_+=.@-)", s.Name)
		case seen[k]:
			v.errf(at(sp, "name"), "secret %s appears twice in %s", s.Name, region)
		}
		seen[k] = true
		if s.Suffix != "" && !secretSuffixRE.MatchString(s.Suffix) {
			v.errf(at(sp, "arn_suffix"), "arn_suffix %q is not 6 letters and digits", s.Suffix)
		}
		if s.RotationLambdaARN != "" && !lambdaARNRE.MatchString(s.RotationLambdaARN) {
			v.errf(at(sp, "rotation_lambda_arn"), "%q is not a Lambda function ARN", s.RotationLambdaARN)
		}
		if r := s.RotationRules; r != nil {
			if r.AutomaticallyAfterDays != 0 && (r.AutomaticallyAfterDays < 1 || r.AutomaticallyAfterDays > 1000) {
				v.errf(at(sp, "rotation_rules", "automatically_after_days"), "automatically_after_days %d is not between 1 and 1000", r.AutomaticallyAfterDays)
			}
			if r.AutomaticallyAfterDays != 0 && r.ScheduleExpression != "" {
				v.errf(at(sp, "rotation_rules"), "automatically_after_days and schedule_expression are mutually exclusive")
			}
		}
		if s.PrimaryRegion != "" && !validRegion(s.PrimaryRegion) {
			v.errf(at(sp, "primary_region"), "%q is not a region name", s.PrimaryRegion)
		}
		for id, stages := range s.Versions {
			if id == "" || len(id) > 64 {
				v.errf(at(sp, "versions"), "version id %q is not 1-64 characters", id)
			}
			if len(stages) == 0 {
				v.errf(at(sp, "versions", id), "version %s needs at least one staging label", id)
			}
		}
	}
}
