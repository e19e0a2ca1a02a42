package bot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/lmi"
	"github.com/careersbot/careersbot/transcripts"
)

// fakeClock is a settable clock for the queue's timeouts and office hours.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock(t time.Time) *fakeClock {
	c := &fakeClock{}
	c.ns.Store(t.UnixNano())
	return c
}
func (c *fakeClock) Now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) Add(d time.Duration) { c.ns.Add(int64(d)) }
func (c *fakeClock) Set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (h *harness) ctx() context.Context  { return context.Background() }
func (h *harness) conv(key string) Conversation {
	h.t.Helper()
	c, ok, err := h.store.Conversation(h.ctx(), key)
	if err != nil || !ok {
		h.t.Fatalf("conversation %s: %v %v", key, ok, err)
	}
	return c
}

// actions are the action names in a conversation's transcript, in order.
func (h *harness) actions(key string) []string {
	var out []string
	for _, e := range h.events(key) {
		if a, ok := ActionOf(e); ok {
			s := a.Action
			if a.Trigger != "" {
				s += "/" + a.Trigger
			}
			if a.Outcome != "" {
				s += "/" + a.Outcome
			}
			out = append(out, s)
		}
	}
	return out
}

var (
	realEngineOnce sync.Once
	realEngine     *dialog.Engine
	realEngineErr  error
)

func newRealHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	realEngineOnce.Do(func() {
		var st *lmi.Embedded
		if st, realEngineErr = lmi.LoadEmbedded(); realEngineErr == nil {
			realEngine, realEngineErr = dialog.New(st, dialog.Options{})
		}
	})
	if realEngineErr != nil {
		t.Fatal(realEngineErr)
	}
	if opts.Check == nil {
		opts.Check = dialog.CheckSafeguarding
	}
	h := &harness{t: t, path: filepath.Join(t.TempDir(), "careersbot.db"), opts: opts}
	st, err := OpenSQLiteStorage(context.Background(), h.path)
	if err != nil {
		t.Fatal(err)
	}
	h.store = st
	h.svc = New(st, realEngine, opts)
	h.svc.Start()
	t.Cleanup(h.close)
	return h
}

func (h *harness) send(conv string, m Message) Result {
	h.t.Helper()
	m.Channel, m.Conversation = "test", conv
	res, err := h.svc.Process(h.ctx(), m)
	if err != nil {
		h.t.Fatalf("Process(%+v): %v", m, err)
	}
	return res
}

// TestHandoffTriggers: every way in through the real dialogue engine, each recorded
// with its trigger.
func TestHandoffTriggers(t *testing.T) {
	h := newRealHarness(t, Options{})
	tests := []struct {
		name  string
		msgs  []Message
		want  string // the queued action's trigger
		first bool   // safeguarding: first in the queue
	}{
		{"words", []Message{{Text: "can I talk to a real person"}}, TriggerUser, false},
		{"command", []Message{{Command: "adviser"}}, TriggerUser, false},
		{"button", []Message{{Text: "what does a nurse do"}, {Button: "handoff"}}, TriggerUser, false},
		{"two misunderstandings, offer accepted", []Message{{Text: "zxqv blorp"}, {Text: "flibber wub"}, {Text: "yes please"}}, TriggerMisunderstood, false},
		{"safeguarding", []Message{{Text: "I want to kill myself"}}, TriggerSafeguarding, true},
	}
	for i, tc := range tests {
		conv := fmt.Sprintf("t%d", i)
		var last Result
		for _, m := range tc.msgs {
			last = h.send(conv, m)
		}
		if last.State != StateQueued {
			t.Errorf("%s: state %s, replies %q", tc.name, last.State, texts(last.Replies()))
			continue
		}
		got := h.actions("test:" + conv)
		if len(got) != 1 || got[0] != ActionQueued+"/"+tc.want {
			t.Errorf("%s: actions %q, want queued/%s", tc.name, got, tc.want)
		}
		if q := h.svc.Queue(); tc.first && (q[0].Key != "test:"+conv || !q[0].Priority) {
			t.Errorf("%s: not first in the queue: %+v", tc.name, q)
		}
	}
	// A two-misunderstanding offer that is declined hands nothing off.
	h.send("d", Message{Text: "zxqv blorp"})
	h.send("d", Message{Text: "flibber wub"})
	if r := h.send("d", Message{Text: "no thanks"}); r.State != StateBot {
		t.Errorf("declined offer: %s", r.State)
	}
}

