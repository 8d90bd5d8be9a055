package main

import (
	"crypto/tls"
	"strings"
	"testing"

	"github.com/goschemaregistry/registry/internal/testpki"
)

func TestSASLMechanism(t *testing.T) {
	for _, name := range saslMechanisms {
		var c kafkaConfig
		c.SASL.Mechanism, c.SASL.Username, c.SASL.Password = name, "u", "p"
		mechanism := saslMechanism(c)
		switch {
		case name == "" && mechanism != nil:
			t.Errorf("no mechanism configured, got %s", mechanism.Name())
		case name != "" && (mechanism == nil || mechanism.Name() != name):
			t.Errorf("mechanism %s: got %v", name, mechanism)
		}
	}
}

func TestKafkaClientOptions(t *testing.T) {
	ca := testpki.New(t, "kafka")
	_, certFile, keyFile := ca.Issue("client")
	cases := []struct {
		name    string
		set     func(*kafkaConfig)
		options int
		err     string
	}{
		{"plaintext", func(c *kafkaConfig) {}, 0, ""},
		{"TLS with system roots", func(c *kafkaConfig) { c.TLS.Enabled = true }, 1, ""},
		{"TLS with CA and client certificate, SASL", func(c *kafkaConfig) {
			c.TLS.Enabled, c.TLS.CAFile, c.TLS.CertFile, c.TLS.KeyFile = true, ca.CAFile, certFile, keyFile
			c.SASL.Mechanism, c.SASL.Username = "PLAIN", "u"
		}, 2, ""},
		{"missing CA file", func(c *kafkaConfig) { c.TLS.Enabled, c.TLS.CAFile = true, ca.CAFile+".missing" }, 0, "kafka.tls.ca_file"},
		{"CA file without certificates", func(c *kafkaConfig) { c.TLS.Enabled, c.TLS.CAFile = true, keyFile }, 0, "no PEM certificate"},
		{"key not matching", func(c *kafkaConfig) {
			c.TLS.Enabled, c.TLS.CertFile, c.TLS.KeyFile = true, certFile, certFile
		}, 0, "kafka.tls.cert_file, kafka.tls.key_file"},
	}
	for _, c := range cases {
		var cfg kafkaConfig
		c.set(&cfg)
		opts, err := kafkaClientOptions(cfg)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || len(opts) != c.options {
			t.Errorf("%s: got %d options, err %v; want %d", c.name, len(opts), err, c.options)
		}
	}
}

func TestListenerTLS(t *testing.T) {
	ca := testpki.New(t, "api")
	_, certFile, keyFile := ca.Issue("server")
	if cfg, err := listenerTLS(listenerTLSConfig{}); cfg != nil || err != nil {
		t.Errorf("no certificate: got %v, %v; want plain HTTP", cfg, err)
	}
	modes := map[string]tls.ClientAuthType{
		"none":    tls.NoClientCert,
		"request": tls.VerifyClientCertIfGiven,
		"require": tls.RequireAndVerifyClientCert,
	}
	for mode, want := range modes {
		cfg, err := listenerTLS(listenerTLSConfig{CertFile: certFile, KeyFile: keyFile, ClientCAFile: ca.CAFile, ClientAuth: mode})
		if err != nil || cfg.ClientAuth != want || cfg.ClientCAs == nil {
			t.Errorf("client_auth %s: got %v, err %v", mode, cfg, err)
		}
	}
	if _, err := listenerTLS(listenerTLSConfig{CertFile: certFile, KeyFile: ca.CAFile}); err == nil {
		t.Error("a key not matching the certificate was accepted")
	}
	if _, err := listenerTLS(listenerTLSConfig{CertFile: certFile, KeyFile: keyFile, ClientCAFile: keyFile}); err == nil ||
		!strings.Contains(err.Error(), "tls.client_ca_file") {
		t.Errorf("a client CA file without certificates: %v", err)
	}
}

func TestForwardTLS(t *testing.T) {
	ca := testpki.New(t, "api")
	other := testpki.New(t, "other")
	_, certFile, keyFile := ca.Issue("server")
	base := listenerTLSConfig{CertFile: certFile, KeyFile: keyFile, ClientCAFile: ca.CAFile}
	listener, err := listenerTLS(base)
	if err != nil {
		t.Fatal(err)
	}
	// Trust comes from tls.ca_file, else tls.client_ca_file, else the
	// system roots; the instance's own certificate is presented.
	fromClientCA, err := forwardTLS(base, listener)
	if err != nil || fromClientCA.RootCAs != listener.ClientCAs || len(fromClientCA.Certificates) != 1 {
		t.Errorf("default trust: %v, %v", fromClientCA, err)
	}
	withCAFile := base
	withCAFile.CAFile = other.CAFile
	fromCAFile, err := forwardTLS(withCAFile, listener)
	if err != nil || fromCAFile.RootCAs == nil || fromCAFile.RootCAs.Equal(listener.ClientCAs) {
		t.Errorf("tls.ca_file: %v, %v", fromCAFile, err)
	}
	noCA := base
	noCA.ClientCAFile = ""
	plainListener, err := listenerTLS(noCA)
	if err != nil {
		t.Fatal(err)
	}
	if system, err := forwardTLS(noCA, plainListener); err != nil || system.RootCAs != nil {
		t.Errorf("system roots: %v, %v", system, err)
	}
}
