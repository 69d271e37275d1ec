package graph

// eventBus derives access edges from an event bus's resource policy: who
// outside the account may put events on it (events:PutEvents), or manage
// its rules. EventBridge takes only signed requests, so "anyone" is any AWS
// account's principals. A grant to an organization (aws:PrincipalOrgID) is
// the organization's accounts (EventBridge User Guide, "Permissions for
// Amazon EventBridge event buses").
func (r *resolver) eventBus(n *Node) {
	b := n.Bus()
	if b == nil {
		return
	}
	res, ok := r.judgePolicy(n, b.Policy, "events", ViaBusPolicy)
	if ok && b.Policy.State == True {
		r.grantEdges(n, res, ViaBusPolicy, b.Policy.Source, false, True, nil)
	}
	if b.RulesKnown == Unknown {
		r.note(n.ID, NoteUnknownExposure, ViaEventBridgeRule,
			"the bus's rules could not be listed (events:ListRules); where events put on it lead is unknown")
	}
}

// eventRuleUnread notes a rule whose targets could not be listed.
func (r *resolver) eventRuleUnread(n *Node) {
	if n.Rule() != nil && n.Rule().TargetsKnown == Unknown {
		r.note(n.ID, NoteUnknownExposure, ViaEventBridgeTarget,
			"the rule's targets could not be listed (events:ListTargetsByRule); where matching events go is unknown")
	}
}
