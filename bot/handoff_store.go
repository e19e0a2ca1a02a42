package bot

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/careersbot/careersbot/transcripts"
)

// handoffSchema holds the tables of the REST API keys, the advisers' accounts and
// sessions and the canned replies, beside the service's other tables. Conversation
// state (the queue) stays in the conversations table, so a handoff commits in the same
// transaction as its events.
const handoffSchema = `
CREATE INDEX IF NOT EXISTS conversations_state ON conversations(state);
CREATE TABLE IF NOT EXISTS api_keys(
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	hash BLOB NOT NULL,
	created INTEGER NOT NULL,
	revoked INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS advisers(
	name TEXT PRIMARY KEY,
	display TEXT NOT NULL,
	role TEXT NOT NULL,
	hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	created INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS adviser_sessions(
	id_hash BLOB PRIMARY KEY,
	adviser TEXT NOT NULL,
	csrf TEXT NOT NULL,
	created INTEGER NOT NULL,
	seen INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS adviser_sessions_adviser ON adviser_sessions(adviser);
CREATE TABLE IF NOT EXISTS escalations(
	place TEXT NOT NULL,
	conversation TEXT NOT NULL,
	ref TEXT NOT NULL,
	created INTEGER NOT NULL,
	PRIMARY KEY(place, conversation)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS canned_replies(
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	title TEXT NOT NULL,
	text TEXT NOT NULL,
	updated INTEGER NOT NULL
);
`

