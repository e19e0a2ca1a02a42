package webchat_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/careersbot/careersbot/adapters/webchat"
	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/transcripts"
)

const conv = "conv_ABCDEFGH-1234"

func TestAckReplyAndButtons(t *testing.T) {
	r := newRig(t, webchat.Options{})
	ctx := testCtx(t)
	c := dial(t, r)
	if err := c.Hello(ctx, conv, 0, 0); err != nil {
		t.Fatal(err)
	}
	if ready, err := c.Next(ctx); err != nil || ready.Type != "ready" || ready.Conversation != conv || ready.MaxBytes != 8192 || ready.LastSeq != 0 {
		t.Fatalf("ready frame %s, %v", ready.Raw, err)
	}
	c = dial(t, r)
	if got := helloReady(t, c, conv, 0); len(got) != 0 {
		t.Fatalf("new conversation replayed %d frames:\n%s", len(got), fmtFrames(got))
	}
	if err := c.Say(ctx, "m1", "what does an electrician do", ""); err != nil {
		t.Fatal(err)
	}
	_, frames, err := c.Until(ctx, func(f webchattest.Frame) bool { return f.Type == "ack" })
	if err != nil {
		t.Fatal(err)
	}
	types := []string{}
	for _, f := range frames {
		types = append(types, f.Type)
	}
	// typing first, the reply (sent from inside Handle), then the ack.
	if want := []string{"typing", "message", "ack"}; !slices.Equal(types, want) {
		t.Fatalf("frames %v, want %v:\n%s", types, want, fmtFrames(frames))
	}
	reply, ack := frames[1], frames[2]
	if ack.ID != "m1" {
		t.Errorf("ack id %q, want m1", ack.ID)
	}
	if reply.Seq != 2 || reply.Sender != "bot" || reply.Text != "You said: what does an electrician do" {
		t.Errorf("reply = %+v", reply)
	}
	if len(reply.Buttons) != 1 || reply.Buttons[0].Value != "more" || reply.Buttons[0].Label != "Tell me more" {
		t.Errorf("reply buttons = %+v", reply.Buttons)
	}
	// The service got a normalised message.
	users := r.store.kinds("webchat:"+conv, transcripts.KindUser)
	if len(users) != 1 || users[0].Channel != "webchat" {
		t.Fatalf("user events = %+v", users)
	}

	// Press the quick reply.
	if err := c.Say(ctx, "m2", "Tell me more", "more"); err != nil {
		t.Fatal(err)
	}
	f, _, err := c.Until(ctx, func(f webchattest.Frame) bool { return f.Type == "message" })
	if err != nil {
		t.Fatal(err)
	}
	if f.Text != "You pressed more" || f.Seq != 4 {
		t.Errorf("button reply = %+v", f)
	}
}

// recorder is a Handler that keeps what it got.
type recorder struct {
	mu   sync.Mutex
	msgs []bot.Message
}

func (h *recorder) Handle(_ context.Context, m bot.Message) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.msgs = append(h.msgs, m)
	return nil
}

