-- careersbot on PostgreSQL: transcripts, conversation state, delivery records, the outbox.
-- Times are microseconds since the Unix epoch (as in the SQLite store).

-- One clock per conversation, keyed by a hash of its key so that an erased conversation
-- leaves nothing that identifies the person. last_seq numbers the transcript events;
-- version counts commits and is the fencing token: a commit computed from an older
-- version is refused, so two instances can never interleave one conversation's turns.
CREATE TABLE conversation_clock(
	key_hash TEXT PRIMARY KEY,
	last_seq BIGINT NOT NULL,
	version BIGINT NOT NULL,
	updated BIGINT NOT NULL
);
CREATE INDEX conversation_clock_updated ON conversation_clock(updated);

CREATE TABLE events(
	conversation TEXT NOT NULL,
	seq BIGINT NOT NULL,
	channel TEXT NOT NULL,
	kind TEXT NOT NULL,
	time BIGINT NOT NULL,
	text TEXT NOT NULL,
	intent TEXT NOT NULL DEFAULT '',
	rule TEXT NOT NULL DEFAULT '',
	sources TEXT NOT NULL DEFAULT '',
	handoff BOOLEAN NOT NULL DEFAULT false,
	safeguarding BOOLEAN NOT NULL DEFAULT false,
	feedback TEXT NOT NULL DEFAULT '',
	payload BYTEA,
	PRIMARY KEY(conversation, seq)
);
CREATE INDEX events_time ON events(time);

CREATE TABLE conversations(
	key TEXT PRIMARY KEY,
	channel TEXT NOT NULL,
	state TEXT NOT NULL,
	data BYTEA NOT NULL,
	updated BIGINT NOT NULL
);
CREATE INDEX conversations_updated ON conversations(updated);

CREATE TABLE deliveries(
	channel TEXT NOT NULL,
	id TEXT NOT NULL,
	conversation TEXT NOT NULL,
	first_seq BIGINT NOT NULL,
	last_seq BIGINT NOT NULL,
	created BIGINT NOT NULL,
	PRIMARY KEY(channel, id)
);
CREATE INDEX deliveries_created ON deliveries(created);
CREATE INDEX deliveries_conversation ON deliveries(conversation);

-- status 0 pending, 2 failed. claimed_until is the lease of the instance delivering it.
CREATE TABLE outbox(
	id BIGSERIAL PRIMARY KEY,
	channel TEXT NOT NULL,
	conversation TEXT NOT NULL,
	message JSONB NOT NULL,
	status SMALLINT NOT NULL DEFAULT 0,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at BIGINT NOT NULL,
	claimed_until BIGINT NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created BIGINT NOT NULL
);
CREATE INDEX outbox_pending ON outbox(next_at) WHERE status = 0;
CREATE INDEX outbox_conversation ON outbox(conversation, id) WHERE status = 0;

-- careersbot_commit writes one turn in one round trip: it locks the conversation's clock,
-- checks the fencing version (p_version < 0: no check), erases first when asked, appends
-- the events (p_events: a JSON array; an element with "msg" also queues that outbound
-- message with its seq), saves the state (p_state not null) and records the delivery
-- (p_dedup not ''). It returns the first event's seq and the new version.
-- SQLSTATE CB001: the conversation changed since p_version; CB002: the delivery was
-- already recorded. Both roll the whole turn back.
CREATE FUNCTION careersbot_commit(
	p_key TEXT, p_hash TEXT, p_channel TEXT, p_version BIGINT, p_erase BOOLEAN,
	p_events JSONB, p_state BYTEA, p_state_name TEXT, p_dedup TEXT, p_now BIGINT,
	OUT first_seq BIGINT, OUT new_version BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
	v_last BIGINT;
	v_version BIGINT;
	e JSONB;
BEGIN
	INSERT INTO conversation_clock(key_hash, last_seq, version, updated)
		VALUES (p_hash, 0, 0, p_now) ON CONFLICT (key_hash) DO NOTHING;
	SELECT c.last_seq, c.version INTO v_last, v_version
		FROM conversation_clock c WHERE c.key_hash = p_hash FOR UPDATE;
	IF p_version >= 0 AND v_version <> p_version THEN
		RAISE EXCEPTION 'careersbot: conversation % changed (version % since %)', p_hash, v_version, p_version
			USING ERRCODE = 'CB001';
	END IF;
	IF p_erase THEN
		DELETE FROM events WHERE conversation = p_key;
		DELETE FROM conversations WHERE key = p_key;
		DELETE FROM deliveries WHERE conversation = p_key;
	END IF;
	first_seq := v_last + 1;
	FOR e IN SELECT x FROM jsonb_array_elements(COALESCE(p_events, '[]'::jsonb)) AS x LOOP
		v_last := v_last + 1;
		INSERT INTO events(conversation, seq, channel, kind, time, text, intent, rule, sources,
				handoff, safeguarding, feedback, payload)
			VALUES (p_key, v_last, e->>'channel', e->>'kind', (e->>'time')::BIGINT, e->>'text',
				COALESCE(e->>'intent', ''), COALESCE(e->>'rule', ''), COALESCE(e->>'sources', ''),
				COALESCE((e->>'handoff')::BOOLEAN, false), COALESCE((e->>'safeguarding')::BOOLEAN, false),
				COALESCE(e->>'feedback', ''), decode(e->>'payload', 'base64'));
		IF e ? 'msg' THEN
			INSERT INTO outbox(channel, conversation, message, next_at, created)
				VALUES (e->'msg'->>'channel', p_key, jsonb_set(e->'msg', '{seq}', to_jsonb(v_last)), p_now, p_now);
		END IF;
	END LOOP;
	IF p_state IS NOT NULL THEN
		INSERT INTO conversations(key, channel, state, data, updated)
			VALUES (p_key, p_channel, p_state_name, p_state, p_now)
			ON CONFLICT (key) DO UPDATE SET state = excluded.state, data = excluded.data, updated = excluded.updated;
	END IF;
	IF p_dedup <> '' AND NOT p_erase THEN
		INSERT INTO deliveries(channel, id, conversation, first_seq, last_seq, created)
			VALUES (p_channel, p_dedup, p_key, first_seq, v_last, p_now)
			ON CONFLICT (channel, id) DO NOTHING;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'careersbot: delivery %/% already processed', p_channel, p_dedup
				USING ERRCODE = 'CB002';
		END IF;
	END IF;
	new_version := v_version + 1;
	UPDATE conversation_clock SET last_seq = v_last, version = new_version, updated = p_now
		WHERE key_hash = p_hash;
END
$$;
