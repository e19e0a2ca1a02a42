package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/jackc/pgx/v5"
)

// The handoff side (migration 0002): REST API keys, advisers' accounts and sessions,
// canned replies, escalations and the advisers' desk, with the meanings of
// bot/handoff_store.go on SQLite. Each call is one statement, so one round trip.

var _ bot.HandoffStore = (*Store)(nil)

// CreateAPIKey implements bot.APIKeyStore.
func (s *Store) CreateAPIKey(ctx context.Context, name string) (string, bot.APIKey, error) {
	token, id, hash, err := bot.NewAPIToken()
	if err != nil {
		return "", bot.APIKey{}, err
	}
	k := bot.APIKey{ID: id, Name: name, Created: time.Now().UTC().Truncate(time.Microsecond)}
	if _, err := s.pool.Exec(ctx, `INSERT INTO api_keys(id, name, hash, created) VALUES($1, $2, $3, $4)`,
		id, name, hash, k.Created.UnixMicro()); err != nil {
		return "", bot.APIKey{}, fmt.Errorf("pgstore: create API key: %w", err)
	}
	return token, k, nil
}

func apiKeyTimes(k *bot.APIKey, created, revoked int64) {
	k.Created = time.UnixMicro(created).UTC()
	if revoked != 0 {
		k.Revoked = time.UnixMicro(revoked).UTC()
	}
}

