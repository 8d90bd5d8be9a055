package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The group protocol Confluent Schema Registry (and Karapace) speak. Using the
// same names and JSON lets our instances join a group of theirs.
const (
	electionProtocolType = "sr"
	electionProtocolName = "v0"
	electionJSONVersion  = 1

	// assignmentNoError and assignmentDuplicateURLs are the "error" codes of
	// Confluent's SchemaRegistryProtocol.Assignment.
	assignmentNoError       int16 = 0
	assignmentDuplicateURLs int16 = 1
)

// Defaults match Confluent's kafkagroup.* settings.
const (
	defaultElectionGroupID   = "schema-registry"
	defaultSessionTimeout    = 10 * time.Second
	defaultRebalanceTimeout  = 300 * time.Second
	defaultHeartbeatInterval = 3 * time.Second
	electionRetryBackoff     = 250 * time.Millisecond
	leaveGroupTimeout        = 5 * time.Second
)

// Identity is how a registry instance presents itself to the group: where it
// serves HTTP and whether it may become the leader.
type Identity struct {
	Host string
	Port int
	// Scheme is "http" or "https"; empty means "http".
	Scheme string
	// LeaderEligible reports whether the instance may be elected leader
	// (Confluent's leader.eligibility).
	LeaderEligible bool
}

// URL returns scheme://host:port, the address other members forward writes
// to and the key the leader is chosen by.
func (id Identity) URL() string {
	return fmt.Sprintf("%s://%s:%d", id.scheme(), id.Host, id.Port)
}

func (id Identity) scheme() string {
	if id.Scheme == "" {
		return "http"
	}
	return id.Scheme
}

// identityJSON is the member metadata JSON of Confluent's
// SchemaRegistryIdentity. Fields it has and we do not need (such as "leader"
// for sticky election) are ignored on decode.
type identityJSON struct {
	Version        int    `json:"version"`
	Host           string `json:"host"`
	Port           int    `json:"port"`
	Scheme         string `json:"scheme"`
	LeaderEligible bool   `json:"master_eligibility"`
}

func (id Identity) validate() error {
	if id.Host == "" {
		return errors.New("identity host is empty")
	}
	if id.Port < 1 || id.Port > 65535 {
		return fmt.Errorf("identity port %d is outside 1..65535", id.Port)
	}
	if s := id.scheme(); s != "http" && s != "https" {
		return fmt.Errorf("identity scheme %q is neither http nor https", s)
	}
	return nil
}

func (id Identity) toJSON() identityJSON {
	return identityJSON{
		Version:        electionJSONVersion,
		Host:           id.Host,
		Port:           id.Port,
		Scheme:         id.scheme(),
		LeaderEligible: id.LeaderEligible,
	}
}

func (j identityJSON) identity() Identity {
	return Identity{Host: j.Host, Port: j.Port, Scheme: j.Scheme, LeaderEligible: j.LeaderEligible}
}

// encodeMemberMetadata returns the JoinGroup protocol metadata for id.
func encodeMemberMetadata(id Identity) ([]byte, error) {
	return json.Marshal(id.toJSON())
}

// decodeMemberMetadata parses another member's JoinGroup metadata.
func decodeMemberMetadata(b []byte) (Identity, error) {
	var j identityJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return Identity{}, fmt.Errorf("decoding member metadata: %w", err)
	}
	id := j.identity()
	if err := id.validate(); err != nil {
		return Identity{}, fmt.Errorf("invalid member metadata: %w", err)
	}
	return id, nil
}

// leaderAssignment is Confluent's SchemaRegistryProtocol.Assignment: the one
// message the group leader sends every member. Confluent omits "master" and
// "master_identity" when no member is eligible.
type leaderAssignment struct {
	Version        int           `json:"version"`
	Error          int16         `json:"error"`
	Leader         string        `json:"master,omitempty"`
	LeaderIdentity *identityJSON `json:"master_identity,omitempty"`
}

func encodeAssignment(a leaderAssignment) ([]byte, error) {
	return json.Marshal(a)
}

func decodeAssignment(b []byte) (leaderAssignment, error) {
	var a leaderAssignment
	if err := json.Unmarshal(b, &a); err != nil {
		return leaderAssignment{}, fmt.Errorf("decoding leader assignment: %w", err)
	}
	if a.Error == assignmentNoError && (a.Leader == "") != (a.LeaderIdentity == nil) {
		return leaderAssignment{}, errors.New("leader assignment names a leader without its identity or vice versa")
	}
	if a.LeaderIdentity != nil {
		if err := a.LeaderIdentity.identity().validate(); err != nil {
			return leaderAssignment{}, fmt.Errorf("invalid leader identity in assignment: %w", err)
		}
	}
	return a, nil
}

