package bot

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/transcripts"
)

// fakeEngine is a small Responder: it remembers an occupation, answers "how much" from
// it, hands off on "adviser", erases on "delete my data" and otherwise echoes the turn.
type fakeEngine struct {
	calls atomic.Int64
	fail  atomic.Bool
	delay time.Duration
}

func (f *fakeEngine) Respond(ctx context.Context, st dialog.State, in dialog.Input) (dialog.Reply, dialog.State, error) {
	f.calls.Add(1)
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	if f.fail.Load() {
		return dialog.Reply{}, st, errors.New("engine broke")
	}
	if in.Text == "panic" {
		panic("boom")
	}
	st.Turns++
	text := strings.ToLower(in.Text)
	r := dialog.Reply{Intent: dialog.IntentUnknown, Depth: dialog.DepthTeen, Rule: "fake"}
	switch {
	case in.Command == "adviser" || strings.Contains(text, "adviser"):
		r.Intent, r.Handoff, r.Text = dialog.IntentHandoff, true, "I'll find you an adviser."
	case strings.Contains(text, "hurt myself"):
		r.Intent, r.Safeguarding, r.Handoff, r.Text = dialog.IntentSafeguarding, true, true, "I'm worried about you."
	case strings.Contains(text, "delete my data"):
		r.Intent, r.Text = dialog.IntentDeleteData, "Deleted."
	case strings.Contains(text, "electrician"):
		st.LastOccupations = []string{"5241"}
		r.Intent, r.Text = dialog.IntentDescribe, "Electricians fit and fix wiring."
		r.Buttons = []dialog.Button{{Label: "Pay", Value: "pay"}}
		r.Sources = []string{"soc2020"}
	case strings.Contains(text, "how much") || in.Button == "pay":
		if len(st.LastOccupations) == 0 {
			r.Text = "Which job?"
			break
		}
		r.Intent, r.Text = dialog.IntentPay, "Job "+st.LastOccupations[0]+" pays £35,000 (ONS ASHE 2025)."
		r.Sources = []string{"ashe2025p"}
		r.AskFeedback = true
	case text == "yes" || text == "no":
		r.Intent, r.Text = dialog.IntentFeedback, "Thanks for telling me."
	default:
		r.Text = fmt.Sprintf("turn %d: you said %s", st.Turns, in.Text)
	}
	return r, st, nil
}

func (f *fakeEngine) Understand(ctx context.Context, text string) dialog.Understanding {
	if strings.Contains(strings.ToLower(text), "delete my data") {
		return dialog.Understanding{Text: text, Intent: dialog.IntentDeleteData}
	}
	return dialog.Understanding{Text: text, Intent: dialog.IntentUnknown}
}

func testCheck(text string) *dialog.SafeguardingFlag {
	if strings.Contains(strings.ToLower(text), "hurt myself") {
		return &dialog.SafeguardingFlag{Category: "self_harm", Matched: "hurt myself"}
	}
	return nil
}

type harness struct {
	t      testing.TB
	path   string
	store  *SQLiteStorage
	svc    *Service
	engine *fakeEngine
	opts   Options
}

func newHarness(t testing.TB, opts Options) *harness {
	t.Helper()
	h := &harness{t: t, path: filepath.Join(t.TempDir(), "careersbot.db"), engine: &fakeEngine{}, opts: opts}
	h.open()
	t.Cleanup(h.close)
	return h
}

func (h *harness) open() {
	h.t.Helper()
	st, err := OpenSQLiteStorage(context.Background(), h.path)
	if err != nil {
		h.t.Fatal(err)
	}
	h.store = st
	o := h.opts
	if o.Check == nil {
		o.Check = testCheck
	}
	if o.RetryBase == 0 {
		o.RetryBase = 5 * time.Millisecond
		o.RetryMax = 20 * time.Millisecond
		o.PollEvery = 5 * time.Millisecond
	}
	h.svc = New(st, h.engine, o)
	h.svc.Start()
}

func (h *harness) close() {
	if h.svc == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.svc.Close(ctx); err != nil {
		h.t.Error(err)
	}
	h.store.Close()
	h.svc = nil
}

