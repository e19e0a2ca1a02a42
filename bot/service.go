package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/transcripts"
	"github.com/prometheus/client_golang/prometheus"
)

// Errors the service returns for messages it will not take.
var (
	ErrClosed   = errors.New("bot: service shutting down")
	ErrBusy     = errors.New("bot: too many messages waiting in this conversation")
	ErrTooLarge = errors.New("bot: message too large")
	ErrEmpty    = errors.New("bot: empty message")
	ErrBinary   = errors.New("bot: message is not text")
	ErrNoKey    = errors.New("bot: message without channel or conversation")
)

// Wording of the service's own messages (the engine words everything else).
const (
	TextQueued       = "A careers adviser will reply here as soon as they can."
	TextSafeguarding = "Thank you for telling me. I've passed this to a careers adviser so a person sees it straight away. " +
		"If you are in danger right now, call 999. You can talk to Childline any time, free, on 0800 1111."
	TextDeleted     = "I've deleted this conversation and what you told me. You can start again any time."
	TextEngineError = "Sorry, something went wrong on my side. Please try again, or ask to talk to an adviser."
	TextReleased    = "The adviser has left the chat. You're talking to careersbot again."
	TextNoAdviser   = "No careers adviser is free right now, so I'll carry on helping. An adviser can still read this chat and reply."
)

// SafeguardingCheck is the safeguarding gate: a non-nil flag means the message may show
// a young person at risk. The default is the engine's own gate when it has one
// (dialog.Engine.CheckSafeguarding), else dialog.CheckSafeguarding.
type SafeguardingCheck func(text string) *dialog.SafeguardingFlag

// safeguardingGate is an engine that runs the safeguarding gate over its own NLU data
// (dialog.Engine): the service's default Check then follows the engine's reloads.
type safeguardingGate interface {
	CheckSafeguarding(text string) *dialog.SafeguardingFlag
}

// Options configure a Service.
type Options struct {
	Logger *slog.Logger
	Bus    Bus // default: an in-process MemoryBus
	Check  SafeguardingCheck
	// MaxMessageBytes caps an inbound message's text (default 4096).
	MaxMessageBytes int
	// MaxQueue caps the messages waiting in one conversation (default 256).
	MaxQueue int
	// IdleLane is how long an idle conversation's lane (its cached state) is kept
	// (default 1m).
	IdleLane time.Duration
	// Retention is how long transcripts and state are kept (0: for ever).
	Retention time.Duration
	// DedupWindow is how long delivery ids are remembered (default 7 days, at most Retention).
	DedupWindow time.Duration
	// PruneEvery is how often retention runs (default 1h).
	PruneEvery time.Duration
	// RetryBase and RetryMax shape delivery retries: base*2^attempts, at most max
	// (defaults 1s and 5m). A platform's Retry-After wins when longer.
	RetryBase, RetryMax time.Duration
	// PollEvery is how often the delivery worker looks for due items without a kick (default 1s).
	PollEvery time.Duration
	// HandoffTimeout gives a queued conversation back to the bot when no adviser has
	// joined after this long and the person writes again (0: wait for ever).
	// Conversations flagged by the safeguarding gate always wait.
	HandoffTimeout time.Duration
	// Handoff configures the advisers' queue: office hours, outcomes, sweeps.
	Handoff HandoffOptions
	Metrics *Metrics
	// Now is the clock (tests).
	Now func() time.Time
}

// Service is careersbot's core: it implements Handler for every adapter.
type Service struct {
	store    Storage
	engine   Responder
	opts     Options
	log      *slog.Logger
	bus      Bus
	check    SafeguardingCheck
	metrics  *Metrics
	adapters map[string]Adapter
	amu      sync.RWMutex
	desk     *desk
	hopts    HandoffOptions

	lmu     sync.Mutex
	lanes   map[string]*lane
	closing bool
	lwg     sync.WaitGroup

	kick chan struct{}
	bg   sync.WaitGroup
	stop chan struct{}
	once sync.Once
}

