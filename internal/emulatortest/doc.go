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
// The seeded account (account_test.go) follows AWS's documentation case by
// case, each with its source. Where moto answers differently from AWS
// (its README lists the cases), the test names the difference and checks
// that trustmap judges by AWS's rules: an answer AWS never gives is a
// coverage gap or an unparseable policy, never a guessed verdict.
//
// A larger account for timing (about 2,000 resources) is seeded with
//
//	TRUSTMAP_EMULATOR_URL=... go test ./internal/emulatortest/ -run TestSeedLargeAccount -large 2000
//
// which leaves the emulator seeded for `trustmap scan --endpoint-url`.
package emulatortest
