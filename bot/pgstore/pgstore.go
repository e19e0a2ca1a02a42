// Package pgstore keeps careersbot's storage in PostgreSQL (pgx v5), so several
// `careersbot serve` instances can share it: it implements bot.Storage (conversation
// state, delivery records, the outbox) and transcripts.Store, with versioned migrations
// (Migrate, Status).
//
// Turns are ordered across instances by a fencing version per conversation (see
// docs/architecture.md): one commit is one call of the careersbot_commit function, a
// single round trip that locks the conversation's clock row, refuses a turn computed
// from an older version (bot.ErrConflict), and writes events, state, outbox rows and
// the delivery record together. The outbox is claimed with FOR UPDATE SKIP LOCKED and a
// lease, one conversation's oldest pending item at a time, so whichever instances are
// alive drain it in each conversation's order.
package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/transcripts"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options tune the store. The zero value of each field gets a default.
type Options struct {
	// MaxConns and MinConns size the connection pool (defaults 16 and 2).
	MaxConns, MinConns int32
	// MaxConnLifetime recycles connections (default 1h).
	MaxConnLifetime time.Duration
	// ClaimLease is how long an instance holds the outbox items it is delivering; items
	// of an instance that died are taken over when it ends (default 45s, longer than a
	// send's 30 s timeout so a slow send is not repeated by another instance).
	ClaimLease time.Duration
	// Migrate applies pending migrations when opening (serve does; the tests do).
	Migrate bool
}

// Store is bot.Storage in PostgreSQL.
type Store struct {
	pool   *pgxpool.Pool
	redact *transcripts.Redactor
	lease  time.Duration
	trips  atomic.Int64
}

var (
	_ bot.SharedStorage  = (*Store)(nil)
	_ bot.OutboxReleaser = (*Store)(nil)
	_ transcripts.Store  = (*Store)(nil)
)

// SharedByInstances marks the store as shared by several instances (bot.SharedStorage).
func (s *Store) SharedByInstances() {}

// Open connects to the database at dsn (a postgres:// URL or key=value string) and,
// with opts.Migrate, brings its schema up to date. It fails when the schema is older
// than this build and opts.Migrate is off.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("pgstore: bad dsn: %w", err)
	}
	cfg.MaxConns, cfg.MinConns = 16, 2
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.MinConns > 0 {
		cfg.MinConns = min(opts.MinConns, cfg.MaxConns)
	}
	cfg.MaxConnLifetime = time.Hour
	if opts.MaxConnLifetime > 0 {
		cfg.MaxConnLifetime = opts.MaxConnLifetime
	}
	s := &Store{redact: transcripts.NewRedactor(), lease: 45 * time.Second}
	if opts.ClaimLease > 0 {
		s.lease = opts.ClaimLease
	}
	cfg.ConnConfig.Tracer = (*tripCounter)(&s.trips)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: connect: %w", err)
	}
	s.pool = pool
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: connect: %w", err)
	}
	if opts.Migrate {
		if _, err := Migrate(ctx, pool); err != nil {
			pool.Close()
			return nil, err
		}
	} else {
		ms, _, err := Status(ctx, pool)
		if err != nil {
			pool.Close()
			return nil, err
		}
		for _, m := range ms {
			if m.Applied.IsZero() {
				pool.Close()
				return nil, fmt.Errorf("pgstore: migration %04d_%s is not applied: run `careersbot db migrate`", m.Version, m.Name)
			}
		}
	}
	s.trips.Store(0)
	return s, nil
}

// Pool is the connection pool (for `careersbot db` and tests).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// RoundTrips is how many queries and batches were sent to PostgreSQL since Open: each
// is one network round trip.
func (s *Store) RoundTrips() int64 { return s.trips.Load() }

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping implements bot.Storage.
func (s *Store) Ping(ctx context.Context) error {
	return s.pool.Ping(ctx)
}