// New returns a service over a store and an engine.
func New(store Storage, engine Responder, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Bus == nil {
		opts.Bus = NewMemoryBus()
	}
	if opts.Check == nil {
		opts.Check = dialog.CheckSafeguarding
		// an engine with its own (loaded, hot-reloaded) safeguarding data gates with it
		if g, ok := engine.(safeguardingGate); ok {
			opts.Check = g.CheckSafeguarding
		}
	}
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = 4096
	}
	if opts.MaxQueue <= 0 {
		opts.MaxQueue = 256
	}
	if opts.IdleLane <= 0 {
		opts.IdleLane = time.Minute
	}
	if opts.DedupWindow <= 0 {
		opts.DedupWindow = 7 * 24 * time.Hour
	}
	if opts.Retention > 0 && opts.DedupWindow > opts.Retention {
		opts.DedupWindow = opts.Retention
	}
	if opts.PruneEvery <= 0 {
		opts.PruneEvery = time.Hour
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = time.Second
	}
	if opts.RetryMax <= 0 {
		opts.RetryMax = 5 * time.Minute
	}
	if opts.PollEvery <= 0 {
		opts.PollEvery = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(store.OutboxDepth)
	}
	if len(opts.Handoff.Outcomes) == 0 {
		opts.Handoff.Outcomes = DefaultOutcomes
	}
	if opts.Handoff.DefaultWait <= 0 {
		opts.Handoff.DefaultWait = 5 * time.Minute
	}
	if opts.Handoff.SweepEvery <= 0 {
		opts.Handoff.SweepEvery = 15 * time.Second
	}
	s := &Service{
		store: store, engine: engine, opts: opts, log: opts.Logger, bus: opts.Bus, check: opts.Check,
		metrics: opts.Metrics, adapters: map[string]Adapter{}, lanes: map[string]*lane{},
		kick: make(chan struct{}, 1), stop: make(chan struct{}), desk: newDesk(), hopts: opts.Handoff,
	}
	// Best effort: a registry shared by two services keeps the first one's gauge.
	s.metrics.Registry.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "careersbot_active_conversations", Help: "Conversations with a lane (a message in the last minute or so).",
	}, func() float64 {
		s.lmu.Lock()
		defer s.lmu.Unlock()
		return float64(len(s.lanes))
	}))
	return s
}

// Register adds an adapter: outbound messages of its channel (Name) go through its Send.
// Channels without an adapter (the REST channel) answer synchronously only.
func (s *Service) Register(a Adapter) {
	s.amu.Lock()
	s.adapters[a.Name()] = a
	s.amu.Unlock()
	s.Kick()
}

func (s *Service) adapter(name string) Adapter {
	s.amu.RLock()
	defer s.amu.RUnlock()
	return s.adapters[name]
}

// Bus returns the service's event bus.
func (s *Service) Bus() Bus { return s.bus }

// Store returns the service's storage.
func (s *Service) Store() Storage { return s.store }

// Metrics returns the service's metrics.
func (s *Service) Metrics() *Metrics { return s.metrics }

// Start runs the delivery worker, the retention scheduler and the handoff queue's
// sweeps until Close. Items left in the outbox by an earlier run are delivered first;
// the advisers' queue is rebuilt from the stored conversations.
func (s *Service) Start() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	if err := s.loadDesk(ctx); err != nil {
		s.log.Error("loading the advisers' queue", "err", err)
	}
	cancel()
	s.bg.Add(1)
	go s.deliverLoop()
	s.bg.Add(1)
	go s.pruneLoop()
	s.bg.Add(1)
	go s.handoffLoop()
	s.startDeskSync()
	s.bg.Add(1)
	go s.laneSweepLoop()
	s.Kick()
}

// Kick wakes the delivery worker.
func (s *Service) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Close stops taking messages, finishes the ones already accepted, stops the background
// workers and returns; ctx bounds the wait.
func (s *Service) Close(ctx context.Context) error {
	s.lmu.Lock()
	s.closing = true
	s.lmu.Unlock()
	done := make(chan struct{})
	go func() {
		s.lwg.Wait()
		s.once.Do(func() { close(s.stop) })
		s.bg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.once.Do(func() { close(s.stop) })
		return fmt.Errorf("bot: shutdown: %w", ctx.Err())
	}
}

// Result is what one inbound message produced.
type Result struct {
	// Events are the transcript events written for it: the user's message (unless the
	// conversation was erased) then replies.
	Events []transcripts.Event
	// State is the conversation state after it.
	State string
	// Duplicate is set when the delivery had been processed before; Events are then the
	// ones it produced the first time.
	Duplicate bool
}