func (h *harness) say(conv, text string) Result {
	h.t.Helper()
	res, err := h.svc.Process(context.Background(), Message{Channel: "test", Conversation: conv, Text: text})
	if err != nil {
		h.t.Fatalf("Process(%q): %v", text, err)
	}
	return res
}

func (h *harness) events(key string) []transcripts.Event {
	h.t.Helper()
	evs, err := h.store.EventsAfter(context.Background(), key, 0, 0)
	if err != nil {
		h.t.Fatal(err)
	}
	return evs
}

func texts(evs []transcripts.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Kind+": "+e.Text)
	}
	return out
}

func TestFollowUpSurvivesRestart(t *testing.T) {
	h := newHarness(t, Options{})
	r := h.say("c1", "what does an electrician do?")
	if len(r.Events) != 2 || r.Events[1].Text != "Electricians fit and fix wiring." || r.State != StateBot {
		t.Fatalf("first turn: %v state %s", texts(r.Events), r.State)
	}
	h.close()
	h.open()
	r = h.say("c1", "how much do they earn?")
	if got := r.Replies()[0].Text; !strings.Contains(got, "5241") {
		t.Errorf("follow-up after restart: %q", got)
	}
	evs := h.events("test:c1")
	want := []string{"user: what does an electrician do?", "bot: Electricians fit and fix wiring.",
		"user: how much do they earn?", "bot: Job 5241 pays £35,000 (ONS ASHE 2025)."}
	if strings.Join(texts(evs), "|") != strings.Join(want, "|") {
		t.Errorf("transcript %v", texts(evs))
	}
	if evs[0].Intent != dialog.IntentDescribe || evs[3].Sources[0] != "ashe2025p" || evs[1].Payload == nil {
		t.Errorf("event details: %+v", evs)
	}
}

func TestConversationStates(t *testing.T) {
	h := newHarness(t, Options{})
	tests := []struct {
		do        func() Result
		wantState string
		want      []string // reply kinds and texts
	}{
		{func() Result { return h.say("s", "hello") }, StateBot, []string{"bot: turn 1: you said hello"}},
		{func() Result { return h.say("s", "can I talk to an adviser") }, StateQueued, []string{"bot: I'll find you an adviser.",
			"system: " + h.svc.placeText(1, 0)}},
		{func() Result { return h.say("s", "hello?") }, StateQueued, []string{"system: " + TextQueued + " You're number 1 in the queue."}},
		{func() Result { return h.say("s", "I want to hurt myself") }, StateQueued, []string{"system: " + TextSafeguarding}},
		{func() Result {
			r, err := h.svc.Join(context.Background(), "test:s", "test", "Ann")
			if err != nil {
				t.Fatal(err)
			}
			return r
		}, StateWithAdviser, []string{"system: You're now talking with Ann, a careers adviser."}},
		{func() Result { return h.say("s", "are you there") }, StateWithAdviser, nil},
		{func() Result {
			r, err := h.svc.AdviserSay(context.Background(), "test:s", "test", "Hi, I'm Ann, a careers adviser. Email me at ann@example.org")
			if err != nil {
				t.Fatal(err)
			}
			return r
		}, StateWithAdviser, []string{"adviser: Hi, I'm Ann, a careers adviser. Email me at [email]"}},
		{func() Result {
			r, err := h.svc.Release(context.Background(), "test:s", "test")
			if err != nil {
				t.Fatal(err)
			}
			return r
		}, StateBot, []string{"system: " + TextReleased}},
		{func() Result { return h.say("s", "back again") }, StateBot, []string{"bot: turn 3: you said back again"}},
	}
	before := h.engine.calls.Load()
	for i, tc := range tests {
		r := tc.do()
		if r.State != tc.wantState {
			t.Errorf("step %d: state %s, want %s", i, r.State, tc.wantState)
		}
		if got := texts(r.Replies()); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("step %d: replies %q, want %q", i, got, tc.want)
		}
	}
	if n := h.engine.calls.Load() - before; n != 3 {
		t.Errorf("engine called %d times, want 3 (not while queued or with an adviser)", n)
	}
	evs := h.events("test:s")
	flagged := 0
	for _, e := range evs {
		if e.Kind == transcripts.KindUser && e.Safeguarding {
			flagged++
		}
	}
	if flagged != 1 {
		t.Errorf("%d user events flagged, want 1", flagged)
	}
}

