package transcripts

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Feedback values of Event.Feedback.
const (
	FeedbackYes = "yes"
	FeedbackNo  = "no"
)

// Eraser removes everything stored for one conversation.
type Eraser interface {
	Erase(ctx context.Context, conversation string) error
}

// SQLite is the SQLite transcript store. It is also the database the service keeps its
// other tables in (conversation state, deduplication, outbox): Batch runs a caller's
// writes in the same group-committed transactions as Append, so one message's events,
// state and outbox rows commit together.
//
// All writes go through one writer goroutine that gathers the requests waiting at that
// moment into one transaction (group commit); reads use a separate pool of connections
// (WAL lets them run beside the writer).
type SQLite struct {
	read   *sql.DB
	write  *sql.DB
	redact *Redactor

	reqs    chan writeReq
	stop    chan struct{}
	stopped chan struct{}
	// ckptStopped is closed when the checkpointer has stopped (after the writer).
	ckptStopped chan struct{}
	closeMu     sync.Once
	// sendMu orders sends against Close: a request sent before Close is always answered.
	sendMu sync.RWMutex
	closed bool

	getSeq, putSeq *sql.Stmt
	// insEvents[n] inserts n events in one statement, for n in insertSizes (nil for
	// the other n).
	insEvents [maxRowsPerInsert + 1]*sql.Stmt

	// ckpt is the background checkpointer's own connection; ckptKick wakes it, and
	// finish asks the writer to complete a checkpoint between its transactions.
	ckpt     *sql.DB
	ckptKick chan struct{}
	finish   atomic.Bool
	commits  int // since the checkpointer was last woken (writer only)

	// seqs caches each conversation's last sequence number. Only the writer goroutine
	// touches it.
	seqs map[string]int64

	batches, requests atomic.Int64 // transactions committed and write requests in them
}

// WriterStats are the group commit's counts since the store was opened.
type WriterStats struct {
	Transactions int64 // committed group transactions
	Requests     int64 // write requests committed in them
}

// WriterStats says how many transactions the writer committed and how many requests
// they carried (Requests/Transactions is the mean group size).
func (s *SQLite) WriterStats() WriterStats {
	return WriterStats{Transactions: s.batches.Load(), Requests: s.requests.Load()}
}

// OpenOptions tune the SQLite store.
type OpenOptions struct {
	// MaxBatch is the most write requests committed in one transaction (default 256).
	MaxBatch int
	// ReadConns is the size of the read pool (default 4).
	ReadConns int
	// PageSize is the page size of a new database file (default 8192: a bot reply with
	// its buttons and card, ~1.5 KB, fits in a page of the events table, where at
	// SQLite's 4096 it spills to an overflow page). An existing database keeps the page
	// size it was made with.
	PageSize int
	// Synchronous is SQLite's synchronous setting for the writer: "normal" (the
	// default) or "full". With the write-ahead log, NORMAL writes each group commit into
	// the log without fsync: a committed turn survives the process being killed (the
	// kernel has the pages) but not a power cut or kernel crash, which may lose the last
	// commits (never corrupt the database). FULL adds one fsync of the log per group
	// commit, so an acknowledged turn survives power loss too.
	Synchronous string
	// CheckpointEvery is how many group transactions the writer commits between wake-ups
	// of the background checkpointer (default 32).
	CheckpointEvery int
}

// maxRowsPerInsert is the most events one prepared INSERT carries; insertSizes are the
// row counts with a prepared INSERT, largest first (a group's events are written with
// as few of them as add up to the count).
const maxRowsPerInsert = 16

var insertSizes = [...]int{16, 8, 4, 3, 2, 1}

type writeReq struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	raw  func(ctx context.Context, w *sql.DB) error // run outside a transaction
	done chan error
}

// The events table is an ordinary (rowid) table: rows are appended in the order they
// are written, so the turns of different conversations in one group transaction share
// pages at the end of the table, and a split there is SQLite's cheap balance_quick. A
// conversation's events are found through events_conversation, whose entries are small.
// (Until 2026-12 the table was WITHOUT ROWID, clustered by conversation: every turn then
// dirtied its conversation's own leaf and, with ~3 KB rows in 8 KB pages, split it
// every few turns. migrateEvents rewrites such a table.)
const eventsTable = `
CREATE TABLE IF NOT EXISTS events(
	conversation TEXT NOT NULL,
	seq INTEGER NOT NULL,
	channel TEXT NOT NULL,
	kind TEXT NOT NULL,
	time INTEGER NOT NULL,
	text TEXT NOT NULL,
	intent TEXT NOT NULL DEFAULT '',
	rule TEXT NOT NULL DEFAULT '',
	sources TEXT NOT NULL DEFAULT '',
	handoff INTEGER NOT NULL DEFAULT 0,
	safeguarding INTEGER NOT NULL DEFAULT 0,
	feedback TEXT NOT NULL DEFAULT '',
	payload BLOB
);`

const schema = eventsTable + `
CREATE UNIQUE INDEX IF NOT EXISTS events_conversation ON events(conversation, seq);
CREATE INDEX IF NOT EXISTS events_time ON events(time);
-- Action events by action, for lists across conversations (review flags).
CREATE INDEX IF NOT EXISTS events_action ON events(intent, conversation, seq) WHERE kind='action';
-- The last sequence numbers of erased conversations, keyed by a hash of the
-- conversation key so nothing identifies the person (others are MAX(seq) of events).
CREATE TABLE IF NOT EXISTS erased_seqs(
	key_hash TEXT PRIMARY KEY,
	last_seq INTEGER NOT NULL,
	erased INTEGER NOT NULL
) WITHOUT ROWID;
`