func (s *SQLiteStorage) initHandoffTables(ctx context.Context) error {
	if _, err := s.WriteDB().ExecContext(ctx, handoffSchema); err != nil {
		return fmt.Errorf("bot: create handoff tables: %w", err)
	}
	// escalations.mirrored (the last event an instance acted on for the escalation),
	// added to databases made before it
	var n int
	if err := s.WriteDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('escalations') WHERE name='mirrored'`).Scan(&n); err != nil {
		return fmt.Errorf("bot: escalations columns: %w", err)
	}
	if n == 0 {
		if _, err := s.WriteDB().ExecContext(ctx, `ALTER TABLE escalations ADD COLUMN mirrored INTEGER NOT NULL DEFAULT 0`); err != nil {
			return fmt.Errorf("bot: add escalations.mirrored: %w", err)
		}
	}
	return nil
}

// write runs fn in the store's group-committed write transaction.
func (s *SQLiteStorage) write(ctx context.Context, fn func(ctx context.Context, q *sql.Tx) error) error {
	return s.Batch(ctx, func(tx *transcripts.Tx) error { return fn(tx.Context(), tx.SQL()) })
}

// CreateAPIKey implements APIKeyStore.
func (s *SQLiteStorage) CreateAPIKey(ctx context.Context, name string) (string, APIKey, error) {
	token, id, hash, err := NewAPIToken()
	if err != nil {
		return "", APIKey{}, err
	}
	k := APIKey{ID: id, Name: name, Created: time.Now().UTC().Truncate(time.Microsecond)}
	err = s.write(ctx, func(ctx context.Context, q *sql.Tx) error {
		_, err := q.ExecContext(ctx, `INSERT INTO api_keys(id,name,hash,created) VALUES(?,?,?,?)`, id, name, hash, k.Created.UnixMicro())
		return err
	})
	if err != nil {
		return "", APIKey{}, fmt.Errorf("bot: create API key: %w", err)
	}
	return token, k, nil
}

// APIKeys implements APIKeyStore.
func (s *SQLiteStorage) APIKeys(ctx context.Context) ([]APIKey, error) {
	rows, err := s.ReadDB().QueryContext(ctx, `SELECT id, name, created, revoked FROM api_keys ORDER BY created, id`)
	if err != nil {
		return nil, fmt.Errorf("bot: API keys: %w", err)
	}
	defer rows.Close()
	var out []APIKey
	for rows.Next() {
		var k APIKey
		var created, revoked int64
		if err := rows.Scan(&k.ID, &k.Name, &created, &revoked); err != nil {
			return nil, fmt.Errorf("bot: API keys: %w", err)
		}
		k.Created = time.UnixMicro(created).UTC()
		if revoked != 0 {
			k.Revoked = time.UnixMicro(revoked).UTC()
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey implements APIKeyStore.
func (s *SQLiteStorage) RevokeAPIKey(ctx context.Context, id string) error {
	var n int64
	err := s.write(ctx, func(ctx context.Context, q *sql.Tx) error {
		res, err := q.ExecContext(ctx, `UPDATE api_keys SET revoked=? WHERE id=? AND revoked=0`, time.Now().UnixMicro(), id)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		if n == 0 {
			var one int
			if err := q.QueryRowContext(ctx, `SELECT 1 FROM api_keys WHERE id=?`, id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
				return ErrNoAPIKey
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, ErrNoAPIKey) {
		return fmt.Errorf("bot: revoke API key: %w", err)
	}
	return err
}

// APIKeyByID implements APIKeyStore.
func (s *SQLiteStorage) APIKeyByID(ctx context.Context, id string) (APIKey, []byte, bool, error) {
	var k APIKey
	var hash []byte
	var created, revoked int64
	err := s.ReadDB().QueryRowContext(ctx, `SELECT id, name, hash, created, revoked FROM api_keys WHERE id=?`, id).
		Scan(&k.ID, &k.Name, &hash, &created, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return APIKey{}, nil, false, nil
	}
	if err != nil {
		return APIKey{}, nil, false, fmt.Errorf("bot: API key: %w", err)
	}
	k.Created = time.UnixMicro(created).UTC()
	if revoked != 0 {
		k.Revoked = time.UnixMicro(revoked).UTC()
	}
	return k, hash, true, nil
}

var _ APIKeyStore = (*SQLiteStorage)(nil)

// HandoffConversations lists the conversations on the advisers' desk: queued, held by
// an adviser, or with messages left for them.
func (s *SQLiteStorage) HandoffConversations(ctx context.Context) ([]Conversation, error) {
	rows, err := s.ReadDB().QueryContext(ctx, `SELECT data FROM conversations WHERE state IN ('queued','with_adviser')
		OR (state='bot' AND COALESCE(json_extract(CAST(data AS TEXT), '$.handoff.messages'), 0) > 0)`)
	if err != nil {
		return nil, fmt.Errorf("bot: handoff queue: %w", err)
	}
	defer rows.Close()
	var out []Conversation
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("bot: handoff queue: %w", err)
		}
		var c Conversation
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("bot: handoff queue: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// VisibleHistory is a transcript reader for the young person's own channel (the web
// chat's resume): advisers' actions and private notes are left out.
type VisibleHistory struct {
	Store interface {
		EventsAfter(ctx context.Context, conversation string, after int64, limit int) ([]transcripts.Event, error)
	}
}

// EventsAfter returns up to limit visible events after a sequence number.
func (v VisibleHistory) EventsAfter(ctx context.Context, conversation string, after int64, limit int) ([]transcripts.Event, error) {
	var out []transcripts.Event
	for {
		evs, err := v.Store.EventsAfter(ctx, conversation, after, limit)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			after = e.Seq
			if transcripts.VisibleToUser(e.Kind) {
				out = append(out, e)
			}
		}
		if limit <= 0 || len(evs) < limit || len(out) >= limit {
			if limit > 0 && len(out) > limit {
				out = out[:limit]
			}
			return out, nil
		}
	}
}

// Adviser is a console account. Role is "adviser" or "admin".
type Adviser struct {
	Name     string    `json:"name"`
	Display  string    `json:"display"`
	Role     string    `json:"role"`
	Disabled bool      `json:"disabled,omitempty"`
	Created  time.Time `json:"created"`
}

// Adviser roles.
const (
	RoleAdviser = "adviser"
	RoleAdmin   = "admin"
)

// Errors of the adviser store.
var (
	ErrNoAdviser     = errors.New("bot: no such adviser")
	ErrAdviserExists = errors.New("bot: an adviser with that name exists")
)

// AddAdviser stores a new account with its password hash.
func (s *SQLiteStorage) AddAdviser(ctx context.Context, a Adviser, hash string) error {
	err := s.write(ctx, func(ctx context.Context, q *sql.Tx) error {
		var one int
		if err := q.QueryRowContext(ctx, `SELECT 1 FROM advisers WHERE name=?`, a.Name).Scan(&one); err == nil {
			return ErrAdviserExists
		}
		_, err := q.ExecContext(ctx, `INSERT INTO advisers(name,display,role,hash,created) VALUES(?,?,?,?,?)`,
			a.Name, a.Display, a.Role, hash, time.Now().UnixMicro())
		return err
	})
	if err != nil && !errors.Is(err, ErrAdviserExists) {
		return fmt.Errorf("bot: add adviser: %w", err)
	}
	return err
}

// Advisers lists the accounts.
func (s *SQLiteStorage) Advisers(ctx context.Context) ([]Adviser, error) {
	rows, err := s.ReadDB().QueryContext(ctx, `SELECT name, display, role, disabled, created FROM advisers ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("bot: advisers: %w", err)
	}
	defer rows.Close()
	var out []Adviser
	for rows.Next() {
		var a Adviser
		var created int64
		if err := rows.Scan(&a.Name, &a.Display, &a.Role, &a.Disabled, &created); err != nil {
			return nil, fmt.Errorf("bot: advisers: %w", err)
		}
		a.Created = time.UnixMicro(created).UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// AdviserByName returns an account and its password hash.
func (s *SQLiteStorage) AdviserByName(ctx context.Context, name string) (Adviser, string, bool, error) {
	var a Adviser
	var hash string
	var created int64
	err := s.ReadDB().QueryRowContext(ctx, `SELECT name, display, role, disabled, created, hash FROM advisers WHERE name=?`, name).
		Scan(&a.Name, &a.Display, &a.Role, &a.Disabled, &created, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return Adviser{}, "", false, nil
	}
	if err != nil {
		return Adviser{}, "", false, fmt.Errorf("bot: adviser: %w", err)
	}
	a.Created = time.UnixMicro(created).UTC()
	return a, hash, true, nil
}

func (s *SQLiteStorage) updateAdviser(ctx context.Context, q string, args ...any) error {
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoAdviser
		}
		return nil
	})
	if err != nil && !errors.Is(err, ErrNoAdviser) {
		return fmt.Errorf("bot: update adviser: %w", err)
	}
	return err
}

