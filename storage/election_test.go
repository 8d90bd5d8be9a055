package storage

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func TestMemberMetadataJSON(t *testing.T) {
	got, err := encodeMemberMetadata(Identity{Host: "sr-1", Port: 8081, LeaderEligible: true})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"version":1,"host":"sr-1","port":8081,"scheme":"http","master_eligibility":true}`
	if string(got) != want {
		t.Fatalf("metadata = %s, want %s", got, want)
	}

	tests := []struct {
		name    string
		json    string
		want    Identity
		wantErr bool
	}{
		{
			name: "Confluent with sticky leader flag",
			json: `{"host":"sr-2","port":8085,"master_eligibility":false,"scheme":"https","version":1,"leader":false}`,
			want: Identity{Host: "sr-2", Port: 8085, Scheme: "https"},
		},
		{
			name: "Karapace version 2",
			json: `{"version":2,"host":"kp","port":8081,"scheme":"http","master_eligibility":true}`,
			want: Identity{Host: "kp", Port: 8081, Scheme: "http", LeaderEligible: true},
		},
		{name: "not JSON", json: `{"host":`, wantErr: true},
		{name: "no host", json: `{"port":8081,"master_eligibility":true}`, wantErr: true},
		{name: "port out of range", json: `{"host":"a","port":70000}`, wantErr: true},
		{name: "unknown scheme", json: `{"host":"a","port":1,"scheme":"ftp"}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeMemberMetadata([]byte(tt.json))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("identity = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestAssignmentJSON(t *testing.T) {
	leader := Identity{Host: "sr-1", Port: 8081, LeaderEligible: true}.toJSON()
	encodeTests := []struct {
		name string
		in   leaderAssignment
		want string
	}{
		{
			name: "leader",
			in:   leaderAssignment{Version: 1, Leader: "m-1", LeaderIdentity: &leader},
			want: `{"version":1,"error":0,"master":"m-1","master_identity":{"version":1,"host":"sr-1","port":8081,"scheme":"http","master_eligibility":true}}`,
		},
		{
			name: "no eligible member",
			in:   leaderAssignment{Version: 1},
			want: `{"version":1,"error":0}`,
		},
	}
	for _, tt := range encodeTests {
		t.Run("encode "+tt.name, func(t *testing.T) {
			got, err := encodeAssignment(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("assignment = %s, want %s", got, tt.want)
			}
		})
	}

	decodeTests := []struct {
		name       string
		json       string
		wantLeader string
		wantError  int16
		wantErr    bool
	}{
		{
			name:       "Confluent leader",
			json:       `{"version":1,"error":0,"master":"sr-abc","master_identity":{"host":"h","port":8081,"master_eligibility":true,"scheme":"http","version":1,"leader":false}}`,
			wantLeader: "sr-abc",
		},
		{
			name:       "Confluent duplicate URLs",
			json:       `{"version":1,"error":1,"master":"sr-abc","master_identity":{"host":"h","port":8081,"master_eligibility":true,"scheme":"http","version":1}}`,
			wantLeader: "sr-abc",
			wantError:  assignmentDuplicateURLs,
		},
		{name: "no eligible member", json: `{"version":1,"error":0}`},
		{name: "not JSON", json: `[`, wantErr: true},
		{name: "leader without identity", json: `{"version":1,"error":0,"master":"x"}`, wantErr: true},
		{name: "bad leader identity", json: `{"version":1,"error":0,"master":"x","master_identity":{"port":1}}`, wantErr: true},
	}
	for _, tt := range decodeTests {
		t.Run("decode "+tt.name, func(t *testing.T) {
			got, err := decodeAssignment([]byte(tt.json))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got.Leader != tt.wantLeader || got.Error != tt.wantError {
				t.Fatalf("assignment = %+v, want leader %q error %d", got, tt.wantLeader, tt.wantError)
			}
		})
	}
}

func TestElectLeader(t *testing.T) {
	meta := func(url string, eligible bool) []byte {
		var id Identity
		switch url {
		case "a":
			id = Identity{Host: "a", Port: 8081}
		case "b":
			id = Identity{Host: "b", Port: 8081}
		case "a-https":
			id = Identity{Host: "a", Port: 8081, Scheme: "https"}
		}
		id.LeaderEligible = eligible
		b, err := encodeMemberMetadata(id)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name       string
		members    map[string][]byte
		wantLeader string
		wantError  int16
	}{
		{
			name:       "lowest URL wins",
			members:    map[string][]byte{"m1": meta("b", true), "m2": meta("a", true)},
			wantLeader: "m2",
		},
		{
			name:       "scheme is part of the URL",
			members:    map[string][]byte{"m1": meta("a-https", true), "m2": meta("a", true)},
			wantLeader: "m2",
		},
		{
			name:       "ineligible member never leads",
			members:    map[string][]byte{"m1": meta("a", false), "m2": meta("b", true)},
			wantLeader: "m2",
		},
		{
			name:    "no eligible member",
			members: map[string][]byte{"m1": meta("a", false)},
		},
		{
			name:       "duplicate URLs",
			members:    map[string][]byte{"m1": meta("a", true), "m2": meta("a", true)},
			wantLeader: "m1",
			wantError:  assignmentDuplicateURLs,
		},
		{
			name:       "bad metadata is skipped",
			members:    map[string][]byte{"m1": []byte("garbage"), "m2": meta("b", true)},
			wantLeader: "m2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := electLeader(tt.members, discardLogger())
			if got.Leader != tt.wantLeader || got.Error != tt.wantError {
				t.Fatalf("assignment = %+v, want leader %q error %d", got, tt.wantLeader, tt.wantError)
			}
			if (got.LeaderIdentity != nil) != (tt.wantLeader != "") {
				t.Fatalf("leader identity = %+v for leader %q", got.LeaderIdentity, tt.wantLeader)
			}
		})
	}
}

func TestStartElectorRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts ElectorOptions
	}{
		{name: "no brokers", opts: ElectorOptions{Identity: Identity{Host: "a", Port: 1}}},
		{name: "no host", opts: ElectorOptions{Brokers: []string{"localhost:1"}, Identity: Identity{Port: 1}}},
		{name: "bad port", opts: ElectorOptions{Brokers: []string{"localhost:1"}, Identity: Identity{Host: "a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if e, err := StartElector(t.Context(), tt.opts); err == nil {
				e.Close()
				t.Fatal("StartElector succeeded")
			}
		})
	}
}

func discardLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func newElectionCluster(t *testing.T) []string {
	t.Helper()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	return cluster.ListenAddrs()
}

func startTestElector(t *testing.T, brokers []string, group string, id Identity) *Elector {
	t.Helper()
	e, err := StartElector(t.Context(), ElectorOptions{
		Brokers:           brokers,
		GroupID:           group,
		Identity:          id,
		SessionTimeout:    6 * time.Second,
		RebalanceTimeout:  5 * time.Second,
		HeartbeatInterval: 50 * time.Millisecond,
		Logger:            discardLogger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitWithin(t, 10*time.Second, what, cond)
}

func waitWithin(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// agreeOn reports whether every elector knows want as the leader and
// exactly the one at want's URL believes it leads.
func agreeOn(electors []*Elector, want Identity) bool {
	for _, e := range electors {
		leader, ok := e.Leader()
		if !ok || leader.URL() != want.URL() || e.IsLeader() != (e.opts.Identity.URL() == want.URL()) {
			return false
		}
	}
	return true
}

func TestElectorSingleMemberLeadsItself(t *testing.T) {
	brokers := newElectionCluster(t)
	id := Identity{Host: "sr-1", Port: 8081, LeaderEligible: true}
	changes := make(chan bool, 10)
	e, err := StartElector(t.Context(), ElectorOptions{
		Brokers:  brokers,
		Identity: id,
		Logger:   discardLogger(),
		OnChange: func(_ *Identity, isLeader bool) { changes <- isLeader },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	waitFor(t, "self leadership", func() bool { return agreeOn([]*Elector{e}, id) })
	if isLeader := <-changes; !isLeader {
		t.Fatal("OnChange reported isLeader false")
	}
	if err := e.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, ok := e.Leader(); ok || e.IsLeader() {
		t.Fatal("closed elector still reports a leader")
	}
}

func TestElectorsAgreeAndFailOver(t *testing.T) {
	brokers := newElectionCluster(t)
	ids := []Identity{
		{Host: "sr-c", Port: 8081, LeaderEligible: true},
		{Host: "sr-a", Port: 8081, LeaderEligible: false}, // lowest URL, but ineligible
		{Host: "sr-b", Port: 8081, LeaderEligible: true},
	}
	var electors []*Elector
	for _, id := range ids {
		electors = append(electors, startTestElector(t, brokers, "sr-group", id))
	}
	waitFor(t, "agreement on sr-b", func() bool { return agreeOn(electors, ids[2]) })

	if err := electors[2].Close(); err != nil {
		t.Fatalf("closing the leader: %v", err)
	}
	// Well inside the 6 s session timeout: Close must have left the group
	// rather than let the coordinator time the member out.
	waitWithin(t, 3*time.Second, "failover to sr-c", func() bool { return agreeOn(electors[:2], ids[0]) })

	if err := electors[0].Close(); err != nil {
		t.Fatalf("closing the second leader: %v", err)
	}
	// Only the ineligible member is left: it must not lead.
	waitFor(t, "no leader", func() bool {
		_, ok := electors[1].Leader()
		return !ok && !electors[1].IsLeader()
	})
}

// TestElectorWireFormat reads the group back from the broker, as a Confluent
// member would see it.
func TestElectorWireFormat(t *testing.T) {
	brokers := newElectionCluster(t)
	id := Identity{Host: "sr-1", Port: 8081, LeaderEligible: true}
	e := startTestElector(t, brokers, "sr-wire", id)
	waitFor(t, "leadership", e.IsLeader)

	client, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	req := kmsg.NewPtrDescribeGroupsRequest()
	req.Groups = []string{"sr-wire"}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	resp, err := req.RequestWith(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Groups) != 1 || len(resp.Groups[0].Members) != 1 {
		t.Fatalf("describe groups = %+v", resp.Groups)
	}
	group := resp.Groups[0]
	if group.ProtocolType != "sr" || group.Protocol != "v0" {
		t.Fatalf("protocol = %q/%q, want sr/v0", group.ProtocolType, group.Protocol)
	}
	member := group.Members[0]
	const wantMetadata = `{"version":1,"host":"sr-1","port":8081,"scheme":"http","master_eligibility":true}`
	if string(member.ProtocolMetadata) != wantMetadata {
		t.Fatalf("member metadata = %s, want %s", member.ProtocolMetadata, wantMetadata)
	}
	wantAssignment := `{"version":1,"error":0,"master":"` + member.MemberID + `","master_identity":` + wantMetadata + `}`
	if string(member.MemberAssignment) != wantAssignment {
		t.Fatalf("assignment = %s, want %s", member.MemberAssignment, wantAssignment)
	}
}
