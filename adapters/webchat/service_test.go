package webchat_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/careersbot/careersbot/adapters/webchat"
	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/transcripts"
)

// memStore is an in-memory transcript: the History the adapter replays from.
type memStore struct {
	mu     sync.Mutex
	events map[string][]transcripts.Event
	// onEventsAfter, when set, runs inside EventsAfter after the result is taken.
	onEventsAfter func()
	fail          error
}

func newMemStore() *memStore { return &memStore{events: make(map[string][]transcripts.Event)} }

func (s *memStore) Append(_ context.Context, e transcripts.Event) (transcripts.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e.Seq = int64(len(s.events[e.Conversation]) + 1)
	if e.Time.IsZero() {
		e.Time = time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)
	}
	s.events[e.Conversation] = append(s.events[e.Conversation], e)
	return e, nil
}

func (s *memStore) EventsAfter(_ context.Context, conv string, after int64, limit int) ([]transcripts.Event, error) {
	s.mu.Lock()
	if s.fail != nil {
		s.mu.Unlock()
		return nil, s.fail
	}
	var out []transcripts.Event
	for _, e := range s.events[conv] {
		if e.Seq > after && (limit <= 0 || len(out) < limit) {
			out = append(out, e)
		}
	}
	hook := s.onEventsAfter
	s.mu.Unlock()
	if hook != nil {
		hook()
	}
	return out, nil
}

func (s *memStore) kinds(conv string, kind string) []transcripts.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []transcripts.Event
	for _, e := range s.events[conv] {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// fakeService stands in for the bot service: it deduplicates by Channel+ID like the
// real one, records the turn in the transcript and replies through the adapter's Send.
type fakeService struct {
	a     *webchat.Adapter
	store *memStore

	mu      sync.Mutex
	seen    map[string]bool
	calls   int
	failIDs map[string]int // id -> times to refuse before accepting
	failAll atomic.Bool    // refuse everything
	handled chan bot.Message
	// reply, when set, makes the answer; the default echoes.
	reply func(m bot.Message) bot.Message
}

func echo(m bot.Message) bot.Message {
	out := bot.Message{Text: "You said: " + m.Text, Buttons: []dialog.Button{{Label: "Tell me more", Value: "more"}}}
	if m.Button != "" {
		out = bot.Message{Text: "You pressed " + m.Button}
	}
	return out
}

func (f *fakeService) Handle(ctx context.Context, m bot.Message) error {
	f.mu.Lock()
	f.calls++
	if f.failAll.Load() {
		f.mu.Unlock()
		return errors.New("database unavailable")
	}
	if f.failIDs[m.ID] > 0 {
		f.failIDs[m.ID]--
		f.mu.Unlock()
		return errors.New("queue full")
	}
	if f.seen[m.Channel+"/"+m.ID] {
		f.mu.Unlock()
		return nil
	}
	f.seen[m.Channel+"/"+m.ID] = true
	f.mu.Unlock()

	key := m.Key()
	if _, err := f.store.Append(ctx, transcripts.Event{Conversation: key, Channel: m.Channel, Kind: transcripts.KindUser, Text: m.Text}); err != nil {
		return err
	}
	reply := echo
	if f.reply != nil {
		reply = f.reply
	}
	out := reply(m)
	p, _ := json.Marshal(map[string]any{"buttons": out.Buttons, "cards": out.Cards, "charts": out.Charts})
	ev, err := f.store.Append(ctx, transcripts.Event{Conversation: key, Channel: m.Channel, Kind: transcripts.KindBot, Text: out.Text, Payload: p})
	if err != nil {
		return err
	}
	out.Channel, out.Conversation, out.Sender, out.Seq = m.Channel, m.Conversation, "bot", ev.Seq
	if err := f.a.Send(ctx, out); err != nil {
		return err
	}
	if f.handled != nil {
		f.handled <- m
	}
	return nil
}

// rig is an adapter served by httptest with a fake service running it.
type rig struct {
	a     *webchat.Adapter
	svc   *fakeService
	store *memStore
	srv   *httptest.Server
	ws    string
	stop  context.CancelFunc
	done  chan error
}

func newRig(t testing.TB, opts webchat.Options) *rig {
	t.Helper()
	store := newMemStore()
	a, err := webchat.New(opts, store)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Mount(mux)
	srv := httptest.NewServer(mux)
	svc := &fakeService{a: a, store: store, seen: map[string]bool{}, failIDs: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	r := &rig{a: a, svc: svc, store: store, srv: srv, ws: webchattest.WSURL(srv.URL), stop: cancel, done: make(chan error, 1)}
	go func() { r.done <- a.Run(ctx, svc) }()
	// Wait until Run has taken the handler.
	for i := 0; i < 200; i++ {
		if probe(a) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	t.Cleanup(func() {
		cancel()
		<-r.done
		srv.Close()
	})
	return r
}

// probe reports whether Run has started.
func probe(a *webchat.Adapter) bool {
	return webchat.HasHandler(a)
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func dial(t testing.TB, r *rig) *webchattest.Client {
	t.Helper()
	c, _, err := webchattest.Dial(testCtx(t), r.ws, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Drop() })
	return c
}

func helloReady(t testing.TB, c *webchattest.Client, conv string, after int64) []webchattest.Frame {
	t.Helper()
	ctx := testCtx(t)
	if err := c.Hello(ctx, conv, after, 15); err != nil {
		t.Fatal(err)
	}
	_, frames, err := c.Until(ctx, func(f webchattest.Frame) bool { return f.Type == "ready" || f.Type == "error" })
	if err != nil {
		t.Fatal(err)
	}
	if last := frames[len(frames)-1]; last.Type != "ready" {
		t.Fatalf("hello refused: %+v", last)
	}
	return frames[:len(frames)-1]
}

func fmtFrames(fs []webchattest.Frame) string {
	s := ""
	for _, f := range fs {
		s += string(f.Raw) + "\n"
	}
	return s
}

func newServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
