package server

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// followerOf is the leadership of a follower whose leader is at the URL.
type followerOf string

func (l followerOf) Leader() (string, bool, bool) { return string(l), false, true }

// usersWithRoles returns users named by "name:role", each with
// testPassword(name), or with another password where the role is followed
// by "!".
func usersWithRoles(t *testing.T, specs ...string) *Users {
	t.Helper()
	file := "users:\n"
	for _, spec := range specs {
		name, role, _ := strings.Cut(spec, ":")
		password := testPassword(name)
		if other, changed := strings.CutSuffix(role, "!"); changed {
			role, password = other, "another password"
		}
		file += fmt.Sprintf("  - {name: %s, password_hash: %q, role: %s}\n", name, testHash(t, password), role)
	}
	users, err := ParseUsers([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	return users
}

// countRequests serves h and counts the requests it gets.
func countRequests(h http.Handler, n *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	})
}

// TestForwardingKeepsIdentity checks that a follower refuses what the
// caller may not do before forwarding, and that the leader checks the
// caller again, not the follower: fwd is a writer on the follower but a
// reader on the leader, and moved's password differs between them.
func TestForwardingKeepsIdentity(t *testing.T) {
	leader := newAuthServer(t, Config{Users: usersWithRoles(t, "walt:writer", "rita:reader", "fwd:reader", "moved:writer!")})
	var forwarded atomic.Int64
	leaderHTTP := httptest.NewServer(countRequests(leader.srv, &forwarded))
	t.Cleanup(leaderHTTP.Close)
	follower := newAuthServer(t, Config{
		Users:      usersWithRoles(t, "walt:writer", "rita:reader", "fwd:writer", "moved:writer"),
		Leadership: followerOf(leaderHTTP.URL),
	})

	for _, tc := range []struct {
		user          string
		wantStatus    int
		wantBody      string
		wantForwarded bool
		wantWritten   bool
	}{
		{"walt", 200, `{"id":1}`, true, true},
		{"rita", 403, `{"error_code":40301,"message":"User is denied operation Write on Subject: team-a.x"}`, false, false},
		{"", 401, `{"error_code":401,"message":"Unauthorized"}`, false, false},
		{"fwd", 403, `{"error_code":40301,"message":"User is denied operation Write on Subject: team-a.x"}`, true, false},
		{"moved", 401, `{"error_code":401,"message":"Unauthorized"}`, true, false},
	} {
		forwardedBefore, leaderBefore, followerBefore := forwarded.Load(), leader.end(), follower.end()
		rec := follower.do(tc.user, "POST", "/subjects/team-a.x/versions", testSchemaBody)
		if rec.Code != tc.wantStatus || rec.Body.String() != tc.wantBody {
			t.Errorf("%q: got %d %s, want %d %s", tc.user, rec.Code, rec.Body, tc.wantStatus, tc.wantBody)
		}
		if got := forwarded.Load() > forwardedBefore; got != tc.wantForwarded {
			t.Errorf("%q: forwarded %v, want %v", tc.user, got, tc.wantForwarded)
		}
		if got := leader.end() > leaderBefore; got != tc.wantWritten {
			t.Errorf("%q: written on the leader %v, want %v", tc.user, got, tc.wantWritten)
		}
		if follower.end() != followerBefore {
			t.Errorf("%q: the follower wrote to its own log", tc.user)
		}
		if rec.Code == http.StatusUnauthorized && rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%q: 401 without a challenge", tc.user)
		}
	}
}

// TestForwardTLS checks that a follower forwards to an https leader it
// trusts through Config.ForwardTLS, and to no leader it does not trust.
func TestForwardTLS(t *testing.T) {
	leader := newAuthServer(t, Config{Users: usersWithRoles(t, "walt:writer")})
	leaderHTTPS := httptest.NewUnstartedServer(leader.srv)
	// The untrusting follower's failed handshakes are expected.
	leaderHTTPS.Config.ErrorLog = log.New(io.Discard, "", 0)
	leaderHTTPS.StartTLS()
	t.Cleanup(leaderHTTPS.Close)
	trusted := leaderHTTPS.Client().Transport.(*http.Transport).TLSClientConfig
	for _, tc := range []struct {
		name       string
		tls        *tls.Config
		wantStatus int
		wantBody   string
	}{
		{"trusted", trusted, 200, `{"id":1}`},
		{"system roots", nil, 500, `"error_code":50003`},
	} {
		follower := newAuthServer(t, Config{Users: usersWithRoles(t, "walt:writer"),
			Leadership: followerOf(leaderHTTPS.URL), ForwardTLS: tc.tls})
		rec := follower.do("walt", "POST", "/subjects/s/versions", testSchemaBody)
		if rec.Code != tc.wantStatus || !strings.Contains(rec.Body.String(), tc.wantBody) {
			t.Errorf("%s: got %d %s, want %d with %s", tc.name, rec.Code, rec.Body, tc.wantStatus, tc.wantBody)
		}
	}
}
