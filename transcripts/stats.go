package transcripts

// Finish computes the rates of st from its counts; understood is the number of user
// messages with an intent. Stores other than SQLite (PostgreSQL) count with their own
// queries and call it, so every store derives the rates the same way.
func (st *Stats) Finish(understood int) { st.finish(understood) }

// KeyHash is the hash under which a store keeps what must outlive an erased
// conversation (its last sequence number), so nothing stored identifies the person.
func KeyHash(conversation string) string { return keyHash(conversation) }
