// Package threats defines the threats analyzer: STRIDE threats for every
// entry point, each broken into sub-threats (one per STRIDE category that
// applies) and the failure conditions that hold in this account, with
// likelihood and impact on a 1–5 scale, risk = likelihood × impact,
// severity by risk band, concrete mitigations and ATT&CK / CAPEC
// references. The scoring method is docs/scoring.md; every score can be
// reproduced by hand from the reasons the threat carries.
package threats
