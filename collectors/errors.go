package collectors

import (
	"errors"
	"fmt"
	"sync"

	"github.com/trustmap/trustmap/graph"
)

// Errors gathers, from concurrent goroutines of one collector task, the
// errors that are not coverage gaps, so Collect can return them joined.
type Errors struct {
	mu   sync.Mutex
	errs []error
}

// Gap records err from api on resource as a coverage gap of service.
// Classes that a gap stands for (denied, throttled out, timeout, not
// enabled, unsupported, cancelled, malformed, unavailable) end there;
// anything else — and a not-found where the caller expected none — is also
// kept, wrapped, to be returned.
func (l *Errors) Gap(t Target, b *graph.Builder, service, api, resource string, err error) {
	switch t.Gap(b, service, t.Region, api, resource, err) {
	case ClassOther, ClassNotFound:
		l.mu.Lock()
		defer l.mu.Unlock()
		l.errs = append(l.errs, fmt.Errorf("%s %s %s %s: %w", service, t.Region, api, resource, err))
	}
}

// Join returns the gathered errors joined (nil when there are none).
func (l *Errors) Join() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return errors.Join(l.errs...)
}
