package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// prepareOutputDir creates the output directory (owner-only) and checks
// that it is writable, so a bad --output-dir fails before the scan.
func prepareOutputDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return failErr("output directory %s: %v", dir, err)
	}
	probe, err := os.CreateTemp(dir, ".trustmap-probe-*")
	if err != nil {
		return failErr("output directory %s is not writable: %v", dir, err)
	}
	name := probe.Name()
	probe.Close()
	os.Remove(name)
	return nil
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory and a rename, with owner-only permissions: a reader never sees
// a half-written report, and reports (which describe how to attack an
// account) are not world-readable.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name)
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("rename: %w", err)
	}
	return nil
}
