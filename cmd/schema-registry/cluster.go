package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"sync"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/goschemaregistry/registry/storage"
)

// leadership tracks the elected leader for the server. This instance counts
// as the leader only once it has read the log to its end after winning the
// election, so that the ids it assigns follow every id written before.
type leadership struct {
	mu    sync.Mutex
	url   string
	self  bool
	known bool
	// term counts leader changes, so that a catch-up finishing after a
	// newer change does not overwrite it.
	term int
}

// Leader implements server.Leadership.
func (l *leadership) Leader() (string, bool, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.url, l.self, l.known
}

// change records an election result; catchUp is run before this instance
// starts writing as the leader.
func (l *leadership) change(leader *storage.Identity, isLeader bool, catchUp func() error, logger *slog.Logger) {
	l.mu.Lock()
	l.term++
	term := l.term
	l.self, l.known, l.url = false, leader != nil && !isLeader, ""
	if leader != nil {
		l.url = leader.URL()
	}
	l.mu.Unlock()
	if !isLeader {
		return
	}
	go func() {
		if err := catchUp(); err != nil {
			logger.Error("could not catch up with the log after becoming leader", "error", err)
			return
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.term == term {
			l.self, l.known = true, true
		}
	}()
}

// startElection joins the registry group and keeps lead up to date. addr is
// the address the API listens on and scheme its URL scheme, from which the
// advertised URL is derived unless configured.
func startElection(ctx context.Context, cfg config, clientOpts []kgo.Opt, kafka *storage.KafkaLog, view *storage.View,
	addr net.Addr, scheme string, lead *leadership, logger *slog.Logger) (*storage.Elector, error) {
	identity, err := advertisedIdentity(cfg.Cluster.AdvertisedURL, scheme, addr)
	if err != nil {
		return nil, err
	}
	identity.LeaderEligible = cfg.Cluster.LeaderEligibility
	catchUp := func() error {
		offset, err := kafka.Barrier(ctx)
		if err != nil {
			return err
		}
		return view.WaitApplied(ctx, offset)
	}
	return storage.StartElector(ctx, storage.ElectorOptions{
		Brokers:           cfg.Kafka.Brokers,
		GroupID:           cfg.Kafka.GroupID,
		Identity:          identity,
		ClientOptions:     clientOpts,
		SessionTimeout:    cfg.Kafka.SessionTimeout,
		HeartbeatInterval: cfg.Kafka.HeartbeatInterval,
		Logger:            logger,
		OnChange: func(leader *storage.Identity, isLeader bool) {
			lead.change(leader, isLeader, catchUp, logger)
		},
	})
}

// advertisedIdentity is the address other instances forward writes to: the
// configured URL, or scheme://<this host>:<the port listened on>.
func advertisedIdentity(advertised, scheme string, addr net.Addr) (storage.Identity, error) {
	if advertised == "" {
		host, port, err := net.SplitHostPort(addr.String())
		if err != nil {
			return storage.Identity{}, err
		}
		if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
			if host, err = os.Hostname(); err != nil {
				return storage.Identity{}, err
			}
		}
		advertised = scheme + "://" + net.JoinHostPort(host, port)
	}
	u, err := url.Parse(advertised)
	if err != nil || u.Hostname() == "" || u.Port() == "" {
		return storage.Identity{}, fmt.Errorf("cluster.advertised_url %q: want scheme://host:port", advertised)
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		return storage.Identity{}, fmt.Errorf("cluster.advertised_url %q: %w", advertised, err)
	}
	return storage.Identity{Scheme: u.Scheme, Host: u.Hostname(), Port: port}, nil
}