// electLeader is the group leader's decision, as Confluent makes it: the
// eligible member with the lowest URL leads, and two members with the same
// URL make the assignment an error because writes could not be forwarded to
// the right one. members maps member id to JoinGroup metadata; a member
// whose metadata cannot be decoded is logged and never leads.
func electLeader(members map[string][]byte, logger *slog.Logger) leaderAssignment {
	a := leaderAssignment{Version: electionJSONVersion, Error: assignmentNoError}
	ids := make([]string, 0, len(members))
	for id := range members {
		ids = append(ids, id)
	}
	sort.Strings(ids) // ties between duplicate URLs resolve the same way every time
	urls := make(map[string]bool, len(members))
	var leaderURL string
	for _, memberID := range ids {
		id, err := decodeMemberMetadata(members[memberID])
		if err != nil {
			logger.Warn("ignoring schema registry group member with bad metadata", "member", memberID, "error", err)
			continue
		}
		url := id.URL()
		if urls[url] {
			a.Error = assignmentDuplicateURLs
		}
		urls[url] = true
		if id.LeaderEligible && (a.LeaderIdentity == nil || url < leaderURL) {
			j := id.toJSON()
			a.Leader, a.LeaderIdentity, leaderURL = memberID, &j, url
		}
	}
	if a.Error == assignmentDuplicateURLs {
		logger.Error("schema registry group members advertise the same URL; give each instance a unique, routable host name")
	}
	return a
}

// ElectorOptions configures StartElector.
type ElectorOptions struct {
	// Brokers are the Kafka seed brokers. Required.
	Brokers []string
	// GroupID is the consumer group the registries share. Default "schema-registry".
	GroupID string
	// Identity is this instance's advertised address and leader eligibility.
	Identity Identity
	// ClientOptions are extra kgo options (TLS, SASL, ...) appended after the seed brokers.
	ClientOptions []kgo.Opt
	// SessionTimeout is how long the coordinator waits for a heartbeat before
	// dropping a member. Default 10s.
	SessionTimeout time.Duration
	// RebalanceTimeout is how long the coordinator waits for members to
	// rejoin during a rebalance. Default 300s.
	RebalanceTimeout time.Duration
	// HeartbeatInterval is how often a member heartbeats, and so how soon it
	// notices a rebalance. Default 3s.
	HeartbeatInterval time.Duration
	// Logger receives leader changes and group errors. Default slog.Default().
	Logger *slog.Logger
	// OnChange, if set, is called from the elector's goroutine whenever the
	// known leader or this instance's leadership changes. leader is nil when
	// no leader is known.
	OnChange func(leader *Identity, isLeader bool)
}

// Elector keeps this instance in the registry group and tracks which member
// is the leader, the only one that may write to the schemas topic.
type Elector struct {
	opts     ElectorOptions
	client   *kgo.Client
	metadata []byte
	cancel   context.CancelFunc
	done     chan struct{}
	close    sync.Once

	// memberID is owned by the run goroutine until done is closed.
	memberID string

	mu       sync.Mutex
	leader   *Identity
	isLeader bool
}

// StartElector connects to Kafka and starts taking part in leader election in
// the background. It fails only on invalid options or when the Kafka client
// cannot be created; group errors are logged and retried. The election runs
// until Close is called or ctx is cancelled.
func StartElector(ctx context.Context, opts ElectorOptions) (*Elector, error) {
	if len(opts.Brokers) == 0 {
		return nil, errors.New("leader election needs at least one Kafka broker")
	}
	if err := opts.Identity.validate(); err != nil {
		return nil, err
	}
	if opts.GroupID == "" {
		opts.GroupID = defaultElectionGroupID
	}
	if opts.SessionTimeout <= 0 {
		opts.SessionTimeout = defaultSessionTimeout
	}
	if opts.RebalanceTimeout <= 0 {
		opts.RebalanceTimeout = defaultRebalanceTimeout
	}
	if opts.HeartbeatInterval <= 0 {
		opts.HeartbeatInterval = defaultHeartbeatInterval
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	metadata, err := encodeMemberMetadata(opts.Identity)
	if err != nil {
		return nil, err
	}
	client, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(opts.Brokers...)}, opts.ClientOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("creating Kafka client for leader election: %w", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	e := &Elector{
		opts:     opts,
		client:   client,
		metadata: metadata,
		cancel:   cancel,
		done:     make(chan struct{}),
	}
	go e.run(runCtx)
	return e, nil
}

// Leader returns the current leader's identity, and false while none is
// known: before the first assignment, when no member is eligible, or when
// the group reported duplicate URLs.
func (e *Elector) Leader() (*Identity, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.leader == nil {
		return nil, false
	}
	leader := *e.leader
	return &leader, true
}

// IsLeader reports whether this instance is the elected leader.
func (e *Elector) IsLeader() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.isLeader
}

