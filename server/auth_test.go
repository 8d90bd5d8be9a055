package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"github.com/goschemaregistry/registry/formats"
	"github.com/goschemaregistry/registry/formats/avro"
	"github.com/goschemaregistry/registry/storage"
)

// testHash hashes password at bcrypt's lowest cost, to keep tests fast.
func testHash(t testing.TB, password string) string {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(hash)
}

// testPassword is the password of every test user.
func testPassword(name string) string { return name + "-secret" }

// testUsers are rita the reader, walt the writer, sam the writer limited to
// subjects starting with "team-a.", and ada the admin.
func testUsers(t testing.TB) *Users {
	t.Helper()
	users, err := ParseUsers([]byte(fmt.Sprintf(`users:
  - {name: rita, password_hash: %q, role: reader}
  - {name: walt, password_hash: %q, role: writer}
  - {name: sam, password_hash: %q, role: writer, subjects: ["team-a."]}
  - {name: ada, password_hash: %q, role: admin}
`, testHash(t, testPassword("rita")), testHash(t, testPassword("walt")),
		testHash(t, testPassword("sam")), testHash(t, testPassword("ada")))))
	if err != nil {
		t.Fatal(err)
	}
	return users
}

// authServer is a server on an in-memory log, called in process.
type authServer struct {
	t   *testing.T
	srv *Server
	log *storage.MemoryLog
}

func newAuthServer(t *testing.T, cfg Config) *authServer {
	t.Helper()
	log := storage.NewMemoryLog()
	ctx, cancel := context.WithCancel(context.Background())
	view, _, err := storage.StartView(ctx, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); log.Close() })
	cfg.Log, cfg.View, cfg.Formats = log, view, []formats.Format{avro.New(avro.Limits{})}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &authServer{t: t, srv: srv, log: log}
}

// do sends a request as user, with no credentials when user is "".
func (a *authServer) do(user, method, path, body string) *httptest.ResponseRecorder {
	a.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set(echo.HeaderContentType, contentType)
	if user != "" {
		req.SetBasicAuth(user, testPassword(user))
	}
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	return rec
}

// must sends a request that has to succeed.
func (a *authServer) must(user, method, path, body string) {
	a.t.Helper()
	if rec := a.do(user, method, path, body); rec.Code != http.StatusOK {
		a.t.Fatalf("%s %s as %s: %d %s", method, path, user, rec.Code, rec.Body)
	}
}

// end returns the log's end offset, which moves on every write.
func (a *authServer) end() int64 {
	a.t.Helper()
	end, err := a.log.EndOffset(context.Background())
	if err != nil {
		a.t.Fatal(err)
	}
	return end
}

const testSchemaBody = `{"schema":"\"string\""}`

// seed registers team-a.orders and other, registers and soft-deletes
// team-a.gone, and sets a config and a mode for team-a.orders and the
// global ones, so that every write of the role table can succeed.
func (a *authServer) seed() {
	a.t.Helper()
	for _, subject := range []string{"team-a.orders", "other", "team-a.gone"} {
		a.must("ada", "POST", "/subjects/"+subject+"/versions", testSchemaBody)
	}
	a.must("ada", "DELETE", "/subjects/team-a.gone", "")
	a.must("ada", "PUT", "/config/team-a.orders", `{"compatibility":"FULL"}`)
	a.must("ada", "PUT", "/config", `{"compatibility":"FULL"}`)
	a.must("ada", "PUT", "/mode/team-a.orders", `{"mode":"READWRITE"}`)
	a.must("ada", "PUT", "/mode", `{"mode":"READWRITE"}`)
}

