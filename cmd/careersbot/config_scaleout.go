package main

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// poolConfig is storage.pool: the PostgreSQL connection pool of one instance.
type poolConfig struct {
	MaxConns        int      `yaml:"max_conns"`         // default 16
	MinConns        int      `yaml:"min_conns"`         // default 2
	MaxConnLifetime duration `yaml:"max_conn_lifetime"` // default 1h
	// OutboxLease is how long an instance holds the outbox items it is sending; a dead
	// instance's items are sent by another after it (default 45s).
	OutboxLease duration `yaml:"outbox_lease"`
}

// busConfig is bus: how live events travel. memory keeps them in the process (one
// instance); nats carries them between instances.
type busConfig struct {
	Driver string `yaml:"driver"` // memory (default) or nats
	URL    string `yaml:"url"`    // nats://host:4222 (comma separated for a cluster)
	Prefix string `yaml:"subject_prefix"`
}

// finishScaleOut checks the storage and bus settings of a deployment of several
// instances: PostgreSQL needs a dsn, NATS a url, and several instances on SQLite or
// on the memory bus would not see each other.
func (c *serveConfig) finishScaleOut(where string) error {
	switch c.Storage.Driver {
	case "sqlite":
	case "postgres":
		if c.Storage.DSN == "" {
			return fmt.Errorf("%s: storage.dsn is required with storage.driver postgres (e.g. postgres://careersbot@db:5432/careersbot, env CAREERSBOT_DB_DSN)", where)
		}
		if !strings.Contains(c.Storage.DSN, "://") && !strings.Contains(c.Storage.DSN, "=") {
			return fmt.Errorf("%s: storage.dsn %q: want a postgres:// URL or key=value settings", where, redactDSN(c.Storage.DSN))
		}
		if c.Storage.Path != "" {
			return fmt.Errorf("%s: storage.path is for sqlite; with postgres set storage.dsn only", where)
		}
	default:
		return fmt.Errorf("%s: storage.driver %q: want sqlite or postgres", where, c.Storage.Driver)
	}
	p := c.Storage.Pool
	if p.MaxConns > 1000 || p.MinConns > 1000 {
		return fmt.Errorf("%s: storage.pool: at most 1000 connections", where)
	}
	if p.MaxConns > 0 && p.MinConns > p.MaxConns {
		return fmt.Errorf("%s: storage.pool.min_conns %d is above max_conns %d", where, p.MinConns, p.MaxConns)
	}
	if p.OutboxLease != 0 && time.Duration(p.OutboxLease) < time.Second {
		return fmt.Errorf("%s: storage.pool.outbox_lease must be at least 1s", where)
	}
	if p.MaxConnLifetime != 0 && time.Duration(p.MaxConnLifetime) < time.Second {
		return fmt.Errorf("%s: storage.pool.max_conn_lifetime must be at least 1s", where)
	}
	switch c.Bus.Driver {
	case "memory":
	case "nats":
		if c.Bus.URL == "" {
			return fmt.Errorf("%s: bus.url is required with bus.driver nats (e.g. nats://nats:4222, env CAREERSBOT_NATS_URL)", where)
		}
		if c.Storage.Driver != "postgres" {
			return fmt.Errorf("%s: bus.driver nats is for several instances, which need storage.driver postgres (one process owns a SQLite file)", where)
		}
	default:
		return fmt.Errorf("%s: bus.driver %q: want memory or nats", where, c.Bus.Driver)
	}
	if c.Bus.Prefix == "" || strings.ContainsAny(c.Bus.Prefix, " *>.") {
		return fmt.Errorf("%s: bus.subject_prefix %q: want one NATS subject token (letters, digits, - or _)", where, c.Bus.Prefix)
	}
	return nil
}

// redactDSN hides a password in a DSN for messages and logs.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return dsn
}