// Conversation implements bot.StateStore. The conversation's Version is set even when
// there is no stored state (it was erased, or only events were written).
func (s *Store) Conversation(ctx context.Context, key string) (bot.Conversation, bool, error) {
	var data []byte
	var version int64
	err := s.pool.QueryRow(ctx, `SELECT (SELECT data FROM conversations WHERE key=$1),
		COALESCE((SELECT version FROM conversation_clock WHERE key_hash=$2), 0)`,
		key, transcripts.KeyHash(key)).Scan(&data, &version)
	if err != nil {
		return bot.Conversation{}, false, fmt.Errorf("pgstore: load conversation: %w", err)
	}
	if data == nil {
		return bot.Conversation{Version: version}, false, nil
	}
	var c bot.Conversation
	if err := json.Unmarshal(data, &c); err != nil {
		return bot.Conversation{}, false, fmt.Errorf("pgstore: decode conversation %s: %w", key, err)
	}
	c.Version = version
	return c, true, nil
}

// Delivered implements bot.DedupStore.
func (s *Store) Delivered(ctx context.Context, channel, id string) (bot.Delivery, bool, error) {
	var d bot.Delivery
	err := s.pool.QueryRow(ctx, `SELECT conversation, first_seq, last_seq FROM deliveries WHERE channel=$1 AND id=$2`,
		channel, id).Scan(&d.Conversation, &d.FirstSeq, &d.LastSeq)
	if errors.Is(err, pgx.ErrNoRows) {
		return bot.Delivery{}, false, nil
	}
	if err != nil {
		return bot.Delivery{}, false, fmt.Errorf("pgstore: dedup: %w", err)
	}
	return d, true, nil
}

// commitEvent is one element of careersbot_commit's p_events.
type commitEvent struct {
	Channel      string          `json:"channel"`
	Kind         string          `json:"kind"`
	Time         int64           `json:"time"`
	Text         string          `json:"text"`
	Intent       string          `json:"intent,omitempty"`
	Rule         string          `json:"rule,omitempty"`
	Sources      string          `json:"sources,omitempty"`
	Handoff      bool            `json:"handoff,omitempty"`
	Safeguarding bool            `json:"safeguarding,omitempty"`
	Feedback     string          `json:"feedback,omitempty"`
	Payload      []byte          `json:"payload,omitempty"`
	Msg          json.RawMessage `json:"msg,omitempty"`
}

// prepare redacts and completes an event as transcripts.SQLite does.
func (s *Store) prepare(e *transcripts.Event, now time.Time) error {
	if e.Conversation == "" {
		return errors.New("pgstore: event without conversation")
	}
	if e.Time.IsZero() {
		e.Time = now
	}
	if e.Kind == transcripts.KindUser || e.Kind == transcripts.KindAdviser || e.Kind == transcripts.KindNote {
		e.Text = s.redact.Redact(e.Text)
	}
	return nil
}

func toCommitEvent(e transcripts.Event) commitEvent {
	return commitEvent{Channel: e.Channel, Kind: e.Kind, Time: e.Time.UnixMicro(), Text: e.Text, Intent: e.Intent,
		Rule: e.Rule, Sources: strings.Join(e.Sources, ","), Handoff: e.Handoff, Safeguarding: e.Safeguarding,
		Feedback: e.Feedback, Payload: e.Payload}
}

