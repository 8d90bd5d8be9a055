package server

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
	"golang.org/x/crypto/bcrypt"
)

// role is what an account may do; each role may do everything the roles
// below it may.
type role int

const (
	// roleReader may read: every GET, schema lookups and compatibility
	// tests.
	roleReader role = iota + 1
	// roleWriter may also register schemas, set or delete subject
	// configs and soft-delete subjects and versions.
	roleWriter
	// roleAdmin may do everything, including global config, modes and
	// permanent deletes.
	roleAdmin
)

var roleNames = map[string]role{"reader": roleReader, "writer": roleWriter, "admin": roleAdmin}

// account is one user of the users file.
type account struct {
	name string
	hash []byte
	role role
	// subjectPrefixes limit the subjects the account may write; empty
	// means every subject.
	subjectPrefixes []string
}

// mayWrite reports whether the account's subject scopes cover subject.
func (a *account) mayWrite(subject string) bool {
	if len(a.subjectPrefixes) == 0 {
		return true
	}
	for _, prefix := range a.subjectPrefixes {
		if strings.HasPrefix(subject, prefix) {
			return true
		}
	}
	return false
}

// maxBcryptCost bounds the work a password check may take: cost 14 is
// about a second of CPU on current machines.
const maxBcryptCost = 14

// Users holds the accounts allowed to call the API and their roles, read
// from a users file (LoadUsers, ParseUsers). It is safe for concurrent use.
//
// bcrypt makes each check slow on purpose, so Users remembers, per account,
// a keyed digest of the last password that passed bcrypt: a client sending
// the same credentials on every request pays for bcrypt once. Any other
// password is still checked with bcrypt.
type Users struct {
	accounts map[string]*account
	// digestKey keys the remembered digests, so that they cannot be
	// checked against guesses without it.
	digestKey []byte

	mu sync.Mutex
	// verified holds one digest per account, so it is bounded by the
	// users file.
	verified map[string][sha256.Size]byte
}

// unknownUserHash is checked against the password of a user name that has
// no account, so that such a request costs as much as a wrong password and
// does not tell which names exist. No password is known to match it.
var unknownUserHash = []byte("$2a$10$kE1XHmA5ZT2BX/qdtsw9qeSeJAgBxtIYWe87.9oJqjmTVMtc7PpZG")

// usersFile is the YAML layout of a users file.
type usersFile struct {
	Users []userEntry `yaml:"users"`
}

type userEntry struct {
	Name         string   `yaml:"name"`
	PasswordHash string   `yaml:"password_hash"`
	Role         string   `yaml:"role"`
	Subjects     []string `yaml:"subjects"`
}

// LoadUsers reads the users file at path; see ParseUsers for its format.
func LoadUsers(path string) (*Users, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("users file: %w", err)
	}
	users, err := ParseUsers(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return users, nil
}

// ParseUsers reads a users file:
//
//	users:
//	  - name: alice
//	    password_hash: "$2a$10$..."      # bcrypt, e.g. from HashPassword
//	    role: writer                      # reader, writer or admin
//	    subjects: ["team-a.", "shared-"]  # optional
//
// subjects, for writers and admins, lists the subject-name prefixes the
// user may write (register, subject config and mode, deletes); without it
// the user may write every subject. Reads are never limited by subjects.
// Unknown keys, duplicate or empty names, unknown roles and hashes that are
// not bcrypt are errors naming the entry.
func ParseUsers(data []byte) (*Users, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var file usersFile
	if err := dec.Decode(&file); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("users file is empty")
		}
		return nil, fmt.Errorf("users file: %w", err)
	}
	if err := dec.Decode(new(any)); !errors.Is(err, io.EOF) {
		return nil, errors.New("users file: holds more than one YAML document")
	}
	if len(file.Users) == 0 {
		return nil, errors.New("users file: lists no users")
	}
	users := &Users{
		accounts:  make(map[string]*account, len(file.Users)),
		digestKey: make([]byte, sha256.Size),
		verified:  make(map[string][sha256.Size]byte, len(file.Users)),
	}
	if _, err := rand.Read(users.digestKey); err != nil {
		return nil, err
	}
	for i, entry := range file.Users {
		acct, err := entry.account()
		if err == nil && users.accounts[entry.Name] != nil {
			err = errors.New("the name is already used by an earlier user")
		}
		if err != nil {
			return nil, fmt.Errorf("users file: user %d (%q): %w", i+1, entry.Name, err)
		}
		users.accounts[acct.name] = acct
	}
	return users, nil
}

// account checks one entry of the users file.
func (e userEntry) account() (*account, error) {
	switch {
	case e.Name == "":
		return nil, errors.New("no name")
	case strings.Contains(e.Name, ":"):
		// HTTP Basic credentials are "name:password".
		return nil, errors.New("a name cannot contain ':'")
	case e.PasswordHash == "":
		return nil, errors.New("no password_hash")
	}
	cost, err := bcrypt.Cost([]byte(e.PasswordHash))
	if err != nil {
		return nil, fmt.Errorf("password_hash is not a bcrypt hash: %w", err)
	}
	if cost > maxBcryptCost {
		// Each step doubles the work: at cost 20 every login of this
		// user would take minutes of CPU.
		return nil, fmt.Errorf("password_hash has bcrypt cost %d; at most %d is accepted", cost, maxBcryptCost)
	}
	r, known := roleNames[e.Role]
	if !known {
		return nil, fmt.Errorf("unknown role %q: want reader, writer or admin", e.Role)
	}
	if r == roleReader && len(e.Subjects) > 0 {
		return nil, errors.New("subjects limit what a user may write, and a reader writes nothing")
	}
	for _, prefix := range e.Subjects {
		if prefix == "" {
			return nil, errors.New("an empty subject prefix")
		}
	}
	return &account{name: e.Name, hash: []byte(e.PasswordHash), role: r, subjectPrefixes: e.Subjects}, nil
}

// HashPassword returns the bcrypt hash of password, at bcrypt's default
// cost, to put in a users file. bcrypt reads at most 72 bytes, so longer
// passwords are refused, as are empty ones.
func HashPassword(password string) (string, error) {
	if password == "" {
		return "", errors.New("empty password")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", err
	}
	return string(hash), nil
}

// authenticate returns the account named name when password is its
// password.
func (u *Users) authenticate(name, password string) (*account, bool) {
	acct, known := u.accounts[name]
	if !known {
		_ = bcrypt.CompareHashAndPassword(unknownUserHash, []byte(password))
		return nil, false
	}
	digest := u.digest(password)
	u.mu.Lock()
	remembered, seen := u.verified[name]
	u.mu.Unlock()
	if seen && subtle.ConstantTimeCompare(remembered[:], digest[:]) == 1 {
		return acct, true
	}
	if bcrypt.CompareHashAndPassword(acct.hash, []byte(password)) != nil {
		return nil, false
	}
	u.mu.Lock()
	u.verified[name] = digest
	u.mu.Unlock()
	return acct, true
}

// digest is the keyed digest of a password remembered once bcrypt accepted
// it.
func (u *Users) digest(password string) [sha256.Size]byte {
	mac := hmac.New(sha256.New, u.digestKey)
	mac.Write([]byte(password))
	var out [sha256.Size]byte
	mac.Sum(out[:0])
	return out
}
