-- The advisers' review list (tier-2 safeguarding check-ins, issue 9) reads action
-- events by action across conversations: a partial index over action events only,
-- as SQLite's events_action.
CREATE INDEX events_action ON events(intent, conversation, seq) WHERE kind = 'action';