// DSN returns the modernc.org/sqlite data source name for a database file with the
// pragmas careersbot uses: WAL, busy_timeout 5 s, synchronous NORMAL, foreign keys, a
// 16 MB page cache, a 64 MB cap on the idle write-ahead log and temporary files (the
// statement journal) in memory.
func DSN(path string) string { return dsn(path, "NORMAL") }

func dsn(path, synchronous string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+synchronous+")")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "cache_size(-16000)")
	q.Add("_pragma", "journal_size_limit(67108864)")
	// A statement in a transaction that may fail half way (a multi-row INSERT into a
	// table with a unique index) keeps a statement journal of the pages it changes;
	// in memory that costs no write system calls.
	q.Add("_pragma", "temp_store(MEMORY)")
	return "file:" + uriPath.Replace(path) + "?" + q.Encode()
}

// uriPath escapes what would end the path part of a file: URI.
var uriPath = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// OpenSQLite opens (creating if needed) the database file at path and its tables.
func OpenSQLite(ctx context.Context, path string, opts OpenOptions) (*SQLite, error) {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 256
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = 4
	}
	if opts.PageSize == 0 {
		opts.PageSize = 8192
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("transcripts: create database directory: %w", err)
		}
	}
	sync := "NORMAL"
	switch strings.ToLower(opts.Synchronous) {
	case "", "normal":
	case "full":
		sync = "FULL"
	default:
		return nil, fmt.Errorf("transcripts: synchronous %q: want normal or full", opts.Synchronous)
	}
	dsn := dsn(path, sync)
	if err := createFile(ctx, path, opts.PageSize); err != nil {
		return nil, err
	}
	// The writer never checkpoints on commit (wal_autocheckpoint 0): the background
	// checkpointer does, on its own connection, beside the writer.
	w, err := sql.Open(driverName, dsn+"&_pragma=wal_autocheckpoint(0)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("transcripts: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := migrateEvents(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("transcripts: %s: %w", path, err)
	}
	if _, err := w.ExecContext(ctx, schema); err != nil {
		w.Close()
		return nil, fmt.Errorf("transcripts: create tables in %s: %w", path, err)
	}
	r, err := sql.Open(driverName, dsn+"&mode=ro")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("transcripts: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(opts.ReadConns)
	r.SetMaxIdleConns(opts.ReadConns)
	ck, err := sql.Open(driverName, dsn+"&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("transcripts: open %s: %w", path, err)
	}
	ck.SetMaxOpenConns(1)
	ck.SetMaxIdleConns(1)
	if opts.CheckpointEvery <= 0 {
		opts.CheckpointEvery = 32
	}
	s := &SQLite{read: r, write: w, ckpt: ck, redact: NewRedactor(), seqs: map[string]int64{},
		reqs: make(chan writeReq, 1024), stop: make(chan struct{}), stopped: make(chan struct{}),
		ckptKick: make(chan struct{}, 1), ckptStopped: make(chan struct{})}
	if s.getSeq, err = w.PrepareContext(ctx, `SELECT MAX(
		COALESCE((SELECT MAX(seq) FROM events WHERE conversation=?1), 0),
		COALESCE((SELECT last_seq FROM erased_seqs WHERE key_hash=?2), 0))`); err != nil {
		s.closeDBs()
		return nil, fmt.Errorf("transcripts: prepare: %w", err)
	}
	if s.putSeq, err = w.PrepareContext(ctx, `INSERT INTO erased_seqs(key_hash,last_seq,erased) VALUES(?,?,?) ON CONFLICT(key_hash) DO UPDATE SET last_seq=excluded.last_seq, erased=excluded.erased`); err != nil {
		s.closeDBs()
		return nil, fmt.Errorf("transcripts: prepare: %w", err)
	}
	// OR FAIL: a failed row leaves the rows before it in place instead of undoing the
	// statement, so SQLite keeps no statement journal for a multi-row INSERT (with the
	// default ABORT it copies every page the statement changes first). The whole group
	// transaction is rolled back on any failure anyway (runTx).
	for _, n := range insertSizes {
		q := `INSERT OR FAIL INTO events(` + eventCols + `) VALUES ` + strings.TrimSuffix(strings.Repeat(`(?,?,?,?,?,?,?,?,?,?,?,?,?),`, n), ",")
		if s.insEvents[n], err = w.PrepareContext(ctx, q); err != nil {
			s.closeDBs()
			return nil, fmt.Errorf("transcripts: prepare: %w", err)
		}
	}
	go s.checkpointer()
	go s.writer(opts.MaxBatch, opts.CheckpointEvery)
	return s, nil
}

// migrateEvents rewrites an events table made WITHOUT ROWID (before 2026-12) as the
// rowid table of eventsTable, in one transaction: the events are copied in conversation
// and sequence order, the old table dropped and the new one renamed; schema then adds
// its indexes. A new or already rewritten table is left alone.
func migrateEvents(ctx context.Context, w *sql.DB) error {
	var ddl string
	err := w.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type='table' AND name='events'`).Scan(&ddl)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the events table's schema: %w", err)
	}
	if !strings.Contains(strings.ToUpper(ddl), "WITHOUT ROWID") {
		return nil
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate events: %w", err)
	}
	defer tx.Rollback()
	for _, q := range []string{
		`DROP TABLE IF EXISTS events_rowid`,
		strings.Replace(eventsTable, "IF NOT EXISTS events(", "events_rowid(", 1),
		`INSERT INTO events_rowid(` + eventCols + `) SELECT ` + eventCols + ` FROM events ORDER BY conversation, seq`,
		`DROP TABLE events`,
		`ALTER TABLE events_rowid RENAME TO events`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("migrate events to a rowid table: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate events: %w", err)
	}
	return nil
}

// createFile makes a new database file with the given page size in WAL mode. The
// driver applies DSN pragmas in name order (journal_mode before page_size), so the page
// size of a new file is set here, before WAL fixes it.
func createFile(ctx context.Context, path string, pageSize int) error {
	if pageSize < 512 || pageSize > 65536 || pageSize&(pageSize-1) != 0 {
		return fmt.Errorf("transcripts: page size %d: want a power of two from 512 to 65536", pageSize)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		return nil // there already (or unreadable: the real open says why)
	}
	db, err := sql.Open(driverName, "file:"+uriPath.Replace(path))
	if err != nil {
		return fmt.Errorf("transcripts: create %s: %w", path, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size=%d; PRAGMA journal_mode=WAL", pageSize)); err != nil {
		return fmt.Errorf("transcripts: create %s: %w", path, err)
	}
	return db.Close()
}

func (s *SQLite) closeDBs() {
	s.read.Close()
	s.write.Close()
	s.ckpt.Close()
}

// Close stops the writer after the requests already queued and closes the database.
func (s *SQLite) Close() error {
	s.closeMu.Do(func() {
		s.sendMu.Lock()
		s.closed = true
		s.sendMu.Unlock()
		close(s.stop)
	})
	<-s.stopped
	close(s.ckptKick)
	<-s.ckptStopped
	s.getSeq.Close()
	s.putSeq.Close()
	for _, st := range s.insEvents {
		if st != nil {
			st.Close()
		}
	}
	err := s.read.Close()
	if werr := s.write.Close(); err == nil {
		err = werr
	}
	if cerr := s.ckpt.Close(); err == nil {
		err = cerr
	}
	return err
}

// checkpointer copies the write-ahead log into the database file beside the writer
// (PASSIVE never blocks it), each time the writer wakes it. The writer appends while
// it works, so the log is rarely all copied when it ends; the writer then finishes the
// job between two transactions (only the frames written meanwhile are left), after
// which its next transaction starts the log again from its beginning.
func (s *SQLite) checkpointer() {
	defer close(s.ckptStopped)
	for range s.ckptKick {
		// The result counts only the frames there when it started, so it cannot say
		// whether the writer added more: the writer finishes every time.
		if _, err := s.ckpt.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`); err == nil {
			s.finish.Store(true)
		}
	}
}