// commit calls careersbot_commit. version < 0 skips the fencing check.
func (s *Store) commit(ctx context.Context, key, channel string, version int64, erase bool, evs []commitEvent,
	state []byte, stateName, dedup string, now time.Time) (first, newVersion int64, err error) {
	if evs == nil {
		evs = []commitEvent{}
	}
	b, err := json.Marshal(evs)
	if err != nil {
		return 0, 0, fmt.Errorf("pgstore: encode events: %w", err)
	}
	err = s.pool.QueryRow(ctx, `SELECT first_seq, new_version FROM careersbot_commit($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
		key, transcripts.KeyHash(key), channel, version, erase, string(b), state, stateName, dedup, now.UnixMicro()).
		Scan(&first, &newVersion)
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && (pe.Code == "CB001" || pe.Code == "CB002") {
			return 0, 0, fmt.Errorf("%w: %s", bot.ErrConflict, pe.Message)
		}
		return 0, 0, fmt.Errorf("pgstore: commit: %w", err)
	}
	return first, newVersion, nil
}

// Commit implements bot.Storage in one round trip. It refuses (bot.ErrConflict) a turn
// whose Version is not the conversation's current one.
func (s *Store) Commit(ctx context.Context, t *bot.Turn) error {
	now := time.Now()
	var state []byte
	var stateName string
	if t.Conversation != nil {
		t.Conversation.Updated = now
		var err error
		if state, err = json.Marshal(t.Conversation); err != nil {
			return fmt.Errorf("pgstore: encode state: %w", err)
		}
		stateName = t.Conversation.State
	}
	evs := make([]commitEvent, len(t.Events))
	for i := range t.Events {
		te := &t.Events[i]
		if err := s.prepare(&te.Event, now); err != nil {
			return err
		}
		evs[i] = toCommitEvent(te.Event)
		if te.Send {
			m := te.Msg
			m.Seq = 0 // set by the database
			b, err := json.Marshal(m)
			if err != nil {
				return fmt.Errorf("pgstore: encode outbound: %w", err)
			}
			evs[i].Msg = b
		}
	}
	dedup := t.DedupID
	if t.Erase {
		dedup = ""
	}
	first, version, err := s.commit(ctx, t.Key, t.Channel, t.Version, t.Erase, evs, state, stateName, dedup, now)
	if err != nil {
		return err
	}
	for i := range t.Events {
		te := &t.Events[i]
		te.Event.Seq = first + int64(i)
		if te.Send {
			te.Msg.Seq = te.Event.Seq
		}
	}
	t.Version = version
	if t.Conversation != nil {
		t.Conversation.Version = version
	}
	return nil
}

// Append implements transcripts.Store: one event in its own commit.
func (s *Store) Append(ctx context.Context, e transcripts.Event) (transcripts.Event, error) {
	now := time.Now()
	if err := s.prepare(&e, now); err != nil {
		return transcripts.Event{}, err
	}
	first, _, err := s.commit(ctx, e.Conversation, e.Channel, -1, false, []commitEvent{toCommitEvent(e)}, nil, "", "", now)
	if err != nil {
		return transcripts.Event{}, err
	}
	e.Seq = first
	return e, nil
}

// Erase deletes a conversation's events (transcripts.Eraser); its sequence number is
// kept, so a resuming client never sees a number twice.
func (s *Store) Erase(ctx context.Context, conversation string) error {
	return s.EraseConversation(ctx, conversation)
}

// EraseConversation implements bot.Storage: transcript, state and delivery records.
// Instances holding the conversation find it changed (its version moves on).
func (s *Store) EraseConversation(ctx context.Context, key string) error {
	_, _, err := s.commit(ctx, key, "", -1, true, nil, nil, "", "", time.Now())
	return err
}

const eventCols = `conversation,seq,channel,kind,time,text,intent,rule,sources,handoff,safeguarding,feedback,payload`

func scanEvents(rows pgx.Rows) ([]transcripts.Event, error) {
	defer rows.Close()
	var out []transcripts.Event
	for rows.Next() {
		var e transcripts.Event
		var t int64
		var sources string
		if err := rows.Scan(&e.Conversation, &e.Seq, &e.Channel, &e.Kind, &t, &e.Text, &e.Intent, &e.Rule, &sources,
			&e.Handoff, &e.Safeguarding, &e.Feedback, &e.Payload); err != nil {
			return nil, fmt.Errorf("pgstore: scan: %w", err)
		}
		e.Time = time.UnixMicro(t).UTC()
		if sources != "" {
			e.Sources = strings.Split(sources, ",")
		}
		if len(e.Payload) == 0 {
			e.Payload = nil
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: events: %w", err)
	}
	return out, nil
}

// EventsAfter implements transcripts.Store.
func (s *Store) EventsAfter(ctx context.Context, conversation string, after int64, limit int) ([]transcripts.Event, error) {
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	rows, err := s.pool.Query(ctx, `SELECT `+eventCols+` FROM events WHERE conversation=$1 AND seq>$2 ORDER BY seq LIMIT $3`,
		conversation, after, lim)
	if err != nil {
		return nil, fmt.Errorf("pgstore: events: %w", err)
	}
	return scanEvents(rows)
}

// EventsRange returns a conversation's events with from <= Seq <= to, in order.
func (s *Store) EventsRange(ctx context.Context, conversation string, from, to int64) ([]transcripts.Event, error) {
	return s.EventsAfter(ctx, conversation, from-1, int(to-from+1))
}

// LastSeq returns a conversation's last sequence number, transcripts.ErrNotFound when
// it never had an event.
func (s *Store) LastSeq(ctx context.Context, conversation string) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT last_seq FROM conversation_clock WHERE key_hash=$1`, transcripts.KeyHash(conversation)).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && n == 0) {
		return 0, transcripts.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("pgstore: last seq: %w", err)
	}
	return n, nil
}