// Replies are the events of r that answer the user (bot, adviser and system events;
// not advisers' actions and notes).
func (r Result) Replies() []transcripts.Event {
	var out []transcripts.Event
	for _, e := range r.Events {
		if e.Kind != transcripts.KindUser && transcripts.VisibleToUser(e.Kind) {
			out = append(out, e)
		}
	}
	return out
}

// Validate checks an inbound message before it is queued.
func (s *Service) Validate(m Message) error {
	if m.Channel == "" || m.Conversation == "" {
		return ErrNoKey
	}
	if len(m.Text) > s.opts.MaxMessageBytes || len(m.Button) > s.opts.MaxMessageBytes {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(m.Text), s.opts.MaxMessageBytes)
	}
	for _, t := range []string{m.Text, m.Button, m.Command, m.Location} {
		if !utf8.ValidString(t) || strings.ContainsRune(t, 0) {
			return ErrBinary
		}
	}
	if strings.TrimSpace(m.Text) == "" && m.Button == "" && m.Command == "" {
		return ErrEmpty
	}
	return nil
}

// Handle implements Handler: it returns once the message was processed and committed.
func (s *Service) Handle(ctx context.Context, m Message) error {
	_, err := s.Process(ctx, m)
	return err
}

// Process queues m on its conversation's lane, waits until it is processed and
// committed, and returns what it produced. Messages of one conversation are processed
// one at a time in the order they were queued; different conversations in parallel.
func (s *Service) Process(ctx context.Context, m Message) (Result, error) {
	if err := s.Validate(m); err != nil {
		s.metrics.channel(m.Channel).rejected.Inc()
		return Result{}, err
	}
	if m.Time.IsZero() {
		m.Time = s.opts.Now()
	}
	return s.submit(ctx, m.Key(), &job{ctx: ctx, msg: m, queued: time.Now()})
}

// submit runs j on key's lane and returns its result. When the lane is idle (the common
// case: one message at a time per conversation) j runs at once on the caller's
// goroutine, with no hand-over to another goroutine and back. Otherwise j is queued
// behind the lane's running job, and submit waits for its result or for ctx to end. A
// job whose context ended before it started is skipped; one already running completes
// and commits.
func (s *Service) submit(ctx context.Context, key string, j *job) (Result, error) {
	l, inline, err := s.enqueue(key, j)
	if err != nil {
		return Result{}, err
	}
	if inline {
		var r jobResult
		if r.err = j.ctx.Err(); r.err == nil {
			r.res, r.err = s.runJob(l, j)
		}
		s.release(l)
		return r.res, r.err
	}
	select {
	case r := <-j.done:
		return r.res, r.err
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// Do runs fn on a conversation's lane (in order with its messages), for adviser
// actions and other changes to a conversation. fn gets the conversation (loaded or
// new) and returns the turn to commit, or nil for none.
func (s *Service) Do(ctx context.Context, key, channel string, fn func(c Conversation) (*Turn, error)) (Result, error) {
	return s.submit(ctx, key, &job{ctx: ctx, fn: fn, key: key, channel: channel})
}

type job struct {
	queued  time.Time // when it was queued (latency includes the wait in its lane)
	ctx     context.Context
	msg     Message
	fn      func(c Conversation) (*Turn, error)
	key     string
	channel string
	done    chan jobResult // set when the job is queued behind another
}

type jobResult struct {
	res Result
	err error
}

// lane orders one conversation's jobs. At most one goroutine runs them at a time: the
// submitter of a job that found the lane idle, or a drainer started when jobs were
// queued behind it. An idle lane keeps the conversation's cached state until
// sweepLanes forgets it.
type lane struct {
	key     string
	queue   []*job
	running bool
	idle    time.Time     // when it last became idle
	conv    *Conversation // cached state; nil until loaded
}

// enqueue returns key's lane with j either queued on it or, when the lane was idle,
// marked running for the caller to run j itself (inline).
func (s *Service) enqueue(key string, j *job) (l *lane, inline bool, err error) {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	if s.closing {
		return nil, false, ErrClosed
	}
	l = s.lanes[key]
	if l == nil {
		l = &lane{key: key}
		s.lanes[key] = l
	}
	if !l.running {
		l.running = true
		s.lwg.Add(1)
		return l, true, nil
	}
	if len(l.queue) >= s.opts.MaxQueue {
		return nil, false, ErrBusy
	}
	j.done = make(chan jobResult, 1)
	l.queue = append(l.queue, j)
	return l, false, nil
}

// release ends a run of l's jobs: the lane becomes idle, or a drainer takes the jobs
// queued meanwhile.
func (s *Service) release(l *lane) {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	if len(l.queue) > 0 {
		go s.drain(l)
		return
	}
	l.running = false
	l.idle = time.Now()
	s.lwg.Done()
}

// drain runs l's queued jobs in order until none is left.
func (s *Service) drain(l *lane) {
	for {
		s.lmu.Lock()
		if len(l.queue) == 0 {
			l.running = false
			l.idle = time.Now()
			s.lwg.Done()
			s.lmu.Unlock()
			return
		}
		j := l.queue[0]
		l.queue[0] = nil
		l.queue = l.queue[1:]
		s.lmu.Unlock()
		if err := j.ctx.Err(); err != nil {
			j.done <- jobResult{err: err}
			continue
		}
		res, err := s.runJob(l, j)
		j.done <- jobResult{res: res, err: err}
	}
}

// sweepLanes forgets the lanes idle for IdleLane or longer (their cached state is read
// from the store when the conversation writes again).
func (s *Service) sweepLanes(now time.Time) {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	for k, l := range s.lanes {
		if !l.running && len(l.queue) == 0 && now.Sub(l.idle) >= s.opts.IdleLane {
			delete(s.lanes, k)
		}
	}
}

// laneSweepLoop runs sweepLanes every half IdleLane until Close.
func (s *Service) laneSweepLoop() {
	defer s.bg.Done()
	t := time.NewTicker(s.opts.IdleLane / 2)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-t.C:
			s.sweepLanes(now)
		}
	}
}

