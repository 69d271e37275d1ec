package results

// Severity is a finding's, entry point's or threat's severity.
type Severity string

// Severities, lowest first.
const (
	SevInfo     Severity = "info"
	SevLow      Severity = "low"
	SevMedium   Severity = "medium"
	SevHigh     Severity = "high"
	SevCritical Severity = "critical"
)

// Rank orders severities: info 0 … critical 4.
func (s Severity) Rank() int {
	switch s {
	case SevLow:
		return 1
	case SevMedium:
		return 2
	case SevHigh:
		return 3
	case SevCritical:
		return 4
	}
	return 0
}

// SeverityOfRank is the severity of a rank (clamped to 0…4).
func SeverityOfRank(r int) Severity {
	return []Severity{SevInfo, SevLow, SevMedium, SevHigh, SevCritical}[min(max(r, 0), 4)]
}

// ParseSeverity reads a severity name.
func ParseSeverity(s string) (Severity, bool) {
	switch Severity(s) {
	case SevInfo, SevLow, SevMedium, SevHigh, SevCritical:
		return Severity(s), true
	}
	return "", false
}

// Confidence says how sure a finding is: low when it rests on a fact the
// scan could not read.
type Confidence string

// Confidences.
const (
	ConfidenceHigh   Confidence = "high"
	ConfidenceMedium Confidence = "medium"
	ConfidenceLow    Confidence = "low"
)
