package main

import (
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"caseflow/api"
)

// config is caseflow's whole configuration, from the environment, with
// loopback defaults so `caseflow run` works on a laptop as it is.
type config struct {
	TemporalAddress   string
	TemporalNamespace string
	TemporalUIPort    string
	TemporalBin       string
	DatabaseURL       string
	HTTPAddr          string
	PolicyPath        string
	DataDir           string
	SendGridKey       string
	SendGridURL       string
	FromEmail         string
	ReplyTo           string
	PublicURL         string
	Secret            string
	// InboundKey authenticates SendGrid Inbound Parse posts; WebhookKey
	// verifies SendGrid Event Webhook signatures. Each webhook is off without.
	InboundKey string
	WebhookKey *ecdsa.PublicKey
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

// loadConfig reads and checks the environment; every problem is reported at
// once, each naming its variable.
func loadConfig() (config, error) {
	c := config{
		TemporalAddress:   env("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
		TemporalNamespace: env("TEMPORAL_NAMESPACE", "default"),
		TemporalUIPort:    env("TEMPORAL_UI_PORT", "8233"),
		TemporalBin:       env("TEMPORAL_BIN", ""),
		DatabaseURL:       env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/caseflow?sslmode=disable"),
		HTTPAddr:          env("HTTP_ADDR", "127.0.0.1:8080"),
		PolicyPath:        env("CASEFLOW_POLICY", ""),
		DataDir:           env("CASEFLOW_DATA_DIR", ".data"),
		SendGridKey:       env("SENDGRID_API_KEY", ""),
		SendGridURL:       env("SENDGRID_API_URL", "https://api.sendgrid.com"),
		FromEmail:         env("CASEFLOW_FROM_EMAIL", "support@caseflow.localhost"),
		PublicURL:         env("CASEFLOW_PUBLIC_URL", ""),
		Secret:            env("CASEFLOW_SECRET", ""),
		InboundKey:        env("CASEFLOW_INBOUND_KEY", ""),
	}
	c.ReplyTo = env("CASEFLOW_REPLY_TO", c.FromEmail)
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.HTTPAddr
	}
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{name}, args...)...))
	}
	if _, _, err := net.SplitHostPort(c.TemporalAddress); err != nil {
		bad("TEMPORAL_ADDRESS", "%q is not host:port", c.TemporalAddress)
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		bad("HTTP_ADDR", "%q is not host:port", c.HTTPAddr)
	}
	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || strings.Trim(u.Path, "/") == "" {
		bad("DATABASE_URL", "must be a postgres:// URL naming a database")
	}
	for _, kv := range [][2]string{{"CASEFLOW_PUBLIC_URL", c.PublicURL}, {"SENDGRID_API_URL", c.SendGridURL}} {
		name, v := kv[0], kv[1]
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad(name, "%q is not an http(s) URL", v)
		}
	}
	for _, kv := range [][2]string{{"CASEFLOW_FROM_EMAIL", c.FromEmail}, {"CASEFLOW_REPLY_TO", c.ReplyTo}} {
		name, v := kv[0], kv[1]
		if a, err := mail.ParseAddress(v); err != nil || a.Name != "" {
			bad(name, "%q is not a plain email address", v)
		}
	}
	if c.PolicyPath != "" {
		if _, err := os.Stat(c.PolicyPath); err != nil {
			bad("CASEFLOW_POLICY", "cannot read %s", c.PolicyPath)
		}
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		bad("CASEFLOW_SECRET", "must be at least 32 characters")
	}
	if c.InboundKey != "" && len(c.InboundKey) < 16 {
		bad("CASEFLOW_INBOUND_KEY", "must be at least 16 characters")
	}
	if k := env("SENDGRID_WEBHOOK_PUBLIC_KEY", ""); k != "" {
		key, err := api.ParseWebhookKey(k)
		if err != nil {
			bad("SENDGRID_WEBHOOK_PUBLIC_KEY", "must be the Event Webhook's verification key (base64 or PEM): %v", err)
		}
		c.WebhookKey = key
	}
	return c, errors.Join(errs...)
}

// secret is the key that signs customer links. Without CASEFLOW_SECRET it is
// kept in the data directory so links survive restarts on one machine.
func (c config) secret() ([]byte, error) {
	if c.Secret != "" {
		return []byte(c.Secret), nil
	}
	path := filepath.Join(c.DataDir, "link-secret")
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		return b, nil
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("CASEFLOW_DATA_DIR: %w", err)
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	b := []byte(hex.EncodeToString(buf))
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("CASEFLOW_DATA_DIR: %w", err)
	}
	return b, nil
}