func (s *Service) loadConv(ctx context.Context, l *lane, channel string) (Conversation, error) {
	if l.conv != nil && !sharedByInstances(s.store) {
		return *l.conv, nil
	}
	c, ok, err := s.store.Conversation(ctx, l.key)
	if err != nil {
		return Conversation{}, err
	}
	if !ok {
		c = Conversation{Key: l.key, Channel: channel, State: StateBot, Version: c.Version}
	}
	l.conv = &c
	return c, nil
}

func (s *Service) runJobOnce(l *lane, j *job, attempt int) (Result, error) {
	// Once started, a job runs to its end: its writes must not stop half way.
	ctx := context.WithoutCancel(j.ctx)
	channel := j.msg.Channel
	if j.fn != nil {
		channel = j.channel
	}
	conv, err := s.loadConv(ctx, l, channel)
	if err != nil {
		s.metrics.channel(channel).failed.Inc()
		return Result{}, err
	}
	var turn *Turn
	if j.fn != nil {
		turn, err = j.fn(conv)
		if err != nil || turn == nil {
			return Result{State: conv.State}, err
		}
	} else {
		m := j.msg
		if m.ID != "" && checkDeliveredFirst(s.store, attempt) {
			d, ok, err := s.store.Delivered(ctx, m.Channel, m.ID)
			if err != nil {
				return Result{}, err
			}
			// A delivery id another conversation used (web chat ids are the client's)
			// is not this message's duplicate.
			if ok && d.Conversation == l.key {
				s.metrics.Duplicates.Inc()
				s.metrics.channel(m.Channel).duplicate.Inc()
				evs, err := s.store.EventsAfter(ctx, l.key, d.FirstSeq-1, int(d.LastSeq-d.FirstSeq+1))
				if err != nil {
					return Result{}, err
				}
				return Result{Events: evs, State: conv.State, Duplicate: true}, nil
			}
		}
		turn = s.turn(ctx, conv, m)
	}
	turn.Version = conv.Version
	if err := s.store.Commit(ctx, turn); err != nil {
		// The cached state may now be ahead of the database: reload next time.
		l.conv = nil
		if errors.Is(err, ErrConflict) {
			return Result{}, err // runJob reloads and runs it again
		}
		s.metrics.channel(channel).failed.Inc()
		s.log.Error("commit failed", "conversation", l.key, "err", err)
		return Result{}, err
	}
	if turn.Conversation != nil {
		if j.fn == nil {
			// s.turn made this Conversation for this turn alone (from a copy of the
			// lane's), and the store is done with it: the lane keeps it.
			l.conv = turn.Conversation
		} else {
			c := *turn.Conversation
			l.conv = &c
		}
		s.desk.track(l.key, l.conv)
	} else if turn.Erase {
		l.conv = nil
		s.desk.track(l.key, nil)
	}
	if l.conv != nil {
		l.conv.Version = turn.Version
	}
	res := Result{State: StateBot}
	if l.conv != nil {
		res.State = l.conv.State
	}
	kick := false
	if len(turn.Events) > 0 {
		res.Events = make([]transcripts.Event, 0, len(turn.Events))
	}
	for _, te := range turn.Events {
		res.Events = append(res.Events, te.Event)
		s.bus.Publish(te.Event)
		if te.Send {
			kick = true
		}
	}
	if kick {
		s.Kick()
	}
	if j.fn == nil {
		cm := s.metrics.channel(channel)
		cm.ok.Inc()
		cm.latency.Observe(time.Since(j.queued).Seconds())
	}
	return res, nil
}