// SetAdviserPassword replaces an account's password hash and ends its sessions.
func (s *SQLiteStorage) SetAdviserPassword(ctx context.Context, name, hash string) error {
	if err := s.updateAdviser(ctx, `UPDATE advisers SET hash=? WHERE name=?`, hash, name); err != nil {
		return err
	}
	return s.DeleteAdviserSessions(ctx, name)
}

// DisableAdviser stops an account logging in and ends its sessions.
func (s *SQLiteStorage) DisableAdviser(ctx context.Context, name string) error {
	if err := s.updateAdviser(ctx, `UPDATE advisers SET disabled=1 WHERE name=?`, name); err != nil {
		return err
	}
	return s.DeleteAdviserSessions(ctx, name)
}

// Session is a logged-in console session (its id is kept only as a hash).
type Session struct {
	Adviser string
	CSRF    string
	Created time.Time
	Seen    time.Time
}

// CreateSession stores a session under the hash of its id.
func (s *SQLiteStorage) CreateSession(ctx context.Context, idHash []byte, sess Session) error {
	return s.write(ctx, func(ctx context.Context, q *sql.Tx) error {
		_, err := q.ExecContext(ctx, `INSERT INTO adviser_sessions(id_hash,adviser,csrf,created,seen) VALUES(?,?,?,?,?)`,
			idHash, sess.Adviser, sess.CSRF, sess.Created.UnixMicro(), sess.Seen.UnixMicro())
		return err
	})
}

// SessionByHash returns a session.
func (s *SQLiteStorage) SessionByHash(ctx context.Context, idHash []byte) (Session, bool, error) {
	var sess Session
	var created, seen int64
	err := s.ReadDB().QueryRowContext(ctx, `SELECT adviser, csrf, created, seen FROM adviser_sessions WHERE id_hash=?`, idHash).
		Scan(&sess.Adviser, &sess.CSRF, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, false, nil
	}
	if err != nil {
		return Session{}, false, fmt.Errorf("bot: session: %w", err)
	}
	sess.Created, sess.Seen = time.UnixMicro(created), time.UnixMicro(seen)
	return sess, true, nil
}

