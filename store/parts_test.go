package store

import (
	"context"
	"errors"
	"slices"
	"testing"
)

func TestPartsAreWrittenWholeReplacedAndListedUnderTheirPrefixOnly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s Store, _ string) {
		ctx := context.Background()
		put := func(p, body string) {
			t.Helper()
			if err := s.PutPart(ctx, p, []byte(body)); err != nil {
				t.Fatalf("PutPart %s: %v", p, err)
			}
		}
		put("org-1/0/manifest.json", "m0")
		put("org-1/0/accounts/111111111111.json", "a1")
		put("org-1/1/manifest.json", "m1")
		put("org-10/0/manifest.json", "other scan")
		put("org_1/0/manifest.json", "a LIKE wildcard would match this")
		put("org-1/0/manifest.json", "m0 again") // a rerun shard

		got, err := s.Part(ctx, "org-1/0/manifest.json")
		if err != nil || string(got) != "m0 again" {
			t.Errorf("rewritten part: %q, %v; want the second write", got, err)
		}
		if _, err := s.Part(ctx, "org-1/2/manifest.json"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing part: %v; want ErrNotFound", err)
		}
		names, err := s.Parts(ctx, "org-1")
		want := []string{"org-1/0/accounts/111111111111.json", "org-1/0/manifest.json", "org-1/1/manifest.json"}
		if err != nil || !slices.Equal(names, want) {
			t.Errorf("Parts(org-1) = %q, %v; want %q", names, err, want)
		}
		if names, err := s.Parts(ctx, "org-1/0/accounts"); err != nil || !slices.Equal(names, want[:1]) {
			t.Errorf("Parts(org-1/0/accounts) = %q, %v", names, err)
		}
		if names, err := s.Parts(ctx, ""); err != nil || len(names) != 5 || !slices.IsSorted(names) {
			t.Errorf("Parts(\"\") = %q, %v; want the 5 parts, sorted", names, err)
		}
		if names, err := s.Parts(ctx, "org"); err != nil || len(names) != 0 {
			t.Errorf("Parts(org) = %q, %v; want none", names, err)
		}
		for _, bad := range []string{"/org", "org/", "org//0", "org/../x", "org/./x"} {
			if err := s.PutPart(ctx, bad+"/manifest.json", nil); err == nil {
				t.Errorf("PutPart under %q accepted", bad)
			}
		}
	})
}