// userText is what the transcript shows for an inbound message.
func userText(m Message) string {
	switch {
	case strings.TrimSpace(m.Text) != "":
		return m.Text
	case m.Button != "":
		return m.Button
	default:
		return "/" + m.Command
	}
}

// feedbackOf reads a yes/no answer to "was this helpful?".
func feedbackOf(m Message) string {
	t := strings.ToLower(strings.TrimSpace(m.Button + " " + m.Text))
	t = strings.Trim(t, " .!")
	for _, w := range []string{"no", "nope", "nah", "not really", "not helpful", "feedback_no", "helpful_no", "it wasn't", "it was not"} {
		if t == w || strings.HasPrefix(t, w+" ") || strings.HasSuffix(t, w) {
			return transcripts.FeedbackNo
		}
	}
	for _, w := range []string{"yes", "yeah", "yep", "yup", "it was", "helpful", "feedback_yes", "helpful_yes", "thanks", "thank you", "very"} {
		if strings.Contains(t, w) {
			return transcripts.FeedbackYes
		}
	}
	return ""
}

// turn decides what one message does. It runs the safeguarding gate first, in every
// conversation state.
func (s *Service) turn(ctx context.Context, conv Conversation, m Message) *Turn {
	t := &Turn{Key: m.Key(), Channel: m.Channel, DedupID: m.ID}
	flag := s.check(m.Text)
	user := transcripts.Event{Conversation: t.Key, Channel: m.Channel, Kind: transcripts.KindUser, Text: userText(m), Time: m.Time}
	if flag != nil {
		user.Safeguarding = true
		user.Intent = dialog.IntentSafeguarding
		s.metrics.Safeguarding.Inc()
		s.log.Warn("safeguarding flag", "conversation", t.Key, "category", flag.Category)
	}
	out := func(kind, text string) TurnEvent {
		return TurnEvent{
			Event: transcripts.Event{Conversation: t.Key, Channel: m.Channel, Kind: kind, Text: text, Time: s.opts.Now()},
			Send:  s.adapter(m.Channel) != nil,
			Msg:   Message{Channel: m.Channel, Conversation: m.Conversation, User: m.User, Text: text, Sender: kind},
		}
	}
	erase := func(text string) *Turn {
		t.Erase = true
		t.DedupID = ""
		if text == "" {
			text = TextDeleted
		}
		t.Events = []TurnEvent{out(transcripts.KindSystem, text)}
		fresh := Conversation{Key: t.Key, Channel: m.Channel, State: StateBot}
		t.Conversation = &fresh
		return t
	}
	if m.Command == "delete" {
		return erase("")
	}

	if conv.State != StateBot && flag == nil && s.wantsErasure(ctx, m.Text) {
		return erase("")
	}
	var notice []TurnEvent
	if conv.State == StateQueued && flag == nil && !conv.Flagged && s.opts.HandoffTimeout > 0 &&
		!conv.QueuedAt.IsZero() && s.opts.Now().Sub(conv.QueuedAt) > s.opts.HandoffTimeout {
		// The sweep had not run yet: the wait is over before this message is read.
		exp := &Turn{Key: t.Key, Channel: t.Channel}
		s.expireInto(exp, &conv)
		notice = exp.Events
	}
	if conv.State != StateBot {
		// An adviser has, or is about to have, the conversation: the engine stays quiet.
		return s.queuedTurn(t, conv, m, user, flag)
	}
	if flag == nil && (conv.Handoff.Offered || conv.Handoff.Leaving) {
		if lt := s.leaveMessageTurn(t, conv, m, user); lt != nil {
			return lt
		}
		conv.Handoff.Offered, conv.Handoff.Leaving = false, false
	}

	in := dialog.Input{Text: m.Text, Age: m.Age, Location: m.Location, Button: m.Button, Command: m.Command}
	reply, next, err := s.respond(ctx, conv.Dialog, in)
	if err != nil {
		s.log.Error("engine failed", "conversation", t.Key, "err", err)
		t.Events = append(t.Events, TurnEvent{Event: user})
		t.Events = append(t.Events, notice...)
		if flag != nil {
			return s.handoff(t, conv, out, true, TriggerSafeguarding)
		}
		t.Events = append(t.Events, out(transcripts.KindSystem, TextEngineError))
		return t
	}
	if reply.Intent == dialog.IntentDeleteData && flag == nil {
		return erase(reply.Text)
	}
	if flag == nil {
		user.Intent = reply.Intent
		user.Safeguarding = reply.Safeguarding
	}
	if reply.Intent == dialog.IntentFeedback {
		user.Feedback = reply.Feedback
		if user.Feedback == "" {
			user.Feedback = feedbackOf(m)
		}
	}
	t.Events = make([]TurnEvent, 0, 2+len(notice)) // the message, any notice, the reply
	t.Events = append(t.Events, TurnEvent{Event: user})
	t.Events = append(t.Events, notice...)
	botEv := out(transcripts.KindBot, reply.Text)
	botEv.Event.Intent = reply.Intent
	botEv.Event.Rule = reply.Rule
	botEv.Event.Sources = reply.Sources
	botEv.Event.Handoff = reply.Handoff
	botEv.Event.Safeguarding = reply.Safeguarding || flag != nil
	if len(reply.Buttons)+len(reply.Cards)+len(reply.Charts) > 0 {
		botEv.Event.Payload, _ = marshalPayload(&Payload{Buttons: reply.Buttons, Cards: reply.Cards, Charts: reply.Charts})
	}
	botEv.Msg.Buttons, botEv.Msg.Cards, botEv.Msg.Charts = reply.Buttons, reply.Cards, reply.Charts
	if reply.Text != "" || botEv.Event.Payload != nil {
		t.Events = append(t.Events, botEv)
	}
	if reply.Review && !reply.Safeguarding && flag == nil {
		// a tier-2 check-in: the conversation waits for an adviser's review
		t.Events = append(t.Events, s.reviewFlag(t.Key, m.Channel, reply.CheckIn))
		s.log.Info("flagged for review", "conversation", t.Key, "category", reply.CheckIn)
	}
	prev := conv.Dialog
	conv.Dialog = next
	if flag != nil || reply.Safeguarding || reply.Handoff {
		return s.handoff(t, conv, out, flag != nil && !reply.Safeguarding, trigger(prev, reply, flag != nil))
	}
	c := conv
	t.Conversation = &c
	return t
}