func TestInboundMessageFields(t *testing.T) {
	store := newMemStore()
	a, err := webchat.New(webchat.Options{}, store)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Mount(mux)
	srv := newServer(t, mux)
	h := &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, h) }()
	t.Cleanup(func() { cancel(); <-done })
	for !webchat.HasHandler(a) {
		time.Sleep(time.Millisecond)
	}
	c, _, err := webchattest.Dial(testCtx(t), webchattest.WSURL(srv), "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Drop()
	helloReady(t, c, conv, 0) // hello says age 15
	tctx := testCtx(t)
	if err := c.Write(tctx, webchattest.Frame{Type: "message", ID: "b1", Button: "more"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Write(tctx, webchattest.Frame{Type: "message", ID: "t2", Text: "  hi  ", Age: 18}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Until(tctx, func(f webchattest.Frame) bool { return f.Type == "ack" && f.ID == "t2" }); err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.msgs) != 2 {
		t.Fatalf("handler got %d messages", len(h.msgs))
	}
	m := h.msgs[0]
	if m.ID != "b1" || m.Channel != "webchat" || m.Conversation != conv || m.Key() != "webchat:"+conv ||
		m.Button != "more" || m.Text != "more" || m.Age != 15 || m.Time.IsZero() {
		t.Errorf("button message = %+v", m)
	}
	if m := h.msgs[1]; m.Text != "hi" || m.Age != 18 || m.Button != "" {
		t.Errorf("text message = %+v", m)
	}
}

// TestResume drops the connection in different places and checks that the session ends
// with every bot message shown once and every message of the young person answered once.
func TestResume(t *testing.T) {
	tests := []struct {
		name string
		// run drives a session whose first turn ("one") was answered.
		run func(t *testing.T, r *rig, s *webchattest.Session)
	}{
		{"said while offline", func(t *testing.T, r *rig, s *webchattest.Session) {
			s.Drop()
			ctx := testCtx(t)
			if err := s.Say(ctx, "m2", "two", ""); err != nil { // queued: no connection
				t.Fatal(err)
			}
			if err := s.Connect(ctx); err != nil {
				t.Fatal(err)
			}
		}},
		{"dropped after the service took it, before the ack", func(t *testing.T, r *rig, s *webchattest.Session) {
			r.svc.handled = make(chan bot.Message, 1)
			ctx := testCtx(t)
			if err := s.Say(ctx, "m2", "two", ""); err != nil {
				t.Fatal(err)
			}
			<-r.svc.handled // reply sent to the old socket, never read
			r.svc.handled = nil
			s.Drop()
			if err := s.Connect(ctx); err != nil { // replays reply, resends m2
				t.Fatal(err)
			}
		}},
		{"adviser wrote while offline", func(t *testing.T, r *rig, s *webchattest.Session) {
			s.Drop()
			ctx := testCtx(t)
			ev, _ := r.store.Append(ctx, transcripts.Event{Conversation: "webchat:" + conv, Kind: transcripts.KindAdviser, Text: "Hello, I'm Sam, an adviser"})
			if err := r.a.Send(ctx, bot.Message{Channel: "webchat", Conversation: conv, Sender: "adviser", Text: ev.Text, Seq: ev.Seq}); err != nil {
				t.Fatalf("Send with nobody connected: %v", err)
			}
			if err := s.Say(ctx, "m2", "two", ""); err != nil {
				t.Fatal(err)
			}
			if err := s.Connect(ctx); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, webchat.Options{})
			s := &webchattest.Session{URL: r.ws, Conversation: conv}
			ctx := testCtx(t)
			if err := s.Connect(ctx); err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Say(ctx, "m1", "one", ""); err != nil {
				t.Fatal(err)
			}
			if err := s.Read(ctx, func(f webchattest.Frame) bool { return f.Type == "ack" }); err != nil {
				t.Fatal(err)
			}
			tt.run(t, r, s)
			if err := s.Read(ctx, func(f webchattest.Frame) bool { return f.Type == "ack" && f.ID == "m2" }); err != nil {
				t.Fatal(err)
			}
			if u := s.Unacked(); len(u) != 0 {
				t.Errorf("unacked after resume: %v", u)
			}
			if d := s.Duplicates(); d != 0 {
				t.Errorf("server sent %d duplicate seqs", d)
			}
			// Every stored bot and adviser event is shown exactly once, in seq order.
			var want, got []string
			for _, e := range r.store.events["webchat:"+conv] {
				if e.Kind != transcripts.KindUser {
					want = append(want, fmt.Sprint(e.Seq, " ", e.Text))
				}
			}
			var lastSeq int64
			for _, f := range s.Shown() {
				if f.Sender != "user" {
					got = append(got, fmt.Sprint(f.Seq, " ", f.Text))
				}
				if f.Seq <= lastSeq {
					t.Errorf("seq %d after %d", f.Seq, lastSeq)
				}
				lastSeq = f.Seq
			}
			if !slices.Equal(got, want) {
				t.Errorf("shown %q\nwant  %q", got, want)
			}
			// Each message answered once.
			for _, text := range []string{"You said: one", "You said: two"} {
				n := 0
				for _, e := range r.store.kinds("webchat:"+conv, transcripts.KindBot) {
					if e.Text == text {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%q answered %d times", text, n)
				}
			}
		})
	}
}

func TestHandleErrorThenResend(t *testing.T) {
	r := newRig(t, webchat.Options{})
	r.svc.failIDs["m1"] = 1
	ctx := testCtx(t)
	c := dial(t, r)
	helloReady(t, c, conv, 0)
	if err := c.Say(ctx, "m1", "hello", ""); err != nil {
		t.Fatal(err)
	}
	f, _, err := c.Until(ctx, func(f webchattest.Frame) bool { return f.Type == "error" || f.Type == "ack" })
	if err != nil {
		t.Fatal(err)
	}
	if f.Type != "error" || f.ID != "m1" || f.Code != webchat.CodeUnavailable {
		t.Fatalf("want an unavailable error for m1, got %+v", f)
	}
	if err := c.Say(ctx, "m1", "hello", ""); err != nil { // the widget resends with the same id
		t.Fatal(err)
	}
	if _, _, err := c.Until(ctx, func(f webchattest.Frame) bool { return f.Type == "ack" && f.ID == "m1" }); err != nil {
		t.Fatal(err)
	}
	if n := len(r.store.kinds("webchat:"+conv, transcripts.KindBot)); n != 1 {
		t.Errorf("%d replies, want 1", n)
	}
}

func TestTabsAllReceive(t *testing.T) {
	r := newRig(t, webchat.Options{})
	ctx := testCtx(t)
	tab1, tab2 := dial(t, r), dial(t, r)
	helloReady(t, tab1, conv, 0)
	helloReady(t, tab2, conv, 0)
	other := dial(t, r)
	helloReady(t, other, "someone_else_123", 0)
	if got := r.a.Connections(); got != 3 {
		t.Errorf("Connections() = %d, want 3", got)
	}
	if err := tab1.Say(ctx, "m1", "hi", ""); err != nil {
		t.Fatal(err)
	}
	// The other tab sees what was said, then the reply; the tab it was said in only the reply.
	for i, c := range []*webchattest.Client{tab1, tab2} {
		var msgs []string
		for len(msgs) < 2-(1-i) {
			f, _, err := c.Until(ctx, func(f webchattest.Frame) bool { return f.Type == "message" })
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, fmt.Sprintf("%s/%s/%d/%s", f.Sender, f.ID, f.Seq, f.Text))
		}
		want := [][]string{{"bot//2/You said: hi"}, {"user/m1/0/hi", "bot//2/You said: hi"}}[i]
		if !slices.Equal(msgs, want) {
			t.Errorf("tab %d got %q, want %q", i+1, msgs, want)
		}
	}
	// The other conversation gets nothing: its next frame is the pong to its ping.
	if err := other.Write(ctx, webchattest.Frame{Type: "ping"}); err != nil {
		t.Fatal(err)
	}
	if f, err := other.Next(ctx); err != nil || f.Type != "pong" {
		t.Errorf("other conversation got %+v, %v; want only a pong", f, err)
	}
}

func TestReplayRacesLiveSend(t *testing.T) {
	r := newRig(t, webchat.Options{})
	ctx := testCtx(t)
	key := "webchat:" + conv
	for _, text := range []string{"one", "two", "three"} {
		r.store.Append(ctx, transcripts.Event{Conversation: key, Kind: transcripts.KindBot, Text: text})
	}
	var wg sync.WaitGroup
	var once sync.Once
	r.store.onEventsAfter = func() {
		once.Do(func() {
			// While the replay is being written, the service sends seq 2 again and a new seq 4.
			ev, _ := r.store.Append(ctx, transcripts.Event{Conversation: key, Kind: transcripts.KindBot, Text: "four"})
			for _, m := range []bot.Message{{Conversation: conv, Text: "two", Seq: 2}, {Conversation: conv, Text: "four", Seq: ev.Seq}} {
				wg.Add(1)
				go func() { defer wg.Done(); r.a.Send(ctx, m) }()
			}
		})
	}
	c := dial(t, r)
	replayed := helloReady(t, c, conv, 0)
	wg.Wait()
	if err := c.Write(ctx, webchattest.Frame{Type: "ping"}); err != nil {
		t.Fatal(err)
	}
	_, after, err := c.Until(ctx, func(f webchattest.Frame) bool { return f.Type == "pong" })
	if err != nil {
		t.Fatal(err)
	}
	var seqs []int64
	for _, f := range append(replayed, after...) {
		if f.Type == "message" {
			seqs = append(seqs, f.Seq)
		}
	}
	if !slices.Equal(seqs, []int64{1, 2, 3, 4}) {
		t.Errorf("seqs %v, want [1 2 3 4] once each", seqs)
	}
}

func TestReplayCarriesPayloadAndSenders(t *testing.T) {
	r := newRig(t, webchat.Options{})
	ctx := testCtx(t)
	key := "webchat:" + conv
	p, _ := json.Marshal(map[string]any{
		"buttons": []dialog.Button{{Label: "Pay", Value: "pay"}},
		"cards":   []dialog.Card{{Title: "Electricians", Fields: []dialog.Field{{Label: "Pay", Value: "£35,000 (ONS ASHE 2024)"}}}},
		"charts":  []dialog.Chart{{Kind: "bar", Title: "Pay", Labels: []string{"a"}, Series: []dialog.Series{{Name: "x", Values: []float64{1}}}, AltText: "alt", Source: "ONS ASHE 2024"}},
	})
	r.store.Append(ctx, transcripts.Event{Conversation: key, Kind: transcripts.KindUser, Text: "electrician"})
	r.store.Append(ctx, transcripts.Event{Conversation: key, Kind: transcripts.KindBot, Text: "Electricians...", Payload: p})
	r.store.Append(ctx, transcripts.Event{Conversation: key, Kind: transcripts.KindBot, Text: "kept", Payload: []byte("{not json")})
	r.store.Append(ctx, transcripts.Event{Conversation: key, Kind: transcripts.KindSystem, Text: "An adviser will join"})
	c := dial(t, r)
	fs := helloReady(t, c, conv, 0)
	if len(fs) != 4 {
		t.Fatalf("replayed %d frames:\n%s", len(fs), fmtFrames(fs))
	}
	if fs[0].Sender != "user" || fs[3].Sender != "system" || fs[1].Sender != "bot" {
		t.Errorf("senders %q %q %q", fs[0].Sender, fs[1].Sender, fs[3].Sender)
	}
	b := fs[1]
	if len(b.Buttons) != 1 || len(b.Cards) != 1 || b.Cards[0].Fields[0].Value != "£35,000 (ONS ASHE 2024)" ||
		len(b.Charts) != 1 || b.Charts[0].Source != "ONS ASHE 2024" {
		t.Errorf("payload not replayed: %s", b.Raw)
	}
	if fs[2].Text != "kept" {
		t.Errorf("bad payload lost the text: %s", fs[2].Raw)
	}
	// Resume after seq 2 replays only 3 and 4.
	c2 := dial(t, r)
	if fs := helloReady(t, c2, conv, 2); len(fs) != 2 || fs[0].Seq != 3 {
		t.Errorf("resume after 2 replayed:\n%s", fmtFrames(fs))
	}
}

func TestHistoryFailureClosesForRetry(t *testing.T) {
	r := newRig(t, webchat.Options{})
	r.store.fail = errors.New("database is locked")
	ctx := testCtx(t)
	c := dial(t, r)
	if err := c.Hello(ctx, conv, 0, 0); err != nil {
		t.Fatal(err)
	}
	_, err := c.Next(ctx)
	if got := websocket.CloseStatus(err); got != websocket.StatusTryAgainLater {
		t.Errorf("close status %v (%v), want try again later", got, err)
	}
}

func TestBadFrames(t *testing.T) {
	tests := []struct {
		name   string
		hello  bool
		binary bool
		data   string
		code   string
	}{
		{"binary", true, true, `{"type":"ping"}`, webchat.CodeBinary},
		{"not utf-8", true, false, "{\"type\":\"message\",\"id\":\"x\",\"text\":\"\xff\xfe\"}", webchat.CodeNotUTF8},
		{"oversize", true, false, `{"type":"message","id":"x","text":"` + strings.Repeat("a", 600) + `"}`, webchat.CodeTooBig},
		{"not json", true, false, `hello`, webchat.CodeBadFrame},
		{"unknown type", true, false, `{"type":"shout"}`, webchat.CodeBadFrame},
		{"message before hello", false, false, `{"type":"message","id":"x","text":"hi"}`, webchat.CodeNoHello},
		{"short conversation id", false, false, `{"type":"hello","conversation":"abc"}`, webchat.CodeBadConversation},
		{"conversation id with slash", false, false, `{"type":"hello","conversation":"abcdefgh/ij"}`, webchat.CodeBadConversation},
		{"bad message id", true, false, `{"type":"message","id":"a b","text":"hi"}`, webchat.CodeBadID},
		{"empty message", true, false, `{"type":"message","id":"x","text":"   "}`, webchat.CodeEmpty},
		{"second hello", true, false, `{"type":"hello","conversation":"` + conv + `"}`, webchat.CodeBadFrame},
	}
	r := newRig(t, webchat.Options{MaxMessageBytes: 512})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testCtx(t)
			c := dial(t, r)
			if tt.hello {
				helloReady(t, c, conv, 0)
			}
			if err := c.WriteRaw(ctx, tt.binary, []byte(tt.data)); err != nil {
				t.Fatal(err)
			}
			f, err := c.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if f.Type != "error" || f.Code != tt.code || f.Message == "" {
				t.Errorf("got %s, want error %s", f.Raw, tt.code)
			}
			// The connection is kept.
			if err := c.Write(ctx, webchattest.Frame{Type: "ping"}); err != nil {
				t.Fatal(err)
			}
			if f, err := c.Next(ctx); err != nil || f.Type != "pong" {
				t.Errorf("after the error: %+v, %v; want pong", f, err)
			}
		})
	}
	t.Run("far over the limit closes", func(t *testing.T) {
		ctx := testCtx(t)
		c := dial(t, r)
		helloReady(t, c, conv, 0)
		_ = c.WriteRaw(ctx, false, []byte(strings.Repeat("a", 200<<10)))
		_, err := c.Next(ctx)
		if got := websocket.CloseStatus(err); got != websocket.StatusMessageTooBig {
			t.Errorf("close status %v (%v), want message too big", got, err)
		}
	})
}

