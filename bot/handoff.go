package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/transcripts"
)

// The handoff state machine, one per conversation, enforced on its lane:
//
//	bot -> queued -> with_adviser -> resolved -> bot
//	queued -> cancelled | expired -> bot
//	with_adviser -> queued            (transfer, or the adviser went offline)
//	with_adviser -> bot               (released)
//
// resolved, cancelled and expired are outcomes written to the transcript; the
// conversation is back with the bot in the same committed turn. Every transition is one
// Turn: its action event (kind "action", who/what/when), the young person's message on
// their own channel, and the new state commit together.

// Handoff outcomes (Action.To) that hand the conversation back to the bot.
const (
	StateResolved  = "resolved"
	StateCancelled = "cancelled"
	StateExpired   = "expired"
)

// Handoff triggers (Action.Trigger).
const (
	TriggerUser           = "user"            // asked: words, /adviser, the button
	TriggerRule           = "rule"            // a rule's handoff action
	TriggerMisunderstood  = "misunderstood"   // accepted the offer after two misunderstandings
	TriggerSafeguarding   = "safeguarding"    // the gate or the engine flagged a risk
	TriggerTransfer       = "transfer"        // an adviser passed it on
	TriggerAdviserOffline = "adviser_offline" // the holding adviser went offline
)

// Action names (Action.Action, and the action event's Intent).
const (
	ActionQueued          = "queued"
	ActionClaimed         = "claimed"
	ActionTransferred     = "transferred"
	ActionRequeued        = "requeued"
	ActionReleased        = "released"
	ActionResolved        = "resolved"
	ActionCancelled       = "cancelled"
	ActionExpired         = "expired"
	ActionPriority        = "priority"
	ActionOutOfHours      = "out_of_hours"
	ActionMessageLeft     = "message_left"
	ActionMessageAnswered = "message_answered"
	ActionNote            = "note"
)

// Buttons the service offers while handing off.
const (
	ButtonCancelHandoff = "cancel_handoff"
	ButtonLeaveMessage  = "leave_message"
	ButtonNoMessage     = "no_message"
)

// Errors of adviser actions.
var (
	ErrNotQueued  = errors.New("bot: the conversation is not waiting for an adviser")
	ErrNotHolder  = errors.New("bot: another adviser holds this conversation, or none does")
	ErrBadOutcome = errors.New("bot: unknown outcome")
)

// ClaimedError is returned to the loser of a claim: who won.
type ClaimedError struct{ By string }

func (e *ClaimedError) Error() string { return "bot: already claimed by " + e.By }

// Action is the payload of a transcript event of kind "action": one handoff transition
// or adviser action, with who did it and why. Stats and export read it.
type Action struct {
	Action  string `json:"action"`
	From    string `json:"from,omitempty"`
	To      string `json:"to,omitempty"`
	Trigger string `json:"trigger,omitempty"`
	Adviser string `json:"adviser,omitempty"`
	// Target is the adviser a conversation was transferred to.
	Target  string `json:"target,omitempty"`
	Outcome string `json:"outcome,omitempty"`
	// WaitMS is how long the conversation had waited (claimed, cancelled, expired).
	WaitMS     int64 `json:"wait_ms,omitempty"`
	Priority   bool  `json:"priority,omitempty"`
	OutOfHours bool  `json:"out_of_hours,omitempty"`
	// Category is the safeguarding category of a review flag (bot/review.go).
	Category string `json:"category,omitempty"`
}

// ActionOf reads an action event's payload (ok false for other events).
func ActionOf(e transcripts.Event) (Action, bool) {
	if e.Kind != transcripts.KindAction || len(e.Payload) == 0 {
		return Action{}, false
	}
	var a Action
	if err := json.Unmarshal(e.Payload, &a); err != nil {
		return Action{}, false
	}
	return a, true
}

// HandoffInfo is the handoff part of a conversation's state.
type HandoffInfo struct {
	Trigger string `json:"trigger,omitempty"`
	// For is the adviser a transfer was meant for (anyone may still claim).
	For       string    `json:"for,omitempty"`
	ClaimedAt time.Time `json:"claimed_at,omitzero"`
	// ToldPosition and ToldWait are what the young person was last told.
	ToldPosition int           `json:"told_position,omitempty"`
	ToldWait     time.Duration `json:"told_wait,omitempty"`
	// Offered is set when leaving a message was offered; Leaving when the next message
	// is the one to leave.
	Offered bool `json:"offered,omitempty"`
	Leaving bool `json:"leaving,omitempty"`
	// Messages counts messages left for advisers and not yet answered.
	Messages int `json:"messages,omitempty"`
	// FromMessage is set when an adviser claimed the conversation to answer a left message.
	FromMessage bool `json:"from_message,omitempty"`
}