// APIKeys implements bot.APIKeyStore.
func (s *Store) APIKeys(ctx context.Context) ([]bot.APIKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, created, revoked FROM api_keys ORDER BY created, id`)
	if err != nil {
		return nil, fmt.Errorf("pgstore: API keys: %w", err)
	}
	defer rows.Close()
	var out []bot.APIKey
	for rows.Next() {
		var k bot.APIKey
		var created, revoked int64
		if err := rows.Scan(&k.ID, &k.Name, &created, &revoked); err != nil {
			return nil, fmt.Errorf("pgstore: API keys: %w", err)
		}
		apiKeyTimes(&k, created, revoked)
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: API keys: %w", err)
	}
	return out, nil
}

// RevokeAPIKey implements bot.APIKeyStore: bot.ErrNoAPIKey for an unknown id; revoking
// a revoked key keeps its first revocation time.
func (s *Store) RevokeAPIKey(ctx context.Context, id string) error {
	var found bool
	err := s.pool.QueryRow(ctx, `WITH u AS (UPDATE api_keys SET revoked = $1 WHERE id = $2 AND revoked = 0 RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM u) OR EXISTS (SELECT 1 FROM api_keys WHERE id = $2)`, time.Now().UnixMicro(), id).Scan(&found)
	if err != nil {
		return fmt.Errorf("pgstore: revoke API key: %w", err)
	}
	if !found {
		return bot.ErrNoAPIKey
	}
	return nil
}

// APIKeyByID implements bot.APIKeyStore.
func (s *Store) APIKeyByID(ctx context.Context, id string) (bot.APIKey, []byte, bool, error) {
	var k bot.APIKey
	var hash []byte
	var created, revoked int64
	err := s.pool.QueryRow(ctx, `SELECT id, name, hash, created, revoked FROM api_keys WHERE id = $1`, id).
		Scan(&k.ID, &k.Name, &hash, &created, &revoked)
	if errors.Is(err, pgx.ErrNoRows) {
		return bot.APIKey{}, nil, false, nil
	}
	if err != nil {
		return bot.APIKey{}, nil, false, fmt.Errorf("pgstore: API key: %w", err)
	}
	apiKeyTimes(&k, created, revoked)
	return k, hash, true, nil
}

// HandoffConversations lists the conversations on the advisers' desk: queued, held by
// an adviser, or with messages left for them (the desk column, kept by a trigger).
func (s *Store) HandoffConversations(ctx context.Context) ([]bot.Conversation, error) {
	rows, err := s.pool.Query(ctx, `SELECT data FROM conversations WHERE desk`)
	if err != nil {
		return nil, fmt.Errorf("pgstore: handoff queue: %w", err)
	}
	defer rows.Close()
	var out []bot.Conversation
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("pgstore: handoff queue: %w", err)
		}
		var c bot.Conversation
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("pgstore: handoff queue: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: handoff queue: %w", err)
	}
	return out, nil
}

// AddAdviser stores a new account with its password hash; bot.ErrAdviserExists when
// the name is taken.
func (s *Store) AddAdviser(ctx context.Context, a bot.Adviser, hash string) error {
	ct, err := s.pool.Exec(ctx, `INSERT INTO advisers(name, display, role, hash, created) VALUES($1, $2, $3, $4, $5)
		ON CONFLICT (name) DO NOTHING`, a.Name, a.Display, a.Role, hash, time.Now().UnixMicro())
	if err != nil {
		return fmt.Errorf("pgstore: add adviser: %w", err)
	}
	if ct.RowsAffected() == 0 {
		return bot.ErrAdviserExists
	}
	return nil
}

// Advisers lists the accounts by name.
func (s *Store) Advisers(ctx context.Context) ([]bot.Adviser, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, display, role, disabled, created FROM advisers ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("pgstore: advisers: %w", err)
	}
	defer rows.Close()
	var out []bot.Adviser
	for rows.Next() {
		var a bot.Adviser
		var created int64
		if err := rows.Scan(&a.Name, &a.Display, &a.Role, &a.Disabled, &created); err != nil {
			return nil, fmt.Errorf("pgstore: advisers: %w", err)
		}
		a.Created = time.UnixMicro(created).UTC()
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: advisers: %w", err)
	}
	return out, nil
}

// AdviserByName returns an account and its password hash.
func (s *Store) AdviserByName(ctx context.Context, name string) (bot.Adviser, string, bool, error) {
	var a bot.Adviser
	var hash string
	var created int64
	err := s.pool.QueryRow(ctx, `SELECT name, display, role, disabled, created, hash FROM advisers WHERE name = $1`, name).
		Scan(&a.Name, &a.Display, &a.Role, &a.Disabled, &created, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return bot.Adviser{}, "", false, nil
	}
	if err != nil {
		return bot.Adviser{}, "", false, fmt.Errorf("pgstore: adviser: %w", err)
	}
	a.Created = time.UnixMicro(created).UTC()
	return a, hash, true, nil
}

// updateAdviserEndingSessions runs an UPDATE of one account (its name is $1) and
// deletes the account's sessions in the same statement; bot.ErrNoAdviser when there is
// no such account.
func (s *Store) updateAdviserEndingSessions(ctx context.Context, set string, args ...any) error {
	var n int
	err := s.pool.QueryRow(ctx, `WITH u AS (UPDATE advisers SET `+set+` WHERE name = $1 RETURNING name),
		d AS (DELETE FROM adviser_sessions WHERE adviser IN (SELECT name FROM u))
		SELECT COUNT(*) FROM u`, args...).Scan(&n)
	if err != nil {
		return fmt.Errorf("pgstore: update adviser: %w", err)
	}
	if n == 0 {
		return bot.ErrNoAdviser
	}
	return nil
}

// SetAdviserPassword replaces an account's password hash and ends its sessions.
func (s *Store) SetAdviserPassword(ctx context.Context, name, hash string) error {
	return s.updateAdviserEndingSessions(ctx, `hash = $2`, name, hash)
}

// DisableAdviser stops an account logging in and ends its sessions.
func (s *Store) DisableAdviser(ctx context.Context, name string) error {
	return s.updateAdviserEndingSessions(ctx, `disabled = true`, name)
}

// CreateSession stores a session under the hash of its id.
func (s *Store) CreateSession(ctx context.Context, idHash []byte, sess bot.Session) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO adviser_sessions(id_hash, adviser, csrf, created, seen) VALUES($1, $2, $3, $4, $5)`,
		idHash, sess.Adviser, sess.CSRF, sess.Created.UnixMicro(), sess.Seen.UnixMicro()); err != nil {
		return fmt.Errorf("pgstore: create session: %w", err)
	}
	return nil
}

