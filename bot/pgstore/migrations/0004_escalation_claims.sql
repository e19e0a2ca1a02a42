-- The Slack adviser channel on several instances (issue 11): every instance sees every
-- event over NATS, and the one that claims an event of an escalation (the highest seq
-- acted on so far) is the one that posts it, so nothing is posted twice.
ALTER TABLE escalations ADD COLUMN mirrored BIGINT NOT NULL DEFAULT 0;