// Each calls fn for every event at or after since, ordered by conversation and Seq.
func (s *Store) Each(ctx context.Context, since time.Time, fn func(transcripts.Event) error) error {
	// Page by (conversation, seq) so no transaction stays open while fn runs.
	conv, seq := "", int64(0)
	for {
		rows, err := s.pool.Query(ctx, `SELECT `+eventCols+` FROM events WHERE time >= $1 AND (conversation, seq) > ($2, $3)
			ORDER BY conversation, seq LIMIT 1000`, since.UnixMicro(), conv, seq)
		if err != nil {
			return fmt.Errorf("pgstore: export: %w", err)
		}
		evs, err := scanEvents(rows)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(evs) < 1000 {
			return nil
		}
		conv, seq = evs[len(evs)-1].Conversation, evs[len(evs)-1].Seq
	}
}

// ActionEvents implements bot.ActionLister: action events by action, ordered by
// conversation and Seq (the advisers' review list).
func (s *Store) ActionEvents(ctx context.Context, actions ...string) ([]transcripts.Event, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+eventCols+` FROM events WHERE kind='action' AND intent = ANY($1) ORDER BY conversation, seq`, actions)
	if err != nil {
		return nil, fmt.Errorf("pgstore: action events: %w", err)
	}
	return scanEvents(rows)
}

// Stats computes the KPIs over events at or after since.
func (s *Store) Stats(ctx context.Context, since time.Time) (transcripts.Stats, error) {
	st := transcripts.Stats{Since: since, Intents: map[string]int{}}
	from := since.UnixMicro()
	err := s.pool.QueryRow(ctx, `SELECT
		COUNT(DISTINCT conversation),
		COUNT(*) FILTER (WHERE kind='user'),
		COUNT(*) FILTER (WHERE kind='bot'),
		COUNT(*) FILTER (WHERE kind='adviser'),
		COUNT(*) FILTER (WHERE kind='user' AND safeguarding),
		COUNT(*) FILTER (WHERE feedback='yes'),
		COUNT(*) FILTER (WHERE feedback='no'),
		COUNT(DISTINCT conversation) FILTER (WHERE handoff)
		FROM events WHERE time >= $1`, from).Scan(&st.Conversations, &st.Messages, &st.BotReplies, &st.AdviserMessages,
		&st.SafeguardingFlags, &st.FeedbackYes, &st.FeedbackNo, &st.HandedOff)
	if err != nil {
		return transcripts.Stats{}, fmt.Errorf("pgstore: stats: %w", err)
	}
	rows, err := s.pool.Query(ctx, `SELECT intent, COUNT(*) FROM events WHERE time >= $1 AND kind='user' AND intent != '' GROUP BY intent`, from)
	if err != nil {
		return transcripts.Stats{}, fmt.Errorf("pgstore: stats: %w", err)
	}
	defer rows.Close()
	understood := 0
	for rows.Next() {
		var in string
		var n int
		if err := rows.Scan(&in, &n); err != nil {
			return transcripts.Stats{}, fmt.Errorf("pgstore: stats: %w", err)
		}
		st.Intents[in] = n
		understood += n
	}
	if err := rows.Err(); err != nil {
		return transcripts.Stats{}, fmt.Errorf("pgstore: stats: %w", err)
	}
	// review flags and reviews (bot/review.go) are action events
	if err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FILTER (WHERE intent='review_flagged'), COUNT(*) FILTER (WHERE intent='reviewed')
		FROM events WHERE time >= $1 AND kind='action'`, from).Scan(&st.Handoffs.ReviewFlags, &st.Handoffs.Reviewed); err != nil {
		return transcripts.Stats{}, fmt.Errorf("pgstore: stats: %w", err)
	}
	st.Finish(understood)
	return st, nil
}

// Prune implements bot.Storage. A zero cutoff keeps transcripts and state for ever.
func (s *Store) Prune(ctx context.Context, cutoff, dedupCutoff time.Time) (int64, error) {
	var n int64
	c, d := cutoff.UnixMicro(), dedupCutoff.UnixMicro()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM events WHERE time < $1`, c).Exec(func(ct pgconn.CommandTag) error {
			n = ct.RowsAffected()
			return nil
		})
		b.Queue(`DELETE FROM conversations WHERE updated < $1`, c)
		// A clock untouched since the cutoff has no events left: the conversation starts again.
		b.Queue(`DELETE FROM conversation_clock WHERE updated < $1`, c)
		b.Queue(`DELETE FROM deliveries WHERE created < $1`, d)
		b.Queue(`DELETE FROM outbox WHERE status=2 AND created < $1`, c)
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return 0, fmt.Errorf("pgstore: prune: %w", err)
	}
	return n, nil
}