// ReadDB is the read-only pool, for other tables in the same database.
func (s *SQLite) ReadDB() *sql.DB { return s.read }

// WriteDB is the writer's connection. Use it only to prepare statements and create
// tables before serving; run writes through Batch.
func (s *SQLite) WriteDB() *sql.DB { return s.write }

// Ping checks that the database answers.
func (s *SQLite) Ping(ctx context.Context) error {
	var one int
	return s.read.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// ErrClosed is returned for a write after Close.
var ErrClosed = errors.New("transcripts: store closed")

// Tx is one write request's view of the group transaction.
type Tx struct {
	s   *SQLite
	ctx context.Context
	tx  *sql.Tx
	b   *batchState
}

// batchState is what one transaction assigned: merged into the cache on commit.
// pending are the events appended but not yet inserted: Tx writes them with the group's
// other events in as few INSERTs as it can, before the commit and before any SQL that
// could read them (SQL, Erase).
type batchState struct {
	pending []pendingEvent
	rows    []pendingRows // by RowSet, in the order of their first row
	seqs    map[string]int64
	stmts   map[*sql.Stmt]*sql.Stmt // Tx.Stmt's statements bound to this transaction
	// flushErr is a failure to write pending events that SQL could not return.
	flushErr error
}

// pendingRows are the rows a group added to one RowSet, their arguments one after
// the other.
type pendingRows struct {
	rs   *RowSet
	args []any
}

type pendingEvent struct {
	row [eventColumns]any // the INSERT's arguments (row[1], the Seq, set by AppendPrepared)
}

// SQL is the underlying transaction, for the caller's own tables. The events appended
// so far in the transaction are written first, so the caller's SQL sees them; an error
// writing them fails the transaction at its commit.
func (t *Tx) SQL() *sql.Tx {
	if err := t.flush(); err != nil && t.b.flushErr == nil {
		t.b.flushErr = err
	}
	return t.tx
}

// Context is the transaction's context (not cancelled by the request: once queued a
// write runs to its end).
func (t *Tx) Context() context.Context { return t.ctx }

// Stmt returns a statement prepared on WriteDB for use in this transaction.
// The transaction-specific statement is made once per group transaction and shared by
// its requests. It must not read the events table or a RowSet's table: the events and
// rows added in the transaction may not be written yet (use SQL for that).
func (t *Tx) Stmt(st *sql.Stmt) *sql.Stmt {
	if ts, ok := t.b.stmts[st]; ok {
		return ts
	}
	ts := t.tx.StmtContext(t.ctx, st)
	t.b.stmts[st] = ts
	return ts
}

// Prepared is an event made ready to store: checked and redacted. Preparing happens
// on the caller's goroutine, so the single writer only writes.
type Prepared struct {
	e   Event
	row [eventColumns]any // the INSERT's arguments but the Seq (eventCols order)
}

// eventColumns is how many columns eventCols has.
const eventColumns = 13

// Prepare checks and redacts an event for AppendPrepared. What young people and
// advisers write is redacted; the bot's and the system's own words carry no personal
// data and are stored as they are.
func (s *SQLite) Prepare(e Event) (Prepared, error) {
	if e.Conversation == "" {
		return Prepared{}, errors.New("transcripts: event without conversation")
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	if e.Kind == KindUser || e.Kind == KindAdviser || e.Kind == KindNote {
		e.Text = s.redact.Redact(e.Text)
	}
	// The arguments are made into interface values here, on the caller's goroutine
	// (most are allocations), not by the single writer.
	return Prepared{e: e, row: [eventColumns]any{e.Conversation, nil, boxName(e.Channel), boxName(e.Kind), e.Time.UnixMicro(), e.Text,
		e.Intent, e.Rule, strings.Join(e.Sources, ","), e.Handoff, e.Safeguarding, e.Feedback, e.Payload}}, nil
}

// boxName is a channel or event kind as an interface value, without an allocation for
// the common ones.
func boxName(s string) any {
	switch s {
	case "rest":
		return "rest"
	case "web":
		return "web"
	case KindUser:
		return KindUser
	case KindBot:
		return KindBot
	case KindSystem:
		return KindSystem
	case KindAdviser:
		return KindAdviser
	case KindAction:
		return KindAction
	case KindNote:
		return KindNote
	}
	return s
}

// Append redacts and stores an event, assigning its Seq.
func (t *Tx) Append(e Event) (Event, error) {
	p, err := t.s.Prepare(e)
	if err != nil {
		return Event{}, err
	}
	out, err := t.AppendPrepared(p)
	if err != nil {
		return Event{}, err
	}
	return out[0], nil
}

// AppendPrepared assigns prepared events their Seqs, in order, and queues them for
// the group transaction's INSERTs: the events of every request in the group are written
// together, up to 16 in one statement, before the commit (flush).
func (t *Tx) AppendPrepared(ps ...Prepared) ([]Event, error) {
	out := make([]Event, len(ps))
	for i, p := range ps {
		e := p.e
		last, err := t.lastSeq(e.Conversation)
		if err != nil {
			return nil, err
		}
		e.Seq = last + 1
		t.b.seqs[e.Conversation] = e.Seq
		out[i] = e
		pe := pendingEvent{row: p.row}
		pe.row[1] = e.Seq
		t.b.pending = append(t.b.pending, pe)
	}
	return out, nil
}

// flush writes the pending events, then the rows added to each RowSet, with as few
// statements as insertSizes allow.
func (t *Tx) flush() error {
	if pend := t.b.pending; len(pend) > 0 {
		t.b.pending = pend[:0]
		args := make([]any, 0, eventColumns*min(len(pend), maxRowsPerInsert))
		for len(pend) > 0 {
			n := chunk(len(pend))
			args = args[:0]
			for i := range pend[:n] {
				args = append(args, pend[i].row[:]...)
			}
			if _, err := t.Stmt(t.s.insEvents[n]).ExecContext(t.ctx, args...); err != nil {
				return fmt.Errorf("transcripts: append: %w", err)
			}
			pend = pend[n:]
		}
	}
	if len(t.b.rows) == 0 {
		return nil
	}
	rows := t.b.rows
	t.b.rows = nil
	for _, pr := range rows {
		args := pr.args
		for len(args) > 0 {
			n := chunk(len(args) / pr.rs.cols)
			if _, err := t.Stmt(pr.rs.stmts[n]).ExecContext(t.ctx, args[:n*pr.rs.cols]...); err != nil {
				return fmt.Errorf("transcripts: %s: %w", pr.rs.what, err)
			}
			args = args[n*pr.rs.cols:]
		}
	}
	return nil
}

// chunk is the largest of insertSizes that is at most n (n >= 1).
func chunk(n int) int {
	for _, size := range insertSizes {
		if size <= n {
			return size
		}
	}
	return 1
}

// RowSet is a multi-row statement (an INSERT, an upsert) of the caller's own tables,
// prepared on the writer's connection for each of insertSizes rows. The rows a group's
// requests add with Tx.AddRow are written together, with as few statements as they add
// up to, after the group's events and before its commit or any SQL of the group
// (Tx.SQL, Erase); a failure fails the group's transaction (runTx then runs each request
// alone). The statements must not read the events table.
type RowSet struct {
	what  string // names it in errors
	cols  int
	stmts [maxRowsPerInsert + 1]*sql.Stmt
}

// PrepareRowSet prepares head + " VALUES (?,...),... " + tail, a row having cols
// placeholders, for each of insertSizes rows.
func (s *SQLite) PrepareRowSet(ctx context.Context, what, head string, cols int, tail string) (*RowSet, error) {
	rs := &RowSet{what: what, cols: cols}
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + "),"
	for _, n := range insertSizes {
		q := head + " VALUES " + strings.TrimSuffix(strings.Repeat(row, n), ",") + " " + tail
		st, err := s.write.PrepareContext(ctx, q)
		if err != nil {
			rs.Close()
			return nil, fmt.Errorf("transcripts: prepare %s: %w", what, err)
		}
		rs.stmts[n] = st
	}
	return rs, nil
}

// Close closes the statements.
func (rs *RowSet) Close() {
	for _, st := range rs.stmts {
		if st != nil {
			st.Close()
		}
	}
}

// AddRow adds a row to rs for this group, written with the group's other rows of rs
// (see RowSet). args must be one row's values.
func (t *Tx) AddRow(rs *RowSet, args ...any) error {
	if len(args) != rs.cols {
		return fmt.Errorf("transcripts: %s: %d values for %d columns", rs.what, len(args), rs.cols)
	}
	for i := range t.b.rows {
		if t.b.rows[i].rs == rs {
			t.b.rows[i].args = append(t.b.rows[i].args, args...)
			return nil
		}
	}
	t.b.rows = append(t.b.rows, pendingRows{rs: rs, args: append(make([]any, 0, 8*rs.cols), args...)})
	return nil
}

// lastSeq is a conversation's last sequence number: assigned in this transaction,
// cached, or read from the events (and the counters of erased conversations).
func (t *Tx) lastSeq(conversation string) (int64, error) {
	if last, ok := t.b.seqs[conversation]; ok {
		return last, nil
	}
	if last, ok := t.s.seqs[conversation]; ok {
		return last, nil
	}
	var last int64
	if err := t.Stmt(t.s.getSeq).QueryRowContext(t.ctx, conversation, keyHash(conversation)).Scan(&last); err != nil {
		return 0, fmt.Errorf("transcripts: last seq: %w", err)
	}
	return last, nil
}

// Erase deletes a conversation's events. Its last sequence number is kept (under a hash
// of the key, until retention) so a channel that resumes by sequence number (the web
// chat) never sees a number twice.
func (t *Tx) Erase(conversation string) error {
	if err := t.flush(); err != nil {
		return err
	}
	last, err := t.lastSeq(conversation)
	if err != nil {
		return err
	}
	if last > 0 {
		if _, err := t.Stmt(t.s.putSeq).ExecContext(t.ctx, keyHash(conversation), last, time.Now().UnixMicro()); err != nil {
			return fmt.Errorf("transcripts: erase: %w", err)
		}
		t.b.seqs[conversation] = last
	}
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM events WHERE conversation=?`, conversation); err != nil {
		return fmt.Errorf("transcripts: erase: %w", err)
	}
	return nil
}

// Batch runs fn inside the writer's next group transaction and returns once that
// transaction committed (nil) or failed. fn runs under a savepoint: its error rolls
// back its own writes only, and is returned.
func (s *SQLite) Batch(ctx context.Context, fn func(tx *Tx) error) error {
	return s.enqueue(ctx, writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)})
}

// enqueue queues r for the writer and waits for its answer. Once queued the request is
// always answered (the writer drains before stopping), so it waits regardless of ctx:
// the caller must know whether it committed.
func (s *SQLite) enqueue(ctx context.Context, r writeReq) error {
	s.sendMu.RLock()
	if s.closed {
		s.sendMu.RUnlock()
		return ErrClosed
	}
	select {
	case s.reqs <- r:
		s.sendMu.RUnlock()
	case <-ctx.Done():
		s.sendMu.RUnlock()
		return ctx.Err()
	}
	return <-r.done
}

func (s *SQLite) writer(maxBatch, checkpointEvery int) {
	defer close(s.stopped)
	batch := make([]writeReq, 0, maxBatch)
	for {
		var first writeReq
		select {
		case first = <-s.reqs:
		case <-s.stop:
			// Drain what is queued, then stop.
			for {
				select {
				case r := <-s.reqs:
					s.commit([]writeReq{r})
				default:
					return
				}
			}
		}
		batch = append(batch[:0], first)
		s.gather(&batch, maxBatch)
		s.commit(batch)
		s.afterCommit(checkpointEvery)
	}
}

// gather adds to batch the requests queued behind the first, up to maxBatch. When the
// queue is empty it yields the processor (runtime.Gosched) and looks again, as long as
// the last yield brought more: goroutines that were runnable at that moment (turns about
// to commit) get to queue their writes, so under load one transaction and its page
// writes carry many turns, while an idle store commits a lone write at once (there is
// nothing else to run, so the yield returns straight away). It never sleeps.
func (s *SQLite) gather(batch *[]writeReq, maxBatch int) {
	for yields := 0; len(*batch) < maxBatch; {
		select {
		case r := <-s.reqs:
			*batch = append(*batch, r)
			continue
		default:
		}
		if yields >= maxYields {
			return
		}
		n := len(*batch)
		runtime.Gosched()
		yields++
		if len(s.reqs) == 0 && len(*batch) == n {
			return // nothing came while others ran: commit now
		}
	}
}

// maxYields bounds how often one gather yields, so a steady trickle of writes cannot
// hold a transaction open for long.
const maxYields = 8

// afterCommit wakes the checkpointer every checkpointEvery transactions, and finishes
// a checkpoint it left incomplete. Runs on the writer.
func (s *SQLite) afterCommit(checkpointEvery int) {
	if s.finish.Swap(false) {
		s.write.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
	}
	if s.commits++; s.commits >= checkpointEvery {
		s.commits = 0
		select {
		case s.ckptKick <- struct{}{}:
		default: // still at work on the last one
		}
	}
}

// commit runs a batch in one transaction. When one request fails, the transaction is
// rolled back and each request is run again in its own transaction, so one bad request
// never takes the others with it (the common case pays for no savepoints).
func (s *SQLite) commit(batch []writeReq) {
	for i, r := range batch {
		if r.raw != nil {
			// Commit what came before it, run it alone, then the rest.
			s.commit(batch[:i])
			r.done <- r.raw(context.Background(), s.write)
			s.commit(batch[i+1:])
			return
		}
	}
	if len(batch) == 0 {
		return
	}
	if len(batch) > 1 {
		errs, ok := s.runTx(batch)
		if ok {
			for i, r := range batch {
				r.done <- errs[i]
			}
			return
		}
	}
	for _, r := range batch {
		errs, _ := s.runTx([]writeReq{r})
		r.done <- errs[0]
	}
}

// runTx runs requests in one transaction. ok is false when a request failed and the
// transaction was rolled back (errs then say which).
func (s *SQLite) runTx(batch []writeReq) (errs []error, ok bool) {
	ctx := context.Background()
	errs = make([]error, len(batch))
	fail := func(err error) ([]error, bool) {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return errs, false
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fail(fmt.Errorf("transcripts: begin: %w", err))
	}
	// A REST turn appends two events (the message and the reply): room for those,
	// so the group's pending events are not copied over and over as the slice grows.
	b := &batchState{pending: make([]pendingEvent, 0, 2*len(batch)+2), seqs: make(map[string]int64, len(batch)), stmts: map[*sql.Stmt]*sql.Stmt{}}
	t := &Tx{s: s, ctx: ctx, tx: tx, b: b}
	ran := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err // gave up before it ran: nothing written
			continue
		}
		if err := r.fn(t); err != nil {
			errs[i] = err
			tx.Rollback()
			if len(batch) > 1 {
				return errs, false
			}
			return errs, true
		}
		ran++
	}
	if ran == 0 {
		tx.Rollback()
		return errs, true
	}
	err = t.b.flushErr
	if err == nil {
		err = t.flush()
	}
	if err != nil {
		// Which request's events failed is not known: alone, each finds out.
		tx.Rollback()
		if len(batch) > 1 {
			return errs, false
		}
		return fail(err)
	}
	if err := tx.Commit(); err != nil {
		return fail(fmt.Errorf("transcripts: commit: %w", err))
	}
	s.batches.Add(1)
	s.requests.Add(int64(ran))
	if len(s.seqs) > 200000 {
		clear(s.seqs)
	}
	for conv, seq := range b.seqs {
		s.seqs[conv] = seq
	}
	return errs, true
}

// Checkpoint copies the write-ahead log into the database file as far as readers allow
// (PASSIVE: it never waits for them), so the log can start again from its beginning; the
// file is then cut to journal_size_limit. It runs on the writer, between transactions;
// retention calls it after deleting.
func (s *SQLite) Checkpoint(ctx context.Context) error {
	r := writeReq{ctx: ctx, raw: func(ctx context.Context, w *sql.DB) error {
		if _, err := w.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
			return fmt.Errorf("transcripts: checkpoint: %w", err)
		}
		return nil
	}, done: make(chan error, 1)}
	return s.enqueue(ctx, r)
}

// Append redacts and stores one event in its own write request.
func (s *SQLite) Append(ctx context.Context, e Event) (Event, error) {
	var out Event
	err := s.Batch(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.Append(e)
		return err
	})
	return out, err
}

// Erase deletes a conversation's events.
func (s *SQLite) Erase(ctx context.Context, conversation string) error {
	return s.Batch(ctx, func(tx *Tx) error { return tx.Erase(conversation) })
}

// LastSeq returns a conversation's last sequence number, ErrNotFound when it never had
// an event.
func (s *SQLite) LastSeq(ctx context.Context, conversation string) (int64, error) {
	var n int64
	err := s.read.QueryRowContext(ctx, `SELECT MAX(
		COALESCE((SELECT MAX(seq) FROM events WHERE conversation=?1), 0),
		COALESCE((SELECT last_seq FROM erased_seqs WHERE key_hash=?2), 0))`, conversation, keyHash(conversation)).Scan(&n)
	if err == nil && n == 0 {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("transcripts: last seq: %w", err)
	}
	return n, nil
}

const eventCols = `conversation,seq,channel,kind,time,text,intent,rule,sources,handoff,safeguarding,feedback,payload`

func scanEvent(rows *sql.Rows) (Event, error) {
	var e Event
	var t int64
	var sources string
	err := rows.Scan(&e.Conversation, &e.Seq, &e.Channel, &e.Kind, &t, &e.Text, &e.Intent, &e.Rule, &sources,
		&e.Handoff, &e.Safeguarding, &e.Feedback, &e.Payload)
	if err != nil {
		return Event{}, fmt.Errorf("transcripts: scan: %w", err)
	}
	e.Time = time.UnixMicro(t).UTC()
	if sources != "" {
		e.Sources = strings.Split(sources, ",")
	}
	if len(e.Payload) == 0 {
		e.Payload = nil
	}
	return e, nil
}

// EventsAfter returns a conversation's events with Seq > after, in order, at most limit.
// An unknown conversation gives no events and no error.
func (s *SQLite) EventsAfter(ctx context.Context, conversation string, after int64, limit int) ([]Event, error) {
	if limit <= 0 {
		limit = -1
	}
	return s.queryEvents(ctx, "events", `SELECT `+eventCols+` FROM events WHERE conversation=? AND seq>? ORDER BY seq LIMIT ?`,
		conversation, after, limit)
}

// queryEvents runs a query over eventCols and returns its events; what names the
// query in errors.
func (s *SQLite) queryEvents(ctx context.Context, what, q string, args ...any) ([]Event, error) {
	var out []Event
	err := s.eachEvent(ctx, what, q, args, func(e Event) error { out = append(out, e); return nil })
	return out, err
}

// eachEvent runs a query over eventCols and calls fn for each event in order.
func (s *SQLite) eachEvent(ctx context.Context, what, q string, args []any, fn func(Event) error) error {
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("transcripts: %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("transcripts: %s: %w", what, err)
	}
	return nil
}

// EventsRange returns a conversation's events with from <= Seq <= to, in order.
func (s *SQLite) EventsRange(ctx context.Context, conversation string, from, to int64) ([]Event, error) {
	evs, err := s.EventsAfter(ctx, conversation, from-1, int(to-from+1))
	if err != nil {
		return nil, err
	}
	return evs, nil
}

// DeleteBefore deletes every event older than cutoff (retention) and the sequence
// counters of conversations erased before it. It returns the events deleted.
func (s *SQLite) DeleteBefore(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := s.Batch(ctx, func(tx *Tx) error {
		res, err := tx.SQL().ExecContext(ctx, `DELETE FROM events WHERE time < ?`, cutoff.UnixMicro())
		if err != nil {
			return fmt.Errorf("transcripts: retention: %w", err)
		}
		n, _ = res.RowsAffected()
		if n > 0 {
			clear(tx.s.seqs) // emptied conversations start again from their stored events
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM erased_seqs WHERE erased < ?`, cutoff.UnixMicro()); err != nil {
			return fmt.Errorf("transcripts: retention: %w", err)
		}
		return nil
	})
	return n, err
}