// HandoffOptions configure the queue.
type HandoffOptions struct {
	// Hours are the advisers' office hours (nil: always open).
	Hours *OfficeHours
	// Outcomes are the tags an adviser resolves with (default: DefaultOutcomes).
	Outcomes []string
	// DefaultWait estimates the wait before any was measured (default 5m).
	DefaultWait time.Duration
	// SweepEvery is how often queue timeouts and position updates run (default 15s).
	SweepEvery time.Duration
}

// DefaultOutcomes are the outcome tags when none are configured.
var DefaultOutcomes = []string{"advice_given", "referred", "follow_up", "no_response", "safeguarding_referral"}

// Presence values.
const (
	PresenceOnline  = "online"
	PresenceAway    = "away"
	PresenceOffline = "offline"
)

// desk is the service's view of every conversation with a human side: queued, held by
// an adviser, or with messages left. The conversations table is the truth; the desk is
// rebuilt from it at Start and updated after every commit.
type desk struct {
	mu       sync.Mutex
	open     map[string]Conversation
	waits    []time.Duration // recent claim waits, newest last
	presence map[string]string
	changed  chan struct{} // the queue changed: a sweep tells people their new place
	// remote is the presence of advisers on other instances (shared storage only,
	// bot/handoff_shared.go); kick asks for this instance's presence to be shared now.
	remote map[string]string
	kick   chan struct{}
}

func newDesk() *desk {
	return &desk{open: map[string]Conversation{}, presence: map[string]string{}, changed: make(chan struct{}, 1),
		remote: map[string]string{}, kick: make(chan struct{}, 1)}
}

func (d *desk) track(key string, c *Conversation) {
	d.mu.Lock()
	defer d.mu.Unlock()
	prev, had := d.open[key]
	changed := false
	if c == nil || (c.State == StateBot && c.Handoff.Messages == 0) {
		delete(d.open, key)
		changed = had && prev.State == StateQueued
	} else {
		changed = !had || prev.State != c.State || prev.Flagged != c.Flagged
		d.open[key] = *c
	}
	if changed {
		select {
		case d.changed <- struct{}{}:
		default:
		}
	}
}

func (d *desk) recordWait(w time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.waits = append(d.waits, w)
	if len(d.waits) > 50 {
		d.waits = d.waits[len(d.waits)-50:]
	}
}

// queueLess orders the queue: safeguarding first, then first come first served.
func queueLess(a, b Conversation) bool {
	if a.Flagged != b.Flagged {
		return a.Flagged
	}
	if !a.QueuedAt.Equal(b.QueuedAt) {
		return a.QueuedAt.Before(b.QueuedAt)
	}
	return a.Key < b.Key
}

// QueueEntry is one conversation on the advisers' desk.
type QueueEntry struct {
	Key      string        `json:"key"`
	Channel  string        `json:"channel"`
	State    string        `json:"state"`
	Adviser  string        `json:"adviser,omitempty"`
	Position int           `json:"position,omitempty"` // 1-based, queued only
	Priority bool          `json:"priority"`
	QueuedAt time.Time     `json:"queued_at,omitzero"`
	Wait     time.Duration `json:"wait_ns"`
	Trigger  string        `json:"trigger,omitempty"`
	For      string        `json:"for,omitempty"`
	Messages int           `json:"messages,omitempty"` // left out of hours, unanswered
}