func TestOrigins(t *testing.T) {
	tests := []struct {
		allowed []string
		origin  string // "SELF" = the test server's own origin
		ok      bool
	}{
		{nil, "", true},
		{nil, "SELF", true},
		{nil, "https://evil.example", false},
		{[]string{"https://careers.example.org"}, "https://careers.example.org", true},
		{[]string{"https://careers.example.org"}, "http://careers.example.org", false},
		{[]string{"https://careers.example.org"}, "https://careers.example.org.evil.example", false},
		{[]string{"*.example.org"}, "https://www.example.org", true},
		{[]string{"*.example.org"}, "https://example.org", false},
		{[]string{"https://careers.example.org"}, "SELF", true},
		{[]string{"*"}, "https://anywhere.example", true},
		{[]string{"https://a.example"}, "null", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.allowed, tt.origin), func(t *testing.T) {
			r := newRig(t, webchat.Options{AllowedOrigins: tt.allowed})
			origin := tt.origin
			if origin == "SELF" {
				origin = r.srv.URL
			}
			c, resp, err := webchattest.Dial(testCtx(t), r.ws, origin)
			if tt.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				c.Drop()
				return
			}
			if err == nil {
				c.Drop()
				t.Fatal("accepted")
			}
			if resp == nil || resp.StatusCode != http.StatusForbidden {
				t.Errorf("refusal response %v, want 403", resp)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	now := time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	r := newRig(t, webchat.Options{RatePerMinute: 2, Now: clock})
	ctx := testCtx(t)
	c := dial(t, r)
	helloReady(t, c, conv, 0)
	var codes []string
	for i := range 3 {
		c.Say(ctx, fmt.Sprint("m", i), "hi", "")
		f, _, err := c.Until(ctx, func(f webchattest.Frame) bool { return f.Type == "ack" || f.Type == "error" })
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, f.Type+f.Code)
	}
	if want := []string{"ack", "ack", "errorslow_down"}; !slices.Equal(codes, want) {
		t.Errorf("got %v, want %v", codes, want)
	}
	mu.Lock()
	now = now.Add(31 * time.Second) // one token back
	mu.Unlock()
	c.Say(ctx, "m2", "hi", "")
	if f, _, _ := c.Until(ctx, func(f webchattest.Frame) bool { return f.Type == "ack" || f.Type == "error" }); f.Type != "ack" {
		t.Errorf("after waiting: %s", f.Raw)
	}
}

func TestTooManyTabs(t *testing.T) {
	r := newRig(t, webchat.Options{MaxSocketsPerConversation: 2})
	helloReady(t, dial(t, r), conv, 0)
	helloReady(t, dial(t, r), conv, 0)
	ctx := testCtx(t)
	c := dial(t, r)
	c.Hello(ctx, conv, 0, 0)
	f, err := c.Next(ctx)
	if err != nil || f.Code != webchat.CodeTooMany {
		t.Errorf("third tab got %+v, %v", f, err)
	}
}

func TestRunEndClosesSockets(t *testing.T) {
	r := newRig(t, webchat.Options{})
	c := dial(t, r)
	helloReady(t, c, conv, 0)
	r.stop()
	_, err := c.Next(testCtx(t))
	if got := websocket.CloseStatus(err); got != websocket.StatusGoingAway {
		t.Errorf("close status %v (%v), want going away", got, err)
	}
	if err := <-r.done; err != nil {
		t.Errorf("Run returned %v", err)
	}
	r.done <- nil // for the cleanup
}

func TestSend(t *testing.T) {
	a, err := webchat.New(webchat.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := a.Send(ctx, bot.Message{Channel: "webchat", Conversation: conv, Text: "nobody here", Seq: 1}); err != nil {
		t.Errorf("Send with no socket: %v", err)
	}
	for _, m := range []bot.Message{
		{Channel: "webchat", Conversation: "short"},
		{Channel: "telegram", Conversation: conv},
	} {
		err := a.Send(ctx, m)
		var se *bot.SendError
		if !errors.As(err, &se) || se.Retry {
			t.Errorf("Send(%+v) = %v, want a permanent SendError", m, err)
		}
	}
	if a.Name() != "webchat" {
		t.Errorf("Name() = %q", a.Name())
	}
	if c := a.Capabilities(); !c.Buttons || !c.Cards || !c.Charts || c.Markdown {
		t.Errorf("Capabilities() = %+v", c)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, o := range []webchat.Options{
		{PrimaryColour: "red"},
		{PrimaryColour: "#12345"},
		{AllowedOrigins: []string{"https://x.example/path"}},
		{AllowedOrigins: []string{"ftp://x.example"}},
		{AllowedOrigins: []string{""}},
		{MaxMessageBytes: 10},
	} {
		if _, err := webchat.New(o, nil); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}

func TestMaxConnections(t *testing.T) {
	r := newRig(t, webchat.Options{MaxConnections: 2})
	ctx := testCtx(t)
	first := dial(t, r)
	dial(t, r)
	if _, resp, err := webchattest.Dial(ctx, r.ws, ""); err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("third connection: %v, %v; want 503", resp, err)
	}
	// A closed socket frees its place.
	first.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, _, err := webchattest.Dial(ctx, r.ws, "")
		if err == nil {
			c.Drop()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("place not freed: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestIdleTimeoutClosesSilentSockets(t *testing.T) {
	r := newRig(t, webchat.Options{IdleTimeout: 200 * time.Millisecond})
	ctx := testCtx(t)
	pinging, silent := dial(t, r), dial(t, r)
	helloReady(t, pinging, conv, 0)
	helloReady(t, silent, "silent_conversation", 0)
	// The pinging client outlives several timeouts.
	for range 5 {
		time.Sleep(100 * time.Millisecond)
		if err := pinging.Write(ctx, webchattest.Frame{Type: "ping"}); err != nil {
			t.Fatal(err)
		}
		if f, err := pinging.Next(ctx); err != nil || f.Type != "pong" {
			t.Fatalf("ping: %+v, %v", f, err)
		}
	}
	if _, err := silent.Next(ctx); err == nil {
		t.Fatal("silent socket still open")
	}
	if got := r.a.Connections(); got != 1 {
		t.Errorf("Connections() = %d after the silent one closed, want 1", got)
	}
}

// TestRedeliveryShownOnce: an outbox entry delivered again (an instance died after
// writing it and before marking it sent, so another delivers it too) reaches a socket
// once; a different seq after it is still written.
func TestRedeliveryShownOnce(t *testing.T) {
	r := newRig(t, webchat.Options{})
	ctx := testCtx(t)
	c := dial(t, r)
	helloReady(t, c, conv, 0)
	send := func(seq int64, text string) {
		t.Helper()
		if err := r.a.Send(ctx, bot.Message{Channel: webchat.ChannelName, Conversation: conv, Seq: seq, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	send(7, "the adviser's reply")
	send(7, "the adviser's reply")
	send(8, "and another")
	_, frames, err := c.Until(ctx, func(f webchattest.Frame) bool { return f.Type == "message" && f.Seq == 8 })
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range frames {
		if f.Type == "message" && f.Seq == 7 {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("seq 7 shown %d times, want once:\n%s", n, fmtFrames(frames))
	}
}