// understander is an engine that can read a message without answering it.
type understander interface {
	Understand(ctx context.Context, text string) dialog.Understanding
}

// wantsErasure says whether text asks to delete the person's data, so the request is
// honoured while an adviser holds the conversation too.
func (s *Service) wantsErasure(ctx context.Context, text string) (yes bool) {
	u, ok := s.engine.(understander)
	if !ok || strings.TrimSpace(text) == "" {
		return false
	}
	defer func() {
		if recover() != nil {
			yes = false
		}
	}()
	return u.Understand(ctx, text).Intent == dialog.IntentDeleteData
}

// respond calls the engine; a panic in it becomes an error, so one bad message cannot
// take the service down.
func (s *Service) respond(ctx context.Context, st dialog.State, in dialog.Input) (r dialog.Reply, next dialog.State, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("bot: engine panicked: %v", p)
		}
	}()
	return s.engine.Respond(ctx, st, in)
}

// handoff queues the conversation for an adviser. say adds the service's own
// safeguarding message (when the engine's reply did not handle it).
func (s *Service) handoff(t *Turn, conv Conversation, out func(kind, text string) TurnEvent, say bool, trig string) *Turn {
	if say {
		ev := out(transcripts.KindSystem, TextSafeguarding)
		ev.Event.Safeguarding = true
		ev.Event.Handoff = true
		t.Events = append(t.Events, ev)
	}
	return s.queueFor(t, conv, trig, trig == TriggerSafeguarding)
}