// Queue returns the desk: queued conversations in queue order, then those held by
// advisers, then those with messages left.
func (s *Service) Queue() []QueueEntry {
	now := s.opts.Now()
	s.desk.mu.Lock()
	convs := make([]Conversation, 0, len(s.desk.open))
	for _, c := range s.desk.open {
		convs = append(convs, c)
	}
	s.desk.mu.Unlock()
	rank := map[string]int{StateQueued: 0, StateWithAdviser: 1, StateBot: 2}
	sort.Slice(convs, func(i, j int) bool {
		a, b := convs[i], convs[j]
		if rank[a.State] != rank[b.State] {
			return rank[a.State] < rank[b.State]
		}
		if a.State == StateQueued {
			return queueLess(a, b)
		}
		return a.Key < b.Key
	})
	out := make([]QueueEntry, 0, len(convs))
	pos := 0
	for _, c := range convs {
		e := QueueEntry{Key: c.Key, Channel: c.Channel, State: c.State, Adviser: c.Adviser, Priority: c.Flagged,
			QueuedAt: c.QueuedAt, Trigger: c.Handoff.Trigger, For: c.Handoff.For, Messages: c.Handoff.Messages}
		if c.State == StateQueued {
			pos++
			e.Position = pos
			e.Wait = now.Sub(c.QueuedAt)
		}
		out = append(out, e)
	}
	return out
}

// OnDesk says whether a conversation is queued, held by an adviser or has messages
// left for advisers.
func (s *Service) OnDesk(key string) bool {
	s.desk.mu.Lock()
	defer s.desk.mu.Unlock()
	_, ok := s.desk.open[key]
	return ok
}

// position is key's place in the queue (1-based) as if c were queued.
func (s *Service) position(c Conversation) int {
	s.desk.mu.Lock()
	defer s.desk.mu.Unlock()
	pos := 1
	for k, o := range s.desk.open {
		if k != c.Key && o.State == StateQueued && queueLess(o, c) {
			pos++
		}
	}
	return pos
}

// estimate is the expected wait at a place in the queue: the median of recent waits
// per place, spread over the advisers online.
func (s *Service) estimate(pos int) time.Duration {
	s.desk.mu.Lock()
	waits := slices.Clone(s.desk.waits)
	online := 0
	for _, p := range s.desk.allPresenceLocked() {
		if p == PresenceOnline {
			online++
		}
	}
	s.desk.mu.Unlock()
	per := s.hopts.DefaultWait
	if len(waits) > 0 {
		slices.Sort(waits)
		per = waits[len(waits)/2]
	}
	if per < time.Minute {
		per = time.Minute
	}
	return per * time.Duration(pos) / time.Duration(max(1, online))
}

func waitText(d time.Duration) string {
	m := int((d + 30*time.Second) / time.Minute)
	switch {
	case m <= 1:
		return "about a minute"
	case m < 60:
		return fmt.Sprintf("about %d minutes", m)
	case m < 120:
		return "about an hour"
	default:
		return fmt.Sprintf("about %d hours", m/60)
	}
}

// placeText tells the young person their place and wait.
func (s *Service) placeText(pos int, wait time.Duration) string {
	if s.onlineCount() == 0 {
		return fmt.Sprintf("No careers adviser is online right now, so you may wait a while. You're number %d in the queue and an adviser will reply here when one is free. "+
			`Say "never mind" to stop waiting.`, pos)
	}
	return fmt.Sprintf(`You're number %d in the queue for a careers adviser; the wait is %s. Say "never mind" to stop waiting.`, pos, waitText(wait))
}

func (s *Service) onlineCount() int {
	s.desk.mu.Lock()
	defer s.desk.mu.Unlock()
	n := 0
	for _, p := range s.desk.allPresenceLocked() {
		if p == PresenceOnline {
			n++
		}
	}
	return n
}

