package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// authRealm names the protection space in the Basic challenge.
const authRealm = "schema-registry"

// principalKey is the echo context key holding the authenticated user's
// name.
const principalKey = "registry.principal"

// principal returns the name of the authenticated caller, or "" when
// authentication is off or the request carried no valid credentials.
func principal(c echo.Context) string {
	name, _ := c.Get(principalKey).(string)
	return name
}

// errUnauthorized is the answer Confluent's Basic authentication gives to
// missing or wrong credentials.
func errUnauthorized() *Error {
	return newError(http.StatusUnauthorized, http.StatusUnauthorized, "Unauthorized")
}

// errForbidden is the answer Confluent's role-based access control gives
// to an authenticated caller who may not do what it asks.
func errForbidden(operation, resource string) *Error {
	return newError(http.StatusForbidden, codeForbidden, "User is denied operation %s on %s", operation, resource)
}

// codeForbidden is Confluent's error code for a refused operation.
const codeForbidden = 40301

// Operations, as Confluent names them in refusals.
const (
	opWrite  = "Write"
	opDelete = "Delete"
)

// rule is what a route asks of its caller. Reads name only their least
// role, which every account has.
type rule struct {
	least     role   // the least role allowed
	operation string // what the route does, for refusals
	// subject means the route writes the subject it names, which the
	// caller's subject scopes must cover; otherwise resource names what
	// the route writes.
	subject  bool
	resource string
}

// routeRules gives the rule of every route that is not a GET, keyed by
// method and route path. GETs only read and need the reader role. Any
// other request without a rule (an unknown path or method) needs an admin,
// so that a route added without a rule is closed rather than open; a test
// checks that every route has one.
var routeRules = map[string]rule{
	"POST /":                  {least: roleReader},
	"POST /subjects/:subject": {least: roleReader},
	"POST /compatibility/subjects/:subject/versions":          {least: roleReader},
	"POST /compatibility/subjects/:subject/versions/:version": {least: roleReader},

	"POST /subjects/:subject/versions":            {least: roleWriter, operation: opWrite, subject: true},
	"PUT /config/:subject":                        {least: roleWriter, operation: opWrite, subject: true},
	"DELETE /config/:subject":                     {least: roleWriter, operation: opWrite, subject: true},
	"DELETE /subjects/:subject":                   {least: roleWriter, operation: opDelete, subject: true},
	"DELETE /subjects/:subject/versions/:version": {least: roleWriter, operation: opDelete, subject: true},
	"PUT /mode/:subject":                          {least: roleAdmin, operation: opWrite, subject: true},
	"DELETE /mode/:subject":                       {least: roleAdmin, operation: opWrite, subject: true},
	"PUT /config":                                 {least: roleAdmin, operation: opWrite, resource: "the global config"},
	"DELETE /config":                              {least: roleAdmin, operation: opWrite, resource: "the global config"},
	"PUT /mode":                                   {least: roleAdmin, operation: opWrite, resource: "the global mode"},
	"DELETE /mode":                                {least: roleAdmin, operation: opWrite, resource: "the global mode"},
}

// ruleFor returns the rule of the request's route. Permanent deletes need
// an admin whatever the route's own rule.
func ruleFor(c echo.Context) rule {
	method := c.Request().Method
	if r, ok := routeRules[method+" "+c.Path()]; ok {
		if r.operation == opDelete && boolQuery(c, "permanent") {
			r.least = roleAdmin
		}
		return r
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return rule{least: roleReader}
	}
	return rule{least: roleAdmin, operation: opWrite, resource: "path " + c.Request().URL.Path}
}

// isHealthProbe reports whether the request is a liveness or readiness
// probe, which needs no credentials and is never queued.
func isHealthProbe(c echo.Context) bool {
	return c.Path() == "/health/live" || c.Path() == "/health/ready"
}

// authorize authenticates the caller with HTTP Basic credentials against
// Config.Users and checks its role, and its subject scopes for writes to a
// subject, against the matched route, before any handler runs: a refused
// request writes nothing. Subject scopes limit writes only; a user may
// read every subject. Health probes pass without credentials. A
// follower checks the caller before forwarding a write, and the leader
// checks it again from the forwarded Authorization header, so the caller's
// identity holds across instances.
func (s *Server) authorize(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		users := s.config.Users
		if users == nil || isHealthProbe(c) {
			return next(c)
		}
		name, password, ok := c.Request().BasicAuth()
		var acct *account
		if ok {
			acct, ok = users.authenticate(name, password)
		}
		if !ok {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Basic realm="`+authRealm+`"`)
			return errUnauthorized()
		}
		c.Set(principalKey, acct.name)
		if err := s.permit(c, acct); err != nil {
			return err
		}
		return next(c)
	}
}

// permit checks that acct may do what the request asks.
func (s *Server) permit(c echo.Context, acct *account) error {
	r := ruleFor(c)
	if !r.subject {
		if acct.role < r.least {
			return errForbidden(r.operation, r.resource)
		}
		return nil
	}
	// The subject as the handler will read it, so that no spelling of
	// the path escapes the scopes. An invalid name is refused as the
	// handler would refuse it.
	subject, apiErr := s.subjectParam(c)
	if apiErr != nil {
		return apiErr
	}
	if acct.role < r.least || !acct.mayWrite(subject) {
		return errForbidden(r.operation, "Subject: "+subject)
	}
	return nil
}
