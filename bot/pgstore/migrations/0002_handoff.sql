-- The handoff side (issue 8) in PostgreSQL: REST API keys, advisers' accounts and
-- console sessions, canned replies, where escalations were posted (Slack), and a flag
-- that keeps the advisers' desk (queued, held, or with messages left) one index away.
-- Same tables and meanings as bot/handoff_store.go on SQLite; times in microseconds.

CREATE TABLE api_keys(
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	hash BYTEA NOT NULL,
	created BIGINT NOT NULL,
	revoked BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE advisers(
	name TEXT PRIMARY KEY,
	display TEXT NOT NULL,
	role TEXT NOT NULL,
	hash TEXT NOT NULL,
	disabled BOOLEAN NOT NULL DEFAULT false,
	created BIGINT NOT NULL
);

-- A session is kept only as the SHA-256 of its id.
CREATE TABLE adviser_sessions(
	id_hash BYTEA PRIMARY KEY,
	adviser TEXT NOT NULL,
	csrf TEXT NOT NULL,
	created BIGINT NOT NULL,
	seen BIGINT NOT NULL
);
CREATE INDEX adviser_sessions_adviser ON adviser_sessions(adviser);
CREATE INDEX adviser_sessions_seen ON adviser_sessions(seen);

CREATE TABLE escalations(
	place TEXT NOT NULL,
	conversation TEXT NOT NULL,
	ref TEXT NOT NULL,
	created BIGINT NOT NULL,
	PRIMARY KEY(place, conversation)
);
CREATE INDEX escalations_conversation ON escalations(conversation);

CREATE TABLE canned_replies(
	id BIGSERIAL PRIMARY KEY,
	title TEXT NOT NULL,
	text TEXT NOT NULL,
	updated BIGINT NOT NULL
);

-- Advisers' presence as each instance sees it (the consoles it serves), rewritten every
-- few seconds; a row past its until is ignored (the instance died).
CREATE TABLE adviser_presence(
	adviser TEXT NOT NULL,
	instance TEXT NOT NULL,
	status TEXT NOT NULL,
	until BIGINT NOT NULL,
	PRIMARY KEY(adviser, instance)
);
CREATE INDEX adviser_presence_instance ON adviser_presence(instance);

-- desk: the conversation is on the advisers' desk. A trigger keeps it from the state
-- (so careersbot_commit and older builds need not know it); the JSON is parsed only
-- for a bot-state row whose data mentions left messages at all.
ALTER TABLE conversations ADD COLUMN desk BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX conversations_desk ON conversations(key) WHERE desk;

CREATE FUNCTION careersbot_desk() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.state IN ('queued', 'with_adviser') THEN
		NEW.desk := true;
	ELSIF NEW.state = 'bot' AND position('"messages":' IN convert_from(NEW.data, 'UTF8')) > 0 THEN
		NEW.desk := COALESCE((convert_from(NEW.data, 'UTF8')::jsonb #>> '{handoff,messages}')::INT, 0) > 0;
	ELSE
		NEW.desk := false;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER conversations_desk BEFORE INSERT OR UPDATE OF state, data ON conversations
	FOR EACH ROW EXECUTE FUNCTION careersbot_desk();
UPDATE conversations SET state = state;

-- Erasing a conversation also forgets where its escalation was posted (as on SQLite).
CREATE OR REPLACE FUNCTION careersbot_commit(
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
		DELETE FROM escalations WHERE conversation = p_key;
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