// TestRoles checks every role against every kind of request, on a fresh
// registry each time, and that a refused request writes nothing.
func TestRoles(t *testing.T) {
	users := testUsers(t)
	roles := []string{"rita", "walt", "sam", "ada"}
	for _, tc := range []struct {
		method, path, body string
		want               [4]int // for rita, walt, sam and ada
	}{
		{"GET", "/subjects", "", [4]int{200, 200, 200, 200}},
		{"GET", "/config", "", [4]int{200, 200, 200, 200}},
		{"GET", "/mode/team-a.orders", "", [4]int{200, 200, 200, 200}},
		{"POST", "/subjects/other", testSchemaBody, [4]int{200, 200, 200, 200}},
		{"POST", "/compatibility/subjects/other/versions/latest", testSchemaBody, [4]int{200, 200, 200, 200}},
		{"POST", "/compatibility/subjects/other/versions", testSchemaBody, [4]int{200, 200, 200, 200}},
		{"GET", "/no/such/route", "", [4]int{404, 404, 404, 404}},
		{"PATCH", "/config", "", [4]int{403, 403, 403, 405}},

		{"POST", "/subjects/team-a.new/versions", testSchemaBody, [4]int{403, 200, 200, 200}},
		{"POST", "/subjects/other-new/versions", testSchemaBody, [4]int{403, 200, 403, 200}},
		// The scopes see the subject as the handler decodes it.
		{"POST", "/subjects/%74eam-a.new/versions", testSchemaBody, [4]int{403, 200, 200, 200}},
		{"POST", "/subjects/team-a%2Enew/versions", testSchemaBody, [4]int{403, 200, 200, 200}},
		{"POST", "/subjects/other%2Fteam-a.new/versions", testSchemaBody, [4]int{403, 200, 403, 200}},
		{"PUT", "/config/team-a.orders", `{"compatibility":"NONE"}`, [4]int{403, 200, 200, 200}},
		{"PUT", "/config/other", `{"compatibility":"NONE"}`, [4]int{403, 200, 403, 200}},
		{"DELETE", "/config/team-a.orders", "", [4]int{403, 200, 200, 200}},
		{"DELETE", "/subjects/team-a.orders", "", [4]int{403, 200, 200, 200}},
		{"DELETE", "/subjects/other", "", [4]int{403, 200, 403, 200}},
		{"DELETE", "/subjects/team-a.orders/versions/1", "", [4]int{403, 200, 200, 200}},
		{"DELETE", "/subjects/team-a.gone?permanent=true", "", [4]int{403, 403, 403, 200}},
		{"DELETE", "/subjects/team-a.gone/versions/1?permanent=TRUE", "", [4]int{403, 403, 403, 200}},
		{"PUT", "/mode/team-a.orders", `{"mode":"READONLY"}`, [4]int{403, 403, 403, 200}},
		{"DELETE", "/mode/team-a.orders", "", [4]int{403, 403, 403, 200}},
		{"PUT", "/config", `{"compatibility":"NONE"}`, [4]int{403, 403, 403, 200}},
		{"DELETE", "/config", "", [4]int{403, 403, 403, 200}},
		{"PUT", "/mode", `{"mode":"READONLY"}`, [4]int{403, 403, 403, 200}},
		{"DELETE", "/mode", "", [4]int{403, 403, 403, 200}},
	} {
		for i, user := range roles {
			t.Run(user+" "+tc.method+" "+tc.path, func(t *testing.T) {
				a := newAuthServer(t, Config{Users: users})
				a.seed()
				before := a.end()
				rec := a.do(user, tc.method, tc.path, tc.body)
				if rec.Code != tc.want[i] {
					t.Fatalf("got %d %s, want %d", rec.Code, rec.Body, tc.want[i])
				}
				if rec.Code == http.StatusForbidden {
					if !strings.Contains(rec.Body.String(), `"error_code":40301`) {
						t.Errorf("body %s, want error_code 40301", rec.Body)
					}
					if after := a.end(); after != before {
						t.Errorf("refused request moved the log from %d to %d", before, after)
					}
				}
			})
		}
	}
}

