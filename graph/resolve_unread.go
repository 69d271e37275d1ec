package graph

// Listings a denied or failed call left unread. The judges of methods,
// routes and URLs work from the nodes those listings produce; when the
// listing itself is missing there is no node to judge, so without these
// notes an API whose methods could not be read would look like an API with
// no open method. Each note says exposure through it is unknown, and the
// exposure analyzer reports it (TM-EXP-005).

// restAPIUnread notes a REST API whose resources and methods are unknown.
func (r *resolver) restAPIUnread(n *Node) {
	if n.RestAPI() != nil && n.RestAPI().ResourcesKnown == Unknown {
		r.note(n.ID, "unknown-exposure", ViaMethodAuth,
			"the API's resources and methods could not be read (apigateway:GetResources); which methods anyone can call, and how, is unknown")
	}
}

// httpAPIUnread notes an HTTP or WebSocket API whose routes are unknown.
func (r *resolver) httpAPIUnread(n *Node) {
	if n.HTTPAPI() != nil && n.HTTPAPI().RoutesKnown == Unknown {
		r.note(n.ID, "unknown-exposure", ViaRouteAuth,
			"the API's routes could not be read (apigateway:GetRoutes); which routes anyone can call, and how, is unknown")
	}
}

// functionURLsUnread notes a function whose URLs could not be listed.
func (r *resolver) functionURLsUnread(n *Node) {
	if n.Function() != nil && n.Function().URLKnown == Unknown {
		r.note(n.ID, "unknown-exposure", ViaFunctionURL,
			"the function's URLs could not be listed (lambda:ListFunctionUrlConfigs); whether it has a URL anyone can call is unknown")
	}
}
