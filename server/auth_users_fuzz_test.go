package server

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// Hashes at bcrypt's lowest cost, so that the fuzzer can afford to check
// passwords against them.
const (
	aliceHash = "$2a$04$f4Hxt.4v2JXG369u5sZiO.WD8S8n1fU4qz7jrUAg2JoPyao1DxRi." // "alice-pw"
	bobHash   = "$2a$04$IF3tfdsJcxRP.pZu4EVdauXa0Pt.JcU3eOtG/XKtPDQ4gn.ebHnPK" // "bob-pw"
)

// FuzzParseUsers feeds arbitrary users files to ParseUsers, then
// authenticates a name and password against what it accepted: parsing
// fails cleanly or yields only well-formed accounts, an account accepts
// exactly the passwords bcrypt accepts (also once remembered), and a name
// the file does not hold is refused.
func FuzzParseUsers(f *testing.F) {
	valid := "users:\n" +
		"  - name: alice\n    password_hash: \"" + aliceHash + "\"\n    role: writer\n    subjects: [\"team-a.\", \"shared-\"]\n" +
		"  - name: bob\n    password_hash: '" + bobHash + "'\n    role: reader\n" +
		"  - {name: carol, password_hash: \"" + aliceHash + "\", role: admin}\n"
	for _, seed := range []struct{ file, name, password string }{
		{valid, "alice", "alice-pw"},
		{valid, "alice", "bob-pw"},
		{valid, "bob", "bob-pw"},
		{valid, "carol", "alice-pw"},
		{valid, "mallory", "alice-pw"},
		{valid, "", ""},
		{`{"users":[{"name":"bob","password_hash":"` + bobHash + `","role":"reader"}]}`, "bob", "bob-pw"},
		{"base: &h {password_hash: \"" + bobHash + "\", role: reader}\n", "bob", "bob-pw"},
		{"users:\n  - &u {name: bob, password_hash: \"" + bobHash + "\", role: reader}\n  - *u\n", "bob", "bob-pw"},
		{"users:\n  - name: a:b\n    password_hash: \"" + bobHash + "\"\n    role: reader\n", "a", "b:bob-pw"},
		{"users:\n  - name: bob\n    password_hash: \"" + bobHash + "\"\n    role: reader\n    subjects: [x]\n", "bob", "bob-pw"},
		{"users:\n  - name: bob\n    password_hash: \"$2a$99$" + bobHash[7:] + "\"\n    role: writer\n", "bob", "bob-pw"},
		{"users:\n  - name: bob\n    password_hash: plain\n    role: root\n", "bob", "plain"},
		{"users:\n  - name: bob\n    password_hash: \"" + bobHash + "\"\n    role: writer\n    subjects: [\"\"]\n", "bob", "bob-pw"},
		{"users: []\n", "", ""},
		{"users:\n  - name: bob\n---\nusers: []\n", "bob", ""},
		{"", "bob", "bob-pw"},
		{"users: [", "bob", "bob-pw"},
		{"users:\n  - name: bob\n    pasword_hash: x\n", "bob", "x"},
	} {
		f.Add([]byte(seed.file), seed.name, seed.password)
	}
	// An unknown name is checked against unknownUserHash, at cost 10: a
	// cheaper hash keeps the fuzzer fast and the path the same.
	saved := unknownUserHash
	unknownUserHash = []byte(aliceHash)
	f.Cleanup(func() { unknownUserHash = saved })

	f.Fuzz(func(t *testing.T, data []byte, name, password string) {
		users, err := ParseUsers(data)
		if err != nil {
			if users != nil {
				t.Fatalf("ParseUsers returned users with the error %v", err)
			}
			return
		}
		if len(users.accounts) == 0 {
			t.Fatal("ParseUsers accepted a file without users")
		}
		for key, acct := range users.accounts {
			checkAccount(t, key, acct)
		}

		acct, known := users.accounts[name]
		if !known {
			if got, ok := users.authenticate(name, password); ok || got != nil {
				t.Fatalf("%q, not in the file, was authenticated", name)
			}
			return
		}
		if cost, _ := bcrypt.Cost(acct.hash); cost > bcrypt.MinCost {
			return // too slow to check a password against
		}
		want := bcrypt.CompareHashAndPassword(acct.hash, []byte(password)) == nil
		for range 2 { // the second time from the remembered digest
			got, ok := users.authenticate(name, password)
			if ok != want || (ok && got != acct) || (!ok && got != nil) {
				t.Fatalf("authenticate(%q, %q) = %v, %v; bcrypt says %v", name, password, got, ok, want)
			}
		}
	})
}

// checkAccount checks that an accepted account is one ParseUsers documents
// as acceptable.
func checkAccount(t *testing.T, key string, acct *account) {
	t.Helper()
	switch {
	case acct.name != key:
		t.Fatalf("account %q is filed under %q", acct.name, key)
	case key == "":
		t.Fatal("an account without a name was accepted")
	case acct.role < roleReader || acct.role > roleAdmin:
		t.Fatalf("account %q has role %d", key, acct.role)
	case acct.role == roleReader && len(acct.subjectPrefixes) > 0:
		t.Fatalf("reader %q was given subjects %q", key, acct.subjectPrefixes)
	}
	if strings.Contains(key, ":") {
		t.Fatalf("account %q has a ':' in its name", key)
	}
	for _, prefix := range acct.subjectPrefixes {
		if prefix == "" {
			t.Fatalf("account %q has an empty subject prefix", key)
		}
	}
	if _, err := bcrypt.Cost(acct.hash); err != nil {
		t.Fatalf("account %q has a hash bcrypt refuses: %v", key, err)
	}
}