// TestForbiddenAnswers checks the exact refusals: Confluent's error shape,
// naming the operation and what it acts on.
func TestForbiddenAnswers(t *testing.T) {
	a := newAuthServer(t, Config{Users: testUsers(t)})
	a.seed()
	for _, tc := range []struct {
		user, method, path, body string
		want                     string
	}{
		{"rita", "POST", "/subjects/team-a.x/versions", testSchemaBody,
			`{"error_code":40301,"message":"User is denied operation Write on Subject: team-a.x"}`},
		{"sam", "POST", "/subjects/%74eam-b.x/versions", testSchemaBody,
			`{"error_code":40301,"message":"User is denied operation Write on Subject: team-b.x"}`},
		{"walt", "DELETE", "/subjects/team-a.gone?permanent=true", "",
			`{"error_code":40301,"message":"User is denied operation Delete on Subject: team-a.gone"}`},
		{"walt", "PUT", "/config", `{"compatibility":"NONE"}`,
			`{"error_code":40301,"message":"User is denied operation Write on the global config"}`},
		{"sam", "DELETE", "/mode", "",
			`{"error_code":40301,"message":"User is denied operation Write on the global mode"}`},
	} {
		rec := a.do(tc.user, tc.method, tc.path, tc.body)
		if rec.Code != http.StatusForbidden || rec.Body.String() != tc.want {
			t.Errorf("%s %s as %s: got %d %s\nwant 403 %s", tc.method, tc.path, tc.user, rec.Code, rec.Body, tc.want)
		}
	}
}

// TestUnauthenticated checks that requests without valid credentials get
// 401 with a Basic challenge and write nothing, on every kind of route.
func TestUnauthenticated(t *testing.T) {
	a := newAuthServer(t, Config{Users: testUsers(t)})
	a.seed()
	// walt's password is now remembered; a wrong one must still fail.
	a.must("walt", "GET", "/subjects", "")
	credentials := []struct {
		name string
		set  func(*http.Request)
	}{
		{"none", func(*http.Request) {}},
		{"wrong password", func(r *http.Request) { r.SetBasicAuth("walt", "not-walts") }},
		{"empty password", func(r *http.Request) { r.SetBasicAuth("walt", "") }},
		{"another user's password", func(r *http.Request) { r.SetBasicAuth("walt", testPassword("ada")) }},
		{"unknown user", func(r *http.Request) { r.SetBasicAuth("mallory", testPassword("walt")) }},
		{"not Basic", func(r *http.Request) { r.Header.Set(echo.HeaderAuthorization, "Bearer abc") }},
		{"not base64", func(r *http.Request) { r.Header.Set(echo.HeaderAuthorization, "Basic !!!") }},
	}
	requests := []struct{ method, path, body string }{
		{"GET", "/subjects", ""},
		{"GET", "/no/such/route", ""},
		{"POST", "/subjects/team-a.new/versions", testSchemaBody},
		{"PUT", "/config", `{"compatibility":"NONE"}`},
		{"DELETE", "/subjects/team-a.gone?permanent=true", ""},
	}
	for _, cred := range credentials {
		for _, r := range requests {
			before := a.end()
			req := httptest.NewRequest(r.method, r.path, strings.NewReader(r.body))
			req.Header.Set(echo.HeaderContentType, contentType)
			cred.set(req)
			rec := httptest.NewRecorder()
			a.srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusUnauthorized || rec.Body.String() != `{"error_code":401,"message":"Unauthorized"}` {
				t.Errorf("%s: %s %s: got %d %s, want 401", cred.name, r.method, r.path, rec.Code, rec.Body)
			}
			if got := rec.Header().Get(echo.HeaderWWWAuthenticate); got != `Basic realm="schema-registry"` {
				t.Errorf("%s: %s %s: WWW-Authenticate %q", cred.name, r.method, r.path, got)
			}
			if after := a.end(); after != before {
				t.Errorf("%s: %s %s moved the log from %d to %d", cred.name, r.method, r.path, before, after)
			}
		}
	}
}