// Each calls fn for every event at or after since, ordered by conversation and Seq.
func (s *SQLite) Each(ctx context.Context, since time.Time, fn func(Event) error) error {
	return s.eachEvent(ctx, "export", `SELECT `+eventCols+` FROM events WHERE time >= ? ORDER BY conversation, seq`, []any{since.UnixMicro()}, fn)
}

// ActionEvents returns the action events (kind "action") whose action (Intent) is one
// of actions, ordered by conversation and Seq.
func (s *SQLite) ActionEvents(ctx context.Context, actions ...string) ([]Event, error) {
	if len(actions) == 0 {
		return nil, nil
	}
	args := make([]any, len(actions))
	for i, a := range actions {
		args[i] = a
	}
	q := `SELECT ` + eventCols + ` FROM events WHERE kind='action' AND intent IN (?` + strings.Repeat(",?", len(actions)-1) + `) ORDER BY conversation, seq`
	return s.queryEvents(ctx, "action events", q, args...)
}

// Stats computes the KPIs over events at or after since.
func (s *SQLite) Stats(ctx context.Context, since time.Time) (Stats, error) {
	st := Stats{Since: since, Intents: map[string]int{}}
	from := since.UnixMicro()
	err := s.read.QueryRowContext(ctx, `SELECT
		COUNT(DISTINCT conversation),
		COALESCE(SUM(kind='user'),0),
		COALESCE(SUM(kind='bot'),0),
		COALESCE(SUM(kind='adviser'),0),
		COALESCE(SUM(kind='user' AND safeguarding=1),0),
		COALESCE(SUM(feedback='yes'),0),
		COALESCE(SUM(feedback='no'),0)
		FROM events WHERE time >= ?`, from).Scan(&st.Conversations, &st.Messages, &st.BotReplies, &st.AdviserMessages,
		&st.SafeguardingFlags, &st.FeedbackYes, &st.FeedbackNo)
	if err != nil {
		return Stats{}, fmt.Errorf("transcripts: stats: %w", err)
	}
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT conversation) FROM events WHERE time >= ? AND handoff=1`, from).Scan(&st.HandedOff); err != nil {
		return Stats{}, fmt.Errorf("transcripts: stats: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT intent, COUNT(*) FROM events WHERE time >= ? AND kind='user' AND intent != '' GROUP BY intent`, from)
	if err != nil {
		return Stats{}, fmt.Errorf("transcripts: stats: %w", err)
	}
	defer rows.Close()
	understood := 0
	for rows.Next() {
		var in string
		var n int
		if err := rows.Scan(&in, &n); err != nil {
			return Stats{}, fmt.Errorf("transcripts: stats: %w", err)
		}
		st.Intents[in] = n
		understood += n
	}
	if err := rows.Err(); err != nil {
		return Stats{}, fmt.Errorf("transcripts: stats: %w", err)
	}
	if st.Handoffs, err = s.handoffStats(ctx, from); err != nil {
		return Stats{}, err
	}
	st.finish(understood)
	return st, nil
}