func TestSafeguardingGateRunsFirst(t *testing.T) {
	h := newHarness(t, Options{})
	// The engine fails, but the gate still flags and hands off.
	h.engine.fail.Store(true)
	r := h.say("g", "sometimes I want to hurt myself")
	if r.State != StateQueued {
		t.Errorf("state %s, want queued", r.State)
	}
	if got := texts(r.Replies()); len(got) != 2 || got[0] != "system: "+TextSafeguarding || !strings.Contains(got[1], "first in line") {
		t.Errorf("replies %q", got)
	}
	if !r.Events[0].Safeguarding {
		t.Error("user event not flagged")
	}
	h.engine.fail.Store(false)
	if r := h.say("p", "panic"); r.Replies()[0].Text != TextEngineError {
		t.Errorf("engine panic: %q", texts(r.Events))
	}
	h.engine.fail.Store(true)
	// An engine failure without a flag apologises and keeps the message.
	r = h.say("g2", "hello")
	if got := texts(r.Replies()); len(got) != 1 || got[0] != "system: "+TextEngineError || r.Events[0].Text != "hello" {
		t.Errorf("engine failure: %q", texts(r.Events))
	}
}

func TestDeleteMyData(t *testing.T) {
	h := newHarness(t, Options{})
	h.say("d", "my name is Sam and I like electricians")
	h.say("d", "hello")
	r := h.say("d", "please delete my data")
	if got := texts(r.Events); len(got) != 1 || got[0] != "system: Deleted." {
		t.Errorf("erase result %q", got)
	}
	evs := h.events("test:d")
	if len(evs) != 1 || evs[0].Kind != transcripts.KindSystem || evs[0].Seq != 5 {
		t.Errorf("after erase: %+v", evs)
	}
	r = h.say("d", "how much do they earn?")
	if r.Replies()[0].Text != "Which job?" {
		t.Errorf("state not erased: %q", r.Replies()[0].Text)
	}
	// Erasure works while waiting for an adviser too, by command or in words.
	h.say("w", "adviser please")
	if r := h.say("w", "delete my data please"); r.State != StateBot || len(h.events("test:w")) != 1 {
		t.Errorf("delete while queued: %+v, %d events", r, len(h.events("test:w")))
	}
	h.say("q", "adviser please")
	res, err := h.svc.Process(context.Background(), Message{Channel: "test", Conversation: "q", Command: "delete"})
	if err != nil || res.State != StateBot || len(h.events("test:q")) != 1 {
		t.Errorf("delete command: %+v %v", res, err)
	}
	// Admin erase.
	if err := h.svc.Erase(context.Background(), "test:d"); err != nil {
		t.Fatal(err)
	}
	if evs := h.events("test:d"); len(evs) != 0 {
		t.Errorf("admin erase left %v", texts(evs))
	}
}

