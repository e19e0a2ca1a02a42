package bot

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/transcripts"
)

// Conversation states.
const (
	StateBot         = "bot"          // the engine answers
	StateQueued      = "queued"       // handed off, waiting for an adviser
	StateWithAdviser = "with_adviser" // an adviser holds the conversation
)

// Conversation is what the service keeps about one conversation between messages.
type Conversation struct {
	Key     string       `json:"key"`
	Channel string       `json:"channel"`
	State   string       `json:"state"`
	Adviser string       `json:"adviser,omitempty"`
	Dialog  dialog.State `json:"dialog"`
	Updated time.Time    `json:"updated"`
	// QueuedAt is when the conversation was handed off (state queued).
	QueuedAt time.Time `json:"queued_at,omitzero"`
	// Flagged is set once the safeguarding gate flagged a message; such a conversation
	// waits for an adviser however long it takes.
	Flagged bool `json:"flagged,omitempty"`
	// Handoff is the advisers' side of the conversation (bot/handoff.go).
	Handoff HandoffInfo `json:"handoff,omitzero"`
	// Version is the storage's fencing token for the conversation (how many turns were
	// committed), set when it is loaded; not part of the stored state. See Turn.Version.
	Version int64 `json:"-"`
}

// StateStore keeps conversation state.
type StateStore interface {
	// Conversation returns the stored conversation; ok is false when there is none.
	Conversation(ctx context.Context, key string) (c Conversation, ok bool, err error)
}

// Delivery is a processed inbound delivery: the transcript events it produced.
type Delivery struct {
	Conversation string
	FirstSeq     int64
	LastSeq      int64
}

// DedupStore remembers processed deliveries by (channel, id).
type DedupStore interface {
	Delivered(ctx context.Context, channel, id string) (d Delivery, ok bool, err error)
}

// OutboxItem is one outbound message waiting for its adapter.
type OutboxItem struct {
	ID       int64
	Message  Message
	Attempts int
}

// OutboxResult is what happened when an item was tried.
type OutboxResult struct {
	ID       int64
	Sent     bool
	Failed   bool // permanent: never tried again
	Attempts int
	NextAt   time.Time
	Error    string
}

// Outbox keeps outbound messages until they are delivered.
type Outbox interface {
	// DueOutbox returns items due at now, oldest first, never an item whose conversation
	// has an earlier item still waiting (so a conversation's messages stay in order).
	DueOutbox(ctx context.Context, now time.Time, limit int) ([]OutboxItem, error)
	MarkOutbox(ctx context.Context, results []OutboxResult) error
	OutboxDepth(ctx context.Context) (int, error)
}

// TurnEvent is one event of a turn and, when Send is set, the outbound message to
// queue for it (its Seq is set from the event).
type TurnEvent struct {
	Event transcripts.Event
	Send  bool
	Msg   Message
}

// Turn is everything one inbound message changes, written atomically.
type Turn struct {
	Key     string
	Channel string
	// DedupID, when set, records the delivery (Channel, DedupID).
	DedupID string
	// Erase deletes the conversation's transcript, state and delivery records first.
	Erase        bool
	Events       []TurnEvent
	Conversation *Conversation // saved when not nil
	// Version is the Conversation.Version the turn was computed from. A storage shared
	// by several instances refuses the turn with ErrConflict when the conversation was
	// changed since (and sets Version to the new one on success); SQLite, owned by one
	// process, ignores it.
	Version int64
}

// Storage is everything the service stores. The SQLite implementation is the first.
type Storage interface {
	transcripts.Store
	StateStore
	DedupStore
	Outbox
	// Commit writes a turn atomically and fills in the events' Seq.
	Commit(ctx context.Context, t *Turn) error
	// EraseConversation deletes a conversation's transcript, state and delivery records.
	EraseConversation(ctx context.Context, key string) error
	// Prune deletes what is older than the retention cutoff and delivery records older
	// than dedupCutoff. It returns the number of events deleted.
	Prune(ctx context.Context, cutoff, dedupCutoff time.Time) (int64, error)
	Ping(ctx context.Context) error
}

// SQLiteStorage is Storage in one SQLite database, beside the transcript tables.
type SQLiteStorage struct {
	*transcripts.SQLite
	getConv, getDedup, putDedup, putOutbox *sql.Stmt
	// putConv and keepConv save the states of a group's turns in shared upserts;
	// keepConv leaves the updated column as it is (see updatedStep).
	putConv, keepConv *transcripts.RowSet
}