// TouchSession records a session's latest request.
func (s *SQLiteStorage) TouchSession(ctx context.Context, idHash []byte, seen time.Time) error {
	return s.write(ctx, func(ctx context.Context, q *sql.Tx) error {
		_, err := q.ExecContext(ctx, `UPDATE adviser_sessions SET seen=? WHERE id_hash=?`, seen.UnixMicro(), idHash)
		return err
	})
}

// DeleteSession ends a session.
func (s *SQLiteStorage) DeleteSession(ctx context.Context, idHash []byte) error {
	return s.write(ctx, func(ctx context.Context, q *sql.Tx) error {
		_, err := q.ExecContext(ctx, `DELETE FROM adviser_sessions WHERE id_hash=?`, idHash)
		return err
	})
}

// DeleteIdleSessions deletes sessions not seen since before.
func (s *SQLiteStorage) DeleteIdleSessions(ctx context.Context, before time.Time) error {
	return s.write(ctx, func(ctx context.Context, q *sql.Tx) error {
		_, err := q.ExecContext(ctx, `DELETE FROM adviser_sessions WHERE seen < ?`, before.UnixMicro())
		return err
	})
}

// DeleteAdviserSessions ends all of an adviser's sessions.
func (s *SQLiteStorage) DeleteAdviserSessions(ctx context.Context, name string) error {
	return s.write(ctx, func(ctx context.Context, q *sql.Tx) error {
		_, err := q.ExecContext(ctx, `DELETE FROM adviser_sessions WHERE adviser=?`, name)
		return err
	})
}

// CannedReply is a ready-made adviser reply (admins edit them).
type CannedReply struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// ErrNoCannedReply is returned when saving a canned reply whose id does not exist.
var ErrNoCannedReply = errors.New("bot: no such canned reply")