func TestDedupByChannelAndID(t *testing.T) {
	h := newHarness(t, Options{})
	m := Message{ID: "upd-1", Channel: "test", Conversation: "x", Text: "hello"}
	r1, err := h.svc.Process(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	h.close()
	h.open() // durable across restarts
	r2, err := h.svc.Process(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if !r2.Duplicate || len(r2.Events) != 2 || r2.Events[1].Seq != r1.Events[1].Seq || r2.Events[1].Text != r1.Events[1].Text {
		t.Errorf("duplicate: %+v", r2)
	}
	// Same id on another channel is a different delivery.
	m.Channel = "other"
	r3, _ := h.svc.Process(context.Background(), m)
	if r3.Duplicate {
		t.Error("dedup crossed channels")
	}
	if n := len(h.events("test:x")); n != 2 {
		t.Errorf("%d events, want 2", n)
	}
	if h.engine.calls.Load() != 2 {
		t.Errorf("engine called %d times, want 2", h.engine.calls.Load())
	}
}

func TestValidate(t *testing.T) {
	h := newHarness(t, Options{MaxMessageBytes: 10})
	tests := []struct {
		m    Message
		want error
	}{
		{Message{Channel: "t", Conversation: "a", Text: "ok"}, nil},
		{Message{Channel: "t", Conversation: "a", Button: "pay"}, nil},
		{Message{Channel: "t", Conversation: "a", Command: "start"}, nil},
		{Message{Channel: "t", Conversation: "a", Text: "   "}, ErrEmpty},
		{Message{Channel: "t", Conversation: "a", Text: "01234567890"}, ErrTooLarge},
		{Message{Channel: "t", Conversation: "a", Text: "a\x00b"}, ErrBinary},
		{Message{Channel: "t", Conversation: "a", Text: "\xff\xfe"}, ErrBinary},
		{Message{Channel: "", Conversation: "a", Text: "x"}, ErrNoKey},
	}
	for i, tc := range tests {
		if err := h.svc.Validate(tc.m); !errors.Is(err, tc.want) {
			t.Errorf("%d: Validate = %v, want %v", i, err, tc.want)
		}
	}
}

// fakeAdapter records sends; fail decides each attempt's error.
type fakeAdapter struct {
	name string
	mu   sync.Mutex
	sent []Message
	try  map[string]int
	fail func(m Message, attempt int) error
}

func (a *fakeAdapter) Name() string                             { return a.name }
func (a *fakeAdapter) Run(ctx context.Context, h Handler) error { <-ctx.Done(); return nil }
func (a *fakeAdapter) sentTexts() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, m := range a.sent {
		out = append(out, fmt.Sprint(m.Seq, " ", m.Text))
	}
	return out
}
func (a *fakeAdapter) Send(ctx context.Context, m Message) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.try == nil {
		a.try = map[string]int{}
	}
	k := fmt.Sprint(m.Key(), "#", m.Seq)
	a.try[k]++
	if a.fail != nil {
		if err := a.fail(m, a.try[k]); err != nil {
			return err
		}
	}
	a.sent = append(a.sent, m)
	return nil
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestOutboxRetriesInOrderAndMarksPermanentFailures(t *testing.T) {
	h := newHarness(t, Options{})
	a := &fakeAdapter{name: "test", fail: func(m Message, attempt int) error {
		switch {
		case strings.Contains(m.Text, "turn 1:") && attempt < 3:
			return &SendError{Retry: true, Err: errors.New("429")}
		case strings.Contains(m.Text, "turn 2:") && attempt == 1:
			return &SendError{Retry: true, After: 30 * time.Millisecond, Err: errors.New("503")}
		case strings.Contains(m.Text, "never"):
			return errors.New("403 forbidden")
		}
		return nil
	}}
	h.svc.Register(a)
	h.say("o", "one")
	h.say("o", "two")
	h.say("o", "three")
	h.say("p", "never")
	waitFor(t, "3 deliveries", func() bool { return len(a.sentTexts()) == 3 })
	got := a.sentTexts()
	want := []string{"2 turn 1: you said one", "4 turn 2: you said two", "6 turn 3: you said three"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sent %q, want %q", got, want)
	}
	waitFor(t, "empty outbox", func() bool {
		n, _ := h.store.OutboxDepth(context.Background())
		return n == 0
	})
	var failed int
	h.store.ReadDB().QueryRow(`SELECT COUNT(*) FROM outbox WHERE status=2`).Scan(&failed)
	if failed != 1 {
		t.Errorf("%d failed rows, want 1", failed)
	}
}

func TestOutboxSurvivesRestart(t *testing.T) {
	h := newHarness(t, Options{})
	down := &fakeAdapter{name: "test", fail: func(Message, int) error {
		return &SendError{Retry: true, Err: errors.New("platform down")}
	}}
	h.svc.Register(down)
	h.say("r", "a")
	h.say("r", "b")
	h.close()
	h.open()
	// A restart without the adapter keeps the items; with it, they go out in order.
	if n, _ := h.store.OutboxDepth(context.Background()); n != 2 {
		t.Fatalf("outbox depth after restart %d, want 2", n)
	}
	up := &fakeAdapter{name: "test"}
	h.svc.Register(up)
	waitFor(t, "resend", func() bool { return len(up.sentTexts()) == 2 })
	if got := up.sentTexts(); got[0] != "2 turn 1: you said a" || got[1] != "4 turn 2: you said b" {
		t.Errorf("resent %q", got)
	}
}

func TestShutdownDrains(t *testing.T) {
	h := newHarness(t, Options{})
	h.engine.delay = 20 * time.Millisecond
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = h.svc.Process(context.Background(), Message{Channel: "test", Conversation: "z", Text: fmt.Sprint("m", i)})
		}()
	}
	time.Sleep(5 * time.Millisecond)
	h.close()
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !errors.Is(err, ErrClosed) {
			t.Errorf("unexpected error %v", err)
		}
	}
	h.open()
	if n := len(h.events("test:z")); n != 2*ok {
		t.Errorf("%d accepted messages but %d events", ok, n)
	}
}