// updatedStep is the grain of the conversations table's updated column, which only
// retention reads. The column holds activeUntil of the last turn: the end of the
// updatedStep window it fell in, never earlier than the turn, so retention never
// deletes a state early (it may keep one up to updatedStep longer). A turn in the same
// window as the one before leaves the column, and so its index entry, alone: with the
// entry rewritten every turn, each turn of a group commit dirtied one more index page
// (an 8 KB write-ahead log frame) at its conversation's old place in the index.
const updatedStep = 10 * time.Minute

// activeUntil is the updated column's value for a turn at t (Unix microseconds).
func activeUntil(t time.Time) int64 {
	step := updatedStep.Microseconds()
	return (t.UnixMicro()/step + 1) * step
}

const botSchema = `
CREATE TABLE IF NOT EXISTS conversations(
	key TEXT PRIMARY KEY,
	channel TEXT NOT NULL,
	state TEXT NOT NULL,
	data BLOB NOT NULL,
	updated INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS conversations_updated ON conversations(updated);
CREATE TABLE IF NOT EXISTS deliveries(
	channel TEXT NOT NULL,
	id TEXT NOT NULL,
	conversation TEXT NOT NULL,
	first_seq INTEGER NOT NULL,
	last_seq INTEGER NOT NULL,
	created INTEGER NOT NULL,
	PRIMARY KEY(channel, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_created ON deliveries(created);
CREATE INDEX IF NOT EXISTS deliveries_conversation ON deliveries(conversation);
CREATE TABLE IF NOT EXISTS outbox(
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	channel TEXT NOT NULL,
	conversation TEXT NOT NULL,
	message BLOB NOT NULL,
	status INTEGER NOT NULL DEFAULT 0, -- 0 pending, 2 failed
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at INTEGER NOT NULL,
	last_error TEXT NOT NULL DEFAULT '',
	created INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(status, next_at);
CREATE INDEX IF NOT EXISTS outbox_conversation ON outbox(conversation, id);
`

// OpenSQLiteStorage opens (creating if needed) the database at path.
func OpenSQLiteStorage(ctx context.Context, path string) (*SQLiteStorage, error) {
	return OpenSQLiteStorageWith(ctx, path, transcripts.OpenOptions{})
}