// handoffStats reads the handoff action events (kind "action"; Intent is the action,
// Payload its details).
func (s *SQLite) handoffStats(ctx context.Context, from int64) (HandoffStats, error) {
	h := HandoffStats{ByTrigger: map[string]int{}, ResolvedByOutcome: map[string]int{}}
	rows, err := s.read.QueryContext(ctx, `SELECT intent, payload FROM events WHERE time >= ? AND kind='action'`, from)
	if err != nil {
		return h, fmt.Errorf("transcripts: handoff stats: %w", err)
	}
	defer rows.Close()
	var waits []int64
	for rows.Next() {
		var action string
		var payload []byte
		if err := rows.Scan(&action, &payload); err != nil {
			return h, fmt.Errorf("transcripts: handoff stats: %w", err)
		}
		var a struct {
			Trigger    string `json:"trigger"`
			Outcome    string `json:"outcome"`
			WaitMS     int64  `json:"wait_ms"`
			From       string `json:"from"`
			OutOfHours bool   `json:"out_of_hours"`
		}
		json.Unmarshal(payload, &a)
		switch action {
		case "queued":
			h.ByTrigger[a.Trigger]++
		case "out_of_hours":
			h.OutOfHours++
		case "claimed":
			if a.From == "queued" {
				h.Claimed++
				waits = append(waits, a.WaitMS)
			}
		case "cancelled":
			h.Abandoned++
		case "expired":
			h.Expired++
		case "resolved":
			h.ResolvedByOutcome[a.Outcome]++
		case "message_left":
			h.MessagesLeft++
			if a.OutOfHours {
				h.MessagesLeftOutOfHours++
			}
		case "message_answered":
			h.MessagesAnswered++
		case "review_flagged":
			h.ReviewFlags++
		case "reviewed":
			h.Reviewed++
		}
	}
	if err := rows.Err(); err != nil {
		return h, fmt.Errorf("transcripts: handoff stats: %w", err)
	}
	sort.Slice(waits, func(i, j int) bool { return waits[i] < waits[j] })
	h.WaitP50MS, h.WaitP90MS = percentile(waits, 0.5), percentile(waits, 0.9)
	return h, nil
}