// Close leaves the group, so the others elect a new leader at once instead
// of after the session timeout, and releases the Kafka client. It is safe to
// call more than once; it returns the error of leaving the group, if any.
func (e *Elector) Close() error {
	var err error
	e.close.Do(func() {
		e.cancel()
		<-e.done
		if e.memberID != "" {
			err = e.leaveGroup()
		}
		e.client.Close()
		e.setLeader(nil, false)
	})
	return err
}

func (e *Elector) leaveGroup() error {
	ctx, cancel := context.WithTimeout(context.Background(), leaveGroupTimeout)
	defer cancel()
	req := kmsg.NewPtrLeaveGroupRequest()
	req.Group = e.opts.GroupID
	req.MemberID = e.memberID // LeaveGroup v0-2
	member := kmsg.NewLeaveGroupRequestMember()
	member.MemberID = e.memberID // LeaveGroup v3+
	req.Members = []kmsg.LeaveGroupRequestMember{member}
	resp, err := req.RequestWith(ctx, e.client)
	if err != nil {
		return fmt.Errorf("leaving group %q: %w", e.opts.GroupID, err)
	}
	// UNKNOWN_MEMBER_ID means the coordinator already dropped us: the goal.
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil && !errors.Is(err, kerr.UnknownMemberID) {
		return fmt.Errorf("leaving group %q: %w", e.opts.GroupID, err)
	}
	return nil
}

// run joins the group, applies each assignment and heartbeats, rejoining
// whenever the coordinator asks for it, until ctx ends.
func (e *Elector) run(ctx context.Context) {
	defer close(e.done)
	for ctx.Err() == nil {
		err := e.joinSyncAndHeartbeat(ctx)
		if err == nil || ctx.Err() != nil {
			continue
		}
		e.opts.Logger.Warn("schema registry group membership failed; rejoining", "group", e.opts.GroupID, "error", err)
		select {
		case <-ctx.Done():
		case <-time.After(electionRetryBackoff):
		}
	}
}

// joinSyncAndHeartbeat runs one group generation. It returns nil when the
// coordinator starts a rebalance, and an error when something failed.
func (e *Elector) joinSyncAndHeartbeat(ctx context.Context) error {
	join, err := e.joinGroup(ctx)
	if err != nil {
		return err
	}
	a, err := e.syncGroup(ctx, join)
	if err != nil {
		return err
	}
	e.applyAssignment(a)
	return e.heartbeat(ctx, join.Generation)
}

func (e *Elector) joinGroup(ctx context.Context) (*kmsg.JoinGroupResponse, error) {
	for {
		req := kmsg.NewPtrJoinGroupRequest()
		req.Group = e.opts.GroupID
		req.SessionTimeoutMillis = int32(e.opts.SessionTimeout.Milliseconds())
		req.RebalanceTimeoutMillis = int32(e.opts.RebalanceTimeout.Milliseconds())
		req.MemberID = e.memberID
		req.ProtocolType = electionProtocolType
		protocol := kmsg.NewJoinGroupRequestProtocol()
		protocol.Name = electionProtocolName
		protocol.Metadata = e.metadata
		req.Protocols = []kmsg.JoinGroupRequestProtocol{protocol}
		resp, err := req.RequestWith(ctx, e.client)
		if err != nil {
			return nil, fmt.Errorf("joining group: %w", err)
		}
		err = kerr.ErrorForCode(resp.ErrorCode)
		switch {
		case err == nil:
			e.memberID = resp.MemberID
			return resp, nil
		case errors.Is(err, kerr.MemberIDRequired):
			// KIP-394: the coordinator hands out the id on the first
			// join and expects it back on the second.
			e.memberID = resp.MemberID
		case errors.Is(err, kerr.UnknownMemberID):
			e.memberID = ""
			return nil, fmt.Errorf("joining group: %w", err)
		default:
			return nil, fmt.Errorf("joining group: %w", err)
		}
	}
}