func TestRetentionPrunes(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	h := newHarness(t, Options{Retention: time.Hour, Now: func() time.Time { return time.Unix(0, now.Load()) }})
	h.say("old", "hello")
	now.Add(int64(2 * time.Hour))
	h.say("new", "hello")
	h.svc.PruneNow(context.Background())
	if n := len(h.events("test:old")); n != 0 {
		t.Errorf("old conversation kept %d events", n)
	}
	if _, ok, _ := h.store.Conversation(context.Background(), "test:old"); ok {
		t.Error("old state kept")
	}
	if n := len(h.events("test:new")); n != 2 {
		t.Errorf("new conversation has %d events", n)
	}
}

func TestFeedbackRecorded(t *testing.T) {
	h := newHarness(t, Options{})
	h.say("f", "electrician")
	h.say("f", "how much")
	h.say("f", "yes")
	h.say("f2", "no")
	st, err := h.store.Stats(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if st.FeedbackYes != 1 || st.FeedbackNo != 1 {
		t.Errorf("feedback %d/%d", st.FeedbackYes, st.FeedbackNo)
	}
}

func TestBus(t *testing.T) {
	h := newHarness(t, Options{})
	one, cancel1 := h.svc.Bus().Subscribe("test:b", 8)
	all, cancel2 := h.svc.Bus().Subscribe("", 8)
	defer cancel2()
	h.say("b", "hi")
	h.say("other", "hi")
	cancel1()
	var got []int64
	for e := range one {
		got = append(got, e.Seq)
	}
	if len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("conversation subscriber got %v", got)
	}
	if len(all) != 4 {
		t.Errorf("wildcard subscriber got %d events, want 4", len(all))
	}
}

