package fakeaws

import "sync"

// faultSet matches calls against the fixture's faults. Faults are tried in
// order; one whose count is used up no longer matches, so a later fault for
// the same call can take over.
type faultSet struct {
	mu     sync.Mutex
	faults []Fault
	fired  []int
}

func newFaultSet(fs []Fault) *faultSet {
	return &faultSet{faults: fs, fired: make([]int, len(fs))}
}

// callInfo is what a fault can match on.
type callInfo struct{ service, api, account, region, resource string }

// match returns the fault to inject into the call, if any, and uses it up.
func (f *faultSet) match(ci callInfo) (Fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, ft := range f.faults {
		if !ft.matches(ci) || (ft.Count > 0 && f.fired[i] >= ft.Count) {
			continue
		}
		f.fired[i]++
		return ft, true
	}
	return Fault{}, false
}

func (ft Fault) matches(ci callInfo) bool {
	field := func(want, got string) bool { return want == "" || want == got }
	return ft.Service == ci.service && field(ft.API, ci.api) && field(ft.Account, ci.account) &&
		field(ft.Region, ci.region) && field(ft.Resource, ci.resource)
}

// err is the error the fault injects, in service's protocol.
func (ft Fault) err(service string) *awsError {
	e := errorFor(service, ft.Error, ft.Message)
	if ft.Status != 0 {
		e.Status = ft.Status
	}
	return e
}