// Payload is the structured part of a reply stored with its transcript event.
type Payload struct {
	Buttons []dialog.Button `json:"buttons,omitempty"`
	Cards   []dialog.Card   `json:"cards,omitempty"`
	Charts  []dialog.Chart  `json:"charts,omitempty"`
}

// Join gives a conversation to an adviser (the admin API): a queued one is claimed
// (one winner; *ClaimedError for the others), one with the bot is taken over.
func (s *Service) Join(ctx context.Context, key, channel, adviser string) (Result, error) {
	res, err := s.Claim(ctx, key, adviser, adviser)
	if !errors.Is(err, ErrNotQueued) {
		return res, err
	}
	return s.Do(ctx, key, channel, func(c Conversation) (*Turn, error) {
		if c.State != StateBot {
			return nil, nil
		}
		t := &Turn{Key: key, Channel: channel}
		t.Events = []TurnEvent{s.action(key, channel, Action{Action: ActionClaimed, From: StateBot, To: StateWithAdviser, Adviser: adviser}, "taken over by "+adviser)}
		c.State, c.Adviser = StateWithAdviser, adviser
		c.Handoff.ClaimedAt = s.opts.Now()
		t.Conversation = &c
		return t, nil
	})
}

// Release gives the conversation back to the bot (the admin API: whoever holds it).
func (s *Service) Release(ctx context.Context, key, channel string) (Result, error) {
	res, err := s.ReleaseBy(ctx, key, "")
	if !errors.Is(err, ErrNotHolder) {
		return res, err
	}
	return s.Do(ctx, key, channel, func(c Conversation) (*Turn, error) {
		if c.State != StateQueued {
			return nil, nil
		}
		t := &Turn{Key: key, Channel: channel}
		t.Events = []TurnEvent{s.action(key, channel, Action{Action: ActionReleased, From: StateQueued, To: StateBot}, "released to the bot"),
			s.outbound(key, channel, transcripts.KindSystem, TextReleased)}
		c = backToBot(c)
		t.Conversation = &c
		return t, nil
	})
}

// AdviserSay sends an adviser's message into the conversation.
func (s *Service) AdviserSay(ctx context.Context, key, channel, text string) (Result, error) {
	if strings.TrimSpace(text) == "" {
		return Result{}, ErrEmpty
	}
	return s.Do(ctx, key, channel, func(c Conversation) (*Turn, error) {
		if c.State == StateQueued {
			c.State = StateWithAdviser
		}
		t := &Turn{Key: key, Channel: channel, Conversation: &c}
		t.Events = []TurnEvent{s.outbound(key, channel, transcripts.KindAdviser, text)}
		return t, nil
	})
}

func (s *Service) outbound(key, channel, kind, text string) TurnEvent {
	conversation := strings.TrimPrefix(key, channel+":")
	return TurnEvent{
		Event: transcripts.Event{Conversation: key, Channel: channel, Kind: kind, Text: text, Time: s.opts.Now()},
		Send:  s.adapter(channel) != nil,
		Msg:   Message{Channel: channel, Conversation: conversation, Text: text, Sender: kind},
	}
}

// Erase deletes a conversation's transcript, state and delivery records (the admin
// `careersbot transcripts erase`), in order with its messages.
func (s *Service) Erase(ctx context.Context, key string) error {
	channel, _, _ := strings.Cut(key, ":")
	_, err := s.Do(ctx, key, channel, func(c Conversation) (*Turn, error) {
		return &Turn{Key: key, Channel: channel, Erase: true}, nil
	})
	return err
}