// TestHealthNeedsNoCredentials checks that probes pass without credentials.
func TestHealthNeedsNoCredentials(t *testing.T) {
	a := newAuthServer(t, Config{Users: testUsers(t)})
	for _, path := range []string{"/health/live", "/health/ready"} {
		rec := a.do("", "GET", path, "")
		if rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden {
			t.Errorf("GET %s without credentials: %d %s", path, rec.Code, rec.Body)
		}
	}
}

// TestPrincipal checks that the caller's name is left for the request log,
// and that no name is left without authentication.
func TestPrincipal(t *testing.T) {
	for _, tc := range []struct {
		users *Users
		user  string
		want  string
	}{
		{testUsers(t), "walt", "walt"},
		{testUsers(t), "rita", "rita"},
		{nil, "", ""},
	} {
		a := newAuthServer(t, Config{Users: tc.users})
		a.srv.echo.GET("/test/principal", func(c echo.Context) error { return c.String(http.StatusOK, principal(c)) })
		rec := a.do(tc.user, "GET", "/test/principal", "")
		if rec.Code != http.StatusOK || rec.Body.String() != tc.want {
			t.Errorf("as %q: got %d %q, want %q", tc.user, rec.Code, rec.Body, tc.want)
		}
	}
}

// TestEveryWriteRouteHasARule checks that routeRules covers every route
// that is not a GET, and names no route that does not exist, so that the
// admin-only fallback never decides a real route.
func TestEveryWriteRouteHasARule(t *testing.T) {
	a := newAuthServer(t, Config{})
	registered := map[string]bool{}
	for _, r := range a.srv.echo.Routes() {
		if r.Method == http.MethodGet {
			continue
		}
		key := r.Method + " " + r.Path
		registered[key] = true
		if _, ok := routeRules[key]; !ok {
			t.Errorf("route %s has no rule", key)
		}
	}
	for key := range routeRules {
		if !registered[key] {
			t.Errorf("rule for %s names no route", key)
		}
	}
}