// DueOutbox implements bot.Outbox across instances: it claims (for ClaimLease) due
// items that no other instance holds, only ever a conversation's oldest pending item,
// so a conversation's messages go one after another in order whichever instance
// sends them.
func (s *Store) DueOutbox(ctx context.Context, now time.Time, limit int) ([]bot.OutboxItem, error) {
	n := now.UnixMicro()
	rows, err := s.pool.Query(ctx, `UPDATE outbox o SET claimed_until = $2
		FROM (SELECT id FROM outbox c
			WHERE c.status = 0 AND c.next_at <= $1 AND c.claimed_until <= $1
			AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.conversation = c.conversation AND p.status = 0 AND p.id < c.id)
			ORDER BY c.id LIMIT $3 FOR UPDATE SKIP LOCKED) due
		WHERE o.id = due.id
		RETURNING o.id, o.message, o.attempts`, n, now.Add(s.lease).UnixMicro(), limit)
	if err != nil {
		return nil, fmt.Errorf("pgstore: outbox: %w", err)
	}
	defer rows.Close()
	var out []bot.OutboxItem
	for rows.Next() {
		var it bot.OutboxItem
		var b []byte
		if err := rows.Scan(&it.ID, &b, &it.Attempts); err != nil {
			return nil, fmt.Errorf("pgstore: outbox: %w", err)
		}
		if err := json.Unmarshal(b, &it.Message); err != nil {
			return nil, fmt.Errorf("pgstore: outbox item %d: %w", it.ID, err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: outbox: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// MarkOutbox implements bot.Outbox in one round trip; it releases the claims.
func (s *Store) MarkOutbox(ctx context.Context, results []bot.OutboxResult) error {
	if len(results) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	var sent []int64
	for _, r := range results {
		switch {
		case r.Sent:
			sent = append(sent, r.ID)
		case r.Failed:
			b.Queue(`UPDATE outbox SET status=2, attempts=$1, last_error=$2, claimed_until=0 WHERE id=$3`, r.Attempts, r.Error, r.ID)
		default:
			b.Queue(`UPDATE outbox SET attempts=$1, next_at=$2, last_error=$3, claimed_until=0 WHERE id=$4`,
				r.Attempts, r.NextAt.UnixMicro(), r.Error, r.ID)
		}
	}
	if len(sent) > 0 {
		b.Queue(`DELETE FROM outbox WHERE id = ANY($1)`, sent)
	}
	if b.Len() == 1 && len(sent) > 0 {
		if _, err := s.pool.Exec(ctx, `DELETE FROM outbox WHERE id = ANY($1)`, sent); err != nil {
			return fmt.Errorf("pgstore: mark outbox: %w", err)
		}
		return nil
	}
	// A batch runs as one implicit transaction.
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("pgstore: mark outbox: %w", err)
	}
	return nil
}

// ReleaseOutbox implements bot.OutboxReleaser: the claims on ids end now.
func (s *Store) ReleaseOutbox(ctx context.Context, ids []int64) error {
	if _, err := s.pool.Exec(ctx, `UPDATE outbox SET claimed_until = 0 WHERE id = ANY($1) AND status = 0`, ids); err != nil {
		return fmt.Errorf("pgstore: release outbox: %w", err)
	}
	return nil
}

// OutboxDepth implements bot.Outbox: items still waiting.
func (s *Store) OutboxDepth(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE status=0`).Scan(&n); err != nil {
		return 0, fmt.Errorf("pgstore: outbox depth: %w", err)
	}
	return n, nil
}

// tripCounter counts the queries and batches sent (one round trip each).
type tripCounter atomic.Int64

func (t *tripCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	(*atomic.Int64)(t).Add(1)
	return ctx
}

func (t *tripCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (t *tripCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	(*atomic.Int64)(t).Add(1)
	return ctx
}

func (t *tripCounter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (t *tripCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}