// OpenSQLiteStorageWith is OpenSQLiteStorage with the store's options (e.g.
// Synchronous).
func OpenSQLiteStorageWith(ctx context.Context, path string, opts transcripts.OpenOptions) (*SQLiteStorage, error) {
	db, err := transcripts.OpenSQLite(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	s, err := NewSQLiteStorage(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// NewSQLiteStorage adds the service's tables to an open transcript database.
func NewSQLiteStorage(ctx context.Context, db *transcripts.SQLite) (*SQLiteStorage, error) {
	w := db.WriteDB()
	if _, err := w.ExecContext(ctx, botSchema); err != nil {
		return nil, fmt.Errorf("bot: create tables: %w", err)
	}
	s := &SQLiteStorage{SQLite: db}
	if err := s.initHandoffTables(ctx); err != nil {
		return nil, err
	}
	r := db.ReadDB()
	var err error
	prep := func(d *sql.DB, q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = d.PrepareContext(ctx, q)
		return st
	}
	s.getConv = prep(r, `SELECT data FROM conversations WHERE key=?`)
	s.getDedup = prep(r, `SELECT conversation, first_seq, last_seq FROM deliveries WHERE channel=? AND id=?`)
	s.putDedup = prep(w, `INSERT OR IGNORE INTO deliveries(channel,id,conversation,first_seq,last_seq,created) VALUES(?,?,?,?,?,?)`)
	s.putOutbox = prep(w, `INSERT INTO outbox(channel,conversation,message,next_at,created) VALUES(?,?,?,?,?)`)
	if err != nil {
		return nil, fmt.Errorf("bot: prepare: %w", err)
	}
	// OR FAIL: no statement journal for the multi-row upserts (a failure rolls the
	// whole group back anyway).
	const head = `INSERT OR FAIL INTO conversations(key,channel,state,data,updated)`
	if s.putConv, err = db.PrepareRowSet(ctx, "save state", head, 5,
		`ON CONFLICT(key) DO UPDATE SET state=excluded.state, data=excluded.data, updated=excluded.updated`); err != nil {
		return nil, err
	}
	if s.keepConv, err = db.PrepareRowSet(ctx, "save state", head, 5,
		`ON CONFLICT(key) DO UPDATE SET state=excluded.state, data=excluded.data`); err != nil {
		return nil, err
	}
	return s, nil
}

// Conversation implements StateStore.
func (s *SQLiteStorage) Conversation(ctx context.Context, key string) (Conversation, bool, error) {
	var data []byte
	err := s.getConv.QueryRowContext(ctx, key).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, false, nil
	}
	if err != nil {
		return Conversation{}, false, fmt.Errorf("bot: load conversation: %w", err)
	}
	var c Conversation
	if err := json.Unmarshal(data, &c); err != nil {
		return Conversation{}, false, fmt.Errorf("bot: decode conversation %s: %w", key, err)
	}
	return c, true, nil
}

// Delivered implements DedupStore.
func (s *SQLiteStorage) Delivered(ctx context.Context, channel, id string) (Delivery, bool, error) {
	var d Delivery
	err := s.getDedup.QueryRowContext(ctx, channel, id).Scan(&d.Conversation, &d.FirstSeq, &d.LastSeq)
	if errors.Is(err, sql.ErrNoRows) {
		return Delivery{}, false, nil
	}
	if err != nil {
		return Delivery{}, false, fmt.Errorf("bot: dedup: %w", err)
	}
	return d, true, nil
}

func eraseTx(tx *transcripts.Tx, key string) error {
	if err := tx.Erase(key); err != nil {
		return err
	}
	ctx := tx.Context()
	if _, err := tx.SQL().ExecContext(ctx, `DELETE FROM conversations WHERE key=?`, key); err != nil {
		return fmt.Errorf("bot: erase state: %w", err)
	}
	if _, err := tx.SQL().ExecContext(ctx, `DELETE FROM deliveries WHERE conversation=?`, key); err != nil {
		return fmt.Errorf("bot: erase deliveries: %w", err)
	}
	if _, err := tx.SQL().ExecContext(ctx, `DELETE FROM escalations WHERE conversation=?`, key); err != nil {
		return fmt.Errorf("bot: erase escalations: %w", err)
	}
	return nil
}

// Commit implements Storage. Everything that can be done before the write is queued is
// done here, on the caller's goroutine (the conversation encoded, the events checked and
// redacted), so the single writer only writes: a turn's events go in one INSERT.
func (s *SQLiteStorage) Commit(ctx context.Context, t *Turn) error {
	now := time.Now()
	var state []byte
	putConv, kept := s.putConv, activeUntil(now)
	if t.Conversation != nil {
		if prev := t.Conversation.Updated; !prev.IsZero() && activeUntil(prev) == kept {
			putConv = s.keepConv // the row's updated already covers now
		}
		t.Conversation.Updated = now
		var err error
		if state, err = marshalConversation(t.Conversation); err != nil {
			return fmt.Errorf("bot: encode state: %w", err)
		}
	}
	prepared := make([]transcripts.Prepared, len(t.Events))
	for i := range t.Events {
		p, err := s.Prepare(t.Events[i].Event)
		if err != nil {
			return err
		}
		prepared[i] = p
	}
	return s.Batch(ctx, func(tx *transcripts.Tx) error {
		ctx := tx.Context()
		if t.Erase {
			if err := eraseTx(tx, t.Key); err != nil {
				return err
			}
		}
		evs, err := tx.AppendPrepared(prepared...)
		if err != nil {
			return err
		}
		var first, last int64
		for i := range t.Events {
			te := &t.Events[i]
			te.Event = evs[i]
			if first == 0 {
				first = te.Event.Seq
			}
			last = te.Event.Seq
			if te.Send {
				te.Msg.Seq = te.Event.Seq
				b, err := json.Marshal(te.Msg)
				if err != nil {
					return fmt.Errorf("bot: encode outbound: %w", err)
				}
				if _, err := tx.Stmt(s.putOutbox).ExecContext(ctx, te.Msg.Channel, t.Key, b, now.UnixMicro(), now.UnixMicro()); err != nil {
					return fmt.Errorf("bot: outbox: %w", err)
				}
			}
		}
		if state != nil {
			if err := tx.AddRow(putConv, t.Key, t.Channel, t.Conversation.State, state, kept); err != nil {
				return fmt.Errorf("bot: save state: %w", err)
			}
		}
		if t.DedupID != "" && !t.Erase {
			if _, err := tx.Stmt(s.putDedup).ExecContext(ctx, t.Channel, t.DedupID, t.Key, first, last, now.UnixMicro()); err != nil {
				return fmt.Errorf("bot: dedup: %w", err)
			}
		}
		return nil
	})
}

// EraseConversation implements Storage.
func (s *SQLiteStorage) EraseConversation(ctx context.Context, key string) error {
	return s.Batch(ctx, func(tx *transcripts.Tx) error { return eraseTx(tx, key) })
}

// Prune implements Storage.
func (s *SQLiteStorage) Prune(ctx context.Context, cutoff, dedupCutoff time.Time) (int64, error) {
	n, err := s.DeleteBefore(ctx, cutoff)
	if err != nil {
		return n, err
	}
	err = s.Batch(ctx, func(tx *transcripts.Tx) error {
		ctx := tx.Context()
		q := tx.SQL()
		if _, err := q.ExecContext(ctx, `DELETE FROM conversations WHERE updated < ?`, cutoff.UnixMicro()); err != nil {
			return fmt.Errorf("bot: prune state: %w", err)
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM deliveries WHERE created < ?`, dedupCutoff.UnixMicro()); err != nil {
			return fmt.Errorf("bot: prune deliveries: %w", err)
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM outbox WHERE status=2 AND created < ?`, cutoff.UnixMicro()); err != nil {
			return fmt.Errorf("bot: prune outbox: %w", err)
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM escalations WHERE created < ?`, cutoff.UnixMicro()); err != nil {
			return fmt.Errorf("bot: prune escalations: %w", err)
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	return n, s.Checkpoint(ctx)
}

// DueOutbox implements Outbox.
func (s *SQLiteStorage) DueOutbox(ctx context.Context, now time.Time, limit int) ([]OutboxItem, error) {
	rows, err := s.ReadDB().QueryContext(ctx, `SELECT o.id, o.message, o.attempts FROM outbox o
		WHERE o.status=0 AND o.next_at <= ?1
		AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.conversation=o.conversation AND p.status=0 AND p.id < o.id AND p.next_at > ?1)
		ORDER BY o.id LIMIT ?2`, now.UnixMicro(), limit)
	if err != nil {
		return nil, fmt.Errorf("bot: outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		var it OutboxItem
		var b []byte
		if err := rows.Scan(&it.ID, &b, &it.Attempts); err != nil {
			return nil, fmt.Errorf("bot: outbox: %w", err)
		}
		if err := json.Unmarshal(b, &it.Message); err != nil {
			return nil, fmt.Errorf("bot: outbox item %d: %w", it.ID, err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// MarkOutbox implements Outbox.
func (s *SQLiteStorage) MarkOutbox(ctx context.Context, results []OutboxResult) error {
	if len(results) == 0 {
		return nil
	}
	return s.Batch(ctx, func(tx *transcripts.Tx) error {
		ctx := tx.Context()
		q := tx.SQL()
		for _, r := range results {
			var err error
			switch {
			case r.Sent:
				_, err = q.ExecContext(ctx, `DELETE FROM outbox WHERE id=?`, r.ID)
			case r.Failed:
				_, err = q.ExecContext(ctx, `UPDATE outbox SET status=2, attempts=?, last_error=? WHERE id=?`, r.Attempts, r.Error, r.ID)
			default:
				_, err = q.ExecContext(ctx, `UPDATE outbox SET attempts=?, next_at=?, last_error=? WHERE id=?`, r.Attempts, r.NextAt.UnixMicro(), r.Error, r.ID)
			}
			if err != nil {
				return fmt.Errorf("bot: mark outbox: %w", err)
			}
		}
		return nil
	})
}

// OutboxDepth implements Outbox: items still waiting.
func (s *SQLiteStorage) OutboxDepth(ctx context.Context) (int, error) {
	var n int
	if err := s.ReadDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE status=0`).Scan(&n); err != nil {
		return 0, fmt.Errorf("bot: outbox depth: %w", err)
	}
	return n, nil
}

// Close finishes the writes already queued and closes the database.
func (s *SQLiteStorage) Close() error {
	err := s.SQLite.Close()
	for _, st := range []*sql.Stmt{s.getConv, s.getDedup, s.putDedup, s.putOutbox} {
		if st != nil {
			st.Close()
		}
	}
	for _, rs := range []*transcripts.RowSet{s.putConv, s.keepConv} {
		if rs != nil {
			rs.Close()
		}
	}
	return err
}

var _ Storage = (*SQLiteStorage)(nil)