// CannedReplies lists the canned replies.
func (s *SQLiteStorage) CannedReplies(ctx context.Context) ([]CannedReply, error) {
	rows, err := s.ReadDB().QueryContext(ctx, `SELECT id, title, text FROM canned_replies ORDER BY title, id`)
	if err != nil {
		return nil, fmt.Errorf("bot: canned replies: %w", err)
	}
	defer rows.Close()
	out := []CannedReply{}
	for rows.Next() {
		var c CannedReply
		if err := rows.Scan(&c.ID, &c.Title, &c.Text); err != nil {
			return nil, fmt.Errorf("bot: canned replies: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveCannedReply adds (ID 0) or replaces a canned reply and returns it.
func (s *SQLiteStorage) SaveCannedReply(ctx context.Context, c CannedReply) (CannedReply, error) {
	err := s.write(ctx, func(ctx context.Context, q *sql.Tx) error {
		now := time.Now().UnixMicro()
		if c.ID == 0 {
			res, err := q.ExecContext(ctx, `INSERT INTO canned_replies(title,text,updated) VALUES(?,?,?)`, c.Title, c.Text, now)
			if err != nil {
				return err
			}
			c.ID, err = res.LastInsertId()
			return err
		}
		res, err := q.ExecContext(ctx, `UPDATE canned_replies SET title=?, text=?, updated=? WHERE id=?`, c.Title, c.Text, now, c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoCannedReply
		}
		return nil
	})
	if err != nil {
		return CannedReply{}, fmt.Errorf("bot: save canned reply: %w", err)
	}
	return c, nil
}

// DeleteCannedReply removes a canned reply.
func (s *SQLiteStorage) DeleteCannedReply(ctx context.Context, id int64) error {
	return s.write(ctx, func(ctx context.Context, q *sql.Tx) error {
		_, err := q.ExecContext(ctx, `DELETE FROM canned_replies WHERE id=?`, id)
		return err
	})
}

// SaveEscalation remembers where a conversation's escalation was posted outside
// careersbot (place "slack:C123", ref the message ts), so it survives a restart.
func (s *SQLiteStorage) SaveEscalation(ctx context.Context, place, conversation, ref string) error {
	return s.write(ctx, func(ctx context.Context, q *sql.Tx) error {
		_, err := q.ExecContext(ctx, `INSERT INTO escalations(place,conversation,ref,created) VALUES(?,?,?,?)
			ON CONFLICT(place, conversation) DO UPDATE SET ref=excluded.ref, created=excluded.created`, place, conversation, ref, time.Now().UnixMicro())
		return err
	})
}

// Escalations returns a place's escalations: conversation key -> ref.
func (s *SQLiteStorage) Escalations(ctx context.Context, place string) (map[string]string, error) {
	rows, err := s.ReadDB().QueryContext(ctx, `SELECT conversation, ref FROM escalations WHERE place=? AND ref<>''`, place)
	if err != nil {
		return nil, fmt.Errorf("bot: escalations: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, ref string
		if err := rows.Scan(&k, &ref); err != nil {
			return nil, fmt.Errorf("bot: escalations: %w", err)
		}
		out[k] = ref
	}
	return out, rows.Err()
}

// ClaimEscalationEvent claims the event seq of a conversation's escalation at place
// for the caller: true for exactly one caller however many instances ask, and only
// when no later event was claimed, so one instance posts each escalation and mirrors
// each message into its thread. The first claim makes the escalation's row (ref
// empty until SaveEscalation).
func (s *SQLiteStorage) ClaimEscalationEvent(ctx context.Context, place, conversation string, seq int64) (bool, error) {
	won := false
	err := s.write(ctx, func(ctx context.Context, q *sql.Tx) error {
		res, err := q.ExecContext(ctx, `INSERT INTO escalations(place,conversation,ref,created,mirrored) VALUES(?,?,'',?,?)
			ON CONFLICT(place, conversation) DO UPDATE SET mirrored=excluded.mirrored WHERE escalations.mirrored < excluded.mirrored`,
			place, conversation, time.Now().UnixMicro(), seq)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		won = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("bot: claim escalation event: %w", err)
	}
	return won, nil
}

// DeleteEscalation forgets a conversation's escalation.
func (s *SQLiteStorage) DeleteEscalation(ctx context.Context, place, conversation string) error {
	return s.write(ctx, func(ctx context.Context, q *sql.Tx) error {
		_, err := q.ExecContext(ctx, `DELETE FROM escalations WHERE place=? AND conversation=?`, place, conversation)
		return err
	})
}

// HandoffStore is everything the handoff side keeps beside conversations: REST API
// keys, advisers' accounts and console sessions, canned replies, where escalations were
// posted, and the listing of the advisers' desk. SQLiteStorage and pgstore.Store both
// implement it (bot/storagetest checks they agree), so the console, the Slack adviser
// channel and the `advisers` and `apikeys` commands work on either.
type HandoffStore interface {
	APIKeyStore
	AddAdviser(ctx context.Context, a Adviser, hash string) error
	Advisers(ctx context.Context) ([]Adviser, error)
	AdviserByName(ctx context.Context, name string) (Adviser, string, bool, error)
	SetAdviserPassword(ctx context.Context, name, hash string) error
	DisableAdviser(ctx context.Context, name string) error
	CreateSession(ctx context.Context, idHash []byte, sess Session) error
	SessionByHash(ctx context.Context, idHash []byte) (Session, bool, error)
	TouchSession(ctx context.Context, idHash []byte, seen time.Time) error
	DeleteSession(ctx context.Context, idHash []byte) error
	DeleteIdleSessions(ctx context.Context, before time.Time) error
	DeleteAdviserSessions(ctx context.Context, name string) error
	CannedReplies(ctx context.Context) ([]CannedReply, error)
	SaveCannedReply(ctx context.Context, c CannedReply) (CannedReply, error)
	DeleteCannedReply(ctx context.Context, id int64) error
	SaveEscalation(ctx context.Context, place, conversation, ref string) error
	Escalations(ctx context.Context, place string) (map[string]string, error)
	DeleteEscalation(ctx context.Context, place, conversation string) error
	ClaimEscalationEvent(ctx context.Context, place, conversation string, seq int64) (bool, error)
	// HandoffConversations lists the conversations on the advisers' desk (in no order).
	HandoffConversations(ctx context.Context) ([]Conversation, error)
}

var _ HandoffStore = (*SQLiteStorage)(nil)