// percentile is the nearest-rank percentile of sorted values (0 when empty).
func percentile(sorted []int64, p float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// HandoffStats are the advisers' KPIs.
type HandoffStats struct {
	// ByTrigger counts conversations queued for an adviser by why: user, rule,
	// misunderstood, safeguarding (transfers and requeues are not new handoffs).
	ByTrigger map[string]int `json:"by_trigger"`
	// Claimed counts claims from the queue; WaitP50MS and WaitP90MS are their waits.
	Claimed   int   `json:"claimed"`
	WaitP50MS int64 `json:"wait_p50_ms"`
	WaitP90MS int64 `json:"wait_p90_ms"`
	// Abandoned left the queue themselves ("never mind"); Expired waited too long.
	Abandoned int `json:"abandoned"`
	Expired   int `json:"expired"`
	// ResolvedByOutcome counts resolutions by their outcome tag.
	ResolvedByOutcome map[string]int `json:"resolved_by_outcome"`
	// OutOfHours counts requests for an adviser out of office hours; MessagesLeft the
	// messages left for advisers (MessagesLeftOutOfHours of them out of hours);
	// MessagesAnswered the conversations whose left messages an adviser answered.
	OutOfHours             int `json:"out_of_hours"`
	MessagesLeft           int `json:"messages_left"`
	MessagesLeftOutOfHours int `json:"messages_left_out_of_hours"`
	MessagesAnswered       int `json:"messages_answered"`
	// ReviewFlags counts tier-2 safeguarding check-ins flagged for an adviser's review;
	// Reviewed the reviews advisers recorded (one closes every earlier flag of its
	// conversation).
	ReviewFlags int `json:"review_flags"`
	Reviewed    int `json:"reviewed"`
}

// Stats are the KPIs a careers service reads.
type Stats struct {
	Since             time.Time      `json:"since"`
	Conversations     int            `json:"conversations"`
	Messages          int            `json:"messages"` // from young people
	BotReplies        int            `json:"bot_replies"`
	AdviserMessages   int            `json:"adviser_messages"`
	Intents           map[string]int `json:"intents"`
	FallbackRate      float64        `json:"fallback_rate"` // share of messages the bot did not understand
	HandedOff         int            `json:"handed_off"`    // conversations handed to an adviser
	HandoffRate       float64        `json:"handoff_rate"`  // share of conversations
	SafeguardingFlags int            `json:"safeguarding_flags"`
	FeedbackYes       int            `json:"feedback_yes"`
	FeedbackNo        int            `json:"feedback_no"`
	HelpfulRate       float64        `json:"helpful_rate"` // yes / (yes + no)
	Handoffs          HandoffStats   `json:"handoffs"`
}

func (st *Stats) finish(understood int) {
	if understood > 0 {
		st.FallbackRate = float64(st.Intents["unknown"]) / float64(understood)
	}
	if st.Conversations > 0 {
		st.HandoffRate = float64(st.HandedOff) / float64(st.Conversations)
	}
	if n := st.FeedbackYes + st.FeedbackNo; n > 0 {
		st.HelpfulRate = float64(st.FeedbackYes) / float64(n)
	}
}

var _ Store = (*SQLite)(nil)

// keyHash hides a conversation key in the erased conversations' counters.
func keyHash(conversation string) string {
	sum := sha256.Sum256([]byte("careersbot erased conversation\x00" + conversation))
	return hex.EncodeToString(sum[:16])
}
