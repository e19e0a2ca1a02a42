// Package natsbus carries careersbot's live events between instances over NATS
// (nats.go): a Bus whose events reach subscribers on every instance (web chat tabs,
// adviser consoles, Slack relays), and Relay, which makes an adapter whose connections
// live in one process (the web chat's sockets) deliver from whichever instance drains
// the outbox.
//
// Delivery is NATS core: at most once, best effort. The bus publishes to the
// instance's own subscribers directly and to the others through NATS (the connection
// does not echo its own messages), so NATS being down only stops events crossing
// instances; subscribers catch up from the transcript by Seq, as with the memory bus.
// Relay's Send fails (and the outbox retries it) while NATS is unreachable, so a reply
// is never dropped: it reaches the tab once NATS is back, or from the transcript when the
// widget resumes.
package natsbus

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/transcripts"
	"github.com/nats-io/nats.go"
)

// Options configure Connect.
type Options struct {
	// Prefix starts every subject (default "careersbot"); instances of one deployment
	// share it, two deployments on one NATS use different ones.
	Prefix string
	// Name is this instance's connection name as the NATS server shows it.
	Name   string
	Logger *slog.Logger
}

// Conn is one instance's NATS connection with the bus on it.
type Conn struct {
	nc     *nats.Conn
	prefix string
	log    *slog.Logger
	local  *bot.MemoryBus
	sub    *nats.Subscription
}

var _ bot.Bus = (*Conn)(nil)

// Connect connects to the NATS servers at url (comma separated) and subscribes to the
// other instances' events. It keeps trying for ever when the server is down or goes
// away; a bad URL is an error at once.
func Connect(url string, opts Options) (*Conn, error) {
	if opts.Prefix == "" {
		opts.Prefix = "careersbot"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Conn{prefix: opts.Prefix, log: opts.Logger, local: bot.NewMemoryBus()}
	nc, err := nats.Connect(url,
		nats.Name(opts.Name),
		nats.NoEcho(),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond),
		// An instance starts while NATS is down and connects when it is back.
		nats.RetryOnFailedConnect(true),
		// Nothing is buffered while disconnected: a publish then fails at once, so Relay's
		// Send is retried by the outbox instead of being sent twice after reconnecting.
		nats.ReconnectBufSize(-1),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			c.log.Warn("nats disconnected", "err", err)
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			c.log.Info("nats reconnected", "server", nc.ConnectedUrl())
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("natsbus: connect %s: %w", url, err)
	}
	c.nc = nc
	c.sub, err = nc.Subscribe(c.prefix+".events.>", func(m *nats.Msg) {
		var e transcripts.Event
		if err := json.Unmarshal(m.Data, &e); err != nil {
			c.log.Warn("natsbus: bad event", "subject", m.Subject, "err", err)
			return
		}
		c.local.Publish(e)
	})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("natsbus: subscribe: %w", err)
	}
	if !nc.IsConnected() {
		c.log.Warn("nats not reachable yet; live events stay on this instance until it is", "url", url)
	} else if err := nc.Flush(); err != nil {
		nc.Close()
		return nil, fmt.Errorf("natsbus: %w", err)
	}
	return c, nil
}

// NATS is the underlying connection (for tests and status).
func (c *Conn) NATS() *nats.Conn { return c.nc }

// Close drains the subscriptions and closes the connection.
func (c *Conn) Close() error {
	if err := c.nc.Drain(); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
		c.nc.Close()
		return err
	}
	return nil
}

// subject is the conversation's event subject. Keys are base64url-encoded so dots,
// spaces and wildcards in platform ids stay one subject token.
func (c *Conn) subject(kind, key string) string {
	return c.prefix + "." + kind + "." + base64.RawURLEncoding.EncodeToString([]byte(key))
}

// Publish implements bot.Bus: to this instance's subscribers and, through NATS, the
// others'. It never blocks; while NATS is unreachable other instances miss the event.
func (c *Conn) Publish(e transcripts.Event) {
	c.local.Publish(e)
	b, err := json.Marshal(e)
	if err != nil {
		c.log.Error("natsbus: encode event", "err", err)
		return
	}
	if err := c.nc.Publish(c.subject("events", e.Conversation), b); err != nil {
		c.log.Debug("natsbus: event not published", "conversation", e.Conversation, "err", err)
	}
}

// Subscribe implements bot.Bus: events of the conversation ("" for all) from every
// instance.
func (c *Conn) Subscribe(conversation string, buffer int) (<-chan transcripts.Event, func()) {
	return c.local.Subscribe(conversation, buffer)
}

// Relay wraps an adapter whose connections are held by one process (the web chat): its
// Send delivers to the connections on this instance and publishes the message so every
// other instance delivers it to theirs. Run, Mount and Capabilities are the adapter's.
func (c *Conn) Relay(a bot.Adapter) (*Relay, error) {
	r := &Relay{Adapter: a, c: c, subject: c.subject("send", a.Name())}
	sub, err := c.nc.Subscribe(r.subject, func(m *nats.Msg) {
		var msg bot.Message
		if err := json.Unmarshal(m.Data, &msg); err != nil {
			c.log.Warn("natsbus: bad relayed message", "err", err)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := a.Send(ctx, msg); err != nil {
			c.log.Debug("natsbus: relayed delivery failed", "channel", a.Name(), "err", err)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("natsbus: subscribe: %w", err)
	}
	r.sub = sub
	return r, nil
}

// Relay is an adapter whose Send reaches its connections on every instance.
type Relay struct {
	bot.Adapter
	c       *Conn
	subject string
	sub     *nats.Subscription
}

var (
	_ bot.HTTPMounter        = (*Relay)(nil)
	_ bot.CapabilityReporter = (*Relay)(nil)
)

// Send publishes m to the other instances and delivers it to this one's connections. It
// fails with a retryable error when NATS did not take the message, so the outbox tries
// again.
func (r *Relay) Send(ctx context.Context, m bot.Message) error {
	b, err := json.Marshal(m)
	if err != nil {
		return &bot.SendError{Err: fmt.Errorf("natsbus: encode: %w", err)}
	}
	if err := r.c.nc.Publish(r.subject, b); err != nil {
		return &bot.SendError{Retry: true, After: time.Second, Err: fmt.Errorf("natsbus: relay: %w", err)}
	}
	fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := r.c.nc.FlushWithContext(fctx); err != nil {
		return &bot.SendError{Retry: true, After: time.Second, Err: fmt.Errorf("natsbus: relay: %w", err)}
	}
	// Only once NATS has it: a retry never shows this instance's tabs a frame twice
	// (and the widget drops a repeated seq anyway).
	return r.Adapter.Send(ctx, m)
}

// Mount serves the adapter's routes.
func (r *Relay) Mount(mux *http.ServeMux) {
	if m, ok := r.Adapter.(bot.HTTPMounter); ok {
		m.Mount(mux)
	}
}

// Capabilities are the adapter's.
func (r *Relay) Capabilities() bot.Capabilities {
	if cr, ok := r.Adapter.(bot.CapabilityReporter); ok {
		return cr.Capabilities()
	}
	return bot.Capabilities{}
}