// SessionByHash returns a session.
func (s *Store) SessionByHash(ctx context.Context, idHash []byte) (bot.Session, bool, error) {
	var sess bot.Session
	var created, seen int64
	err := s.pool.QueryRow(ctx, `SELECT adviser, csrf, created, seen FROM adviser_sessions WHERE id_hash = $1`, idHash).
		Scan(&sess.Adviser, &sess.CSRF, &created, &seen)
	if errors.Is(err, pgx.ErrNoRows) {
		return bot.Session{}, false, nil
	}
	if err != nil {
		return bot.Session{}, false, fmt.Errorf("pgstore: session: %w", err)
	}
	sess.Created, sess.Seen = time.UnixMicro(created), time.UnixMicro(seen)
	return sess, true, nil
}

func (s *Store) exec(ctx context.Context, what, q string, args ...any) error {
	if _, err := s.pool.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("pgstore: %s: %w", what, err)
	}
	return nil
}

// TouchSession records a session's latest request. It never moves seen backwards, so
// two instances serving one adviser's requests out of order keep the latest.
func (s *Store) TouchSession(ctx context.Context, idHash []byte, seen time.Time) error {
	return s.exec(ctx, "touch session", `UPDATE adviser_sessions SET seen = GREATEST(seen, $1) WHERE id_hash = $2`, seen.UnixMicro(), idHash)
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, idHash []byte) error {
	return s.exec(ctx, "delete session", `DELETE FROM adviser_sessions WHERE id_hash = $1`, idHash)
}

// DeleteIdleSessions deletes sessions not seen since before.
func (s *Store) DeleteIdleSessions(ctx context.Context, before time.Time) error {
	return s.exec(ctx, "delete idle sessions", `DELETE FROM adviser_sessions WHERE seen < $1`, before.UnixMicro())
}

// DeleteAdviserSessions ends all of an adviser's sessions.
func (s *Store) DeleteAdviserSessions(ctx context.Context, name string) error {
	return s.exec(ctx, "delete sessions", `DELETE FROM adviser_sessions WHERE adviser = $1`, name)
}

// CannedReplies lists the canned replies by title.
func (s *Store) CannedReplies(ctx context.Context) ([]bot.CannedReply, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, title, text FROM canned_replies ORDER BY title, id`)
	if err != nil {
		return nil, fmt.Errorf("pgstore: canned replies: %w", err)
	}
	defer rows.Close()
	out := []bot.CannedReply{}
	for rows.Next() {
		var c bot.CannedReply
		if err := rows.Scan(&c.ID, &c.Title, &c.Text); err != nil {
			return nil, fmt.Errorf("pgstore: canned replies: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: canned replies: %w", err)
	}
	return out, nil
}

// SaveCannedReply adds (ID 0) or replaces a canned reply and returns it;
// bot.ErrNoCannedReply when the ID does not exist.
func (s *Store) SaveCannedReply(ctx context.Context, c bot.CannedReply) (bot.CannedReply, error) {
	now := time.Now().UnixMicro()
	var err error
	if c.ID == 0 {
		err = s.pool.QueryRow(ctx, `INSERT INTO canned_replies(title, text, updated) VALUES($1, $2, $3) RETURNING id`,
			c.Title, c.Text, now).Scan(&c.ID)
	} else {
		err = s.pool.QueryRow(ctx, `UPDATE canned_replies SET title = $1, text = $2, updated = $3 WHERE id = $4 RETURNING id`,
			c.Title, c.Text, now, c.ID).Scan(&c.ID)
		if errors.Is(err, pgx.ErrNoRows) {
			err = bot.ErrNoCannedReply
		}
	}
	if err != nil {
		return bot.CannedReply{}, fmt.Errorf("pgstore: save canned reply: %w", err)
	}
	return c, nil
}

// DeleteCannedReply removes a canned reply.
func (s *Store) DeleteCannedReply(ctx context.Context, id int64) error {
	return s.exec(ctx, "delete canned reply", `DELETE FROM canned_replies WHERE id = $1`, id)
}

// SaveEscalation remembers where a conversation's escalation was posted outside
// careersbot (place "slack:C123", ref the message ts).
func (s *Store) SaveEscalation(ctx context.Context, place, conversation, ref string) error {
	return s.exec(ctx, "save escalation", `INSERT INTO escalations(place, conversation, ref, created) VALUES($1, $2, $3, $4)
		ON CONFLICT (place, conversation) DO UPDATE SET ref = excluded.ref, created = excluded.created`,
		place, conversation, ref, time.Now().UnixMicro())
}

// Escalations returns a place's escalations: conversation key -> ref.
func (s *Store) Escalations(ctx context.Context, place string) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT conversation, ref FROM escalations WHERE place = $1 AND ref <> ''`, place)
	if err != nil {
		return nil, fmt.Errorf("pgstore: escalations: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, ref string
		if err := rows.Scan(&k, &ref); err != nil {
			return nil, fmt.Errorf("pgstore: escalations: %w", err)
		}
		out[k] = ref
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: escalations: %w", err)
	}
	return out, nil
}