func BenchmarkServiceHandle(b *testing.B) {
	h := newHarness(b, Options{})
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		conv := fmt.Sprint("bench", n.Add(1))
		for pb.Next() {
			if err := h.svc.Handle(context.Background(), Message{Channel: "bench", Conversation: conv, Text: "what does an electrician do?"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func TestSlowChannelDoesNotHoldUpOthers(t *testing.T) {
	h := newHarness(t, Options{})
	release := make(chan struct{})
	slow := &fakeAdapter{name: "slow", fail: func(Message, int) error {
		<-release
		return nil
	}}
	fast := &fakeAdapter{name: "test"}
	h.svc.Register(slow)
	h.svc.Register(fast)
	if _, err := h.svc.Process(context.Background(), Message{Channel: "slow", Conversation: "s", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // the slow send has started
	h.say("f", "hi")
	waitFor(t, "fast delivery while the slow one hangs", func() bool { return len(fast.sentTexts()) == 1 })
	close(release)
	waitFor(t, "slow delivery", func() bool { return len(slow.sentTexts()) == 1 })
}

func TestHandoffTimeout(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	h := newHarness(t, Options{HandoffTimeout: 30 * time.Minute, Now: func() time.Time { return time.Unix(0, now.Load()) }})
	h.say("t", "adviser please")
	h.say("u", "I want to hurt myself")
	now.Add(int64(10 * time.Minute))
	if r := h.say("t", "hello?"); r.State != StateQueued || r.Replies()[0].Text != TextQueued+" You're number 2 in the queue." {
		t.Errorf("before the timeout: %s %q", r.State, texts(r.Replies()))
	}
	now.Add(int64(25 * time.Minute))
	r := h.say("t", "hello?")
	if got := texts(r.Replies()); r.State != StateBot || len(got) != 2 || !strings.HasPrefix(got[0], "system: Sorry, no careers adviser was free in time") || !strings.HasPrefix(got[1], "bot: ") {
		t.Errorf("after the timeout: %s %q", r.State, got)
	}
	// A safeguarding conversation waits for a person however long it takes.
	if r := h.say("u", "hello?"); r.State != StateQueued {
		t.Errorf("flagged conversation left the queue: %s %q", r.State, texts(r.Replies()))
	}
}

func TestOutboxDeliversEachMessageOnceInOrder(t *testing.T) {
	h := newHarness(t, Options{})
	var n atomic.Int64
	a := &fakeAdapter{name: "test", fail: func(m Message, attempt int) error {
		if n.Add(1)%3 == 0 { // every third attempt fails and is retried
			return &SendError{Retry: true, Err: errors.New("flaky platform")}
		}
		return nil
	}}
	h.svc.Register(a)
	const convs, each = 12, 5
	var wg sync.WaitGroup
	for c := range convs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				h.say(fmt.Sprint("c", c), fmt.Sprint("m", i))
			}
		}()
	}
	wg.Wait()
	waitFor(t, "every delivery", func() bool { return len(a.sentTexts()) >= convs*each })
	time.Sleep(50 * time.Millisecond) // a duplicate would show up now
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.sent) != convs*each {
		t.Fatalf("%d sends, want %d", len(a.sent), convs*each)
	}
	last := map[string]int64{}
	for _, m := range a.sent {
		if m.Seq <= last[m.Key()] {
			t.Errorf("%s: seq %d after %d", m.Key(), m.Seq, last[m.Key()])
		}
		last[m.Key()] = m.Seq
	}
}

// TestLaneQueuesBehindRunningJob: a message that finds its conversation busy waits
// behind the running one (a drainer runs the queue in order), one that finds it idle runs
// on the caller's goroutine; idle lanes are forgotten after IdleLane and the state is
// read back from the store.
func TestLaneQueuesBehindRunningJob(t *testing.T) {
	h := newHarness(t, Options{IdleLane: time.Hour})
	h.engine.delay = 20 * time.Millisecond
	const n = 6
	var wg sync.WaitGroup
	seqs := make([][]int64, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 2 * time.Millisecond) // queued in order behind the first
			r, err := h.svc.Process(context.Background(), Message{Channel: "test", Conversation: "q", Text: fmt.Sprint("m", i)})
			if err != nil {
				t.Error(err)
				return
			}
			for _, e := range r.Events {
				seqs[i] = append(seqs[i], e.Seq)
			}
		}()
	}
	wg.Wait()
	evs := h.events("test:q")
	if len(evs) != 2*n {
		t.Fatalf("%d events, want %d", len(evs), 2*n)
	}
	for i, e := range evs {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d", i, e.Seq)
		}
	}
	for i := range n {
		if len(seqs[i]) != 2 || seqs[i][1] != seqs[i][0]+1 {
			t.Errorf("message %d got events %v", i, seqs[i])
		}
	}
	h.engine.delay = 0
	h.svc.sweepLanes(time.Now()) // idle for less than IdleLane: kept
	h.svc.lmu.Lock()
	kept := h.svc.lanes["test:q"] != nil
	h.svc.lmu.Unlock()
	if !kept {
		t.Error("a lane idle for less than IdleLane was forgotten")
	}
	h.svc.sweepLanes(time.Now().Add(2 * time.Hour))
	h.svc.lmu.Lock()
	left := len(h.svc.lanes)
	h.svc.lmu.Unlock()
	if left != 0 {
		t.Errorf("%d lanes left after the sweep", left)
	}
	if r := h.say("q", "again"); len(r.Events) != 2 || r.Events[0].Seq != 2*n+1 {
		t.Errorf("after the sweep: %+v", r.Events)
	}
}
