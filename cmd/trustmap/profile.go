package main

import (
	"errors"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// profileOptions are analyze's hidden --cpuprofile and --memprofile: Go
// profiles of reading the snapshot, resolving, analysing and writing the
// report, for measuring a large account (go tool pprof FILE). The
// benchmark's own flags of the same names cover a scan as well.
type profileOptions struct {
	cpu, mem string
}

func (o *profileOptions) bind(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.cpu, "cpuprofile", "", "write a CPU profile of the analysis to this file")
	f.StringVar(&o.mem, "memprofile", "", "write a heap profile (allocations of the whole run) to this file at the end")
	_ = f.MarkHidden("cpuprofile")
	_ = f.MarkHidden("memprofile")
}

// start begins the CPU profile; stop ends it and writes the heap profile.
// A profile that cannot be written is an error of the run, not a silent
// gap in a measurement.
func (o *profileOptions) start() (stop func() error, err error) {
	var cpu *os.File
	if o.cpu != "" {
		if cpu, err = os.Create(o.cpu); err != nil {
			return nil, usageErr("--cpuprofile: %v", err)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, usageErr("--cpuprofile: %v", err)
		}
	}
	return func() error {
		var errs []error
		if cpu != nil {
			pprof.StopCPUProfile()
			errs = append(errs, cpu.Close())
		}
		if o.mem != "" {
			f, err := os.Create(o.mem)
			if err != nil {
				return errors.Join(append(errs, err)...)
			}
			runtime.GC() // the in-use figures as of the end of the run
			errs = append(errs, pprof.WriteHeapProfile(f), f.Close())
		}
		return errors.Join(errs...)
	}, nil
}
