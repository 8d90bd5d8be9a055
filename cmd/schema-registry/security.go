package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// listenerTLS returns the TLS configuration of the API listener, or nil when
// tls.cert_file is not set and the API is plain HTTP.
func listenerTLS(c listenerTLSConfig) (*tls.Config, error) {
	if c.CertFile == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("tls.cert_file, tls.key_file: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if c.ClientCAFile != "" {
		if cfg.ClientCAs, err = loadCertPool(c.ClientCAFile); err != nil {
			return nil, fmt.Errorf("tls.client_ca_file: %w", err)
		}
	}
	switch c.ClientAuth {
	case "request":
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
	case "require":
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// forwardTLS is the client side of listener when a follower forwards a write
// to the leader: it trusts tls.ca_file (default tls.client_ca_file, else the
// system roots) and presents this instance's own certificate, so that a
// leader requiring client certificates accepts forwarded requests.
func forwardTLS(c listenerTLSConfig, listener *tls.Config) (*tls.Config, error) {
	cfg := &tls.Config{Certificates: listener.Certificates, MinVersion: tls.VersionTLS12}
	var err error
	switch {
	case c.CAFile != "":
		if cfg.RootCAs, err = loadCertPool(c.CAFile); err != nil {
			return nil, fmt.Errorf("tls.ca_file: %w", err)
		}
	case c.ClientCAFile != "":
		cfg.RootCAs = listener.ClientCAs
	}
	return cfg, nil
}

// kafkaClientOptions are the options every Kafka client of the registry adds
// to its own: TLS and SASL.
func kafkaClientOptions(c kafkaConfig) ([]kgo.Opt, error) {
	var opts []kgo.Opt
	if c.TLS.Enabled {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.TLS.InsecureSkipVerify}
		if c.TLS.CAFile != "" {
			var err error
			if cfg.RootCAs, err = loadCertPool(c.TLS.CAFile); err != nil {
				return nil, fmt.Errorf("kafka.tls.ca_file: %w", err)
			}
		}
		if c.TLS.CertFile != "" {
			cert, err := tls.LoadX509KeyPair(c.TLS.CertFile, c.TLS.KeyFile)
			if err != nil {
				return nil, fmt.Errorf("kafka.tls.cert_file, kafka.tls.key_file: %w", err)
			}
			cfg.Certificates = []tls.Certificate{cert}
		}
		// kgo fills in ServerName from each broker's host.
		opts = append(opts, kgo.DialTLSConfig(cfg))
	}
	if mechanism := saslMechanism(c); mechanism != nil {
		opts = append(opts, kgo.SASL(mechanism))
	}
	return opts, nil
}

// saslMechanism is the SASL mechanism kafka.sasl names, or nil for none.
func saslMechanism(c kafkaConfig) sasl.Mechanism {
	s := c.SASL
	switch s.Mechanism {
	case "PLAIN":
		return plain.Auth{User: s.Username, Pass: s.Password}.AsMechanism()
	case "SCRAM-SHA-256":
		return scram.Auth{User: s.Username, Pass: s.Password}.AsSha256Mechanism()
	case "SCRAM-SHA-512":
		return scram.Auth{User: s.Username, Pass: s.Password}.AsSha512Mechanism()
	}
	return nil
}

// loadCertPool reads PEM certificates from path.
func loadCertPool(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New(path + ": no PEM certificate found")
	}
	return pool, nil
}
