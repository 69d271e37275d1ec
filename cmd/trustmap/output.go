package main

import (
	"bufio"
	"fmt"
	"io"
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
	return writeFileAtomicWith(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeFileAtomicWith is writeFileAtomic with the content written by
// write, streamed to the temporary file: a large report is never whole in
// memory. An error of write leaves the previous file as it was. The
// returned error is a *fileWriteError when writing to the file failed, and
// write's own error otherwise.
func writeFileAtomicWith(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return &fileWriteError{err}
	}
	name := tmp.Name()
	defer os.Remove(name)
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return &fileWriteError{err}
	}
	fw := &recordingWriter{w: tmp}
	bw := bufio.NewWriterSize(fw, 256<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		tmp.Close()
		if fw.err != nil {
			return &fileWriteError{fw.err}
		}
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return &fileWriteError{err}
	}
	if err := tmp.Close(); err != nil {
		return &fileWriteError{err}
	}
	if err := os.Rename(name, path); err != nil {
		return &fileWriteError{fmt.Errorf("rename: %w", err)}
	}
	return nil
}

// fileWriteError is a failure to write or rename the file itself, as
// against the content's own error.
type fileWriteError struct{ err error }

func (e *fileWriteError) Error() string { return e.err.Error() }
func (e *fileWriteError) Unwrap() error { return e.err }

// recordingWriter remembers the first error of the writer it wraps.
type recordingWriter struct {
	w   io.Writer
	err error
}

func (r *recordingWriter) Write(p []byte) (int, error) {
	n, err := r.w.Write(p)
	if err != nil && r.err == nil {
		r.err = err
	}
	return n, err
}