// SetPresence records an adviser's presence. Going offline hands the conversations
// they hold back to the queue.
func (s *Service) SetPresence(ctx context.Context, adviser, status string) error {
	switch status {
	case PresenceOnline, PresenceAway, PresenceOffline:
	default:
		return fmt.Errorf("bot: presence %q: want online, away or offline", status)
	}
	s.desk.mu.Lock()
	prev := s.desk.presence[adviser]
	if status == PresenceOffline {
		delete(s.desk.presence, adviser)
	} else {
		s.desk.presence[adviser] = status
	}
	var held []string
	if status == PresenceOffline && prev != "" && s.desk.remote[adviser] == "" { // not still on another instance
		for k, c := range s.desk.open {
			if c.State == StateWithAdviser && c.Adviser == adviser {
				held = append(held, k)
			}
		}
	}
	s.desk.mu.Unlock()
	s.desk.kickPresence()
	sort.Strings(held)
	var errs []error
	for _, key := range held {
		_, err := s.requeue(ctx, key, adviser, "", TriggerAdviserOffline)
		if err != nil && !errors.Is(err, ErrNotHolder) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Presence returns the advisers who are online or away (on any instance, with a
// storage shared by several).
func (s *Service) Presence() map[string]string {
	s.desk.mu.Lock()
	defer s.desk.mu.Unlock()
	return s.desk.allPresenceLocked()
}

// Outcomes are the tags an adviser may resolve with.
func (s *Service) Outcomes() []string { return slices.Clone(s.hopts.Outcomes) }

// handoffLister is a store that lists the conversations on the advisers' desk.
type handoffLister interface {
	HandoffConversations(ctx context.Context) ([]Conversation, error)
}

// loadDesk rebuilds the desk from the store (after a restart).
func (s *Service) loadDesk(ctx context.Context) error {
	hl, ok := s.store.(handoffLister)
	if !ok {
		return nil
	}
	convs, err := hl.HandoffConversations(ctx)
	if err != nil {
		return err
	}
	for i := range convs {
		s.desk.track(convs[i].Key, &convs[i])
	}
	return nil
}

// action builds an action event (not sent to the young person).
func (s *Service) action(key, channel string, a Action, text string) TurnEvent {
	b, _ := json.Marshal(a)
	return TurnEvent{Event: transcripts.Event{Conversation: key, Channel: channel, Kind: transcripts.KindAction,
		Text: text, Intent: a.Action, Payload: b, Time: s.opts.Now(), Handoff: a.Action == ActionQueued,
		Safeguarding: a.Priority && (a.Action == ActionQueued || a.Action == ActionPriority)}}
}

// say builds a system message to the young person on their own channel.
func (s *Service) say(key, channel, text string, buttons ...dialog.Button) TurnEvent {
	te := s.outbound(key, channel, transcripts.KindSystem, text)
	if len(buttons) > 0 {
		te.Event.Payload, _ = marshalPayload(&Payload{Buttons: buttons})
		te.Msg.Buttons = buttons
	}
	return te
}

var leaveButtons = []dialog.Button{{Label: "Leave a message", Value: ButtonLeaveMessage}, {Label: "No thanks", Value: ButtonNoMessage}}

// trigger says why a reply handed off.
func trigger(prev dialog.State, reply dialog.Reply, flagged bool) string {
	switch {
	case flagged || reply.Safeguarding:
		return TriggerSafeguarding
	case prev.Pending != nil && prev.Pending.Slot == "adviser_offer":
		return TriggerMisunderstood
	case reply.Intent == dialog.IntentHandoff:
		return TriggerUser
	default:
		return TriggerRule
	}
}

// queueFor moves a conversation from the bot to the queue (or, out of office hours and
// without a safeguarding flag, offers to leave a message). t already holds the user's
// message and the engine's reply.
func (s *Service) queueFor(t *Turn, conv Conversation, trig string, flagged bool) *Turn {
	now := s.opts.Now()
	key, channel := t.Key, t.Channel
	conv.Flagged = conv.Flagged || flagged
	if !flagged && !s.hopts.Hours.Open(now) {
		conv.Handoff.Offered, conv.Handoff.Leaving = true, false
		t.Events = append(t.Events,
			s.action(key, channel, Action{Action: ActionOutOfHours, From: StateBot, To: StateBot, Trigger: trig, OutOfHours: true},
				"asked for an adviser out of office hours"),
			s.say(key, channel, "Our careers advisers aren't working right now; they're back "+s.hopts.Hours.BackText(now)+
				". You can leave a message and an adviser will reply here when they're back, or carry on chatting with me.", leaveButtons...))
		c := conv
		t.Conversation = &c
		return t
	}
	conv.State, conv.QueuedAt, conv.Adviser = StateQueued, now, ""
	conv.Handoff = HandoffInfo{Trigger: trig, Messages: conv.Handoff.Messages}
	pos := s.position(conv)
	wait := s.estimate(pos)
	conv.Handoff.ToldPosition, conv.Handoff.ToldWait = pos, wait
	t.Events = append(t.Events, s.action(key, channel, Action{Action: ActionQueued, From: StateBot, To: StateQueued, Trigger: trig, Priority: conv.Flagged},
		fmt.Sprintf("queued for an adviser (%s), number %d", trig, pos)))
	if conv.Flagged {
		// The safeguarding message already said a person will see it; no cancel offer.
		t.Events = append(t.Events, s.say(key, channel, fmt.Sprintf("You're first in line for a careers adviser. %s", onlineNote(s.onlineCount()))))
	} else {
		t.Events = append(t.Events, s.say(key, channel, s.placeText(pos, wait), dialog.Button{Label: "Stop waiting", Value: ButtonCancelHandoff}))
	}
	s.metrics.Handoffs.Inc()
	c := conv
	t.Conversation = &c
	return t
}

func onlineNote(online int) string {
	if online == 0 {
		return "No adviser is online this minute; the first one back will see your message first."
	}
	return "An adviser will reply here as soon as they can."
}

// normalise lowercases text and keeps letters, digits and single spaces.
func normalise(text string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(text) {
		switch {
		case r == '\'' || r == '\u2019':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

var cancelPhrases = []string{"never mind", "nevermind", "nvm", "cancel", "stop waiting", "forget it", "dont worry", "dont bother",
	"i dont want an adviser", "i dont need an adviser", "no longer need", "changed my mind"}

// wantsCancel says whether a queued person asks to stop waiting: the button, /cancel,
// or a short message starting with a cancel phrase.
func wantsCancel(m Message) bool {
	if m.Button == ButtonCancelHandoff || m.Command == "cancel" {
		return true
	}
	t := normalise(m.Text)
	if t == "" || len(strings.Fields(t)) > 8 {
		return false
	}
	for _, p := range cancelPhrases {
		if t == p || strings.HasPrefix(t, p+" ") {
			return true
		}
	}
	return false
}

// queuedTurn handles a message while the conversation is queued or held by an adviser.
// The engine never runs; the safeguarding gate already did and can raise the priority.
func (s *Service) queuedTurn(t *Turn, conv Conversation, m Message, user transcripts.Event, flag *dialog.SafeguardingFlag) *Turn {
	key, channel := t.Key, t.Channel
	user.Intent = ""
	if flag != nil {
		user.Intent = dialog.IntentSafeguarding
	}
	t.Events = append(t.Events, TurnEvent{Event: user})
	switch {
	case flag != nil:
		t.Events = append(t.Events, s.say(key, channel, TextSafeguarding))
		t.Events[len(t.Events)-1].Event.Safeguarding = true
		if !conv.Flagged {
			conv.Flagged = true
			t.Events = append(t.Events, s.action(key, channel, Action{Action: ActionPriority, From: conv.State, To: conv.State,
				Trigger: TriggerSafeguarding, Priority: true}, "raised to safeguarding priority"))
		}
	case conv.State == StateQueued && wantsCancel(m) && !conv.Flagged:
		t.Events = append(t.Events,
			s.action(key, channel, Action{Action: ActionCancelled, From: StateQueued, To: StateCancelled,
				WaitMS: s.opts.Now().Sub(conv.QueuedAt).Milliseconds()}, "stopped waiting"),
			s.say(key, channel, "OK, you've left the queue. You're talking to careersbot again; ask for an adviser any time."))
		conv = backToBot(conv)
	case conv.State == StateQueued && wantsCancel(m):
		t.Events = append(t.Events, s.say(key, channel, "Because of what you told me, a careers adviser will still read this chat and reply here. "+
			"If you are in danger right now, call 999, or Childline free on 0800 1111."))
	case conv.State == StateQueued:
		pos := s.position(conv)
		t.Events = append(t.Events, s.say(key, channel, fmt.Sprintf("%s You're number %d in the queue.", TextQueued, pos)))
	}
	c := conv
	t.Conversation = &c
	return t
}

// leaveMessageTurn handles a message after leaving a message was offered. It returns
// nil when the message is an ordinary one for the bot.
func (s *Service) leaveMessageTurn(t *Turn, conv Conversation, m Message, user transcripts.Event) *Turn {
	key, channel := t.Key, t.Channel
	h := conv.Handoff
	switch {
	case h.Leaving && strings.TrimSpace(m.Text) != "" && m.Button == "":
		user.Intent = ActionMessageLeft
		conv.Handoff.Leaving, conv.Handoff.Offered = false, false
		conv.Handoff.Messages++
		t.Events = append(t.Events, TurnEvent{Event: user},
			s.action(key, channel, Action{Action: ActionMessageLeft, From: StateBot, To: StateBot, OutOfHours: !s.hopts.Hours.Open(s.opts.Now())},
				"left a message for the advisers"),
			s.say(key, channel, "Thanks, I've passed your message on. A careers adviser will reply here; meanwhile you can keep chatting with me."))
	case h.Offered && (m.Button == ButtonLeaveMessage || normalise(m.Text) == "leave a message"):
		conv.Handoff.Leaving = true
		user.Intent = ButtonLeaveMessage
		t.Events = append(t.Events, TurnEvent{Event: user}, s.say(key, channel, "Write your message for the careers advisers and send it. Please don't include your address or phone number."))
	case h.Offered && (m.Button == ButtonNoMessage || normalise(m.Text) == "no thanks"):
		conv.Handoff.Offered, conv.Handoff.Leaving = false, false
		user.Intent = ButtonNoMessage
		t.Events = append(t.Events, TurnEvent{Event: user}, s.say(key, channel, "No problem. What would you like to know about jobs or careers?"))
	default:
		return nil
	}
	c := conv
	t.Conversation = &c
	return t
}

// backToBot is a conversation handed back to the bot (messages left stay counted).
func backToBot(c Conversation) Conversation {
	c.State, c.Adviser, c.QueuedAt, c.Flagged = StateBot, "", time.Time{}, false
	c.Handoff = HandoffInfo{Messages: c.Handoff.Messages}
	c.Dialog.Fallbacks = 0
	c.Dialog.Pending = nil
	return c
}

// channelOf is the channel part of a conversation key.
func channelOf(key string) string {
	ch, _, _ := strings.Cut(key, ":")
	return ch
}

// Claim gives a queued conversation (or one with a message left) to an adviser. Of
// advisers claiming at once exactly one wins; the others get *ClaimedError naming them.
// display is how the young person is told the adviser's name.
func (s *Service) Claim(ctx context.Context, key, adviser, display string) (Result, error) {
	channel := channelOf(key)
	var lost error
	res, err := s.Do(ctx, key, channel, func(c Conversation) (*Turn, error) {
		switch {
		case c.State == StateWithAdviser && c.Adviser == adviser:
			return nil, nil
		case c.State == StateWithAdviser:
			lost = &ClaimedError{By: c.Adviser}
			return nil, nil
		case c.State == StateBot && c.Handoff.Messages == 0:
			return nil, ErrNotQueued
		}
		now := s.opts.Now()
		from := c.State
		t := &Turn{Key: key, Channel: channel}
		a := Action{Action: ActionClaimed, From: from, To: StateWithAdviser, Adviser: adviser, Priority: c.Flagged}
		if from == StateQueued {
			a.WaitMS = now.Sub(c.QueuedAt).Milliseconds()
			s.desk.recordWait(now.Sub(c.QueuedAt))
		} else {
			c.Handoff.FromMessage = true
		}
		c.State, c.Adviser = StateWithAdviser, adviser
		c.Handoff.ClaimedAt, c.Handoff.For = now, ""
		hello := "A careers adviser has joined the chat."
		if display != "" {
			hello = fmt.Sprintf("You're now talking with %s, a careers adviser.", display)
		}
		t.Events = []TurnEvent{s.action(key, channel, a, "claimed by "+adviser), s.say(key, channel, hello)}
		t.Conversation = &c
		return t, nil
	})
	if err == nil && lost != nil {
		return res, lost
	}
	return res, err
}

// heldBy runs fn on a conversation that adviser holds (admin "" skips the check).
func (s *Service) heldBy(ctx context.Context, key, adviser string, fn func(c Conversation, t *Turn) error) (Result, error) {
	channel := channelOf(key)
	return s.Do(ctx, key, channel, func(c Conversation) (*Turn, error) {
		if c.State != StateWithAdviser || (adviser != "" && c.Adviser != adviser) {
			return nil, ErrNotHolder
		}
		t := &Turn{Key: key, Channel: channel}
		if err := fn(c, t); err != nil {
			return nil, err
		}
		return t, nil
	})
}

// Reply sends the holding adviser's message to the young person on their own channel.
func (s *Service) Reply(ctx context.Context, key, adviser, text string) (Result, error) {
	if strings.TrimSpace(text) == "" {
		return Result{}, ErrEmpty
	}
	if len(text) > s.opts.MaxMessageBytes {
		return Result{}, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(text), s.opts.MaxMessageBytes)
	}
	return s.heldBy(ctx, key, adviser, func(c Conversation, t *Turn) error {
		ev := s.outbound(key, t.Channel, transcripts.KindAdviser, text)
		ev.Event.Rule = c.Adviser // who said it
		t.Events = append(t.Events, ev)
		if c.Handoff.FromMessage && c.Handoff.Messages > 0 {
			t.Events = append(t.Events, s.action(key, t.Channel, Action{Action: ActionMessageAnswered, From: c.State, To: c.State, Adviser: c.Adviser},
				fmt.Sprintf("%d left message(s) answered by %s", c.Handoff.Messages, c.Adviser)))
			c.Handoff.Messages, c.Handoff.FromMessage = 0, false
		}
		t.Conversation = &c
		return nil
	})
}

// Transfer passes a held conversation back to the queue, meant for another adviser.
func (s *Service) Transfer(ctx context.Context, key, adviser, to string) (Result, error) {
	return s.requeue(ctx, key, adviser, to, TriggerTransfer)
}

func (s *Service) requeue(ctx context.Context, key, adviser, to, trig string) (Result, error) {
	return s.heldBy(ctx, key, adviser, func(c Conversation, t *Turn) error {
		name := ActionTransferred
		text := "transferred by " + c.Adviser
		if to != "" {
			text += " to " + to
		}
		if trig == TriggerAdviserOffline {
			name, text = ActionRequeued, c.Adviser+" went offline; back in the queue"
		}
		from := c.Adviser
		c.State, c.Adviser, c.QueuedAt = StateQueued, "", s.opts.Now()
		c.Handoff.For, c.Handoff.Trigger = to, trig
		pos := s.position(c)
		wait := s.estimate(pos)
		c.Handoff.ToldPosition, c.Handoff.ToldWait = pos, wait
		t.Events = append(t.Events, s.action(key, t.Channel, Action{Action: name, From: StateWithAdviser, To: StateQueued, Trigger: trig,
			Adviser: from, Target: to, Priority: c.Flagged}, text),
			s.say(key, t.Channel, fmt.Sprintf("I'm passing you to another careers adviser; you're number %d in the queue (%s).", pos, waitText(wait))))
		t.Conversation = &c
		return nil
	})
}

// Release gives a held conversation back to the bot (adviser "" for the admin API).
func (s *Service) ReleaseBy(ctx context.Context, key, adviser string) (Result, error) {
	return s.heldBy(ctx, key, adviser, func(c Conversation, t *Turn) error {
		t.Events = append(t.Events, s.action(key, t.Channel, Action{Action: ActionReleased, From: StateWithAdviser, To: StateBot, Adviser: c.Adviser},
			"released to the bot by "+c.Adviser), s.say(key, t.Channel, TextReleased))
		c = backToBot(c)
		t.Conversation = &c
		return nil
	})
}

// Resolve closes a held conversation with an outcome tag; it goes back to the bot.
func (s *Service) Resolve(ctx context.Context, key, adviser, outcome string) (Result, error) {
	if !slices.Contains(s.hopts.Outcomes, outcome) {
		return Result{}, fmt.Errorf("%w %q (known: %s)", ErrBadOutcome, outcome, strings.Join(s.hopts.Outcomes, ", "))
	}
	return s.heldBy(ctx, key, adviser, func(c Conversation, t *Turn) error {
		t.Events = append(t.Events, s.action(key, t.Channel, Action{Action: ActionResolved, From: StateWithAdviser, To: StateResolved, Adviser: c.Adviser, Outcome: outcome},
			"resolved by "+c.Adviser+": "+outcome),
			s.say(key, t.Channel, "The careers adviser has closed this chat. You're talking to careersbot again; ask for an adviser any time."))
		c = backToBot(c)
		t.Conversation = &c
		return nil
	})
}

// Note adds a private note for advisers to a conversation (never sent to the young
// person; redacted like their text).
func (s *Service) Note(ctx context.Context, key, adviser, text string) (Result, error) {
	if strings.TrimSpace(text) == "" {
		return Result{}, ErrEmpty
	}
	channel := channelOf(key)
	return s.Do(ctx, key, channel, func(c Conversation) (*Turn, error) {
		return &Turn{Key: key, Channel: channel, Events: []TurnEvent{{Event: transcripts.Event{Conversation: key, Channel: channel,
			Kind: transcripts.KindNote, Text: text, Rule: adviser, Time: s.opts.Now()}}}}, nil
	})
}

// SweepHandoffs runs the queue's clock: conversations that waited longer than the
// handoff timeout (never safeguarding) go back to the bot with an apology and an offer
// to leave a message, and people whose place or wait improved meaningfully are told.
func (s *Service) SweepHandoffs(ctx context.Context) error {
	now := s.opts.Now()
	var errs []error
	if to := s.opts.HandoffTimeout; to > 0 {
		var due []string
		s.desk.mu.Lock()
		for k, c := range s.desk.open {
			if c.State == StateQueued && !c.Flagged && now.Sub(c.QueuedAt) > to {
				due = append(due, k)
			}
		}
		s.desk.mu.Unlock()
		sort.Strings(due)
		for _, key := range due {
			if _, err := s.expire(ctx, key); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, e := range s.Queue() {
		if e.State != StateQueued {
			continue
		}
		if _, err := s.tellPlace(ctx, e.Key); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *Service) expire(ctx context.Context, key string) (Result, error) {
	channel := channelOf(key)
	return s.Do(ctx, key, channel, func(c Conversation) (*Turn, error) {
		now := s.opts.Now()
		if c.State != StateQueued || c.Flagged || s.opts.HandoffTimeout <= 0 || now.Sub(c.QueuedAt) <= s.opts.HandoffTimeout {
			return nil, nil
		}
		t := &Turn{Key: key, Channel: channel}
		s.expireInto(t, &c)
		t.Conversation = &c
		return t, nil
	})
}

// expireInto adds the expiry transition to t and hands c back to the bot.
func (s *Service) expireInto(t *Turn, c *Conversation) {
	t.Events = append(t.Events,
		s.action(t.Key, t.Channel, Action{Action: ActionExpired, From: StateQueued, To: StateExpired, WaitMS: s.opts.Now().Sub(c.QueuedAt).Milliseconds()},
			"no adviser in time; back to the bot"),
		s.say(t.Key, t.Channel, "Sorry, no careers adviser was free in time, so you're back with careersbot. "+
			"You can leave a message and an adviser will reply here, or carry on chatting with me.", leaveButtons...))
	*c = backToBot(*c)
	c.Handoff.Offered = true
}

// meaningful says whether a new place is worth a message: closer to the front, and
// either near it or with a wait at least five minutes shorter than last said.
func meaningful(h HandoffInfo, pos int, wait time.Duration) bool {
	if h.ToldPosition == 0 || pos >= h.ToldPosition {
		return false
	}
	return pos <= 3 || h.ToldWait-wait >= 5*time.Minute
}

func (s *Service) tellPlace(ctx context.Context, key string) (Result, error) {
	channel := channelOf(key)
	return s.Do(ctx, key, channel, func(c Conversation) (*Turn, error) {
		if c.State != StateQueued {
			return nil, nil
		}
		pos := s.position(c)
		wait := s.estimate(pos)
		if !meaningful(c.Handoff, pos, wait) {
			return nil, nil
		}
		c.Handoff.ToldPosition, c.Handoff.ToldWait = pos, wait
		text := fmt.Sprintf("You're now number %d in the queue; the wait is %s.", pos, waitText(wait))
		if pos == 1 {
			text = fmt.Sprintf("You're next in the queue; the wait is %s.", waitText(wait))
		}
		return &Turn{Key: key, Channel: channel, Conversation: &c, Events: []TurnEvent{s.say(key, channel, text)}}, nil
	})
}

// handoffLoop sweeps the queue every SweepEvery and soon after it changes.
func (s *Service) handoffLoop() {
	defer s.bg.Done()
	tick := time.NewTicker(s.hopts.SweepEvery)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-tick.C:
		case <-s.desk.changed:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := s.SweepHandoffs(ctx); err != nil && !errors.Is(err, ErrClosed) {
			s.log.Warn("handoff sweep", "err", err)
		}
		cancel()
	}
}