// syncGroup sends the assignment when this member is the group leader
// (which need not be the registry leader) and returns what the coordinator
// hands this member.
func (e *Elector) syncGroup(ctx context.Context, join *kmsg.JoinGroupResponse) (leaderAssignment, error) {
	req := kmsg.NewPtrSyncGroupRequest()
	req.Group = e.opts.GroupID
	req.Generation = join.Generation
	req.MemberID = e.memberID
	protocolType, protocolName := electionProtocolType, electionProtocolName
	req.ProtocolType, req.Protocol = &protocolType, &protocolName
	if join.LeaderID == e.memberID {
		members := make(map[string][]byte, len(join.Members))
		for _, m := range join.Members {
			members[m.MemberID] = m.ProtocolMetadata
		}
		assignment, err := encodeAssignment(electLeader(members, e.opts.Logger))
		if err != nil {
			return leaderAssignment{}, err
		}
		for _, m := range join.Members {
			sa := kmsg.NewSyncGroupRequestGroupAssignment()
			sa.MemberID = m.MemberID
			sa.MemberAssignment = assignment
			req.GroupAssignment = append(req.GroupAssignment, sa)
		}
	}
	resp, err := req.RequestWith(ctx, e.client)
	if err != nil {
		return leaderAssignment{}, fmt.Errorf("syncing group: %w", err)
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		if errors.Is(err, kerr.UnknownMemberID) {
			e.memberID = ""
		}
		return leaderAssignment{}, fmt.Errorf("syncing group: %w", err)
	}
	return decodeAssignment(resp.MemberAssignment)
}

// heartbeat keeps the membership alive until the coordinator reports a
// rebalance (nil) or another error.
func (e *Elector) heartbeat(ctx context.Context, generation int32) error {
	ticker := time.NewTicker(e.opts.HeartbeatInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
		req := kmsg.NewPtrHeartbeatRequest()
		req.Group = e.opts.GroupID
		req.Generation = generation
		req.MemberID = e.memberID
		resp, err := req.RequestWith(ctx, e.client)
		if err != nil {
			return fmt.Errorf("heartbeat: %w", err)
		}
		err = kerr.ErrorForCode(resp.ErrorCode)
		switch {
		case err == nil:
		case errors.Is(err, kerr.RebalanceInProgress):
			return nil
		case errors.Is(err, kerr.UnknownMemberID):
			e.memberID = ""
			return fmt.Errorf("heartbeat: %w", err)
		default:
			return fmt.Errorf("heartbeat: %w", err)
		}
	}
}

func (e *Elector) applyAssignment(a leaderAssignment) {
	switch {
	case a.Error == assignmentDuplicateURLs:
		e.opts.Logger.Error("schema registry group has members with duplicate URLs; no leader until that is fixed", "group", e.opts.GroupID)
		e.setLeader(nil, false)
	case a.Error != assignmentNoError:
		e.opts.Logger.Error("schema registry group assignment carries an unknown error code", "group", e.opts.GroupID, "error_code", a.Error)
		e.setLeader(nil, false)
	case a.LeaderIdentity == nil:
		e.opts.Logger.Warn("no leader-eligible schema registry instance is in the group; reads work, writes cannot be served", "group", e.opts.GroupID)
		e.setLeader(nil, false)
	default:
		leader := a.LeaderIdentity.identity()
		e.setLeader(&leader, a.Leader == e.memberID)
	}
}

// setLeader records the election result and reports a change through the
// log and OnChange.
func (e *Elector) setLeader(leader *Identity, isLeader bool) {
	e.mu.Lock()
	changed := isLeader != e.isLeader || (leader == nil) != (e.leader == nil) ||
		(leader != nil && *leader != *e.leader)
	e.leader, e.isLeader = leader, isLeader
	e.mu.Unlock()
	if !changed {
		return
	}
	if leader == nil {
		e.opts.Logger.Info("schema registry leader unknown", "group", e.opts.GroupID)
	} else {
		e.opts.Logger.Info("schema registry leader changed", "group", e.opts.GroupID, "leader", leader.URL(), "is_leader", isLeader)
	}
	if e.opts.OnChange != nil {
		var copied *Identity
		if leader != nil {
			c := *leader
			copied = &c
		}
		e.opts.OnChange(copied, isLeader)
	}
}
