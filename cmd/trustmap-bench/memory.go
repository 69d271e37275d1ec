package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"time"
)

// phase logs the heap, and its peak so far, with -v, and writes a heap
// profile of the phase with --memprofile (FILE.scanned, FILE.resolved).
func (o *options) phase(w io.Writer, name string, h *heapSampler) {
	if o.memProfile != "" && name != "analysed" {
		if err := writeHeapProfile(o.memProfile + "." + name); err != nil {
			fmt.Fprintln(w, "trustmap-bench:", err)
		}
	}
	if o.verbose {
		h.sample()
		fmt.Fprintf(w, "trustmap-bench: %s: heap %.0f MB, peak so far %.0f MB\n", name, mb(heapBytes()), mb(h.max()))
	}
}

func mb(b uint64) float64 { return math.Round(float64(b)/(1<<20)*10) / 10 }

// heapSampler records the largest Go heap seen.
type heapSampler struct {
	once sync.Once
	done chan struct{}
	mu   sync.Mutex
	peak uint64
}

func startHeapSampler() *heapSampler {
	h := &heapSampler{done: make(chan struct{})}
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			h.sample()
			select {
			case <-h.done:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) sample() {
	v := heapBytes()
	h.mu.Lock()
	h.peak = max(h.peak, v)
	h.mu.Unlock()
}

func (h *heapSampler) stop() {
	h.once.Do(func() { close(h.done); h.sample() })
}

func (h *heapSampler) max() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.peak
}

// heapBytes is the memory of live and not-yet-swept heap objects.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.GC()
	return pprof.WriteHeapProfile(f)
}