// ClaimEscalationEvent claims the event seq of a conversation's escalation at place:
// true for exactly one caller across instances, and only when no later event was
// claimed (see bot.SQLiteStorage.ClaimEscalationEvent). One statement.
func (s *Store) ClaimEscalationEvent(ctx context.Context, place, conversation string, seq int64) (bool, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO escalations(place, conversation, ref, created, mirrored) VALUES($1, $2, '', $3, $4)
		ON CONFLICT (place, conversation) DO UPDATE SET mirrored = excluded.mirrored WHERE escalations.mirrored < excluded.mirrored`,
		place, conversation, time.Now().UnixMicro(), seq)
	if err != nil {
		return false, fmt.Errorf("pgstore: claim escalation event: %w", err)
	}
	return tag.RowsAffected() > 0, nil
}

// DeleteEscalation forgets a conversation's escalation.
func (s *Store) DeleteEscalation(ctx context.Context, place, conversation string) error {
	return s.exec(ctx, "delete escalation", `DELETE FROM escalations WHERE place = $1 AND conversation = $2`, place, conversation)
}

// SharePresence implements bot.PresenceStore in one round trip: this instance's rows
// are replaced by local, and the others' valid rows are read (the read sees the table
// as it was before the write, which only touches this instance's rows).
func (s *Store) SharePresence(ctx context.Context, instance string, local map[string]string, until, now time.Time) (map[string]string, error) {
	names := make([]string, 0, len(local))
	statuses := make([]string, 0, len(local))
	for a, st := range local {
		names = append(names, a)
		statuses = append(statuses, st)
	}
	rows, err := s.pool.Query(ctx, `WITH d AS (DELETE FROM adviser_presence WHERE instance = $1 AND NOT (adviser = ANY($2::TEXT[]))),
		u AS (INSERT INTO adviser_presence(adviser, instance, status, until)
			SELECT a, $1, st, $4 FROM unnest($2::TEXT[], $3::TEXT[]) AS x(a, st)
			ON CONFLICT (adviser, instance) DO UPDATE SET status = excluded.status, until = excluded.until)
		SELECT adviser, status FROM adviser_presence WHERE instance <> $1 AND until > $5`,
		instance, names, statuses, until.UnixMicro(), now.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("pgstore: share presence: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var a, st string
		if err := rows.Scan(&a, &st); err != nil {
			return nil, fmt.Errorf("pgstore: share presence: %w", err)
		}
		if out[a] != bot.PresenceOnline {
			out[a] = st
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: share presence: %w", err)
	}
	return out, nil
}

var _ bot.PresenceStore = (*Store)(nil)