func TestParseUsers(t *testing.T) {
	hash := testHash(t, "pw")
	for _, tc := range []struct {
		name, file string
		wantErr    string // "" for a valid file
	}{
		{"valid", `users:
  - {name: a, password_hash: "` + hash + `", role: reader}
  - {name: b, password_hash: "` + hash + `", role: writer, subjects: ["x."]}
  - {name: c, password_hash: "` + hash + `", role: admin, subjects: ["y."]}`, ""},
		{"unknown key", `users:
  - {name: a, pasword_hash: "` + hash + `", role: reader}`, "field pasword_hash not found"},
		{"unknown top-level key", `user: []`, "field user not found"},
		{"duplicate name", `users:
  - {name: a, password_hash: "` + hash + `", role: reader}
  - {name: a, password_hash: "` + hash + `", role: admin}`, `user 2 ("a"): the name is already used`},
		{"unknown role", `users:
  - {name: a, password_hash: "` + hash + `", role: owner}`, `user 1 ("a"): unknown role "owner"`},
		{"no role", `users:
  - {name: a, password_hash: "` + hash + `"}`, `user 1 ("a"): unknown role ""`},
		{"not bcrypt", `users:
  - {name: a, password_hash: "plain", role: reader}`, `user 1 ("a"): password_hash is not a bcrypt hash`},
		{"cost too high", `users:
  - {name: a, password_hash: "` + hash[:4] + "20" + hash[6:] + `", role: reader}`, `user 1 ("a"): password_hash has bcrypt cost 20; at most 14 is accepted`},
		{"no hash", `users:
  - {name: a, role: reader}`, `user 1 ("a"): no password_hash`},
		{"no name", `users:
  - {password_hash: "` + hash + `", role: reader}`, `user 1 (""): no name`},
		{"colon in name", `users:
  - {name: "a:b", password_hash: "` + hash + `", role: reader}`, `cannot contain ':'`},
		{"reader with subjects", `users:
  - {name: a, password_hash: "` + hash + `", role: reader, subjects: ["x."]}`, `a reader writes nothing`},
		{"empty prefix", `users:
  - {name: a, password_hash: "` + hash + `", role: writer, subjects: [""]}`, `empty subject prefix`},
		{"no users", `users: []`, "lists no users"},
		{"empty file", ``, "users file is empty"},
		{"two documents", "users:\n  - {name: a, password_hash: \"" + hash + "\", role: reader}\n---\nusers: []", "more than one YAML document"},
		{"not YAML", `users: [`, "users file:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			users, err := ParseUsers([]byte(tc.file))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case tc.wantErr == "" && len(users.accounts) != 3:
				t.Fatalf("%d accounts, want 3", len(users.accounts))
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestLoadUsers(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/users.yaml"
	if _, err := LoadUsers(path); err == nil {
		t.Error("missing file loaded")
	}
	file := "users:\n  - {name: a, password_hash: \"" + testHash(t, "pw") + "\", role: admin}\n"
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	users, err := LoadUsers(path)
	if err != nil {
		t.Fatal(err)
	}
	if acct, ok := users.authenticate("a", "pw"); !ok || acct.role != roleAdmin {
		t.Errorf("authenticate = %v, %v", acct, ok)
	}
	if err := os.WriteFile(path, []byte("users: []"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadUsers(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("error %v does not name the file", err)
	}
}

// TestPasswordCache checks that a remembered password lets its owner in
// without bcrypt, and lets no other password or user in.
func TestPasswordCache(t *testing.T) {
	users := testUsers(t)
	for _, tc := range []struct {
		user, password string
		want           bool
	}{
		{"walt", testPassword("walt"), true},
		{"walt", testPassword("walt"), true}, // from the cache
		{"walt", "wrong", false},
		{"walt", testPassword("walt") + "x", false},
		{"walt", testPassword("ada"), false},
		{"ada", testPassword("walt"), false},
		{"ada", testPassword("ada"), true},
		{"nobody", testPassword("walt"), false},
	} {
		if _, ok := users.authenticate(tc.user, tc.password); ok != tc.want {
			t.Errorf("authenticate(%q, %q) = %v, want %v", tc.user, tc.password, ok, tc.want)
		}
	}
	// Wrong passwords neither evict nor replace what was remembered.
	if got, want := users.verified["walt"], users.digest(testPassword("walt")); got != want {
		t.Error("walt's remembered password changed")
	}
	if _, ok := users.verified["nobody"]; ok || len(users.verified) != 2 {
		t.Errorf("remembered %d passwords, want walt's and ada's", len(users.verified))
	}
}

// TestPasswordCacheConcurrent runs authentication from many goroutines
// (run with -race).
func TestPasswordCacheConcurrent(t *testing.T) {
	users := testUsers(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 20 {
				name := []string{"rita", "walt", "sam", "ada"}[(i+j)%4]
				password := testPassword(name)
				if j%3 == 0 {
					password = "wrong"
				}
				if _, ok := users.authenticate(name, password); ok != (j%3 != 0) {
					t.Errorf("authenticate(%q, %q) = %v", name, password, ok)
				}
			}
		})
	}
	wg.Wait()
}

func TestHashPassword(t *testing.T) {
	hash, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	users, err := ParseUsers([]byte("users:\n  - {name: a, password_hash: \"" + hash + "\", role: reader}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := users.authenticate("a", "correct horse"); !ok {
		t.Error("the hashed password does not authenticate")
	}
	if _, ok := users.authenticate("a", "correct horse "); ok {
		t.Error("another password authenticates")
	}
	for _, bad := range []string{"", strings.Repeat("x", 73)} {
		if _, err := HashPassword(bad); err == nil {
			t.Errorf("HashPassword of %d bytes: no error", len(bad))
		}
	}
}
