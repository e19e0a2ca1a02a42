package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/bot/natsbus"
	"github.com/careersbot/careersbot/bot/pgstore"
	"github.com/careersbot/careersbot/transcripts"
	"github.com/prometheus/client_golang/prometheus"
)

// serveStorage is what serve and the transcript tools need from a storage: SQLite
// (bot.SQLiteStorage) and PostgreSQL (pgstore.Store) both have it, the handoff side
// (API keys, advisers' accounts and sessions, canned replies, escalations) included.
type serveStorage interface {
	bot.Storage
	bot.HandoffStore
	Close() error
	Each(ctx context.Context, since time.Time, fn func(transcripts.Event) error) error
	LastSeq(ctx context.Context, conversation string) (int64, error)
	Stats(ctx context.Context, since time.Time) (transcripts.Stats, error)
}

// openStorage opens the configured storage. migrate applies pending PostgreSQL
// migrations (serve, unless storage.migrate is false); without it a database whose
// schema is behind is an error naming `careersbot db migrate`.
func openStorage(ctx context.Context, cfg serveConfig, migrate bool) (serveStorage, error) {
	switch cfg.Storage.Driver {
	case "postgres":
		return pgstore.Open(ctx, cfg.Storage.DSN, pgOptions(cfg, migrate))
	default:
		return bot.OpenSQLiteStorageWith(ctx, cfg.Storage.Path, transcripts.OpenOptions{Synchronous: cfg.Storage.Synchronous})
	}
}

func pgOptions(cfg serveConfig, migrate bool) pgstore.Options {
	return pgstore.Options{
		MaxConns:        int32(cfg.Storage.Pool.MaxConns),
		MinConns:        int32(cfg.Storage.Pool.MinConns),
		MaxConnLifetime: time.Duration(cfg.Storage.Pool.MaxConnLifetime),
		ClaimLease:      time.Duration(cfg.Storage.Pool.OutboxLease),
		Migrate:         migrate,
	}
}

// registerStorageMetrics adds careersbot_postgres_round_trips_total when the storage
// counts its round trips (PostgreSQL).
func registerStorageMetrics(m *bot.Metrics, store serveStorage) {
	rt, ok := store.(interface{ RoundTrips() int64 })
	if !ok {
		return
	}
	m.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "careersbot_postgres_round_trips_total", Help: "Queries and batches sent to PostgreSQL (one network round trip each).",
	}, func() float64 { return float64(rt.RoundTrips()) }))
}

// storageName says where the data is, for logs (a DSN's password hidden).
func storageName(cfg serveConfig) string {
	if cfg.Storage.Driver == "postgres" {
		return redactDSN(cfg.Storage.DSN)
	}
	return cfg.Storage.Path
}

// serveBus is the configured bus, and for NATS the relay that lets the web chat's
// sockets on every instance get the replies whichever instance sends them.
type serveBus struct {
	bus   bot.Bus // nil: the service's in-process bus
	nats  *natsbus.Conn
	close func() error
}

func openBus(cfg serveConfig, log *slog.Logger) (serveBus, error) {
	if cfg.Bus.Driver != "nats" {
		return serveBus{close: func() error { return nil }}, nil
	}
	host, _ := os.Hostname()
	c, err := natsbus.Connect(cfg.Bus.URL, natsbus.Options{Prefix: cfg.Bus.Prefix, Name: "careersbot " + host, Logger: log.With("bus", "nats")})
	if err != nil {
		return serveBus{}, fmt.Errorf("bus: %w", err)
	}
	return serveBus{bus: c, nats: c, close: c.Close}, nil
}

// relay wraps an adapter whose connections live in this process (the web chat) so the
// outbox can deliver its messages from any instance.
func (b serveBus) relay(a bot.Adapter) (bot.Adapter, error) {
	if b.nats == nil {
		return a, nil
	}
	return b.nats.Relay(a)
}