func TestHandoffRuleTrigger(t *testing.T) {
	h := newHarness(t, Options{})
	// The fake engine's "I'm worried about you" reply is a rule's handoff with the
	// safeguarding mark; a plain rule handoff is any other intent with Handoff set.
	conv := Conversation{Key: "test:r", Channel: "test", State: StateBot}
	if got := trigger(conv.Dialog, dialog.Reply{Intent: dialog.IntentPay, Handoff: true}, false); got != TriggerRule {
		t.Errorf("rule handoff trigger %q", got)
	}
	h.say("r", "adviser")
	if got := h.actions("test:r"); len(got) != 1 || got[0] != "queued/user" {
		t.Errorf("actions %q", got)
	}
}

// TestQueueOrderPositionsAndTimeouts runs the queue on a fake clock.
func TestQueueOrderPositionsAndTimeouts(t *testing.T) {
	clock := newFakeClock(time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC))
	h := newHarness(t, Options{Now: clock.Now, HandoffTimeout: 30 * time.Minute,
		Handoff: HandoffOptions{SweepEvery: time.Hour}})
	ctx := h.ctx()
	h.svc.SetPresence(ctx, "ann", PresenceOnline)
	place := func(r Result) string {
		for _, e := range r.Replies() {
			if strings.Contains(e.Text, "number") || strings.Contains(e.Text, "first in line") {
				return e.Text
			}
		}
		return ""
	}
	for i := range 5 {
		r := h.say(fmt.Sprint("q", i), "adviser please")
		if want := fmt.Sprintf("You're number %d in the queue", i+1); !strings.Contains(place(r), want) {
			t.Errorf("q%d told %q, want %q", i, place(r), want)
		}
		clock.Add(time.Minute)
	}
	// Safeguarding goes to the front.
	r := h.say("urgent", "I want to hurt myself")
	if !strings.Contains(place(r), "first in line") {
		t.Errorf("flagged told %q", place(r))
	}
	var order []string
	for _, e := range h.svc.Queue() {
		order = append(order, fmt.Sprintf("%s#%d", strings.TrimPrefix(e.Key, "test:"), e.Position))
	}
	if got := strings.Join(order, " "); got != "urgent#1 q0#2 q1#3 q2#4 q3#5 q4#6" {
		t.Errorf("queue order %s", got)
	}
	// Claims move everyone up; q4 (told 5, now 3) hears about it, q3 (now 2) too.
	for _, k := range []string{"test:urgent", "test:q0", "test:q1"} {
		clock.Add(3 * time.Minute)
		if _, err := h.svc.Claim(ctx, k, "ann", "Ann"); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.svc.SweepHandoffs(ctx); err != nil {
		t.Fatal(err)
	}
	last := func(key string) string {
		evs := h.events(key)
		for i := len(evs) - 1; i >= 0; i-- {
			if evs[i].Kind == transcripts.KindSystem {
				return evs[i].Text
			}
		}
		return ""
	}
	if got := last("test:q2"); !strings.Contains(got, "You're next in the queue") {
		t.Errorf("q2 last told %q", got)
	}
	if got := last("test:q4"); !strings.Contains(got, "now number 3") {
		t.Errorf("q4 last told %q", got)
	}
	// A second sweep with no change says nothing new.
	n := len(h.events("test:q4"))
	h.svc.SweepHandoffs(ctx)
	if len(h.events("test:q4")) != n {
		t.Errorf("a sweep without change told q4 again")
	}
	// Cancel: "never mind" leaves the queue.
	r = h.say("q4", "never mind")
	if r.State != StateBot || !strings.Contains(r.Replies()[0].Text, "left the queue") {
		t.Errorf("cancel: %s %q", r.State, texts(r.Replies()))
	}
	// Timeout: q2 and q3 have waited over 30 minutes by now.
	clock.Add(25 * time.Minute)
	if err := h.svc.SweepHandoffs(ctx); err != nil {
		t.Fatal(err)
	}
	c := h.conv("test:q3")
	if c.State != StateBot || !c.Handoff.Offered {
		t.Errorf("q3 after timeout: %s offered=%v", c.State, c.Handoff.Offered)
	}
	if got := last("test:q3"); !strings.HasPrefix(got, "Sorry, no careers adviser was free in time") {
		t.Errorf("q3 told %q", got)
	}
	// Leave a message, then an adviser answers it.
	h.send("q3", Message{Button: ButtonLeaveMessage})
	r = h.say("q3", "please call me about apprenticeships")
	if c := h.conv("test:q3"); c.Handoff.Messages != 1 || !strings.Contains(r.Replies()[0].Text, "passed your message on") {
		t.Errorf("left message: %+v %q", c.Handoff, texts(r.Replies()))
	}
	if q := h.svc.Queue(); q[len(q)-1].Key != "test:q3" || q[len(q)-1].Messages != 1 {
		t.Errorf("left message not on the desk: %+v", q)
	}
	if _, err := h.svc.Claim(ctx, "test:q3", "ann", "Ann"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Reply(ctx, "test:q3", "ann", "Hi, I'm Ann. Let's talk apprenticeships."); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Resolve(ctx, "test:q3", "ann", "advice_given"); err != nil {
		t.Fatal(err)
	}
	want := "queued/user expired message_left claimed message_answered resolved/advice_given"
	if got := strings.Join(h.actions("test:q3"), " "); got != want {
		t.Errorf("q3 actions %s, want %s", got, want)
	}
	if c := h.conv("test:q3"); c.State != StateBot || c.Handoff.Messages != 0 {
		t.Errorf("q3 after resolve: %+v", c)
	}
	// Safeguarding never times out, and cannot be cancelled away.
	if _, err := h.svc.ReleaseBy(ctx, "test:urgent", "bob"); !errors.Is(err, ErrNotHolder) {
		t.Errorf("release by a non-holder: %v", err)
	}
	// The KPIs see it all: triggers, waits (3, 11 and 13 minutes), abandoned, expired,
	// outcomes, messages left and answered.
	st, err := h.store.Stats(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	hs := st.Handoffs
	if hs.ByTrigger[TriggerUser] != 5 || hs.ByTrigger[TriggerSafeguarding] != 1 || hs.Claimed != 3 ||
		hs.WaitP50MS != (11*time.Minute).Milliseconds() || hs.WaitP90MS != (13*time.Minute).Milliseconds() ||
		hs.Abandoned != 1 || hs.Expired != 2 || hs.ResolvedByOutcome["advice_given"] != 1 || hs.MessagesLeft != 1 || hs.MessagesAnswered != 1 {
		t.Errorf("handoff KPIs %+v", hs)
	}
}

func TestOfficeHoursAndPresence(t *testing.T) {
	hours, err := ParseOfficeHours("Europe/London", map[string]string{"mon": "09:00-17:00", "tue": "09:00-17:00",
		"wed": "09:00-12:30,13:30-17:00", "thu": "09:00-17:00", "fri": "09:00-16:00"}, []string{"2026-12-25"})
	if err != nil {
		t.Fatal(err)
	}
	lon, _ := time.LoadLocation("Europe/London")
	tests := []struct {
		at   time.Time
		open bool
		back string
	}{
		{time.Date(2026, 12, 2, 10, 0, 0, 0, lon), true, "today at 10:00"},
		{time.Date(2026, 12, 2, 12, 45, 0, 0, lon), false, "today at 13:30"},
		{time.Date(2026, 12, 4, 16, 30, 0, 0, lon), false, "on Monday at 09:00"},
		{time.Date(2026, 12, 24, 18, 0, 0, 0, lon), false, "on Monday at 09:00"}, // 25th a holiday, then the weekend
		{time.Date(2026, 3, 30, 8, 30, 0, 0, time.UTC), true, "today at 09:30"},  // BST: 09:30 in London
		{time.Date(2026, 12, 1, 6, 0, 0, 0, lon), false, "today at 09:00"},
	}
	for _, tc := range tests {
		if got := hours.Open(tc.at); got != tc.open {
			t.Errorf("Open(%v) = %v", tc.at, got)
		}
		if got := hours.BackText(tc.at); got != tc.back {
			t.Errorf("BackText(%v) = %q, want %q", tc.at, got, tc.back)
		}
	}
	for _, bad := range []map[string]string{{"mon": "9-5"}, {"funday": "09:00-10:00"}, {"tue": "17:00-09:00"}} {
		if _, err := ParseOfficeHours("", bad, nil); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
	if _, err := ParseOfficeHours("Mars/Olympus", nil, nil); err == nil {
		t.Error("bad zone: no error")
	}

	clock := newFakeClock(time.Date(2026, 12, 4, 18, 0, 0, 0, lon)) // Friday evening
	h := newHarness(t, Options{Now: clock.Now, Handoff: HandoffOptions{Hours: hours, SweepEvery: time.Hour}})
	ctx := h.ctx()
	r := h.say("o", "adviser please")
	if r.State != StateBot || !strings.Contains(texts(r.Replies())[1], "back on Monday at 09:00") {
		t.Errorf("out of hours: %s %q", r.State, texts(r.Replies()))
	}
	h.send("o", Message{Button: ButtonLeaveMessage})
	h.say("o", "can someone help me with my CV")
	if got := h.actions("test:o"); strings.Join(got, " ") != "out_of_hours/user message_left" {
		t.Errorf("actions %q", got)
	}
	if st, _ := h.store.Stats(ctx, time.Time{}); st.Handoffs.OutOfHours != 1 || st.Handoffs.MessagesLeftOutOfHours != 1 {
		t.Errorf("out-of-hours KPIs %+v", st.Handoffs)
	}
	// Safeguarding is queued out of hours too.
	if r := h.say("s", "I want to hurt myself"); r.State != StateQueued {
		t.Errorf("safeguarding out of hours: %s", r.State)
	}
	// In hours with nobody online: told at once.
	clock.Set(time.Date(2026, 12, 7, 10, 0, 0, 0, lon))
	r = h.say("n", "adviser please")
	if r.State != StateQueued || !strings.Contains(texts(r.Replies())[1], "No careers adviser is online right now") {
		t.Errorf("nobody online: %q", texts(r.Replies()))
	}
	// An adviser going offline hands their conversations back to the queue.
	h.svc.SetPresence(ctx, "ann", PresenceOnline)
	if _, err := h.svc.Claim(ctx, "test:n", "ann", "Ann"); err != nil {
		t.Fatal(err)
	}
	h.svc.SetPresence(ctx, "ann", PresenceAway)
	if c := h.conv("test:n"); c.State != StateWithAdviser {
		t.Errorf("away keeps the hold: %s", c.State)
	}
	if err := h.svc.SetPresence(ctx, "ann", PresenceOffline); err != nil {
		t.Fatal(err)
	}
	if c := h.conv("test:n"); c.State != StateQueued || c.Handoff.Trigger != TriggerAdviserOffline {
		t.Errorf("after going offline: %+v", c)
	}
	if err := h.svc.SetPresence(ctx, "ann", "busy"); err == nil {
		t.Error("bad presence: no error")
	}
}

// TestClaimRace: 1,000 trials of several advisers claiming one conversation at once;
// exactly one wins each time and the others are told who.
func TestClaimRace(t *testing.T) {
	trials := 1000
	if testing.Short() {
		trials = 100
	}
	h := newHarness(t, Options{})
	ctx := h.ctx()
	const advisers = 4
	losses := 0
	for i := range trials {
		key := fmt.Sprintf("test:race%d", i)
		h.say(fmt.Sprint("race", i), "adviser please")
		var wg sync.WaitGroup
		errs := make([]error, advisers)
		start := make(chan struct{})
		for a := range advisers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[a] = h.svc.Claim(ctx, key, fmt.Sprint("adv", a), "")
			}()
		}
		close(start)
		wg.Wait()
		winners := 0
		winner := h.conv(key).Adviser
		for a, err := range errs {
			var ce *ClaimedError
			switch {
			case err == nil:
				winners++
				if winner != fmt.Sprint("adv", a) {
					t.Fatalf("trial %d: adv%d won but %s holds it", i, a, winner)
				}
			case errors.As(err, &ce):
				losses++
				if ce.By != winner {
					t.Fatalf("trial %d: loser told %s, holder %s", i, ce.By, winner)
				}
			default:
				t.Fatalf("trial %d: %v", i, err)
			}
		}
		if winners != 1 {
			t.Fatalf("trial %d: %d winners", i, winners)
		}
		if n := strings.Count(strings.Join(h.actions(key), " "), "claimed"); n != 1 {
			t.Fatalf("trial %d: %d claimed events", i, n)
		}
	}
	t.Logf("%d trials x %d advisers: %d winners, %d losers told who won", trials, advisers, trials, losses)
}

// TestBotNeverAnswersWhileAdviserHolds: over random orders of user messages and
// adviser actions, no bot reply is ever produced while the conversation is queued or
// with an adviser, and the stored state always follows the state machine.
func TestBotNeverAnswersWhileAdviserHolds(t *testing.T) {
	clock := newFakeClock(time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC))
	h := newHarness(t, Options{Now: clock.Now, HandoffTimeout: 20 * time.Minute, Handoff: HandoffOptions{SweepEvery: time.Hour}})
	ctx := h.ctx()
	rng := rand.New(rand.NewPCG(8, 8))
	userTexts := []string{"hello", "adviser please", "how much", "what about electrician", "never mind", "I want to hurt myself", "yes", "are you there"}
	allowed := map[string][]string{
		StateBot:         {StateBot, StateQueued, StateWithAdviser},
		StateQueued:      {StateQueued, StateWithAdviser, StateBot},
		StateWithAdviser: {StateWithAdviser, StateQueued, StateBot},
	}
	for run := range 40 {
		key := fmt.Sprintf("test:p%d", run)
		state := StateBot
		for step := range 60 {
			before := state
			var res Result
			var err error
			switch k := rng.IntN(10); {
			case k < 5:
				res, err = h.svc.Process(ctx, Message{Channel: "test", Conversation: strings.TrimPrefix(key, "test:"), Text: userTexts[rng.IntN(len(userTexts))]})
			case k == 5:
				res, err = h.svc.Claim(ctx, key, fmt.Sprint("adv", rng.IntN(2)), "")
			case k == 6:
				res, err = h.svc.Reply(ctx, key, fmt.Sprint("adv", rng.IntN(2)), "hi from an adviser")
			case k == 7:
				res, err = h.svc.Transfer(ctx, key, fmt.Sprint("adv", rng.IntN(2)), "adv1")
			case k == 8:
				if rng.IntN(2) == 0 {
					res, err = h.svc.Resolve(ctx, key, fmt.Sprint("adv", rng.IntN(2)), "advice_given")
				} else {
					res, err = h.svc.ReleaseBy(ctx, key, fmt.Sprint("adv", rng.IntN(2)))
				}
			default:
				clock.Add(time.Duration(rng.IntN(15)) * time.Minute)
				err = h.svc.SweepHandoffs(ctx)
			}
			var ce *ClaimedError
			if err != nil && !errors.As(err, &ce) && !errors.Is(err, ErrNotHolder) && !errors.Is(err, ErrNotQueued) {
				t.Fatalf("run %d step %d: %v", run, step, err)
			}
			c, ok, _ := h.store.Conversation(ctx, key)
			if ok {
				state = c.State
			}
			if before != StateBot {
				for _, e := range res.Events {
					if e.Kind == transcripts.KindBot {
						t.Fatalf("run %d step %d: the bot answered %q while %s", run, step, e.Text, before)
					}
				}
			}
			if !contains(allowed[before], state) {
				t.Fatalf("run %d step %d: %s -> %s", run, step, before, state)
			}
			if state == StateWithAdviser && c.Adviser == "" || state != StateWithAdviser && c.Adviser != "" {
				t.Fatalf("run %d step %d: state %s adviser %q", run, step, state, c.Adviser)
			}
		}
		// The transcript agrees: no bot event between a queued and the next return to the bot.
		holding := false
		for _, e := range h.events(key) {
			if a, ok := ActionOf(e); ok {
				holding = a.To == StateQueued || a.To == StateWithAdviser
			}
			if holding && e.Kind == transcripts.KindBot {
				t.Fatalf("run %d: bot event %d %q while an adviser held the conversation", run, e.Seq, e.Text)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestDeliveryIDsAreNotSharedAcrossConversations: a client-chosen id another
// conversation used first does not swallow this conversation's message.
func TestDeliveryIDsAreNotSharedAcrossConversations(t *testing.T) {
	h := newHarness(t, Options{})
	a, err := h.svc.Process(h.ctx(), Message{ID: "m1", Channel: "test", Conversation: "a", Text: "hello"})
	if err != nil || a.Duplicate {
		t.Fatal(a, err)
	}
	b, err := h.svc.Process(h.ctx(), Message{ID: "m1", Channel: "test", Conversation: "b", Text: "what about electrician"})
	if err != nil || b.Duplicate || len(b.Replies()) != 1 || !strings.Contains(b.Replies()[0].Text, "Electricians") {
		t.Errorf("second conversation's message: %+v %v", b, err)
	}
	if again, _ := h.svc.Process(h.ctx(), Message{ID: "m1", Channel: "test", Conversation: "a", Text: "hello"}); !again.Duplicate {
		t.Error("the first conversation's retry is no longer a duplicate")
	}
}

func TestEraseForgetsEscalations(t *testing.T) {
	h := newHarness(t, Options{})
	ctx := h.ctx()
	h.say("e", "adviser please")
	if err := h.store.SaveEscalation(ctx, "slack:CADV", "test:e", "1700.1"); err != nil {
		t.Fatal(err)
	}
	if err := h.svc.Erase(ctx, "test:e"); err != nil {
		t.Fatal(err)
	}
	if m, err := h.store.Escalations(ctx, "slack:CADV"); err != nil || len(m) != 0 {
		t.Errorf("escalations after erasure: %v %v", m, err)
	}
	if h.svc.OnDesk("test:e") {
		t.Error("an erased conversation is still on the desk")
	}
}
