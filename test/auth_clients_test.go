package test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/twmb/franz-go/pkg/sr"
	"golang.org/x/crypto/bcrypt"
)

// startRegistryWithUsers starts a registry whose API needs HTTP Basic
// credentials: one account per role, "<role>-secret" as password, and a
// writer scoped to subjects starting with "team-a.".
func startRegistryWithUsers(t *testing.T) *registryProcess {
	t.Helper()
	var users strings.Builder
	users.WriteString("users:\n")
	for _, account := range []struct{ name, role, scope string }{
		{"reader", "reader", ""}, {"writer", "writer", ""}, {"admin", "admin", ""}, {"team-a", "writer", "team-a."},
	} {
		hash, err := bcrypt.GenerateFromPassword([]byte(account.name+"-secret"), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&users, "  - name: %s\n    password_hash: %q\n    role: %s\n", account.name, hash, account.role)
		if account.scope != "" {
			fmt.Fprintf(&users, "    subjects: [%q]\n", account.scope)
		}
	}
	usersFile := filepath.Join(t.TempDir(), "users.yaml")
	if err := os.WriteFile(usersFile, []byte(users.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return startRegistryIn(t, t.TempDir(), "--auth-users-file", usersFile)
}

// TestClientsWithBasicAuthentication drives a registry with authentication
// on through the real clients' own credential settings: what each role may
// do succeeds, what it may not is refused with Confluent's codes, and
// nothing refused is written.
func TestClientsWithBasicAuthentication(t *testing.T) {
	r := startRegistryWithUsers(t)
	ctx := context.Background()
	franz := func(user string) *sr.Client {
		opts := []sr.ClientOpt{sr.URLs(r.URL)}
		if user != "" {
			opts = append(opts, sr.BasicAuth(user, user+"-secret"))
		}
		cl, err := sr.NewClient(opts...)
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}
	schema := sr.Schema{Schema: `{"type":"record","name":"A","fields":[{"name":"f","type":"int"}]}`}
	for _, tc := range []struct {
		user, subject string
		wantCode      int // 0: accepted
	}{
		{"", "orders", 401},
		{"reader", "orders", 40301},
		{"team-a", "orders", 40301},
		{"team-a", "team-a.orders", 0},
		{"writer", "orders", 0},
	} {
		_, err := franz(tc.user).CreateSchema(ctx, tc.subject, schema)
		var srErr *sr.ResponseError
		switch {
		case tc.wantCode == 0 && err != nil:
			t.Errorf("franz-go as %q registering %s: %v", tc.user, tc.subject, err)
		case tc.wantCode != 0 && (!errors.As(err, &srErr) || srErr.ErrorCode != tc.wantCode):
			t.Errorf("franz-go as %q registering %s: %v, want error code %d", tc.user, tc.subject, err, tc.wantCode)
		}
	}
	subjects, err := franz("reader").Subjects(ctx)
	if err != nil || strings.Join(subjects, ",") != "orders,team-a.orders" {
		t.Errorf("subjects after the refused writes: %v, %v", subjects, err)
	}
	if err := franz("writer").SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatNone})[0].Err; err == nil {
		t.Error("a writer changed the global compatibility level")
	}
	if err := franz("admin").SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatNone})[0].Err; err != nil {
		t.Errorf("an admin could not change the global level: %v", err)
	}

	// confluent-kafka-go with its basic-auth configuration.
	conf := schemaregistry.NewConfigWithBasicAuthentication(r.URL, "writer", "writer-secret")
	confluent, err := schemaregistry.NewClient(conf)
	if err != nil {
		t.Fatal(err)
	}
	id, err := confluent.Register("payments-value", schemaregistry.SchemaInfo{Schema: `"string"`}, false)
	if err != nil || id <= 0 {
		t.Fatalf("confluent-kafka-go as writer: id %d, %v", id, err)
	}
	conf = schemaregistry.NewConfigWithBasicAuthentication(r.URL, "writer", "not-the-password")
	wrong, err := schemaregistry.NewClient(conf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrong.GetLatestSchemaMetadata("payments-value"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("confluent-kafka-go with a wrong password: %v, want a 401", err)
	}

	// srctl with its credential flags and environment.
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"s.avsc": `{"type":"record","name":"S","fields":[]}`})
	mustSrctl(t, 0, dir, r.URL, "--user", "writer", "--password", "writer-secret", "register", "shipments-value", "s.avsc")
	refused := mustSrctl(t, 2, dir, r.URL, "--user", "reader", "--password", "reader-secret", "register", "shipments-value", "s.avsc")
	if !strings.Contains(refused.stderr, "(error code 40301)") {
		t.Errorf("srctl as reader: %s", refused)
	}
	unauthenticated := mustSrctl(t, 2, dir, r.URL, "subjects")
	if !strings.Contains(unauthenticated.stderr, "Unauthorized (error code 401)") {
		t.Errorf("srctl without credentials: %s", unauthenticated)
	}
	if strings.Contains(refused.stderr+refused.stdout, "reader-secret") {
		t.Errorf("srctl printed the password: %s", refused)
	}
}
